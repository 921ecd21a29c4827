/// Makes a remote text safe to store: the API's reason texts name fields, but a buyer's filter message could
/// quote a phone or an email back.
package enum LedgerText {
    package static let maxLength = 240

    /// `text` with every whitespace-separated token that contains `@` replaced by `[email]`, every run of 7 or
    /// more digits (across `+ - . ( )` and spaces) replaced by `[number]`, control characters dropped, cut to
    /// `maxLength` characters.
    package static func scrub(_ text: String) -> String {
        let cleaned = text.unicodeScalars.filter { !($0.value < 0x20 || $0.value == 0x7F) }
        var out = String(String.UnicodeScalarView(cleaned))
            .split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.contains("@") ? "[email]" : String($0) }
            .joined(separator: " ")
        out = maskDigitRuns(out)
        return out.count > maxLength ? String(out.prefix(maxLength)) : out
    }

    private static func maskDigitRuns(_ text: String) -> String {
        var out = ""
        var pending = ""  // a run of digits and phone punctuation not yet known to be short
        var digits = 0
        func flush() {
            if digits >= 7 {
                let trailing = pending.reversed().prefix { !$0.isASCIIDigit }
                out.append("[number]")
                out.append(contentsOf: trailing.reversed())
            } else {
                out.append(pending)
            }
            pending = ""
            digits = 0
        }
        for character in text {
            if character.isASCIIDigit {
                pending.append(character)
                digits += 1
            } else if !pending.isEmpty, "+-.() ".contains(character) {
                pending.append(character)
            } else if character == "+" || character == "(" {
                flush()
                pending.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
