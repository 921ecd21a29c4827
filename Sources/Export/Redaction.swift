import Ingest
import LeadModel

/// `--redact`: masks phone numbers and email addresses so reports can travel without them.
///
/// Phone: the first five and last four characters stay (`+18135550100` → `+1813***0100`); a value
/// shorter than ten characters becomes `***`. Email: the first character of the local part and the
/// whole domain stay (`mary@example.com` → `m***@example.com`); without an `@` it becomes `***`.
/// Empty stays empty. Works on bytes for ASCII values (every row pays for it with `--redact`) and
/// on characters otherwise.
package enum Redaction {
    package static func maskPhone(_ value: String) -> String {
        if value.isEmpty { return "" }
        let ascii = withUTF8(value) { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.count >= 10 else { return "***" }
            return String(unsafeUninitializedCapacity: 12) { out in
                out.baseAddress!.update(from: bytes.baseAddress!, count: 5)
                out[5] = UInt8(ascii: "*")
                out[6] = UInt8(ascii: "*")
                out[7] = UInt8(ascii: "*")
                (out.baseAddress! + 8).update(from: bytes.baseAddress! + bytes.count - 4, count: 4)
                return 12
            }
        }
        if let ascii { return ascii }
        let characters = Array(value)
        guard characters.count >= 10 else { return "***" }
        return String(characters.prefix(5)) + "***" + String(characters.suffix(4))
    }

    package static func maskEmail(_ value: String) -> String {
        if value.isEmpty { return "" }
        let fast = withUTF8(value) { bytes -> String? in
            // `@` is ASCII, so it never occurs inside a multi-byte character.
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return "***" }
            guard at == 0 || bytes[0] < 0x80 else { return nil }
            let keep = at == 0 ? 0 : 1
            let domain = bytes.count - at
            return String(unsafeUninitializedCapacity: keep + 3 + domain) { out in
                if keep == 1 { out[0] = bytes[0] }
                out[keep] = UInt8(ascii: "*")
                out[keep + 1] = UInt8(ascii: "*")
                out[keep + 2] = UInt8(ascii: "*")
                (out.baseAddress! + keep + 3).update(from: bytes.baseAddress! + at, count: domain)
                return keep + 3 + domain
            }
        }
        if let fast { return fast }
        // A local part starting with a non-ASCII character: keep that whole character.
        let at = value.utf8.lastIndex(of: UInt8(ascii: "@"))!
        return String(value[..<at].first!) + "***" + value[at...]
    }

    /// The row's reason text with every phone or email value it quotes masked: the values of
    /// problems about `phone` or `email`, and the row's own normalised phone and email.
    static func maskReason(_ reason: String, problems: [Problem], phone: String, email: String) -> String {
        var text = reason
        for problem in problems {
            // Shorter values identify no one, and replacing them would garble the text around them.
            guard let value = problem.value, value.utf8.count >= 4 else { continue }
            if problem.field == CanonicalField.phone.rawValue {
                text = replacingAll(value, with: maskPhone(value), in: text)
            } else if problem.field == CanonicalField.email.rawValue {
                text = replacingAll(value, with: maskEmail(value), in: text)
            }
        }
        if phone.utf8.count >= 4 { text = replacingAll(phone, with: maskPhone(phone), in: text) }
        if email.utf8.count >= 4 { text = replacingAll(email, with: maskEmail(email), in: text) }
        return text
    }

    /// `text` with every occurrence of `needle` (compared as UTF-8 bytes) replaced.
    static func replacingAll(_ needle: String, with replacement: String, in text: String) -> String {
        let source = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= source.count else { return text }
        var out: [UInt8] = []
        var i = 0
        var last = 0
        while i + pattern.count <= source.count {
            if source[i] == pattern[0], source[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: source[last..<i])
                out.append(contentsOf: replacement.utf8)
                i += pattern.count
                last = i
            } else {
                i += 1
            }
        }
        guard last > 0 else { return text }
        out.append(contentsOf: source[last...])
        return String(decoding: out, as: UTF8.self)
    }
}
