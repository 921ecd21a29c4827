import Foundation
import Ingest
import LeadModel
import Pipeline
import Submission
import Synchronization

/// What a `run`, `watch` or `retry` shows while it works: the live status line on a terminal and the
/// metrics. Batches are observed one at a time.
final class RunObserver: BatchObserver {
    private struct Batch {
        var file: String
        var contentBytes: Int
        var rows = 0
        var bytes = 0
        /// Rows read that go to the API (the others were settled locally as they were read).
        var toSend = 0
        var answered = 0
        var accepted = 0
        var started = ContinuousClock.now
    }

    /// Draw the status line (stderr is a terminal and `--quiet` was not given).
    let showsProgress: Bool
    /// `check` sends nothing: its line has no answers and no requests in flight.
    let sends: Bool
    let metrics: RunMetrics?
    private let batch = Mutex<Batch?>(nil)

    init(showsProgress: Bool, metrics: RunMetrics?, sends: Bool = true) {
        self.showsProgress = showsProgress && StatusLine.shared.enabled
        self.metrics = metrics
        self.sends = sends
    }

    func batchStarted(file: String, contentBytes: Int) {
        batch.withLock { $0 = Batch(file: file, contentBytes: contentBytes) }
    }

    /// Rows and (decompressed) bytes read so far in the current batch, and how many of those rows
    /// go to the API.
    func read(rows: Int, bytes: Int, toSend: Int) {
        batch.withLock {
            $0?.rows = rows
            $0?.bytes = bytes
            $0?.toSend = toSend
        }
    }

    func answered(_ answer: SubmitAnswer) {
        batch.withLock {
            $0?.answered += 1
            if answer.outcome == .accepted { $0?.accepted += 1 }
        }
        if let metrics, let latency = answer.latencyMs { metrics.requestLatency(milliseconds: latency) }
    }

    /// The batch's reports are written: counts every row's outcome and reason.
    func batchFinished(_ tally: OutcomeTally, result: BatchEnd) {
        batch.withLock { $0 = nil }
        if showsProgress { StatusLine.shared.clear() }
        guard let metrics else { return }
        tally.forEachVerticalCount { vertical, outcome, rows in
            metrics.leads(outcome: outcome.rawValue, vertical: vertical, publisher: tally.publisher, count: rows)
        }
        tally.forEachVerticalRevenue { vertical, cents in
            metrics.revenue(vertical: vertical, publisher: tally.publisher, cents: cents)
        }
        for (reason, count) in tally.byReason { metrics.reasons(reason.rawValue, count: count) }
        // Last: a scraper that sees the batch counted sees its leads too.
        metrics.batch(result.rawValue)
    }

    /// A batch ended without reports (quarantined, failed).
    func batchEnded(result: BatchEnd) {
        batch.withLock { $0 = nil }
        if showsProgress { StatusLine.shared.clear() }
        metrics?.batch(result.rawValue)
    }

    /// Redraws the status line from the current batch and the submitter's figures.
    func render(_ counters: SubmitCounters) {
        guard showsProgress, let line = batch.withLock({ $0.map { Self.line($0, counters, sends: sends) } }) else {
            return
        }
        StatusLine.shared.show(line)
    }

    private static func line(_ batch: Batch, _ counters: SubmitCounters, sends: Bool) -> String {
        let seconds = max(0.001, (ContinuousClock.now - batch.started).seconds)
        // Rows settled: the ones settled locally as they were read, and the answered ones.
        let done = batch.rows - batch.toSend + batch.answered
        var parts = ["\(batch.file):"]
        var total: Double?
        if batch.contentBytes > 0, batch.bytes > 0 {
            // Rows in the file, estimated from the share of its bytes read so far.
            total = Double(batch.rows) * Double(batch.contentBytes) / Double(batch.bytes)
        }
        if let total, total > 0 {
            parts.append("\(min(100, Int(Double(done) * 100 / total)))% (\(done) of ~\(Int(total.rounded())) rows)")
        } else {
            parts.append("\(done) rows")
        }
        if sends { parts.append("\(batch.answered) answered, \(batch.accepted) accepted") }
        let rate = Double(done) / seconds
        parts.append("\(Int(rate.rounded())) rows/s")
        if let pause = counters.pauseRemaining {
            parts.append("paused \(pause.components.seconds + 1) s: rate limited")
        } else if let total, rate > 0, Double(done) < total {
            parts.append("ETA \(Self.clock((total - Double(done)) / rate))")
        }
        if sends { parts.append("in flight \(counters.inFlight)/\(counters.concurrencyLimit)") }
        return parts.joined(separator: "  ")
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
