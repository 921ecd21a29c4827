import ArgumentParser
import Export
import LeadModel

/// How `run`, `watch`, `retry` and `check` print their summaries on stdout: text for people, or one JSON
/// object per line (a batch's figures, or `{"message": ...}` for anything else) for scripts.
enum SummaryOutput: String, ExpressibleByArgument, Sendable {
    case text
    case json

    /// The line for stdout (no newline): `text` as it is, or as JSON.
    func line(text: String, json: JSONLine?) -> String {
        switch self {
        case .text: return text
        case .json: return (json ?? JSONLine.message(text)).text
        }
    }

    /// A line that has no JSON form of its own.
    func line(_ text: String) -> String { line(text: text, json: nil) }
}

/// One JSON object on one line, members in the order added (`nil` values are written as `null`).
struct JSONLine: Sendable {
    private var members: [String] = []

    static func message(_ text: String) -> JSONLine {
        var line = JSONLine()
        line.add("message", text)
        return line
    }

    mutating func add(_ key: String, _ value: String?) {
        members.append(JSONText.quoted(key) + ":" + (value.map(JSONText.quoted) ?? "null"))
    }

    mutating func add(_ key: String, _ value: Int?) {
        members.append(JSONText.quoted(key) + ":" + (value.map { String($0) } ?? "null"))
    }

    /// A number already formatted (`26.15`).
    mutating func add(_ key: String, number: String?) {
        members.append(JSONText.quoted(key) + ":" + (number ?? "null"))
    }

    mutating func add(_ key: String, _ value: JSONLine) {
        members.append(JSONText.quoted(key) + ":" + value.text)
    }

    var text: String { "{" + members.joined(separator: ",") + "}" }
}

extension OutcomeTally {
    /// The batch's figures as JSON members: rows, a count per outcome (every outcome, 0 included), every
    /// reason code that occurs with its count, revenue in dollars, and the results file.
    func json(file: String, publisher: String?, batch: String?, resultsPath: String?) -> JSONLine {
        var line = JSONLine()
        line.add("file", file)
        line.add("publisher", publisher)
        line.add("batch", batch)
        line.add("rows", rows)
        var outcomes = JSONLine()
        for outcome in Outcome.allCases { outcomes.add(outcome.rawValue, byOutcome[outcome] ?? 0) }
        line.add("outcomes", outcomes)
        var reasons = JSONLine()
        for (code, count) in byReason.sorted(by: { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }) {
            reasons.add(code.rawValue, count)
        }
        line.add("reasons", reasons)
        line.add("revenue", number: NumberText.money(cents: revenueCents))
        line.add("results", resultsPath)
        return line
    }
}
