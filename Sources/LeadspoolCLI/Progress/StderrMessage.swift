import Foundation
import Logging
import Pipeline

/// A line leadspool writes to stderr outside a logger: a fatal error, a refusal, a usage error. It follows
/// the log format (`--log-format`, or the configuration's `log_format` once loaded), so with `json` every
/// line on stderr is one JSON object a log collector or `jq` can read.
enum StderrMessage {
    /// Whether stderr lines are JSON: the installed log handler's format, else `--log-format json` on the
    /// command line (a command that fails before it could read its configuration).
    static var isJSON: Bool {
        if let format = LoggingBootstrap.installedFormat { return format == .json }
        let arguments = CommandLine.arguments
        for (index, argument) in arguments.enumerated() {
            if argument == "--log-format=json" { return true }
            if argument == "--log-format", index + 1 < arguments.count, arguments[index + 1] == "json" { return true }
        }
        return false
    }

    /// `leadspool: <text>` (control characters escaped), or a JSON event at level `error`.
    static func error(_ text: String) {
        if isJSON {
            StatusLine.shared.print(
                StderrLogHandler.line(format: .json, level: .error, label: "leadspool", message: text, metadata: [:]))
        } else {
            StatusLine.shared.print("leadspool: \(TerminalText.escaped(text))\n")
        }
    }
}
