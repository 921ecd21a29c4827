/// Stable reason codes of CONTRACT §6. Add, never rename.
package enum ReasonCode: String, CaseIterable, Sendable, Hashable, Codable {
    case missingField = "MISSING_FIELD"
    case verticalUnknown = "VERTICAL_UNKNOWN"
    case phoneInvalid = "PHONE_INVALID"
    case phoneNotUS = "PHONE_NOT_US"
    case phoneExcelMangled = "PHONE_EXCEL_MANGLED"
    case zipInvalid = "ZIP_INVALID"
    case emailInvalid = "EMAIL_INVALID"
    case nameInvalid = "NAME_INVALID"
    case fieldInvalid = "FIELD_INVALID"
    case tcpaTimestampMissing = "TCPA_TIMESTAMP_MISSING"
    case tcpaTimestampInvalid = "TCPA_TIMESTAMP_INVALID"
    case tcpaTimestampFuture = "TCPA_TIMESTAMP_FUTURE"
    case tcpaConsentExpired = "TCPA_CONSENT_EXPIRED"
    case tcpaTextMissing = "TCPA_TEXT_MISSING"
    case tcpaURLInvalid = "TCPA_URL_INVALID"
    case recordUnreadable = "RECORD_UNREADABLE"
    case duplicateInBatch = "DUPLICATE_IN_BATCH"
    case duplicateInLedger = "DUPLICATE_IN_LEDGER"
    case remoteRejected = "REMOTE_REJECTED"
    case remoteMalformed = "REMOTE_MALFORMED"
    case remoteTCPAInvalid = "REMOTE_TCPA_INVALID"
    case remoteClientError = "REMOTE_CLIENT_ERROR"
    case serverErrorExhausted = "SERVER_ERROR_EXHAUSTED"
    case rateLimitExhausted = "RATE_LIMIT_EXHAUSTED"
    case networkErrorExhausted = "NETWORK_ERROR_EXHAUSTED"
    case badResponse = "BAD_RESPONSE"
    case ambiguousHeld = "AMBIGUOUS_HELD"
    case authFailed = "AUTH_FAILED"
    case notSubmitted = "NOT_SUBMITTED"
    /// The API answered "duplicate" to a retry of a lead whose earlier attempt may have reached it (and
    /// been accepted): `unknown`, not `rejected`.
    case ambiguousDuplicate = "AMBIGUOUS_DUPLICATE"
    /// Never sent: the claimed file was changed while its batch was being processed, which stopped the
    /// batch (`failed`; `leadspool retry` sends it from the archived content).
    case batchChanged = "BATCH_CHANGED"
}

/// One problem of a record: a code, the field it concerns, the offending value, and human text.
///
/// `text` is what reports show, e.g. `phone "+44 20 7946 0958" is not a US number`.
package struct Problem: Sendable, Hashable {
    package var code: ReasonCode
    /// The canonical field name (`phone`, `vehicle_year`, ...), or `nil` for record-level problems.
    package var field: String?
    /// The offending value as read (may be empty for a missing field).
    package var value: String?
    /// Human text naming the field and the value.
    package var text: String

    package init(_ code: ReasonCode, field: String?, value: String?, text: String) {
        self.code = code
        self.field = field
        self.value = value
        self.text = text
    }
}

extension Array where Element == Problem {
    /// The code of problem `i`, read in place: from another module, `problems[i].code` calls the array's
    /// subscript getter, which copies the whole problem (a retain and release of each of its strings).
    package func code(at i: Int) -> ReasonCode {
        withUnsafeBufferPointer { $0[i].code }
    }
}
