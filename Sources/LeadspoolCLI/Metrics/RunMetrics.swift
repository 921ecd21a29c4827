import CoreMetrics
import Pipeline
import Synchronization

/// The Prometheus figures of a `run` or `watch` (`--metrics-port`), recorded through swift-metrics.
///
/// Counters of the submitter (attempts, retries, 429 pauses) live in the submitter itself; they are
/// carried over here, as increments since the last scrape, by ``refresh(counters:filesWaiting:)``.
final class RunMetrics: Sendable {
    private let leadsCounters = Mutex<[String: Counter]>([:])
    private let reasonCounters = Mutex<[String: Counter]>([:])
    private let batchCounters = Mutex<[String: Counter]>([:])
    private let submissions = Counter(label: "leadspool_submissions_total")
    private let retries = Counter(label: "leadspool_retries_total")
    private let rateLimited = Counter(label: "leadspool_rate_limited_total")
    private let inFlight = Gauge(label: "leadspool_in_flight")
    private let concurrencyLimit = Gauge(label: "leadspool_concurrency_limit")
    private let filesWaiting = Gauge(label: "leadspool_files_waiting")
    private let paused = Gauge(label: "leadspool_rate_limit_pause_seconds")
    private let latency = Timer(label: "leadspool_request_duration_seconds")
    private let carried = Mutex(SubmitCounters())

    /// Rows of processed batches by final outcome.
    func leads(outcome: String, count: Int) {
        counter(leadsCounters, "leadspool_leads_total", ("outcome", outcome)).increment(by: Int64(count))
    }

    /// Rows of processed batches by reason code.
    func reasons(_ reason: String, count: Int) {
        counter(reasonCounters, "leadspool_lead_reasons_total", ("reason", reason)).increment(by: Int64(count))
    }

    /// A batch ended: `done`, `quarantined`, `stopped` or `failed` (left in work/ for later).
    func batch(_ result: String) {
        counter(batchCounters, "leadspool_batches_total", ("result", result)).increment()
    }

    /// One answered request's round trip.
    func requestLatency(milliseconds: Int) {
        latency.recordMilliseconds(milliseconds)
    }

    /// Brings the submitter's figures and the spool's waiting files up to date (before a scrape).
    func refresh(counters: SubmitCounters, filesWaiting waiting: Int) {
        let delta = carried.withLock { last -> SubmitCounters in
            var delta = SubmitCounters()
            delta.attempts = max(0, counters.attempts - last.attempts)
            delta.retries = max(0, counters.retries - last.retries)
            delta.rateLimitWaits = max(0, counters.rateLimitWaits - last.rateLimitWaits)
            last = counters
            return delta
        }
        submissions.increment(by: Int64(delta.attempts))
        retries.increment(by: Int64(delta.retries))
        rateLimited.increment(by: Int64(delta.rateLimitWaits))
        inFlight.record(counters.inFlight)
        concurrencyLimit.record(counters.concurrencyLimit)
        filesWaiting.record(waiting)
        paused.record(counters.pauseRemaining.map { Double($0.components.seconds) } ?? 0)
    }

    private func counter(_ cache: borrowing Mutex<[String: Counter]>, _ label: String, _ dimension: (String, String)) -> Counter {
        cache.withLock { counters in
            if let counter = counters[dimension.1] { return counter }
            let counter = Counter(label: label, dimensions: [dimension])
            counters[dimension.1] = counter
            return counter
        }
    }
}

extension SubmitCounters {
    /// The sum of several submitters' figures (one per token).
    static func sum(_ all: [SubmitCounters]) -> SubmitCounters {
        var total = SubmitCounters()
        for counters in all {
            total.attempts += counters.attempts
            total.retries += counters.retries
            total.rateLimitWaits += counters.rateLimitWaits
            total.answered += counters.answered
            total.inFlight += counters.inFlight
            total.concurrencyLimit += counters.concurrencyLimit
            if let pause = counters.pauseRemaining { total.pauseRemaining = max(total.pauseRemaining ?? .zero, pause) }
        }
        return total
    }
}
