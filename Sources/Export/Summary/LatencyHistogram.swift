/// Request latencies of a batch in fixed buckets, for exact-enough percentiles in constant memory:
/// 1 ms buckets below 60 s, 1 s buckets from 60 s to one hour, one overflow bucket above.
///
/// Percentiles use the nearest-rank method: p is the smallest recorded value with at least
/// ⌈p·n/100⌉ values at or below it. They are exact to the millisecond below 60 s, the lower edge of
/// the second above it, and the maximum for the overflow bucket.
struct LatencyHistogram {
    static let fineLimit = 60_000
    static let coarseLimitSeconds = 3_600

    // Allocated on the first value, so `check` runs (no latencies) never pay for it.
    private var fine: [UInt32] = []
    private var coarse: [UInt32] = []
    private var overflow = 0
    private(set) var count = 0
    private(set) var max = 0
    private(set) var sum = 0

    @inline(__always)
    mutating func record(_ milliseconds: Int) {
        let value = Swift.max(0, milliseconds)
        if fine.isEmpty { allocate() }
        if value < Self.fineLimit {
            fine[value] &+= 1
        } else if value / 1000 < Self.coarseLimitSeconds {
            coarse[value / 1000 - Self.fineLimit / 1000] &+= 1
        } else {
            overflow += 1
        }
        count += 1
        sum &+= value
        if value > max { max = value }
    }

    private mutating func allocate() {
        fine = Array(repeating: 0, count: Self.fineLimit)
        coarse = Array(repeating: 0, count: Self.coarseLimitSeconds - Self.fineLimit / 1000)
    }

    /// The nearest-rank percentile (`percent` in 1…100), `nil` with no values. Integer arithmetic, so
    /// the rank is never off by one from floating-point rounding.
    func percentile(_ percent: Int) -> Int? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, (percent * count + 99) / 100)
        var seen = 0
        for (milliseconds, n) in fine.enumerated() where n > 0 {
            seen += Int(n)
            if seen >= rank { return milliseconds }
        }
        for (index, n) in coarse.enumerated() where n > 0 {
            seen += Int(n)
            if seen >= rank { return (index + Self.fineLimit / 1000) * 1000 }
        }
        return max
    }
}
