import Synchronization

/// Run-wide submission figures, for progress lines and the summary.
package struct SubmitCounters: Sendable, Hashable {
    /// POSTs started, every attempt counted.
    package var attempts = 0
    /// Sends after a 5xx or a network failure (not after a 429).
    package var retries = 0
    /// 429 answers honoured with a pause.
    package var rateLimitWaits = 0
    /// Leads given a final answer (not counting the ones left unsubmitted).
    package var answered = 0
    /// Requests in flight now.
    package var inFlight = 0
    /// The adaptive concurrency limit now.
    package var concurrencyLimit = 0
    /// How long every sender still waits for a 429's `Retry-After`; `nil` when not paused.
    package var pauseRemaining: Duration?

    package init() {}
}

final class AtomicSubmitCounters: Sendable {
    let attempts = Atomic<Int>(0)
    let retries = Atomic<Int>(0)
    let rateLimitWaits = Atomic<Int>(0)
    let answered = Atomic<Int>(0)
}
