import LeadModel

// Dense indexes and static texts for the per-row work. Exhaustive switches (rather than hashing the
// enums, whose synthesised `Hashable` goes through the raw `String`) keep counting a row to an array
// increment; adding a case fails to compile here until it is given a slot.

extension Outcome {
    /// Outcomes listed in the "rows needing attention" table of the HTML summary.
    @inline(__always)
    var needsAttention: Bool {
        switch self {
        case .invalid, .failed, .unknown: return true
        case .valid, .accepted, .rejected, .duplicate, .pending: return false
        }
    }

    /// The raw value as a static string, so rows copy it without going through `String`.
    @inline(__always)
    var staticText: StaticString {
        switch self {
        case .valid: return "valid"
        case .accepted: return "accepted"
        case .rejected: return "rejected"
        case .invalid: return "invalid"
        case .duplicate: return "duplicate"
        case .failed: return "failed"
        case .unknown: return "unknown"
        case .pending: return "pending"
        }
    }
}

extension ReasonCode {
    static let ordered: [ReasonCode] = allCases

    @inline(__always)
    var slot: Int {
        switch self {
        case .missingField: return 0
        case .verticalUnknown: return 1
        case .phoneInvalid: return 2
        case .phoneNotUS: return 3
        case .phoneExcelMangled: return 4
        case .zipInvalid: return 5
        case .emailInvalid: return 6
        case .nameInvalid: return 7
        case .fieldInvalid: return 8
        case .tcpaTimestampMissing: return 9
        case .tcpaTimestampInvalid: return 10
        case .tcpaTimestampFuture: return 11
        case .tcpaConsentExpired: return 12
        case .tcpaTextMissing: return 13
        case .tcpaURLInvalid: return 14
        case .recordUnreadable: return 15
        case .duplicateInBatch: return 16
        case .duplicateInLedger: return 17
        case .remoteRejected: return 18
        case .remoteMalformed: return 19
        case .remoteTCPAInvalid: return 20
        case .remoteClientError: return 21
        case .serverErrorExhausted: return 22
        case .rateLimitExhausted: return 23
        case .networkErrorExhausted: return 24
        case .badResponse: return 25
        case .ambiguousHeld: return 26
        case .authFailed: return 27
        case .notSubmitted: return 28
        case .ambiguousDuplicate: return 29
        case .batchChanged: return 30
        }
    }
}
