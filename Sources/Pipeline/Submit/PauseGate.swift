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
