import Ingest

/// The result of normalising an email address.
package enum EmailCheck: Sendable, Equatable {
    /// Trimmed, domain lowercased; the local part keeps its case.
    case valid(String)
    /// `detail` says why in a few words (e.g. `two dots in a row`).
    case invalid(detail: String)
}

/// Email addresses by the practical rules a lead buyer's mail system applies (CONTRACT §7).
///
/// Accepted: `local@domain` with an unquoted ASCII dot-atom local part (RFC 5322 atext: letters,
/// digits and ``!#$%&'*+-/=?^_`{|}~``, dots only between characters), at most 64 bytes; a domain of
/// two or more LDH labels (1–63 bytes, no hyphen at an edge, no `ab--` prefix except Punycode `xn--`),
/// a top-level label ending in a letter, not a special-use name (`.test`, `.local`, `.localhost`,
/// `.invalid`, `.onion`, `.arpa`), at most 253 bytes; 254 bytes in all.
///
/// Refused on purpose although RFC 6531/5321 allow them: non-ASCII addresses (internationalised
/// local parts and Unicode domains: lead buyers' CRMs and ESPs rarely accept them and doing them
/// right needs IDNA and NFC), quoted local parts, IP-literal domains and display names.
package enum EmailNormaliser {
    static let maxLength = 254
    static let maxLocalLength = 64
    static let maxDomainLength = 253
    static let maxLabelLength = 63

    /// `raw` as read; surrounding ASCII whitespace is ignored.
    package static func check(_ raw: String) -> EmailCheck {
        UTF8Bytes.with(raw) { bytes in check(bytes, original: raw) }
    }

    static func check(_ bytes: UTF8Bytes.Buffer, original: String) -> EmailCheck {
        let range = UTF8Bytes.trimmed(bytes)
        if range.isEmpty { return .invalid(detail: "is empty") }
        var at = -1
        var atCount = 0
        for i in range where bytes[i] == UInt8(ascii: "@") {
            if atCount == 0 { at = i }
            atCount += 1
        }
        if bytes[range.lowerBound] == UInt8(ascii: "\"") { return .invalid(detail: "has a quoted local part") }
        if atCount == 0 { return .invalid(detail: "has no @") }
        if atCount > 1 { return .invalid(detail: "has more than one @") }
        if let problem = localPartProblem(bytes, range.lowerBound..<at) { return .invalid(detail: problem) }
        var hasUpper = false
        if let problem = domainProblem(bytes, (at + 1)..<range.upperBound, hasUpper: &hasUpper) {
            return .invalid(detail: problem)
        }
        if range.count > maxLength { return .invalid(detail: "is longer than \(maxLength) characters") }
        guard hasUpper else { return .valid(UTF8Bytes.string(bytes, range, original: original)) }
        let normalised = UTF8Bytes.build(count: range.count) { out in
            var o = 0
            for i in range {
                out[o] = i > at ? UTF8Bytes.lower(bytes[i]) : bytes[i]
                o += 1
            }
        }
        return .valid(normalised)
    }

    private static func localPartProblem(_ bytes: UTF8Bytes.Buffer, _ local: Range<Int>) -> String? {
        if local.isEmpty { return "has nothing before the @" }
        var previousDot = false
        for i in local {
            let byte = bytes[i]
            if byte == UInt8(ascii: ".") {
                if i == local.lowerBound { return "starts with a dot" }
                if previousDot { return "has two dots in a row" }
                previousDot = true
                continue
            }
            previousDot = false
            if isAtext(byte) { continue }
            return characterProblem(byte, where: "before the @")
        }
        if previousDot { return "has a dot right before the @" }
        if local.count > maxLocalLength { return "has more than \(maxLocalLength) characters before the @" }
        return nil
    }

    private static func domainProblem(
        _ bytes: UTF8Bytes.Buffer, _ domain: Range<Int>, hasUpper: inout Bool
    ) -> String? {
        if domain.isEmpty { return "has nothing after the @" }
        var labelStart = domain.lowerBound
        var labels = 0
        var i = domain.lowerBound
        while i <= domain.upperBound {
            let atEnd = i == domain.upperBound
            let byte: UInt8 = atEnd ? UInt8(ascii: ".") : bytes[i]
            if byte == UInt8(ascii: ".") {
                if let problem = labelProblem(bytes, labelStart..<i, isLast: atEnd) { return problem }
                labels += 1
                if !atEnd { labelStart = i + 1 }
            } else if UTF8Bytes.isDigit(byte) || byte == UInt8(ascii: "-") || byte &- 0x61 < 26 {
                // allowed as is
            } else if byte &- 0x41 < 26 {
                hasUpper = true
            } else {
                return characterProblem(byte, where: "after the @")
            }
            i += 1
        }
        if labels < 2 { return "has no dot after the @" }
        if domain.count > maxDomainLength { return "has more than \(maxDomainLength) characters after the @" }
        if isSpecialUse(bytes, labelStart..<domain.upperBound) {
            return "uses a reserved domain that cannot receive mail"
        }
        return nil
    }

    private static func labelProblem(_ bytes: UTF8Bytes.Buffer, _ label: Range<Int>, isLast: Bool) -> String? {
        if label.isEmpty {
            if label.lowerBound == 0 || bytes[label.lowerBound - 1] == UInt8(ascii: "@") {
                return "has a dot right after the @"
            }
            return isLast ? "ends with a dot" : "has two dots in a row after the @"
        }
        if label.count > maxLabelLength { return "has a domain label longer than \(maxLabelLength) characters" }
        if bytes[label.lowerBound] == UInt8(ascii: "-") || bytes[label.upperBound - 1] == UInt8(ascii: "-") {
            return "has a domain label starting or ending with a hyphen"
        }
        // RFC 5891: `??--` is reserved for IDNA; only Punycode's `xn--` may appear.
        if label.count >= 4, bytes[label.lowerBound + 2] == UInt8(ascii: "-"),
            bytes[label.lowerBound + 3] == UInt8(ascii: "-"),
            !(UTF8Bytes.lower(bytes[label.lowerBound]) == UInt8(ascii: "x")
                && UTF8Bytes.lower(bytes[label.lowerBound + 1]) == UInt8(ascii: "n"))
        {
            return "has a domain label with -- in the third and fourth place"
        }
        if isLast, !UTF8Bytes.isLetter(bytes[label.upperBound - 1]) {
            return "has a top-level domain that does not end in a letter"
        }
        return nil
    }

    /// RFC 6761/6762/7686 names no public mail goes to (the same list email-validator refuses).
    private static func isSpecialUse(_ bytes: UTF8Bytes.Buffer, _ tld: Range<Int>) -> Bool {
        func named(_ name: StaticString) -> Bool { UTF8Bytes.equalsIgnoringCase(bytes, tld, name) }
        switch tld.count {
        case 4: return named("arpa") || named("test")
        case 5: return named("local") || named("onion")
        case 7: return named("invalid")
        case 9: return named("localhost")
        default: return false
        }
    }

    private static func characterProblem(_ byte: UInt8, where place: String) -> String {
        if UTF8Bytes.isASCIIWhitespace(byte) { return "contains a space" }
        if byte >= 0x80 { return "contains a non-ASCII character \(place)" }
        if byte < 0x20 || byte == 0x7F { return "contains a control character" }
        return "contains '\(Character(Unicode.Scalar(byte)))' \(place)"
    }

    /// RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~ (bit masks over bytes 0–63 and 64–127).
    @inline(__always)
    private static func isAtext(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0xA3FF_ACFA_0000_0000 as UInt64) >> UInt64(byte) & 1 != 0 }
        if byte < 128 { return (0x7FFF_FFFF_C7FF_FFFE as UInt64) >> UInt64(byte - 64) & 1 != 0 }
        return false
    }
}
