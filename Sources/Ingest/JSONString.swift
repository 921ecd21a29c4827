/// JSON string literals (RFC 8259): `"` `\` and the control characters below U+0020 escaped (`\n`, `\r`,
/// `\t`, `\b`, `\f`, else `\u00XX`); everything else, non-ASCII UTF-8 included, copied as is. The one
/// escaping function of the JSON leadspool writes: reports, request bodies, the sandbox's answers, logs.
package enum JSONString {
    /// The quoted, escaped literal.
    package static func quoted(_ value: String) -> String {
        var value = value
        return value.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: maxEncodedCount(bytes.count)) { out in
                write(bytes, at: out.baseAddress!) - out.baseAddress!
            }
        }
    }

    /// Appends the quoted, escaped literal to `buffer`.
    package static func append(_ value: String, to buffer: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            guard bytes.contains(where: needsEscape) else {
                buffer.append(UInt8(ascii: "\""))
                buffer.append(contentsOf: bytes)
                buffer.append(UInt8(ascii: "\""))
                return
            }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: maxEncodedCount(bytes.count)))
            let end = buffer.withUnsafeMutableBufferPointer { out in
                write(bytes, at: out.baseAddress! + start) - out.baseAddress!
            }
            buffer.removeLast(buffer.count - end)
        }
    }

    /// Upper bound of the literal's size: quotes plus six bytes (`\u00XX`) per input byte.
    @inline(__always)
    package static func maxEncodedCount(_ n: Int) -> Int { 6 * n + 2 }

    @inline(__always)
    package static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// Writes the literal of the UTF-8 `bytes` at `cursor`, which has room for ``maxEncodedCount(_:)``
    /// bytes, and answers the position past it.
    package static func write(
        _ bytes: UnsafeBufferPointer<UInt8>, at cursor: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        var p = cursor
        p.pointee = UInt8(ascii: "\"")
        p += 1
        if let source = bytes.baseAddress {
            var start = 0
            for i in 0..<bytes.count where needsEscape(source[i]) {
                p.update(from: source + start, count: i - start)
                p += i - start
                p = writeEscape(source[i], at: p)
                start = i + 1
            }
            p.update(from: source + start, count: bytes.count - start)
            p += bytes.count - start
        }
        p.pointee = UInt8(ascii: "\"")
        return p + 1
    }

    private static func writeEscape(_ byte: UInt8, at cursor: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
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
