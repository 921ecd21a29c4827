import Ingest
import LeadModel

extension ProblemText {
    /// What a row's problem asks of a publisher, after what was found: the value expected, with an example,
    /// and the fix in a spreadsheet user's terms. It reads `. Expected <what>, e.g. <example>. Fix: <fix>`.
    struct Advice: Sendable {
        var expected: String
        var example: String
        var fix: String

        var text: String { ". Expected \(expected), e.g. \(example). Fix: \(fix)" }

        /// The same expectation with another fix.
        func fixing(_ fix: String) -> Advice { Advice(expected: expected, example: example, fix: fix) }
    }

    /// What a field holds when it is right, for every field a problem can name.
    static func expectation(_ field: CanonicalField) -> (expected: String, example: String) {
        switch field {
        case .vertical: ("one of insurance, mortgage, solar or debt", "insurance")
        case .firstName: ("the person's first name in letters", "Maria")
        case .lastName: ("the person's last name in letters", "Garcia")
        case .email: ("an email address with a dot in the part after the @", "maria.garcia@example.com")
        case .phone: ("a 10-digit US phone number with its area code", "(813) 247-2001")
        case .zip: ("a 5-digit US ZIP code", "33601")
        case .tcpaTimestamp:
            (
                "the time the person gave consent, with its time zone",
                "2026-11-05T14:03:00-05:00 (or 11/5/2026 2:03 PM with the publisher's timezone set)"
            )
        case .tcpaText:
            ("the consent wording the person agreed to", "\"By submitting this form, I agree to be contacted.\"")
        case .tcpaURL: ("the full address of the page where consent was given", "https://quotes.example.com/auto")
        case .vehicleYear: ("the vehicle's model year as a whole number", "2021")
        case .homeowner: ("yes or no", "yes")
        case .loanAmount: ("an amount greater than 0", "250000 or $250,000")
        case .monthlyElectricBill: ("an amount greater than 0", "180 or $180.50")
        case .coverageType: ("text naming the coverage", "auto")
        case .loanPurpose: ("text naming the loan's purpose", "refinance")
        case .creditRange: ("text naming the credit range", "good")
        case .debtAmount: ("the amount or range owed as text", "15000-25000")
        case .debtType: ("text naming the kind of debt", "credit_card")
        case .roofType: ("text naming the roof", "shingle")
        case .ref: ("your own reference for the lead", "XL-0001")
        }
    }

    /// The advice for a value of `field` that is there but wrong: the field's expectation and `fix`.
    static func advice(_ field: CanonicalField, fix: String) -> Advice {
        let (expected, example) = expectation(field)
        return Advice(expected: expected, example: example, fix: fix)
    }

    /// The advice for a `code` about `field`'s value.
    static func advice(_ code: ReasonCode, _ field: CanonicalField) -> Advice {
        let column = field.rawValue
        switch code {
        case .verticalUnknown:
            return advice(field, fix: "put insurance, mortgage, solar or debt in the vertical column")
        case .nameInvalid:
            return advice(field, fix: "put the person's real name in the \(column) column, not numbers or a placeholder")
        case .emailInvalid:
            return advice(field, fix: "correct the address in the email column")
        case .phoneInvalid:
            return advice(
                field, fix: "correct the number in the phone column (toll-free, premium-rate and made-up numbers are refused)")
        case .phoneNotUS:
            return advice(field, fix: "leave this lead out: only US numbers are accepted (not Canada or Puerto Rico)")
        case .phoneExcelMangled:
            return advice(
                field,
                fix: "format the phone column as Text in Excel, type or paste the numbers again from the source, "
                    + "and export again")
        case .zipInvalid:
            return advice(
                field,
                fix: "correct the ZIP in the zip column; if Excel dropped leading zeros, format the column as Text "
                    + "and export again")
        case .tcpaURLInvalid:
            return advice(field, fix: "put the full http(s) address of the consent page in the tcpa_url column")
        case .tcpaTimestampFuture:
            return advice(
                field,
                fix: "check the date and its time zone in the tcpa_timestamp column: dates are read month first "
                    + "(12/5/2026 is December 5), and a local time written with Z (UTC) or in the wrong zone lands "
                    + "hours off")
        case .tcpaConsentExpired:
            return advice(field, fix: "leave this lead out or get fresh consent from the person")
        default:
            return advice(field, fix: "correct the value in the \(column) column")
        }
    }

    /// The advice for an empty cell of `field`; with `noColumn`, for a file without a column for it.
    static func missingAdvice(_ field: CanonicalField, noColumn: Bool) -> Advice {
        if field == .vertical {
            return advice(
                field,
                fix: "fill in the vertical column; for a file of one vertical without that column, run with "
                    + "--vertical (e.g. --vertical insurance) or set default_vertical under [validate]")
        }
        if noColumn {
            return advice(field, fix: "add the mapping above to leadspool.toml, or add a \(field.rawValue) column")
        }
        return advice(field, fix: "fill in the \(field.rawValue) cell of this row")
    }

    /// The advice for a row the reader could not split into cells, by what stopped it.
    static func unreadableAdvice(_ reason: String) -> Advice {
        if reason.contains("UTF-8") || reason.contains("NUL byte") {
            return Advice(
                expected: "text in the encoding the file is read in (UTF-8 unless the publisher's encoding says "
                    + "otherwise)",
                example: "José saved by Excel as \"CSV UTF-8\"",
                fix: "save the file in Excel as \"CSV UTF-8 (Comma delimited)\" and drop it again, or set encoding "
                    + "= \"windows-1252\" for the publisher in leadspool.toml")
        }
        if reason.hasPrefix("bad JSON") {
            return Advice(
                expected: "one JSON object per line",
                example: #"{"first_name": "Maria", "zip": "33601"}"#,
                fix: "correct the line the reason names, or export the leads as CSV")
        }
        return Advice(
            expected: "a row whose quoted cells close their quote on the same row",
            example: #""Garcia, Jr.""#,
            fix: "close or remove the stray quote on the line the reason names, save the file as CSV and drop it again")
    }
}
