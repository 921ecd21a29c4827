#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The character encodings a batch file is read in. Every one is turned into UTF-8 below the readers.
package enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case utf32LE = "utf-32le"
    case utf32BE = "utf-32be"
    /// Excel's "CSV (Comma delimited)" on Windows. Its five undefined bytes are read as the C1 controls, as
    /// ISO-8859-1 reads them, so every byte decodes.
    case windows1252 = "windows-1252"
    case latin1 = "latin-1"
}

/// The `encoding` setting of a publisher: detect it per file, or read every file in one encoding.
package enum EncodingSetting: Sendable, Equatable {
    case auto
    case forced(TextEncoding)

    /// The values the configuration accepts.
    package static let names = ["auto", "utf-8", "windows-1252", "latin-1"]

    /// `auto`, `utf-8`, `windows-1252` or `latin-1` (case-insensitive; `cp1252`, `iso-8859-1` and `utf8` too).
    package init?(name: String) {
        switch name.lowercased() {
        case "auto": self = .auto
        case "utf-8", "utf8": self = .forced(.utf8)
        case "windows-1252", "cp1252": self = .forced(.windows1252)
        case "latin-1", "latin1", "iso-8859-1": self = .forced(.latin1)
        default: return nil
        }
    }
}

/// The encoding a file is read in, and why.
package struct EncodingDecision: Sendable, Equatable, CustomStringConvertible {
    package var encoding: TextEncoding
    /// Why, for `check` and logs: `not valid UTF-8 at byte 162`.
    package var reason: String

    package init(_ encoding: TextEncoding, _ reason: String) {
        self.encoding = encoding
        self.reason = reason
    }

    package var description: String { "\(encoding.rawValue) (\(reason))" }
}

/// What the first pass saw of a file's content that decides its encoding: its byte order mark, its first
/// byte that is not valid UTF-8, whether it holds a NUL byte.
package struct TextFacts: Sendable, Equatable {
    /// The encoding a byte order mark at the start names.
    package var byteOrderMark: TextEncoding?
    /// Content offset of the first sequence that is not valid UTF-8 (the whole file was looked at).
    package var firstInvalidUTF8: Int?
    package var hasNUL = false

    package init(byteOrderMark: TextEncoding? = nil, firstInvalidUTF8: Int? = nil, hasNUL: Bool = false) {
        self.byteOrderMark = byteOrderMark
        self.firstInvalidUTF8 = firstInvalidUTF8
        self.hasNUL = hasNUL
    }

    /// The encoding to read the file in under `setting`. A byte order mark always decides (it cannot be
    /// mistaken); otherwise a forced encoding is used as it is, and `auto` reads UTF-8 unless some byte is not
    /// valid UTF-8 and the file holds no NUL (a NUL is never single-byte text: such a file is read as UTF-8
    /// and its broken rows are named).
    package func decision(_ setting: EncodingSetting) -> EncodingDecision {
        if let bom = byteOrderMark {
            return EncodingDecision(bom, bom == .utf8 ? "byte order mark" : "byte order mark, converted to UTF-8")
        }
        if case .forced(let encoding) = setting {
            return EncodingDecision(encoding, "encoding = \"\(encoding.rawValue)\"")
        }
        guard let invalid = firstInvalidUTF8 else { return EncodingDecision(.utf8, "valid UTF-8") }
        if hasNUL {
            return EncodingDecision(.utf8, "not valid UTF-8 at byte \(invalid), but holds NUL bytes")
        }
        return EncodingDecision(.windows1252, "not valid UTF-8 at byte \(invalid)")
    }

    /// The encoding named by a byte order mark at the start of `head` (the content's first bytes, 4 when it
    /// has them), and the mark's length.
    package static func byteOrderMark(_ head: UnsafeRawBufferPointer) -> (TextEncoding, length: Int)? {
        let b = Array(head.prefix(4))
        if b.count >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0 { return (.utf32LE, 4) }
        if b.count >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF { return (.utf32BE, 4) }
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { return (.utf8, 3) }
        if b.count >= 2 && b[0] == 0xFF && b[1] == 0xFE { return (.utf16LE, 2) }
        if b.count >= 2 && b[0] == 0xFE && b[1] == 0xFF { return (.utf16BE, 2) }
        return nil
    }
}

/// Looks at content as it streams past (the first pass's chunks, in order) and gathers its ``TextFacts``:
/// a UTF-8 validator that keeps its state across chunk boundaries, a NUL search, the first four bytes.
///
/// Measured by `make bench`'s inspect row: ASCII is checked eight bytes at a time, and validation stops at
/// the first invalid sequence (the decision needs no more).
package struct TextFactsScanner {
    private var head: [UInt8] = []
    private var offset = 0
    /// Continuation bytes still expected, the range the next one must fall in, and where the sequence began.
    private var needed = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    private var sequenceStart = 0
    private var invalid: Int?
    private var nul = false

    package init() {}

    package mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        if head.count < 4 { head += bytes.prefix(4 - head.count) }
        if !nul, memchrNUL(bytes) { nul = true }
        if invalid == nil { validate(bytes) }
        offset += n
    }

    /// The facts of the content fed so far; `complete` when that was the whole content (a sequence cut off at
    /// the end is then invalid, rather than waiting for more).
    package func facts(complete: Bool = true) -> TextFacts {
        var firstInvalid = invalid
        if firstInvalid == nil, complete, needed > 0 { firstInvalid = sequenceStart }
        let bom = head.withUnsafeBytes { TextFacts.byteOrderMark($0) }
        return TextFacts(byteOrderMark: bom?.0, firstInvalidUTF8: firstInvalid, hasNUL: nul)
    }

    private func memchrNUL(_ bytes: UnsafeRawBufferPointer) -> Bool {
        memchr(bytes.baseAddress!, 0, bytes.count) != nil
    }

    private mutating func validate(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        var i = 0
        while i < n {
            if needed == 0 {
                // ASCII runs a word at a time.
                while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                if i == n { break }
                let b = bytes[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                sequenceStart = offset + i
                low = 0x80
                high = 0xBF
                switch b {
                case 0xC2...0xDF: needed = 1
                case 0xE0: needed = 2; low = 0xA0
                case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
                case 0xED: needed = 2; high = 0x9F
                case 0xF0: needed = 3; low = 0x90
                case 0xF1...0xF3: needed = 3
                case 0xF4: needed = 3; high = 0x8F
                default:
                    invalid = offset + i
                    return
                }
                i += 1
            } else {
                let b = bytes[i]
                guard b >= low && b <= high else {
                    invalid = sequenceStart
                    return
                }
                low = 0x80
                high = 0xBF
                needed -= 1
                i += 1
            }
        }
    }
}
