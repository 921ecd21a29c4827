/// A token bucket of `capacity` tokens refilled at `capacity` per second: bursts of up to a
/// second's allowance pass, a sustained rate above it is refused.
struct TokenBucket: Sendable {
    let capacity: Double
    private var tokens: Double
    private var updatedAt: Double

    init(perSecond: Int, now: Double) {
        capacity = Double(perSecond)
        tokens = capacity
        updatedAt = now
    }

    /// Takes one token at `now` (seconds on any monotonic scale); nil when it was there, otherwise
    /// the seconds until one will be.
    mutating func take(now: Double) -> Double? {
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * capacity)
            updatedAt = now
        }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / capacity
    }
}
