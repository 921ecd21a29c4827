import Ingest
import LeadModel

/// The API type a vertical-specific field is coerced to.
enum PayloadKind {
    /// Trimmed text (`coverage_type`, `debt_amount` keeps its range text such as `15000–25000`).
    case text
    /// A whole year 1900…next year (`vehicle_year`) → `PayloadValue.integer`.
    case year
    /// yes/no, y/n, true/false, 1/0 or a JSON boolean → `PayloadValue.bool`.
    case yesNo
    /// A number greater than 0, `$` and thousands separators allowed (`loan_amount`,
    /// `monthly_electric_bill`) → `PayloadValue.number` with its canonical literal.
    case amount
}

extension Validator {
    /// The vertical's fields present in the record, coerced; absent or blank ones are left out.
    /// Fields of other verticals are not looked at: they are never sent.
    func checkVerticalFields(
        _ vertical: Vertical, _ fields: RecordFields, _ problems: inout [Problem]
    ) -> [(key: CanonicalFieldName, value: PayloadValue)] {
        var extras: [(key: CanonicalFieldName, value: PayloadValue)] = []
        // In API schema order.
        func add(_ field: CanonicalField, _ kind: PayloadKind, of count: Int) {
            guard let raw = fields.raw(field), !Self.isBlank(raw) else { return }
            if let coerced = coerce(field, kind, raw, &problems) {
                if extras.isEmpty { extras.reserveCapacity(count) }
                extras.append((key: field.rawValue, value: coerced))
            }
        }
        switch vertical {
        case .insurance:
            add(.coverageType, .text, of: 3)
            add(.vehicleYear, .year, of: 3)
            add(.homeowner, .yesNo, of: 3)
        case .mortgage:
            add(.loanPurpose, .text, of: 3)
            add(.loanAmount, .amount, of: 3)
            add(.creditRange, .text, of: 3)
        case .solar:
            add(.monthlyElectricBill, .amount, of: 2)
            add(.roofType, .text, of: 2)
        case .debt:
            add(.debtAmount, .text, of: 2)
            add(.debtType, .text, of: 2)
        }
        return extras
    }

    func coerce(_ field: CanonicalField, _ kind: PayloadKind, _ raw: RawValue, _ problems: inout [Problem])
        -> PayloadValue?
    {
        switch kind {
        case .text:
            switch raw {
            case .string(let s), .number(let s):
                return .string(UTF8Bytes.with(s) { UTF8Bytes.string($0, UTF8Bytes.trimmed($0), original: s) })
            case .bool, .json, .null:
                problems.append(ProblemText.wrongType(field, raw, expected: "text"))
                return nil
            }

        case .year:
            switch raw {
            case .string(let s), .number(let s): return year(field, s, &problems)
            case .bool, .json, .null:
                problems.append(ProblemText.wrongType(field, raw, expected: "a year"))
                return nil
            }

        case .yesNo:
            switch raw {
            case .bool(let b): return .bool(b)
            case .string(let s), .number(let s):
                if let b = Self.yesNo(s) { return .bool(b) }
                problems.append(
                    ProblemText.invalid(
                        .fieldInvalid, field, s, what: "yes/no value", detail: "expected yes/no, y/n, true/false or 1/0"
                    )
                )
                return nil
            case .json, .null:
                problems.append(ProblemText.wrongType(field, raw, expected: "yes or no"))
                return nil
            }

        case .amount:
            let s: String
            let money: Bool
            switch raw {
            case .string(let text): (s, money) = (text, true)
            case .number(let text): (s, money) = (text, false)
            case .bool, .json, .null:
                problems.append(ProblemText.wrongType(field, raw, expected: "an amount"))
                return nil
            }
            if let plain = Self.plainPositiveInteger(s) { return .number(plain) }
            let detail: String
            switch DecimalText.parse(s, money: money) {
            case .success(let number) where !number.isNegative && !number.isZero:
                return .number(number.canonical)
            case .success:
                detail = "must be greater than 0"
            case .failure(.tooManyDigits):
                detail = "more than \(DecimalText.maxDigits) significant digits"
            case .failure(.notANumber):
                detail = "expected a number such as 385000 or $385,000.50"
            }
            problems.append(ProblemText.invalid(.fieldInvalid, field, s, what: "amount", detail: detail))
            return nil
        }
    }

    private func year(_ field: CanonicalField, _ s: String, _ problems: inout [Problem]) -> PayloadValue? {
        var value: Int?
        if let plain = Self.plainPositiveInteger(s), plain.utf8.count <= 4 {
            value = Int(plain)
        } else if case .success(let number) = DecimalText.parse(s, money: false) {
            value = number.integerValue
        }
        if let value, value >= 1900, value <= maxVehicleYear { return .integer(value) }
        let detail = "expected a whole number from 1900 to \(maxVehicleYear)"
        problems.append(ProblemText.invalid(.fieldInvalid, field, s, what: "year", detail: detail))
        return nil
    }

    /// yes/no, y/n, true/false, 1/0 in any case, surrounding whitespace ignored.
    static func yesNo(_ s: String) -> Bool? {
        UTF8Bytes.with(s) { bytes in
            let r = UTF8Bytes.trimmed(bytes)
            switch r.count {
            case 1:
                switch UTF8Bytes.lower(bytes[r.lowerBound]) {
                case UInt8(ascii: "y"), UInt8(ascii: "1"): return true
                case UInt8(ascii: "n"), UInt8(ascii: "0"): return false
                default: return nil
                }
            case 2: return UTF8Bytes.equalsIgnoringCase(bytes, r, "no") ? false : nil
            case 3: return UTF8Bytes.equalsIgnoringCase(bytes, r, "yes") ? true : nil
            case 4: return UTF8Bytes.equalsIgnoringCase(bytes, r, "true") ? true : nil
            case 5: return UTF8Bytes.equalsIgnoringCase(bytes, r, "false") ? false : nil
            default: return nil
            }
        }
    }

    /// Fast path: 1–15 ASCII digits without a leading zero, possibly with surrounding whitespace;
    /// the digits are then already the canonical literal.
    static func plainPositiveInteger(_ s: String) -> String? {
        UTF8Bytes.with(s) { bytes in
            let r = UTF8Bytes.trimmed(bytes)
            guard !r.isEmpty, r.count <= DecimalText.maxDigits, bytes[r.lowerBound] != UInt8(ascii: "0") else {
                return nil
            }
            for i in r where !UTF8Bytes.isDigit(bytes[i]) { return nil }
            return UTF8Bytes.string(bytes, r, original: s)
        }
    }
}
