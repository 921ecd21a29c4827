package import LeadModel
/// The result of normalising a phone number.
package enum PhoneCheck: Sendable, Equatable {
    /// A valid US consumer number (fixed line or mobile), in E.164 (`+18135550100`).
    case valid(e164: String)
    /// `code` is `PHONE_INVALID`, `PHONE_NOT_US` or `PHONE_EXCEL_MANGLED`; `detail` says why in a few words
    /// (e.g. `toll-free number`, `area code 999 is not assigned`, `Canadian number`).
    case invalid(ReasonCode, detail: String)
}

/// Phone numbers to E.164, US consumer lines only (CONTRACT §7).
///
/// Validity is libphonenumber's for region US, fixed line or mobile (the generated `NANPTable`).
/// Accepted around the digits: any punctuation and spaces, a leading `+1`, `1` or `011 1` (the US exit
/// code), the country code typed twice (`+1 1 ...`, as libphonenumber does), and a trailing extension
/// (`x123`, `ext. 123`, `extension 123`, `#123`), which is dropped.
/// `00` is not an exit code in the US, so `001 ...` is not accepted (libphonenumber does the same).
/// Spreadsheet scientific notation (`1.8135550100E+10`) is repaired when no digit was lost.
package enum PhoneNormaliser {
    package static func check(_ raw: String) -> PhoneCheck {
        if let result = raw.utf8.withContiguousStorageIfAvailable(check(utf8:)) {
            return result
        }
        return Array(raw.utf8).withUnsafeBufferPointer(check(utf8:))
    }

    static func check(utf8 bytes: UnsafeBufferPointer<UInt8>) -> PhoneCheck {
        var digits = DigitRun()
        var plus = false
        var index = 0
        let end = bytes.count
        scan: while index < end {
            let byte = bytes[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                digits.append(digit)
                index += 1
                continue
            }
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "+"):
                    if digits.count == 0 { plus = true }
                case UInt8(ascii: "#"):
                    if digits.count > 0, isExtension(bytes, from: index + 1) { break scan }
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                    if digits.count > 0, let after = extensionMarkerEnd(bytes, at: index),
                        isExtension(bytes, from: after)
                    {
                        break scan
                    }
                    if byte | 0x20 == UInt8(ascii: "e"), let result = scientific(bytes) {
                        return result
                    }
                    return .invalid(.phoneInvalid, detail: "contains letters")
                default:
                    break  // spaces, punctuation, control characters
                }
                index += 1
                continue
            }
            let (scalar, length) = decodeScalar(bytes, at: index)
            switch scalar {
            case 0xFF10...0xFF19:  // full-width digits
                digits.append(UInt8(scalar - 0xFF10))
            case 0xFF0B:  // full-width plus
                if digits.count == 0 { plus = true }
            case 0x00A0, 0x00AD, 0x2000...0x200B, 0x2010...0x2015, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x2212,
                0x3000, 0xFEFF, 0xFF08, 0xFF09, 0xFF0D, 0xFF0E:
                break  // Unicode spaces, dashes, parentheses
            default:
                if let char = Unicode.Scalar(scalar), char.properties.isAlphabetic {
                    return .invalid(.phoneInvalid, detail: "contains letters")
                }
                return .invalid(.phoneInvalid, detail: "contains unexpected characters")
            }
            index += length
        }
        return classify(digits, plus: plus)
    }

    /// Decides on the digits of a number: `plus` when a `+` came before them.
    static func classify(_ digits: DigitRun, plus: Bool) -> PhoneCheck {
        let count = digits.count
        let value = digits.value
        if count == 0 {
            return .invalid(.phoneInvalid, detail: "no digits")
        }
        if count > DigitRun.capacity {
            return .invalid(.phoneInvalid, detail: "has \(count) digits, too many")
        }
        if plus {
            return international(value, count: count)
        }
        if count >= 4, digits.head == 11 {
            // The US exit code (011) in front of a country code, as libphonenumber reads it.
            return international(value % powersOfTen[count - 3], count: count - 3)
        }
        if count == 10 {
            return nanp(value)
        }
        if count == 11, digits.head / 100 == 1 {
            return nanp(value - 10_000_000_000)
        }
        if count == 12, digits.head / 10 == 11 {
            // The country code typed twice (`1 1 813 555 0100`), which libphonenumber accepts too.
            return nanp(value % 10_000_000_000)
        }
        return .invalid(.phoneInvalid, detail: "has \(count) digits, not 10")
    }

    /// Digits after `+` (or after the exit code `011`): a country code and a national number.
    static func international(_ value: UInt64, count: Int) -> PhoneCheck {
        guard count > 0 else {
            return .invalid(.phoneInvalid, detail: "no digits after the country code prefix")
        }
        let first = value / powersOfTen[count - 1]
        if first == 1 {
            if count == 11 {
                return nanp(value - 10_000_000_000)
            }
            if count == 12, value / 10_000_000_000 == 11 {
                return nanp(value % 10_000_000_000)  // `+1 1 813 555 0100`
            }
            return .invalid(.phoneInvalid, detail: "+1 with \(count - 1) digits, not 10")
        }
        if first != 0 {
            let names = NANPPlan.shared.countryNames
            for length in 1...3 where count > length {
                let code = Int(value / powersOfTen[count - length])
                guard let name = names[code] else { continue }
                // libphonenumber's bounds for a national significant number.
                guard (2...17).contains(count - length) else {
                    return .invalid(.phoneInvalid, detail: "+\(code) with \(count - length) digits")
                }
                let country = name.isEmpty ? "international service" : name
                return .invalid(.phoneNotUS, detail: "\(country) number (+\(code))")
            }
        }
        return .invalid(.phoneInvalid, detail: "unknown country code")
    }

    /// A 10-digit NANP number (area code, exchange, line).
    static func nanp(_ national: UInt64) -> PhoneCheck {
        let npa = Int(national / 10_000_000)
        let nxx = Int(national / 10_000 % 1000)
        if npa < 200 {
            return .invalid(.phoneInvalid, detail: "area code \(threeDigits(npa)) cannot start with 0 or 1")
        }
        let plan = NANPPlan.shared
        let kind = plan.kind(areaCode: npa)
        if kind == .unassigned {
            if npa % 100 == 11 {
                return .invalid(.phoneInvalid, detail: "area code \(npa) is an N11 service code")
            }
            return .invalid(.phoneInvalid, detail: "area code \(npa) is not assigned")
        }
        if nxx < 200 {
            return .invalid(.phoneInvalid, detail: "exchange \(threeDigits(nxx)) cannot start with 0 or 1")
        }
        if plan.isException(areaCode: npa, exchange: nxx) {
            return .invalid(.phoneInvalid, detail: "exchange \(nxx) is not in use in area code \(npa)")
        }
        switch kind {
        case .usLine:
            return .valid(e164: e164(national))
        case .tollFree:
            return .invalid(.phoneInvalid, detail: "toll-free number")
        case .premiumRate:
            return .invalid(.phoneInvalid, detail: "premium-rate number")
        case .personal:
            return .invalid(.phoneInvalid, detail: "personal number")
        case .otherRegion:
            let name = plan.regionNames[plan.regionIndex(areaCode: npa)]
            return .invalid(.phoneNotUS, detail: "\(name) number (area code \(npa))")
        case .unassigned:
            preconditionFailure("handled above")
        }
    }

    /// `+1` and the ten digits; 12 bytes fit a small string, so this allocates nothing.
    static func e164(_ national: UInt64) -> String {
        String(unsafeUninitializedCapacity: 12) { buffer in
            buffer[0] = UInt8(ascii: "+")
            buffer[1] = UInt8(ascii: "1")
            var rest = national
            for position in stride(from: 11, through: 2, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            return 12
        }
    }

    static func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }

    static let powersOfTen: [UInt64] = (0...19).map { power in (0..<power).reduce(1) { result, _ in result * 10 } }
}

/// The digits of a phone number as one integer (the first 19 of them) and their count.
struct DigitRun {
    static let capacity = 19
    var value: UInt64 = 0
    var count = 0
    /// The first three digits as a number (`011` is 11), kept apart to avoid a division per number.
    var head: UInt16 = 0

    mutating func append(_ digit: UInt8) {
        if count < Self.capacity {
            value = value &* 10 &+ UInt64(digit)
        }
        if count < 3 {
            head = head &* 10 &+ UInt16(digit)
        }
        count += 1
    }
}
