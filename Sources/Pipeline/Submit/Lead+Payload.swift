import LeadModel
extension Lead {
    /// The request body the API expects (`api/dreamy-leads-api.md`, "Payload"): the required fields in
    /// schema order, then `extras` in their order with their JSON types. Absent extras are not written.
    package func payloadJSON() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(estimatedPayloadSize)
        writePayloadJSON(into: &buffer)
        return buffer
    }

    /// Appends the request body to `buffer`, so a sender can reuse one allocation across leads.
    package func writePayloadJSON(into buffer: inout [UInt8]) {
        var json = JSONObjectWriter()
        json.begin(&buffer)
        json.field("vertical", string: vertical.rawValue, into: &buffer)
        json.field("first_name", string: firstName, into: &buffer)
        json.field("last_name", string: lastName, into: &buffer)
        json.field("email", string: email, into: &buffer)
        json.field("phone", string: phone, into: &buffer)
        json.field("zip", string: zip, into: &buffer)
        json.field("tcpa_timestamp", string: tcpaTimestamp, into: &buffer)
        json.field("tcpa_text", string: tcpaText, into: &buffer)
        json.field("tcpa_url", string: tcpaURL, into: &buffer)
        for (key, value) in extras {
            switch value {
            case .string(let text): json.field(key, string: text, into: &buffer)
            case .integer(let number): json.field(key, integer: number, into: &buffer)
            case .number(let literal): json.field(key, numberLiteral: literal, into: &buffer)
            case .bool(let flag): json.field(key, bool: flag, into: &buffer)
            }
        }
        json.end(&buffer)
    }

    private var estimatedPayloadSize: Int {
        // Keys and punctuation of the required fields take about 150 bytes.
        192 + firstName.utf8.count + lastName.utf8.count + email.utf8.count + tcpaText.utf8.count
            + tcpaURL.utf8.count + extras.count * 32
    }
}

/// Writes one flat JSON object into a caller's byte buffer.
struct JSONObjectWriter {
    private var isFirst = true

    func begin(_ buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
    }

    func end(_ buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "}"))
    }

    mutating func field(_ key: String, string value: String, into buffer: inout [UInt8]) {
        writeKey(key, into: &buffer)
        Self.appendString(value, to: &buffer)
    }

    mutating func field(_ key: String, integer value: Int, into buffer: inout [UInt8]) {
        writeKey(key, into: &buffer)
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Writes `literal` as a JSON number when it is one, otherwise as a string, so the body stays
    /// valid JSON whatever the caller passes.
    mutating func field(_ key: String, numberLiteral literal: String, into buffer: inout [UInt8]) {
        writeKey(key, into: &buffer)
        if Self.isJSONNumber(literal) {
            buffer.append(contentsOf: literal.utf8)
        } else {
            Self.appendString(literal, to: &buffer)
        }
    }

    mutating func field(_ key: String, bool value: Bool, into buffer: inout [UInt8]) {
        writeKey(key, into: &buffer)
        buffer.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    private mutating func writeKey(_ key: String, into buffer: inout [UInt8]) {
        if isFirst {
            isFirst = false
        } else {
            buffer.append(UInt8(ascii: ","))
        }
        Self.appendString(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    /// Appends `value` as a JSON string: `"` and `\` escaped, control characters as `\n`-style or
    /// `\u00XX` escapes, everything else (including non-ASCII) as its UTF-8 bytes.
    static func appendString(_ value: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                appendEscape(for: byte, to: &buffer)
                runStart = index + 1
            }
            if runStart < bytes.count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(for byte: UInt8, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        default:
            // Only bytes below 0x20 get here, so the first hex digit is 0 or 1.
            let low = byte & 0x0F
            buffer.append(UInt8(ascii: "u"))
            buffer.append(UInt8(ascii: "0"))
            buffer.append(UInt8(ascii: "0"))
            buffer.append(UInt8(ascii: "0") + (byte >> 4))
            buffer.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }

    /// RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index - start
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }
}
