import Synchronization

/// The one gate every sender passes before each request: a 429 closes it for everyone until the
/// `Retry-After` instant.
final class PauseGate<C: Clock>: Sendable where C.Duration == Duration {
    private let clock: C
    private let until: Mutex<C.Instant?>

    init(clock: C) {
        self.clock = clock
        self.until = Mutex(nil)
    }

    /// Closes the gate until `instant` (a later pause already in force wins).
    func pause(until instant: C.Instant) {
        until.withLock { current in
            if let existing = current, existing >= instant { return }
            current = instant
        }
    }

    /// The instant the gate opens, `nil` when open.
    var pausedUntil: C.Instant? {
        let instant = until.withLock { $0 }
        guard let instant, clock.now < instant else { return nil }
        return instant
    }

    /// Returns when the gate is open; sleeps again if it was closed further meanwhile.
    func wait() async throws {
        while let instant = pausedUntil {
            try await clock.sleep(until: instant, tolerance: nil)
        }
    }
}

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
