#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What leadspool reads of an API answer, decoded with `JSONDecoder`. Lenient by design: a member of an
/// unexpected type is absent rather than a failure, so an odd `lead_id` does not turn a sale into a
/// `failed` lead. Texts are raw (``RemoteAnswerBody/clean(_:)`` makes them one line).
enum AnswerJSON: Decodable {
    case object(Object)
    /// Any other JSON value: a string, number or bool as text, else `nil`.
    case other(String?)

    struct Object: Decodable {
        var status: String?
        var leadID: String?
        var bid: Double?
        var reason: String?
        var message: String?
        var error: String?
        var detail: String?
        var fields: [String?]?
        var errors: [String?]?

        private enum Key: String, CodingKey {
            case status, reason, message, error, detail, fields, errors
            case leadID = "lead_id"
            case bid = "bid_amount"
        }

        init(from decoder: any Decoder) throws {
            let members = try decoder.container(keyedBy: Key.self)
            func text(_ key: Key) -> String? { (try? members.decodeIfPresent(FlatText.self, forKey: key))?.text }
            func list(_ key: Key) -> [String?]? {
                (try? members.decodeIfPresent([FlatText].self, forKey: key))?.map(\.text)
            }
            status = try? members.decodeIfPresent(String.self, forKey: .status)
            leadID = try? members.decodeIfPresent(String.self, forKey: .leadID)
            // A JSON number, or a string holding one, finite and not negative; anything else (`"inf"`,
            // `1e999`, `-5`, `"0x1p4"`, `"$12"`) is no bid, so revenue never takes it in.
            let amount =
                (try? members.decodeIfPresent(Double.self, forKey: .bid))
                ?? (try? members.decodeIfPresent(String.self, forKey: .bid))?
                .flatMap { JSONObjectWriter.isJSONNumber($0) ? Double($0) : nil }
            bid = amount.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            reason = text(.reason)
            message = text(.message)
            error = text(.error)
            detail = text(.detail)
            fields = list(.fields)
            errors = list(.errors)
        }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? Object(from: decoder) {
            self = .object(object)
        } else {
            self = .other(try FlatText(from: decoder).text)
        }
    }
}

/// A string, number or bool as text; an object's `message` (`{"error":{"message":...}}`); `nil` for
/// anything else. Never fails on valid JSON.
struct FlatText: Decodable {
    var text: String?

    private enum Key: String, CodingKey {
        case message
    }

    init(from decoder: any Decoder) throws {
        if let value = try? decoder.singleValueContainer() {
            if let string = try? value.decode(String.self) {
                text = string
                return
            }
            if let number = try? value.decode(Double.self) {
                text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                return
            }
            if let flag = try? value.decode(Bool.self) {
                text = flag ? "true" : "false"
                return
            }
        }
        let members = try? decoder.container(keyedBy: Key.self)
        text = (try? members?.decodeIfPresent(FlatText.self, forKey: .message))?.text
    }
}
