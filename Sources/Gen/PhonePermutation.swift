/// Maps row numbers one-to-one onto valid US phone numbers, so a file never repeats a phone unless a
/// duplicate is made on purpose, without remembering the numbers already used.
///
/// A 4-round Feistel network permutes 30-bit values; values outside the phone space are walked again
/// (cycle walking), which keeps the map a bijection on `0..<count`.
struct PhonePermutation {
    private let keys: (UInt32, UInt32, UInt32, UInt32)
    private let areaCodes: [Int]
    private let exchanges: [Int]
    private static let lineCount = 9900  // 0100...9999
    private static let halfBits: UInt32 = 15
    private static let halfMask: UInt32 = (1 << 15) - 1

    /// How many distinct numbers there are, the upper bound of `--rows`.
    let count: Int

    init(seed: UInt64, areaCodes: [Int], exchanges: [Int]) {
        var state = seed ^ 0x5048_4F4E_4553_0000
        let k = (0..<4).map { _ in UInt32(truncatingIfNeeded: GenRandom.splitMix(&state)) }
        keys = (k[0], k[1], k[2], k[3])
        self.areaCodes = areaCodes
        self.exchanges = exchanges
        count = areaCodes.count * exchanges.count * Self.lineCount
        precondition(count <= 1 << 30, "phone space must fit the 30-bit permutation")
    }

    /// The 10 ASCII digits of row `row`'s number (0-based, `row < count`).
    func digits(forRow row: Int, into out: inout [UInt8]) {
        var x = UInt32(row)
        repeat { x = permute(x) } while Int(x) >= count
        let index = Int(x)
        let perArea = exchanges.count * Self.lineCount
        let area = areaCodes[index / perArea]
        let exchange = exchanges[index % perArea / Self.lineCount]
        let line = index % Self.lineCount + 100
        out.removeAll(keepingCapacity: true)
        GenBytes.appendDigits(area, width: 3, to: &out)
        GenBytes.appendDigits(exchange, width: 3, to: &out)
        GenBytes.appendDigits(line, width: 4, to: &out)
    }

    private func permute(_ x: UInt32) -> UInt32 {
        var left = x >> Self.halfBits
        var right = x & Self.halfMask
        // Unrolled: an array of the keys here would allocate on every call.
        (left, right) = (right, left ^ (Self.round(right, keys.0) & Self.halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.1) & Self.halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.2) & Self.halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.3) & Self.halfMask))
        return left << Self.halfBits | right
    }

    private static func round(_ value: UInt32, _ key: UInt32) -> UInt32 {
        var h = (value &* 0x9E37_79B1) ^ key
        h ^= h >> 15
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        return h ^ (h >> 16)
    }
}
