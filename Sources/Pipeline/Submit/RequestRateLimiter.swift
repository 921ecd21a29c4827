import Synchronization

/// Client-side request rate cap: requests are spaced at least `1 / rate` seconds apart (a token
/// bucket of depth one, kept as the next free slot).
final class RequestRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let interval: Duration
    private let nextSlot: Mutex<C.Instant?>

    init(clock: C, requestsPerSecond: Double) {
        self.clock = clock
        self.interval = .nanoseconds(Int64((1e9 / requestsPerSecond).rounded(.up)))
        self.nextSlot = Mutex(nil)
    }

    /// Waits for this request's slot.
    func take() async throws {
        let now = clock.now
        let slot = nextSlot.withLock { next in
            let slot = next.map { max($0, now) } ?? now
            next = slot.advanced(by: interval)
            return slot
        }
        if now < slot {
            try await clock.sleep(until: slot, tolerance: nil)
        }
    }
}
