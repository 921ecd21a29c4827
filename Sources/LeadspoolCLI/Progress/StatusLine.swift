import Foundation
import Pipeline
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// stderr shared by log lines and the one live status line at the bottom of a terminal.
///
/// A log line first clears the status line, then the status line is drawn again below it, so the
/// two never mix. Without a terminal (cron, systemd, a pipe) there is no status line at all.
final class StatusLine: Sendable {
    static let shared = StatusLine(enabled: isatty(STDERR_FILENO) == 1)

    /// Whether stderr is a terminal (and a status line may be shown).
    let enabled: Bool
    private let current = Mutex<String?>(nil)

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Writes `text` (whole lines) to stderr, keeping the status line below it.
    func print(_ text: String) {
        current.withLock { status in
            if let status {
                Self.write("\r\u{1B}[K" + text + status)
            } else {
                Self.write(text)
            }
        }
    }

    /// Writes `text` (whole lines: batch summaries) to stdout, clearing the status line first and drawing it
    /// again after (on a terminal both streams show on one screen). Control characters in it (a file name's)
    /// are escaped, all but the newlines between the summary's lines (``TerminalText/escapedLines(_:)``).
    func report(_ text: String) {
        let text = TerminalText.escapedLines(text)
        current.withLock { status in
            if status != nil { Self.write("\r\u{1B}[K") }
            FileHandle.standardOutput.write(Data(text.utf8))
            if let status { Self.write(status) }
        }
    }

    /// Shows `text` as the status line (control characters escaped, clipped to the terminal width), replacing
    /// the previous one.
    func show(_ text: String) {
        guard enabled else { return }
        let clipped = String(TerminalText.escaped(text).prefix(Self.width() - 1))
        current.withLock { status in
            status = clipped
            Self.write("\r\u{1B}[K" + clipped)
        }
    }

    /// Removes the status line.
    func clear() {
        guard enabled else { return }
        current.withLock { status in
            guard status != nil else { return }
            status = nil
            Self.write("\r\u{1B}[K")
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func width() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 100 }
        return Int(size.ws_col)
    }
}
