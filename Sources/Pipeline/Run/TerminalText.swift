/// Text bound for a terminal or a line-oriented log, with control characters made visible.
///
/// File names are the publishers' (a name on Linux may hold a newline or an escape sequence): printed raw
/// they could forge log or summary lines or drive the terminal. Every C0 control (`\n`, `\r`, `\t` and the
/// rest), DEL, every C1 control and the Unicode line and paragraph separators are written as escapes
/// (`\n`, `\r`, `\t`, `\u{1b}`, `\u{85}`, `\u{2028}`); everything else is left as it is.
package enum TerminalText {
    /// Whether `scalar` is written as an escape.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `text` on one line: every control character escaped, newlines included.
    package static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.append(scalar)
                continue
            }
            let escape: String
            switch scalar {
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            default: escape = "\\u{" + String(scalar.value, radix: 16) + "}"
            }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// A batch summary (whole lines): its first line, then continuation lines indented by two spaces.
    /// A newline is kept where it ends the text or starts such a continuation line; any other newline
    /// (inside a file name) and every other control character are escaped.
    package static func escapedLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for (i, part) in parts.enumerated() {
            if lines.isEmpty || part.hasPrefix("  ") || (part.isEmpty && i == parts.count - 1) {
                lines.append(String(part))
            } else {
                lines[lines.count - 1] += "\n" + part
            }
        }
        return lines.map(escaped).joined(separator: "\n")
    }
}
