/// Where the first invalid UTF-8 sequence of `bytes` starts, or `nil` when all of it is valid.
package func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
        let b0 = bytes[i]
        if b0 < 0x80 { i += 1; continue }
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b0 & 0x07)
        default: return i
        }
        guard i + length <= n else { return i }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return i }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
        i += length
    }
    return nil
}

extension String {
    /// A string from bytes known to be one field; `nil` when they are not valid UTF-8.
    ///
    /// ASCII (the common case) is checked a word at a time; only other text goes through the full
    /// validator. Both paths end in the concrete `String(decoding:as:)` fast path.
    @inline(__always)
    static func fromUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "" }
        if !isASCII(bytes) && firstInvalidUTF8Offset(bytes) != nil { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= raw.count {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < raw.count {
            acc |= UInt64(raw[i])
            i += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }
}

extension String {
    /// The text of bytes that are not all valid UTF-8, for showing a record the reader could not read (in
    /// `rejects.csv`): valid UTF-8 as it is, each byte of an invalid sequence as its Windows-1252 character
    /// (what such a byte most often meant), and a NUL as U+2400 (␀), so nothing shown is ever U+FFFD.
    package init(showing bytes: [UInt8]) {
        var scalars = String.UnicodeScalarView()
        bytes.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                let rest = UnsafeBufferPointer(rebasing: all[i...])
                let valid = firstInvalidUTF8Offset(rest) ?? rest.count
                let text = String(decoding: UnsafeBufferPointer(rebasing: rest[..<valid]), as: UTF8.self)
                scalars.append(contentsOf: text.unicodeScalars.lazy.map { $0 == "\u{0}" ? "\u{2400}" : $0 })
                i += valid
                if i < all.count {
                    scalars.append(Windows1252.scalar(all[i]))
                    i += 1
                }
            }
        }
        self = String(scalars)
    }
}
