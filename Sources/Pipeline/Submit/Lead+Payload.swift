import Ingest
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
        JSONString.append(value, to: &buffer)
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
            JSONString.append(literal, to: &buffer)
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
        JSONString.append(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
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
