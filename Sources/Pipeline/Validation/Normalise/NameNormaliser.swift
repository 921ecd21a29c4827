import Ingest

/// The result of normalising a first or last name.
package enum NameCheck: Sendable, Equatable {
    case valid(String)
    /// Nothing left after trimming and removing control characters.
    case empty
    /// Only digits, punctuation and symbols: no letter at all.
    case noLetters
}

/// Names: trimmed, inner whitespace collapsed to one space, control characters removed (CONTRACT §7).
///
/// Whitespace is ASCII whitespace, NO-BREAK SPACE and the Unicode space separators (U+2000–U+200A,
/// U+202F, U+205F, U+3000). Removed: C0 and C1 controls other than whitespace, DEL, ZERO WIDTH SPACE and
/// the byte order mark. A name needs at least one letter (any script); `123` or `--` is `noLetters`.
package enum NameNormaliser {
    package static func check(_ raw: String) -> NameCheck {
        UTF8Bytes.with(raw) { bytes in check(bytes, original: raw) }
    }

    static func check(_ bytes: UTF8Bytes.Buffer, original: String) -> NameCheck {
        // Fast path: printable text with single inner spaces needs no rewriting. Lead bytes of the
        // characters the rewrite handles (C1 controls and NO-BREAK SPACE, U+2000 block, U+3000, U+FEFF)
        // send a name to the slow path.
        var clean = true
        var hasLetter = false
        var hasNonASCII = false
        var previousSpace = true
        for byte in bytes {
            if byte == 0x20 {
                if previousSpace { clean = false; break }
                previousSpace = true
            } else if byte &- 0x21 < 0x5E {
                previousSpace = false
                if !hasLetter, UTF8Bytes.isLetter(byte) { hasLetter = true }
            } else if byte >= 0x80, byte != 0xC2, byte != 0xE2, byte != 0xE3, byte != 0xEF {
                previousSpace = false
                hasNonASCII = true
            } else {
                clean = false
                break
            }
        }
        if clean {
            if bytes.isEmpty { return .empty }
            if !previousSpace {
                if hasLetter || (hasNonASCII && hasUnicodeLetter(original)) { return .valid(original) }
                return .noLetters
            }
        }
        return rewrite(bytes)
    }

    private static func rewrite(_ bytes: UTF8Bytes.Buffer) -> NameCheck {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            let (kind, length) = classify(bytes, at: i)
            i += length
            switch kind {
            case .space:
                pendingSpace = !out.isEmpty
            case .removed:
                continue
            case .kept:
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                if length == 1 {
                    out.append(byte)
                } else {
                    out.append(contentsOf: UTF8Bytes.Buffer(rebasing: bytes[(i - length)..<i]))
                }
            }
        }
        if out.isEmpty { return .empty }
        let name = String(decoding: out, as: UTF8.self)
        return hasLetter(name) ? .valid(name) : .noLetters
    }

    private enum Kind { case space, removed, kept }

    /// The kind and byte length of the character starting at `i` (bytes are valid UTF-8).
    @inline(__always)
    private static func classify(_ bytes: UTF8Bytes.Buffer, at i: Int) -> (Kind, Int) {
        let byte = bytes[i]
        if byte < 0x80 {
            if UTF8Bytes.isASCIIWhitespace(byte) { return (.space, 1) }
            if byte < 0x20 || byte == 0x7F { return (.removed, 1) }
            return (.kept, 1)
        }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        guard i + length <= bytes.count else { return (.kept, bytes.count - i) }
        let b1 = bytes[i + 1]
        switch length {
        case 2 where byte == 0xC2:
            if b1 == 0xA0 { return (.space, 2) }
            if b1 < 0xA0 { return (.removed, 2) }  // C1 controls U+0080–U+009F
        case 3:
            let b2 = bytes[i + 2]
            if byte == 0xE2, b1 == 0x80 {
                if b2 <= 0x8A || b2 == 0xAF { return (.space, 3) }  // U+2000–U+200A, U+202F
                if b2 == 0x8B { return (.removed, 3) }  // U+200B
            }
            if byte == 0xE2, b1 == 0x81, b2 == 0x9F { return (.space, 3) }  // U+205F
            if byte == 0xE3, b1 == 0x80, b2 == 0x80 { return (.space, 3) }  // U+3000
            if byte == 0xEF, b1 == 0xBB, b2 == 0xBF { return (.removed, 3) }  // U+FEFF
        default:
            break
        }
        return (.kept, length)
    }

    private static func hasLetter(_ name: String) -> Bool {
        for byte in name.utf8 where UTF8Bytes.isLetter(byte) { return true }
        return hasUnicodeLetter(name)
    }

    private static func hasUnicodeLetter(_ name: String) -> Bool {
        name.unicodeScalars.contains { $0.value >= 0x80 && $0.properties.isAlphabetic }
    }
}
