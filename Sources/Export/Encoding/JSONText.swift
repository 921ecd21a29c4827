/// JSON string literals, escaped by hand (RFC 8259): `"` `\` and control characters; everything
/// else, including non-ASCII UTF-8, is copied as is.
package enum JSONText {
    /// The quoted, escaped literal (tests and non-hot paths).
    package static func quoted(_ value: String) -> String {
        withUTF8(value) { bytes in
            String(unsafeUninitializedCapacity: maxEncodedCount(bytes.count)) { out in
                write(bytes, at: out.baseAddress!) - out.baseAddress!
            }
        }
    }

    /// Upper bound: quotes plus six bytes (`\u00XX`) per input byte.
    @inline(__always)
    static func maxEncodedCount(_ n: Int) -> Int { 6 * n + 2 }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// Writes `"…"` at `cursor` (room for ``maxEncodedCount(_:)`` bytes); answers the cursor past it.
    @inline(__always)
    static func write(
        _ bytes: UnsafeBufferPointer<UInt8>, at cursor: UnsafeMutablePointer<UInt8>
    )
        -> UnsafeMutablePointer<UInt8>
    {
        var p = cursor
        p.pointee = UInt8(ascii: "\"")
        p += 1
        if let source = bytes.baseAddress, !ByteScan.hasJSONSpecial(bytes) {
            p.update(from: source, count: bytes.count)
            p += bytes.count
        } else if let source = bytes.baseAddress {
            var start = 0
            var i = 0
            let n = bytes.count
            while i < n {
                let byte = source[i]
                if !needsEscape(byte) {
                    i += 1
                    continue
                }
                p.update(from: source + start, count: i - start)
                p += i - start
                p = writeEscape(byte, at: p)
                i += 1
                start = i
            }
            p.update(from: source + start, count: n - start)
            p += n - start
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }

    private static func writeEscape(
        _ byte: UInt8, at cursor: UnsafeMutablePointer<UInt8>
    )
        -> UnsafeMutablePointer<UInt8>
    {
        cursor[0] = UInt8(ascii: "\\")
        let short: UInt8
        switch byte {
        case 0x22: short = UInt8(ascii: "\"")
        case 0x5C: short = UInt8(ascii: "\\")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        default:
            let hex: StaticString = "0123456789abcdef"
            cursor[1] = UInt8(ascii: "u")
            cursor[2] = UInt8(ascii: "0")
            cursor[3] = UInt8(ascii: "0")
            cursor[4] = hex.utf8Start[Int(byte >> 4)]
            cursor[5] = hex.utf8Start[Int(byte & 0x0F)]
            return cursor + 6
        }
        cursor[1] = short
        return cursor + 2
    }
}

extension OutputBuffer {
    @inline(__always)
    mutating func jsonString(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let p = try reserve(JSONText.maxEncodedCount(bytes.count))
        commit(JSONText.write(bytes, at: p))
    }

    @inline(__always)
    mutating func jsonString(_ text: String) throws {
        try withUTF8(text) { bytes in try jsonString(bytes) }
    }

    /// A string, or `null` when it is empty (reports treat an empty value as absent).
    @inline(__always)
    mutating func jsonStringOrNull(_ text: String) throws {
        if text.isEmpty {
            try append("null")
        } else {
            try jsonString(text)
        }
    }
}
