import Export

/// One JSON object on one line, members in the order added (`nil` values are written as `null`).
package struct JSONLine: Sendable {
    private var members: [String] = []

    package init() {}

    package static func message(_ text: String) -> JSONLine {
        var line = JSONLine()
        line.add("message", text)
        return line
    }

    package mutating func add(_ key: String, _ value: String?) {
        members.append(JSONText.quoted(key) + ":" + (value.map(JSONText.quoted) ?? "null"))
    }

    package mutating func add(_ key: String, _ value: Int?) {
        members.append(JSONText.quoted(key) + ":" + (value.map { String($0) } ?? "null"))
    }

    /// A number already formatted (`26.15`).
    package mutating func add(_ key: String, number: String?) {
        members.append(JSONText.quoted(key) + ":" + (number ?? "null"))
    }

    package mutating func add(_ key: String, _ value: JSONLine) {
        members.append(JSONText.quoted(key) + ":" + value.text)
    }

    package var text: String { "{" + members.joined(separator: ",") + "}" }
}
