import ArgumentParser
import Pipeline

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
