@testable import Sandbox

/// The provider page's own sample payload (cURL and Python samples).
enum Sample {
    static let payload = #"{"vertical":"insurance","first_name":"Maria","last_name":"G.","email":"m@example.com","phone":"+18135550100","zip":"33601","tcpa_timestamp":"2026-04-27T09:14:22Z","tcpa_text":"By submitting...","tcpa_url":"https://seo.example.com/page"}"#

    /// The sample's members, to vary one at a time.
    static var members: [String: JSONValue] {
        guard case .object(let members) = try? JSONParser.parse(payload) else { fatalError("sample is an object") }
        return members
    }

    /// The sample as JSON with `changes` applied (nil removes the field).
    static func payload(_ changes: [String: JSONValue?]) -> String {
        var members = members
        for (name, value) in changes { members[name] = value }
        return render(.object(members))
    }

    /// A lead for `vertical` and the `index`-th phone of a synthetic range.
    static func lead(_ vertical: String = "insurance", phoneIndex index: Int, email: String = "m@example.com") -> String {
        let phone = "+1813" + String(5_550_000 + index)
        return payload(["vertical": .string(vertical), "phone": .string(phone), "email": .string(email)])
    }

    static func render(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        write(value, into: &writer)
        return writer.text
    }

    private static func write(_ value: JSONValue, into writer: inout JSONWriter) {
        switch value {
        case .string(let text): writer.string(text)
        case .number(let number, let isInteger): writer.raw(isInteger ? String(Int64(number)) : String(number))
        case .bool(let flag): writer.bool(flag)
        case .null: writer.raw("null")
        case .array(let elements):
            writer.beginArray()
            for element in elements { write(element, into: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                write(member, into: &writer)
            }
            writer.endObject()
        }
    }
}
