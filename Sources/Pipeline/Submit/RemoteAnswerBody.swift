/// Reads the bodies the API answers with.
enum RemoteAnswerBody {
    /// Longest remote text put in a reason, in characters.
    static let maxMessageLength = 300

    /// A 2xx body: `{"status":"accepted","bid_amount":18.5,"lead_id":"ld_..."}` or
    /// `{"status":"rejected", ...}`; `nil` for anything else (not JSON, no such status, cut short).
    ///
    /// An `accepted` body missing `lead_id` or `bid_amount` is still accepted (the lead is sold; a
    /// `failed` result would invite sending it again), with the missing values empty.
    static func parse(_ response: TransportResponse) -> RemoteAnswer? {
        guard !response.bodyTruncated, let json = ResponseJSON.parse(response.body),
            let status = json["status"]?.stringValue
        else { return nil }
        switch status {
        case "accepted":
            return .accepted(leadID: json["lead_id"]?.stringValue, bid: bid(json["bid_amount"]))
        case "rejected":
            for key in ["reason", "message", "error"] {
                if let value = json[key], let text = flatText(value) { return .rejected(reason: text) }
            }
            return .rejected(reason: nil)
        default:
            return nil
        }
    }

    /// `bid_amount` as an amount: a JSON number, or a string holding one, finite and not negative; anything
    /// else (`"inf"`, `1e999`, `-5`, `"0x1p4"`, `"$12"`) is no bid, so revenue never takes it in.
    static func bid(_ value: ResponseJSON?) -> Double? {
        let amount: Double? =
            switch value {
            case .number(let number): number
            case .string(let text): JSONObjectWriter.isJSONNumber(text) ? Double(text) : nil
            default: nil
            }
        guard let amount, amount.isFinite, amount >= 0 else { return nil }
        return amount
    }

    /// The remote error text of a 4xx body: `error`, `message`, `reason` or `detail` of a JSON object
    /// (with its `fields` list, if any), or else the body as text; one line, cut to
    /// ``maxMessageLength``. `nil` when there is nothing to say.
    static func message(_ body: [UInt8]) -> String? {
        guard let json = ResponseJSON.parse(body) else {
            return clean(String(decoding: body, as: UTF8.self))
        }
        guard case .object = json else { return flatText(json) }
        var text: String?
        for key in ["error", "message", "reason", "detail"] {
            if let value = json[key], let found = flatText(value) {
                text = found
                break
            }
        }
        if case .array(let items) = json["fields"] ?? json["errors"] ?? .null {
            let names = items.compactMap(flatText)
            if !names.isEmpty {
                let list = "fields: " + names.joined(separator: ", ")
                text = text.map { "\($0) (\(list))" } ?? list
            }
        }
        return text.flatMap(clean)
    }

    /// A string, number or bool as text; an object's `message` (`{"error":{"message":...}}`).
    private static func flatText(_ value: ResponseJSON) -> String? {
        switch value {
        case .string(let text): return clean(text)
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .object: return value["message"].flatMap(flatText)
        case .array, .null: return nil
        }
    }

    /// One line: control characters and runs of whitespace become one space; trimmed; cut. A replacement
    /// character (bytes that were not UTF-8, a lone surrogate escape) becomes `?`: no report holds U+FFFD.
    static func clean(_ text: String) -> String? {
        var out = ""
        var pendingSpace = false
        var count = 0
        for character in text {
            if character.isWhitespace
                || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control })
            {
                pendingSpace = !out.isEmpty
                continue
            }
            if count >= maxMessageLength {
                out.append("…")
                break
            }
            if pendingSpace {
                out.append(" ")
                count += 1
                pendingSpace = false
            }
            out.append(character.unicodeScalars.contains("\u{FFFD}") ? "?" : character)
            count += 1
        }
        return out.isEmpty ? nil : out
    }
}
