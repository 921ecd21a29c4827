/// Word-at-a-time tests for the bytes that force the slow (escaping) path of an encoder. Most report
/// values are short and clean; testing eight bytes per step keeps the common case to a compare and
/// a copy.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when some byte of `word` is zero (exact as a yes/no answer).
    @inline(__always)
    private static func zeroByte(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// Non-zero when some byte of `word` equals `byte`.
    @inline(__always)
    private static func has(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        zeroByte(word ^ (ones &* UInt64(byte)))
    }

    /// Non-zero when some byte of `word` is below `limit` (≤ 128).
    @inline(__always)
    private static func hasBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highs
    }

    /// True when the bytes contain `,` `"` CR or LF (a CSV cell that must be quoted).
    @inline(__always)
    static func hasCSVSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            if has(word, 0x2C) | has(word, 0x22) | has(word, 0x0A) | has(word, 0x0D) != 0 { return true }
            i += 8
        }
        while i < n {
            let byte = base[i]
            if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { return true }
            i += 1
        }
        return false
    }

    /// True when the bytes contain anything either encoder treats specially: a control character,
    /// `"`, `,` or `\`. One pass answers for both the CSV and the JSON encoder.
    ///
    /// Reads whole words, including up to 7 bytes past the end, which the caller guarantees are
    /// readable and initialised (``TextArena`` keeps that slack); those bytes are masked out.
    @inline(__always)
    static func hasCSVOrJSONSpecial(padded base: UnsafePointer<UInt8>, count n: Int) -> Bool {
        var i = 0
        var found: UInt64 = 0
        while i < n {
            var word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let remaining = n - i
            if remaining < 8 {
                // Replace the bytes past the end with a harmless `A`.
                let keep: UInt64 = (1 << (8 * UInt64(remaining))) &- 1
                word = (word & keep) | (0x4141_4141_4141_4141 & ~keep)
            }
            found |= hasBelow(word, 0x20) | has(word, 0x22) | has(word, 0x2C) | has(word, 0x5C)
            i += 8
        }
        return found != 0
    }
}
