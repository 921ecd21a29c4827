import LeadModel

/// A realistic fault a dirty row carries. Some survive normalisation (the row stays valid), others make
/// the row invalid with a known reason code: `expectedCode` says which, and the defects log records it.
enum GenDefect: String, CaseIterable {
    // Valid after normalisation.
    case phoneFormatted = "phone_formatted"
    case phoneExtension = "phone_extension"
    case phoneExcelExact = "phone_excel_exact"
    case zipPlus4 = "zip_plus4"
    case zipLostZero = "zip_lost_zero"
    case emailCaseSpaces = "email_case_spaces"
    case tcpaTimestampVariant = "tcpa_timestamp_variant"
    case verticalCase = "vertical_case"
    case verticalFieldsCoercible = "vertical_fields_coercible"
    case consentTextQuotesNewline = "consent_text_quotes_newline"
    case nameFormula = "name_formula"
    // Invalid.
    case phoneExcelMangled = "phone_excel_mangled"
    case phoneTollFree = "phone_toll_free"
    case phoneCanadian = "phone_canadian"
    case duplicateInBatch = "duplicate_in_batch"
    case missingFirstName = "missing_first_name"
    case missingEmail = "missing_email"
    case missingZip = "missing_zip"
    case emailInvalid = "email_invalid"
    case tcpaTextMissing = "tcpa_text_missing"
    case tcpaURLInvalid = "tcpa_url_invalid"
    case tcpaTimestampMissing = "tcpa_timestamp_missing"
    case tcpaTimestampUnparseable = "tcpa_timestamp_unparseable"
    case tcpaTimestampNoZone = "tcpa_timestamp_no_zone"
    case tcpaTimestampFuture = "tcpa_timestamp_future"
    case tcpaTimestampExpired = "tcpa_timestamp_expired"
    case verticalFieldInvalid = "vertical_field_invalid"
    case verticalUnknown = "vertical_unknown"

    /// The reason code the row gets with the default configuration (`repair_zip = true`, no
    /// `assume_timezone`, `tcpa_max_age_days = 90`), or `nil` when the row stays valid.
    var expectedCode: ReasonCode? {
        switch self {
        case .phoneFormatted, .phoneExtension, .phoneExcelExact, .zipPlus4, .zipLostZero, .emailCaseSpaces,
            .tcpaTimestampVariant, .verticalCase, .verticalFieldsCoercible, .consentTextQuotesNewline, .nameFormula:
            return nil
        case .phoneExcelMangled: return .phoneExcelMangled
        case .phoneTollFree: return .phoneInvalid
        case .phoneCanadian: return .phoneNotUS
        case .duplicateInBatch: return .duplicateInBatch
        case .missingFirstName, .missingEmail, .missingZip: return .missingField
        case .emailInvalid: return .emailInvalid
        case .tcpaTextMissing: return .tcpaTextMissing
        case .tcpaURLInvalid: return .tcpaURLInvalid
        case .tcpaTimestampMissing: return .tcpaTimestampMissing
        case .tcpaTimestampUnparseable, .tcpaTimestampNoZone: return .tcpaTimestampInvalid
        case .tcpaTimestampFuture: return .tcpaTimestampFuture
        case .tcpaTimestampExpired: return .tcpaConsentExpired
        case .verticalFieldInvalid: return .fieldInvalid
        case .verticalUnknown: return .verticalUnknown
        }
    }

    /// The part of the record a defect changes; a row's two defects never share one.
    private var slot: Int {
        switch self {
        case .phoneFormatted, .phoneExtension, .phoneExcelExact, .phoneExcelMangled, .phoneTollFree,
            .phoneCanadian, .duplicateInBatch:
            return 0
        case .zipPlus4, .zipLostZero, .missingZip: return 1
        case .emailCaseSpaces, .missingEmail, .emailInvalid: return 2
        case .nameFormula, .missingFirstName: return 3
        case .consentTextQuotesNewline, .tcpaTextMissing: return 4
        case .tcpaURLInvalid: return 5
        case .tcpaTimestampVariant, .tcpaTimestampMissing, .tcpaTimestampUnparseable, .tcpaTimestampNoZone,
            .tcpaTimestampFuture, .tcpaTimestampExpired:
            return 6
        case .verticalCase, .verticalFieldsCoercible, .verticalFieldInvalid, .verticalUnknown: return 7
        }
    }

    /// Defects that come alone: with a second fault the outcome would depend on the order of checks
    /// (an invalid row is not deduplicated; an unknown vertical has no vertical fields to check).
    var isExclusive: Bool { self == .duplicateInBatch || self == .verticalUnknown }

    func conflicts(with other: GenDefect) -> Bool {
        slot == other.slot || isExclusive || other.isExclusive
    }

    /// Debt's fields are free text the API takes as is, so they have nothing to coerce or break.
    func applies(to vertical: Vertical) -> Bool {
        switch self {
        case .verticalFieldsCoercible, .verticalFieldInvalid: return vertical != .debt
        default: return true
        }
    }
}
