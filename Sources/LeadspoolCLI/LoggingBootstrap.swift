import Foundation
import Logging
import Pipeline
import Synchronization

enum LoggingBootstrap {
    private static let installed = Mutex<LogFormat?>(nil)

    /// The format of the installed log handler; `nil` before ``install(format:level:)``.
    static var installedFormat: LogFormat? { installed.withLock { $0 } }

    static func install(format: LogFormat, level: Logger.Level) {
        installed.withLock { $0 = format }
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }
}

/// One line per event on stderr, as text or JSON. Callers never put PII or the token in
/// messages or metadata; this handler adds nothing but time, level and label.
struct StderrLogHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        StatusLine.shared.print(
            Self.line(format: format, level: event.level, label: label, message: "\(event.message)", metadata: all))
    }

    /// One event as a line (newline included).
    static func line(
        format: LogFormat, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        let time = Self.timestamp()
        var line: String
        switch format {
        case .text:
            // Messages and values carry file names, which may hold newlines or escape sequences: escaped, so
            // one event stays one line and cannot pass for another.
            line = "\(time) \(level) \(TerminalText.escaped(message))"
            for key in metadata.keys.sorted() {
                line += " \(TerminalText.escaped(key))=\(TerminalText.escaped("\(metadata[key]!)"))"
            }
        case .json:
            line = "{\"time\":\"\(time)\",\"level\":\"\(level)\",\"label\":\(Self.quote(label))"
            line += ",\"message\":\(Self.quote(message))"
            for key in metadata.keys.sorted() { line += ",\(Self.quote(key)):\(Self.quote("\(metadata[key]!)"))" }
            line += "}"
        }
        return line + "\n"
    }

    private static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let millis = ts.tv_nsec / 1_000_000
        let base = utcString(Int64(ts.tv_sec))
        return String(base.dropLast()) + "." + String(format: "%03d", millis) + "Z"
    }

    private static func utcString(_ t: Int64) -> String {
        var time = time_t(t)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Valid JSON either way; DEL, C1 controls and U+2028/2029 are escaped too so a log read on a
                // terminal or by a line-oriented tool shows them rather than acting on them.
                if TerminalText.isControl(scalar) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
