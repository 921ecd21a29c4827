/// A small JSON tree for the once-per-batch summary, printed with stable key order and two-space
/// indentation (rows use the hand-written streaming encoders instead).
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    /// A number already formatted (e.g. `18.50`, `0.8125`).
    case number(String)
    case bool(Bool)
    case null

    static func optionalInt(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }

    static func money(cents: Int?) -> JSONValue {
        cents.map { .number(NumberText.money(cents: $0)) } ?? .null
    }

    static func fixed(_ value: Double?, decimals: Int) -> JSONValue {
        value.map { .number(NumberText.fixed($0, decimals: decimals)) } ?? .null
    }

    func rendered() -> String {
        var out = ""
        render(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func render(into out: inout String, indent: Int) {
        switch self {
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += String(repeating: " ", count: indent + 2) + JSONText.quoted(key) + ": "
                value.render(into: &out, indent: indent + 2)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        case .array(let elements):
            guard !elements.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, value) in elements.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                value.render(into: &out, indent: indent + 2)
                out += i == elements.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .string(let text): out += JSONText.quoted(text)
        case .int(let n): out += String(n)
        case .number(let text): out += text
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
