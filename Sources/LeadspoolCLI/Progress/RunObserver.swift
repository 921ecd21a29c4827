import Foundation
import Pipeline
import Synchronization

/// What a `run`, `watch` or `retry` shows while it works: the live status line on a terminal and the
/// metrics. Batches are observed one at a time.
final class RunObserver: Sendable {
    private struct Batch {
        var file: String
        var contentBytes: Int
        var rows = 0
        var bytes = 0
        var answered = 0
        var accepted = 0
        var started = ContinuousClock.now
    }

    /// Draw the status line (stderr is a terminal and `--quiet` was not given).
    let showsProgress: Bool
    let metrics: RunMetrics?
    private let batch = Mutex<Batch?>(nil)

    init(showsProgress: Bool, metrics: RunMetrics?) {
        self.showsProgress = showsProgress && StatusLine.shared.enabled
        self.metrics = metrics
    }

    func batchStarted(file: String, contentBytes: Int) {
        batch.withLock { $0 = Batch(file: file, contentBytes: contentBytes) }
    }

    /// Rows and (decompressed) bytes read so far in the current batch.
    func read(rows: Int, bytes: Int) {
        batch.withLock {
            $0?.rows = rows
            $0?.bytes = bytes
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
    func batchFinished(_ tally: OutcomeTally, result: String) {
        batch.withLock { $0 = nil }
        if showsProgress { StatusLine.shared.clear() }
        guard let metrics else { return }
        metrics.batch(result)
        for (outcome, count) in tally.byOutcome { metrics.leads(outcome: outcome.rawValue, count: count) }
        for (reason, count) in tally.byReason { metrics.reasons(reason.rawValue, count: count) }
    }

    /// A batch ended without reports (quarantined, failed).
    func batchEnded(result: String) {
        batch.withLock { $0 = nil }
        if showsProgress { StatusLine.shared.clear() }
        metrics?.batch(result)
    }

    /// Redraws the status line from the current batch and the submitter's figures.
    func render(_ counters: SubmitCounters) {
        guard showsProgress, let line = batch.withLock({ $0.map { Self.line($0, counters) } }) else { return }
        StatusLine.shared.show(line)
    }

    private static func line(_ batch: Batch, _ counters: SubmitCounters) -> String {
        let seconds = max(0.001, (ContinuousClock.now - batch.started).seconds)
        let rate = Double(batch.answered) / seconds
        var parts = ["\(batch.file):", "\(batch.rows) rows read"]
        if batch.contentBytes > 0 {
            let fraction = min(1, Double(batch.bytes) / Double(batch.contentBytes))
            parts[1] += " (\(Int(fraction * 100))%)"
        }
        parts.append("\(batch.answered) answered, \(batch.accepted) accepted")
        parts.append("\(Int(rate.rounded()))/s")
        if let pause = counters.pauseRemaining {
            parts.append("paused \(pause.components.seconds + 1) s: rate limited")
        } else if batch.contentBytes > 0, batch.bytes > 0, batch.bytes < batch.contentBytes {
            // Reading runs just ahead of sending, so the share read estimates the share done.
            let remaining = seconds * Double(batch.contentBytes - batch.bytes) / Double(batch.bytes)
            parts.append("ETA \(Self.clock(remaining))")
        }
        parts.append("in flight \(counters.inFlight)/\(counters.concurrencyLimit)")
        return parts.joined(separator: "  ")
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
