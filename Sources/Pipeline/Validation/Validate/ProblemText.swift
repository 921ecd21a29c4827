import Ingest
import LeadModel

/// How problems read in reports: the field, the offending value quoted, then what is wrong, e.g.
/// `phone "813-555-01" is not a valid US number (too few digits)`.
enum ProblemText {
    /// Values longer than this many characters are cut in texts (`Problem.value` keeps them whole).
    static let maxQuotedCharacters = 80

    /// `"value"` with quotes, backslashes and control characters escaped, cut after
    /// ``maxQuotedCharacters`` characters with `…`.
    static func quoted(_ value: String) -> String {
        plainQuoted("", value, "") ?? escapedQuoted(value)
    }

    /// `head"value"tail` (with a space after `head` and before `tail` when `spaced`), built in one
    /// allocation, when `value` needs neither escaping nor cutting: at most ``maxQuotedCharacters`` bytes of
    /// printable ASCII other than `"` and `\`. `nil` otherwise.
    ///
    /// Nearly every value a problem quotes is such a value, and every rejected row quotes one: the general
    /// path, which appends scalar by scalar, took 8 % of `check`'s samples on a file whose every consent
    /// time is in the future.
    static func plainQuoted(_ head: String, _ value: String, _ tail: String, spaced: Bool = false) -> String? {
        var (head, value, tail) = (head, value, tail)
        return value.withUTF8 { v -> String? in
            guard v.count <= maxQuotedCharacters, v.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C })
            else { return nil }
            return head.withUTF8 { h in
                tail.withUTF8 { t in
                    let space = spaced ? 1 : 0
                    return String(unsafeUninitializedCapacity: h.count + v.count + t.count + 2 + 2 * space) { out in
                        var at = 0
                        func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                            _ = UnsafeMutableBufferPointer(rebasing: out[at...]).initialize(from: bytes)
                            at += bytes.count
                        }
                        func put(_ byte: UInt8) {
                            out[at] = byte
                            at += 1
                        }
                        put(h)
                        if spaced { put(0x20) }
                        put(0x22)
                        put(v)
                        put(0x22)
                        if spaced { put(0x20) }
                        put(t)
                        return at
                    }
                }
            }
        }
    }

    /// ``quoted(_:)`` for any value, scalar by scalar.
    static func escapedQuoted(_ value: String) -> String {
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

    /// `field "value" message`, then what is expected and the fix (``Advice``; by default the code's for
    /// the field).
    static func problem(
        _ code: ReasonCode, _ field: CanonicalField, _ value: String, _ message: String, advice: Advice? = nil
    ) -> Problem {
        let tail = message + (advice ?? Self.advice(code, field)).text
        return Problem(
            code, field: field.rawValue, value: value,
            text: plainQuoted(field.rawValue, value, tail, spaced: true)
                ?? "\(field.rawValue) \(escapedQuoted(value)) \(tail)")
    }

    /// `field "value" is not a valid <what> (<detail>)`, then what is expected and the fix.
    static func invalid(
        _ code: ReasonCode, _ field: CanonicalField, _ value: String, what: String, detail: String,
        advice: Advice? = nil
    ) -> Problem {
        problem(code, field, value, "is not a valid \(what) (\(detail))", advice: advice)
    }

    /// `field is missing`, with `note` in brackets after it when there is one (the file has no column for
    /// the field), then what is expected and the fix.
    static func missing(_ code: ReasonCode, _ field: CanonicalField, note: String? = nil) -> Problem {
        let found = note.map { "\(field.rawValue) is missing (\($0))" } ?? "\(field.rawValue) is missing"
        return Problem(
            code, field: field.rawValue, value: "", text: found + missingAdvice(field, noColumn: note != nil).text)
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
        let fix = "write \(field.rawValue) as \(expected) in the JSON line"
        return problem(.fieldInvalid, field, value.text, "is \(kind), not \(expected)", advice: advice(field, fix: fix))
    }

    static func unreadable(reason: String, line: Int) -> Problem {
        Problem(
            .recordUnreadable, field: nil, value: reason,
            text: "record at line \(line) could not be read: \(reason)" + unreadableAdvice(reason).text
        )
    }
}
