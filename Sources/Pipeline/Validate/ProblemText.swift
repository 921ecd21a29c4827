import Ingest

/// How problems read in reports: the field, the offending value quoted, then what is wrong, e.g.
/// `phone "813-555-01" is not a valid US number (too few digits)`.
enum ProblemText {
    /// Values longer than this many characters are cut in texts (`Problem.value` keeps them whole).
    static let maxQuotedCharacters = 80

    /// `"value"` with quotes, backslashes and control characters escaped, cut after
    /// ``maxQuotedCharacters`` characters with `…`.
    static func quoted(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(min(value.utf8.count, maxQuotedCharacters * 2) + 4)
        var count = 0
        for scalar in value.unicodeScalars {
            if count == maxQuotedCharacters {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                    || scalar.value == 0x2029
                {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `field "value" message`.
    static func problem(_ code: ReasonCode, _ field: CanonicalField, _ value: String, _ message: String) -> Problem {
        Problem(code, field: field.rawValue, value: value, text: "\(field.rawValue) \(quoted(value)) \(message)")
    }

    /// `field "value" is not a valid <what> (<detail>)`.
    static func invalid(
        _ code: ReasonCode, _ field: CanonicalField, _ value: String, what: String, detail: String
    ) -> Problem {
        problem(code, field, value, "is not a valid \(what) (\(detail))")
    }

    static func missing(_ code: ReasonCode, _ field: CanonicalField) -> Problem {
        Problem(code, field: field.rawValue, value: "", text: "\(field.rawValue) is missing")
    }

    /// A JSON value of the wrong kind for the field (`FIELD_INVALID`).
    static func wrongType(_ field: CanonicalField, _ value: RawValue, expected: String) -> Problem {
        let kind: String
        switch value {
        case .bool: kind = "a JSON boolean"
        case .number: kind = "a JSON number"
        case .json: kind = "a JSON array or object"
        case .string: kind = "text"
        case .null: kind = "null"
        }
        return problem(.fieldInvalid, field, value.text, "is \(kind), not \(expected)")
    }

    static func unreadable(reason: String, line: Int) -> Problem {
        Problem(
            .recordUnreadable, field: nil, value: reason, text: "record at line \(line) could not be read: \(reason)"
        )
    }
}
