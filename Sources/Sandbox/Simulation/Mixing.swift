/// Deterministic 64-bit hashing: FNV-1a to absorb bytes, the SplitMix64 finaliser to spread them.
/// Stable across runs and platforms, unlike `Hasher`, so a seed always gives the same answers.
enum Mixing {
    static func fnv1a(_ state: inout UInt64, _ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01B3
        }
    }

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325

    static func splitMix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The `stream`-th independent 64-bit value derived from `base`.
    static func derive(_ base: UInt64, stream: UInt64) -> UInt64 {
        splitMix(base ^ splitMix(stream &* 0xD1B5_4A32_D192_ED03))
    }

    /// A uniform value in `0 ..< 1` from 53 bits of `value`.
    static func unit(_ value: UInt64) -> Double {
        Double(value >> 11) * 0x1.0p-53
    }

    static func seedBytes(_ seed: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: seed >> ($0 * 8)) }
    }
}
