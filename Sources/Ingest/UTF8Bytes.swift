/// Byte-level helpers the normalisers share. Everything here works on UTF-8 code units so the
/// per-row path never goes through `Character` or Foundation.
///
/// `public` while its members are `package`: Swift 6.3 inlines no member of a `package` type into another
/// module, `@inlinable` or not, and every call of the generic ``with(_:_:)`` then looked up the metadata of
/// its result type at run time (11 % of `check`, the `check` row of `make bench`).
public enum UTF8Bytes {
    public typealias Buffer = UnsafeBufferPointer<UInt8>

    /// Runs `body` on the string's UTF-8 bytes without copying when the string is native.
    @inlinable @inline(__always)
    package static func with<R>(_ string: String, _ body: (Buffer) -> R) -> R {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// Space, tab, LF, VT, FF, CR (one shift of a bit mask).
    @inlinable @inline(__always)
    package static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte <= 0x20 && (0x1_0000_3E00 as UInt64) >> UInt64(byte) & 1 != 0
    }

    @inlinable @inline(__always)
    package static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inlinable @inline(__always)
    package static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    @inlinable @inline(__always)
    package static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// The range of `bytes` without leading and trailing ASCII whitespace.
    @inlinable @inline(__always)
    package static func trimmed(_ bytes: Buffer) -> Range<Int> {
        var start = 0
        var end = bytes.count
        while start < end, isASCIIWhitespace(bytes[start]) { start += 1 }
        while end > start, isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    /// `original` when `range` covers all of it (no copy), otherwise a new string of that slice.
    @inlinable @inline(__always)
    package static func string(_ bytes: Buffer, _ range: Range<Int>, original: String) -> String {
        if range.count == bytes.count { return original }
        return String(decoding: Buffer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// True when `bytes[range]` equals the ASCII `word`, ignoring ASCII case (`word` is lowercase).
    @inlinable @inline(__always)
    package static func equalsIgnoringCase(_ bytes: Buffer, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        var i = 0
        for index in range {
            if lower(bytes[index]) != w[i] { return false }
            i += 1
        }
        return true
    }

    /// Builds a string of exactly `count` bytes written by `body`.
    @inlinable @inline(__always)
    package static func build(count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            body(buffer)
            return count
        }
    }
}
