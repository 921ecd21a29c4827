/// Syntax checks for the payload's string fields, as the provider page states them. Each works on
/// the UTF-8 bytes: no Foundation formatter, regex or URL parser per request.
enum FieldSyntax {
    /// E.164 for the US: `+1` and ten digits.
    static func isUSPhone(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count == 12 else { return false }
        var iterator = utf8.makeIterator()
        guard iterator.next() == UInt8(ascii: "+"), iterator.next() == UInt8(ascii: "1") else { return false }
        while let byte = iterator.next() {
            guard isDigit(byte) else { return false }
        }
        return true
    }

    /// A 5-digit US ZIP.
    static func isZip(_ value: String) -> Bool {
        value.utf8.count == 5 && value.utf8.allSatisfy(isDigit)
    }

    /// Not empty once spaces are trimmed.
    static func hasText(_ value: String) -> Bool {
        value.unicodeScalars.contains { !$0.properties.isWhitespace }
    }

    /// The practical rules: one `@`, a non-empty local part, a dotted domain, no spaces or control
    /// characters, no empty dot-separated label.
    static func isEmail(_ value: String) -> Bool {
        let utf8 = Array(value.utf8)
        guard utf8.count <= 254, let at = utf8.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = utf8[..<at]
        let domain = utf8[(at + 1)...]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty, domain.contains(UInt8(ascii: ".")) else {
            return false
        }
        guard !domain.contains(UInt8(ascii: "@")) else { return false }
        for byte in utf8 where byte <= 0x20 || byte == 0x7F {
            return false
        }
        for part in [local, domain] {
            guard part.first != UInt8(ascii: "."), part.last != UInt8(ascii: ".") else { return false }
            for index in part.indices.dropLast() where part[index] == UInt8(ascii: ".") && part[index + 1] == part[index] {
                return false
            }
        }
        return true
    }

    /// An absolute `http` or `https` URL with a host and no whitespace.
    static func isWebURL(_ value: String) -> Bool {
        let utf8 = Array(value.utf8)
        let rest: ArraySlice<UInt8>
        if hasPrefix(utf8, "https://") {
            rest = utf8[8...]
        } else if hasPrefix(utf8, "http://") {
            rest = utf8[7...]
        } else {
            return false
        }
        for byte in utf8 where byte <= 0x20 || byte == 0x7F {
            return false
        }
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
        var host = rest[..<(authorityEnd ?? rest.endIndex)]
        if let at = host.lastIndex(of: UInt8(ascii: "@")) { host = host[(at + 1)...] }
        if host.first == UInt8(ascii: "[") {
            return host.count > 2 && host.contains(UInt8(ascii: "]"))
        }
        if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
            let port = host[(colon + 1)...]
            guard port.allSatisfy(isDigit) else { return false }
            host = host[..<colon]
        }
        return !host.isEmpty && host.first != UInt8(ascii: ".")
    }

    /// ISO 8601 date and time with a zone: `YYYY-MM-DDTHH:MM[:SS[.fff…]]` then `Z`, `±HH:MM`,
    /// `±HHMM` or `±HH`. A time without zone is refused: it names no instant.
    static func isTimestamp(_ value: String) -> Bool {
        var reader = DigitReader(bytes: Array(value.utf8))
        guard let year = reader.number(digits: 4), reader.take("-"),
            let month = reader.number(digits: 2), reader.take("-"),
            let day = reader.number(digits: 2),
            reader.take("T") || reader.take("t"),
            let hour = reader.number(digits: 2), reader.take(":"),
            let minute = reader.number(digits: 2)
        else { return false }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour <= 23, minute <= 59
        else { return false }
        if reader.take(":") {
            guard let second = reader.number(digits: 2), second <= 60 else { return false }
            if reader.take(".") || reader.take(",") {
                guard reader.skipDigits() > 0 else { return false }
            }
        }
        if reader.take("Z") || reader.take("z") { return reader.atEnd }
        guard reader.take("+") || reader.take("-"), let offsetHours = reader.number(digits: 2), offsetHours <= 23
        else { return false }
        if reader.atEnd { return true }
        _ = reader.take(":")
        guard let offsetMinutes = reader.number(digits: 2), offsetMinutes <= 59 else { return false }
        return reader.atEnd
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: String) -> Bool {
        let prefixBytes = Array(prefix.utf8)
        guard bytes.count >= prefixBytes.count else { return false }
        for (index, byte) in prefixBytes.enumerated() {
            let candidate = bytes[index] | (bytes[index] >= 0x41 && bytes[index] <= 0x5A ? 0x20 : 0)
            guard candidate == byte else { return false }
        }
        return true
    }

    private struct DigitReader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func number(digits: Int) -> Int? {
            guard bytes.count - index >= digits else { return nil }
            var value = 0
            for _ in 0..<digits {
                guard FieldSyntax.isDigit(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        mutating func skipDigits() -> Int {
            let start = index
            while index < bytes.count, FieldSyntax.isDigit(bytes[index]) { index += 1 }
            return index - start
        }
    }
}
