import CoreMetrics
package import Foundation
import Ingest
import LeadModel
package import Submission
import Synchronization

/// The Prometheus figures of a `run` or `watch` (`--metrics-port`), recorded through swift-metrics.
///
/// Counters of the submitter (attempts, retries, 429 pauses) live in the submitter itself; they are
/// carried over here, as increments since the last scrape, by ``refresh(counters:filesWaiting:)``.
///
/// The series alerts are written against exist from the start at 0 (leads for every outcome, vertical and
/// configured publisher; batches for every result), so `increase()` and `absent()` work before the first
/// batch.
package final class RunMetrics: Sendable {
    /// The `vertical` label of rows whose vertical could not be read.
    static let noVertical = "none"
    /// Every `result` of `leadspool_batches_total` (``batch(_:)``).
    static let batchResults = ["done", "stopped", "quarantined", "failed", "busy"]

    private let ledgerPath: String
    private let leadsCounters = Mutex<[String: Counter]>([:])
    private let revenueCounters = Mutex<[String: FloatingPointCounter]>([:])
    private let reasonCounters = Mutex<[String: Counter]>([:])
    private let batchCounters = Mutex<[String: Counter]>([:])
    private let submissions = Counter(label: "leadspool_submissions_total")
    private let retries = Counter(label: "leadspool_retries_total")
    private let rateLimited = Counter(label: "leadspool_rate_limited_total")
    private let inFlight = Gauge(label: "leadspool_in_flight")
    private let concurrencyLimit = Gauge(label: "leadspool_concurrency_limit")
    private let filesWaiting = Gauge(label: "leadspool_files_waiting")
    private let paused = Gauge(label: "leadspool_rate_limit_pause_seconds")
    private let lastSuccess = Gauge(label: "leadspool_last_batch_success_timestamp_seconds")
    private let ledgerBytes = Gauge(label: "leadspool_ledger_bytes")
    private let startTime = Gauge(label: "process_start_time_seconds")
    private let latency = Timer(label: "leadspool_request_duration_seconds")
    private let carried = Mutex(SubmitCounters())

    /// - Parameters:
    ///   - publishers: the publishers named in the configuration; `default` is always counted.
    ///   - ledgerPath: the ledger file, whose size (with its WAL) each scrape reports.
    package init(publishers: some Sequence<String>, ledgerPath: String) {
        self.ledgerPath = ledgerPath
        startTime.record(Date().timeIntervalSince1970)
        lastSuccess.record(0)
        let verticals = Vertical.allCases.map(\.rawValue) + [Self.noVertical]
        for publisher in Set(publishers).union([Publisher.defaultName]).sorted() {
            for vertical in verticals {
                for outcome in Outcome.allCases where outcome != .valid {
                    leads(outcome: outcome.rawValue, vertical: vertical, publisher: publisher, count: 0)
                }
                revenue(vertical: vertical, publisher: publisher, cents: 0)
            }
        }
        for result in Self.batchResults { _ = counter(batchCounters, "leadspool_batches_total", [("result", result)]) }
        ledgerBytes.record(Self.ledgerBytes(ledgerPath))
    }

    /// Rows of processed batches by final outcome, vertical (`vertical` empty: not read) and publisher.
    package func leads(outcome: String, vertical: String, publisher: String, count: Int) {
        let labels = [
            ("outcome", outcome), ("vertical", vertical.isEmpty ? Self.noVertical : vertical), ("publisher", publisher),
        ]
        counter(leadsCounters, "leadspool_leads_total", labels).increment(by: Int64(count))
    }

    /// Revenue of accepted leads, in dollars, by vertical and publisher.
    package func revenue(vertical: String, publisher: String, cents: Int) {
        let vertical = vertical.isEmpty ? Self.noVertical : vertical
        let key = vertical + "\u{0}" + publisher
        let counter = revenueCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = FloatingPointCounter(
                label: "leadspool_revenue_dollars_total",
                dimensions: [("vertical", vertical), ("publisher", publisher)])
            counters[key] = counter
            return counter
        }
        counter.increment(by: Double(cents) / 100)
    }

    /// Rows of processed batches by reason code.
    package func reasons(_ reason: String, count: Int) {
        counter(reasonCounters, "leadspool_lead_reasons_total", [("reason", reason)]).increment(by: Int64(count))
    }

    /// A batch ended: `done`, `quarantined`, `stopped`, `failed` (left in work/ for later) or `busy`
    /// (another process works on the same content). `done` also sets the last success's time.
    package func batch(_ result: String) {
        if result == "done" { lastSuccess.record(Date().timeIntervalSince1970) }
        counter(batchCounters, "leadspool_batches_total", [("result", result)]).increment()
    }

    /// The time the ledger's last batch finished, so the last success outlives a restart.
    package func lastBatchSucceeded(at date: Date) {
        lastSuccess.record(date.timeIntervalSince1970)
    }

    /// One answered request's round trip.
    package func requestLatency(milliseconds: Int) {
        latency.recordMilliseconds(milliseconds)
    }

    /// Brings the submitter's figures and the spool's waiting files up to date (before a scrape).
    package func refresh(counters: SubmitCounters, filesWaiting waiting: Int) {
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
        ledgerBytes.record(Self.ledgerBytes(ledgerPath))
    }

    /// The ledger file and its write-ahead log: what the ledger takes on disk between checkpoints.
    static func ledgerBytes(_ path: String) -> Int {
        (FileSystem.status(path)?.size ?? 0) + (FileSystem.status(path + "-wal")?.size ?? 0)
    }

    private func counter(
        _ cache: borrowing Mutex<[String: Counter]>, _ label: String, _ dimensions: [(String, String)]
    ) -> Counter {
        // The label values joined by NUL (which no value holds) key the cache.
        let key = dimensions.map(\.1).joined(separator: "\u{0}")
        return cache.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            counters[key] = counter
            return counter
        }
    }
}
