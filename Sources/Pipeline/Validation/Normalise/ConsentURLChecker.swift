import Ingest

/// The result of checking a consent page URL.
package enum ConsentURLCheck: Sendable, Equatable {
    /// The URL without surrounding whitespace, otherwise as written.
    case valid(String)
    /// `detail` says why in a few words.
    case invalid(detail: String)
}

/// The page where TCPA consent was given: an absolute `http`/`https` URL with a real host
/// (CONTRACT §7). A byte scanner, not a full RFC 3986 parser:
///
/// - scheme `http` or `https` (any case), then `://`;
/// - host: a dotted hostname (labels of letters, digits, hyphens not at an edge, or non-ASCII for
///   Unicode domain names, 1–63 bytes, at most 253 in all, top-level label not all digits) or a
///   dotted-quad IPv4 address; no user info (`user@`), no IPv6 literal, no trailing dot;
/// - an optional port 1–65535;
/// - then optionally a path, query or fragment without spaces or control characters.
package enum ConsentURLChecker {
    package static func check(_ raw: String) -> ConsentURLCheck {
        UTF8Bytes.with(raw) { bytes in
            let range = UTF8Bytes.trimmed(bytes)
            if let problem = problem(bytes, range) { return .invalid(detail: problem) }
            return .valid(UTF8Bytes.string(bytes, range, original: raw))
        }
    }

    static func problem(_ bytes: UTF8Bytes.Buffer, _ range: Range<Int>) -> String? {
        var i = range.lowerBound
        let end = range.upperBound
        guard end - i >= 7, UTF8Bytes.equalsIgnoringCase(bytes, i..<(i + 4), "http") else {
            return "is not an http or https URL"
        }
        i += 4
        if UTF8Bytes.lower(bytes[i]) == UInt8(ascii: "s") { i += 1 }
        guard end - i >= 3, bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"),
            bytes[i + 2] == UInt8(ascii: "/")
        else { return "is not an http or https URL" }
        i += 3
        let authorityStart = i
        var portStart = -1
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "@") { return "has a user name in it" }
            if byte == UInt8(ascii: ":"), portStart < 0 { portStart = i }
            i += 1
        }
        let authorityEnd = i
        let hostEnd = portStart >= 0 ? portStart : authorityEnd
        if let problem = hostProblem(bytes, authorityStart..<hostEnd) { return problem }
        if portStart >= 0, !isPort(bytes, (portStart + 1)..<authorityEnd) { return "has an invalid port" }
        while i < end {
            let byte = bytes[i]
            if byte == 0x20 { return "contains a space" }
            if byte < 0x20 || byte == 0x7F { return "contains a control character" }
            i += 1
        }
        return nil
    }

    private static func hostProblem(_ bytes: UTF8Bytes.Buffer, _ host: Range<Int>) -> String? {
        if host.isEmpty { return "has no host" }
        if bytes[host.lowerBound] == UInt8(ascii: "[") { return "has an IPv6 address as host" }
        var labelStart = host.lowerBound
        var labels = 0
        var labelAllDigits = true
        var allDigitsAndDots = true
        var i = host.lowerBound
        while i <= host.upperBound {
            let byte = i == host.upperBound ? UInt8(ascii: ".") : bytes[i]
            if byte == UInt8(ascii: ".") {
                let count = i - labelStart
                if count == 0 { return "has an empty label in its host" }
                if count > 63 { return "has a host label longer than 63 characters" }
                if bytes[labelStart] == UInt8(ascii: "-") || bytes[i - 1] == UInt8(ascii: "-") {
                    return "has a host label starting or ending with a hyphen"
                }
                labels += 1
                if i < host.upperBound { labelStart = i + 1; labelAllDigits = true }
            } else if UTF8Bytes.isDigit(byte) {
                // digits fit both hostnames and IPv4
            } else if UTF8Bytes.isLetter(byte) || byte == UInt8(ascii: "-") || byte >= 0x80 {
                labelAllDigits = false
                allDigitsAndDots = false
            } else if byte == 0x20 {
                return "contains a space"
            } else {
                return "has an invalid character in its host"
            }
            i += 1
        }
        if allDigitsAndDots { return isIPv4(bytes, host) ? nil : "has an invalid IPv4 address as host" }
        if labels < 2 { return "has a host without a dot" }
        if host.count > 253 { return "has a host longer than 253 characters" }
        if labelAllDigits { return "has an all-digit top-level domain" }
        return nil
    }

    /// Four decimal parts 0–255 without leading zeros (which some parsers read as octal).
    private static func isIPv4(_ bytes: UTF8Bytes.Buffer, _ host: Range<Int>) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        for i in host.lowerBound...host.upperBound {
            if i == host.upperBound || bytes[i] == UInt8(ascii: ".") {
                guard digits > 0, value <= 255, !(digits > 1 && bytes[i - digits] == UInt8(ascii: "0")) else {
                    return false
                }
                parts += 1
                value = 0
                digits = 0
            } else {
                digits += 1
                if digits > 3 { return false }
                value = value * 10 + Int(bytes[i] - 0x30)
            }
        }
        return parts == 4
    }

    private static func isPort(_ bytes: UTF8Bytes.Buffer, _ port: Range<Int>) -> Bool {
        guard (1...5).contains(port.count) else { return false }
        var value = 0
        for i in port {
            guard UTF8Bytes.isDigit(bytes[i]) else { return false }
            value = value * 10 + Int(bytes[i] - 0x30)
        }
        return (1...65_535).contains(value)
    }
}
