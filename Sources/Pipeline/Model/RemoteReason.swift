/// The API's own reason for a rejection (`low_score`, `no_buyer_match`, ...) as data: the ledger's
/// `remote_reason` column, the `remote_reason` column of results.csv/jsonl and the breakdown of
/// `REMOTE_REJECTED` in summaries and `leadspool report`.
///
/// The API sends free text; a buyer's filter may echo a phone or an email back into it. A token is
/// lower-case ASCII letters, digits and `_`, with every word holding `@` read as `email` and every run of
/// seven or more digits (across `+ - . ( )` and spaces) as `number`, cut to ``maxLength`` characters,
/// so it groups well and never carries PII.
package enum RemoteReason {
    package static let maxLength = 40

    /// `"No Buyer Match"` → `no_buyer_match`; `nil` for a text with no letter or digit.
    package static func token(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(min(text.utf8.count, maxLength))
        var gap = false
        func put(_ word: String) {
            if gap && !out.isEmpty { out.append(UInt8(ascii: "_")) }
            gap = false
            out.append(contentsOf: word.utf8)
        }
        let masked = text.split(whereSeparator: \.isWhitespace).map { $0.contains("@") ? "email" : String($0) }
            .joined(separator: " ").maskingDigitRuns()
        for character in masked {
            if let ascii = character.asciiValue, character.isLetter || character.isNumber {
                put(String(UnicodeScalar(ascii | (character.isUppercase ? 0x20 : 0))))
            } else {
                gap = true
            }
            if out.count >= maxLength { break }
        }
        let trimmed = out.prefix(maxLength).reversed().drop { $0 == UInt8(ascii: "_") }.reversed()
        return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }
}

extension String {
    /// Every run of seven or more ASCII digits, with the phone punctuation between them, as ` number `.
    fileprivate func maskingDigitRuns() -> String {
        var out = ""
        var run = ""
        var digits = 0
        func flush() {
            out += digits >= 7 ? " number " : run
            run = ""
            digits = 0
        }
        for character in self {
            if character.isASCII && character.isNumber {
                run.append(character)
                digits += 1
            } else if !run.isEmpty || character == "+" || character == "(", "+-.() ".contains(character) {
                run.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}
