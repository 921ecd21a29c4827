import Export
import Foundation
package import Ingest
package import LeadLedger
package import Logging
package import Submission
import Validation

/// One finished batch of `leadspool retry`: find its original in `done/` → take the rows to re-drive back
/// from the ledger → send them (the run's send pass, on those rows only) → rewrite the batch's reports
/// from the ledger → store the batch's new counts.
package struct RetryJob<Sinks: ResultSinks> {
    let batch: RetryBatch
    let spool: Spool
    let configuration: BatchRunConfiguration
    let ledger: any LeadStore
    let sinks: Sinks
    /// The outcomes asked for (`failed`, `unknown`).
    let states: Set<LeadState>
    let logger: Logger
    /// Progress line.
    package var observer: (any BatchObserver)?
    /// Where answers go that the ledger cannot record.
    package var unrecorded: UnrecordedAnswers?
    /// Frees what the store caches (the SQLite ledger's page cache) before the reports' pass fills its own.
    package var releaseStoreMemory: @Sendable () -> Void = {}

    /// - Parameter states: the outcomes to re-drive (`failed`, `unknown`).
    package init(
        batch: RetryBatch, spool: Spool, configuration: BatchRunConfiguration, ledger: any LeadStore, sinks: Sinks,
        states: Set<LeadState>, logger: Logger
    ) {
        self.batch = batch
        self.spool = spool
        self.configuration = configuration
        self.ledger = ledger
        self.sinks = sinks
        self.states = states
        self.logger = logger
    }

    /// What became of the batch: the lines for stdout and the exit code it asks for (0, 69, 73, 77, 78).
    package struct BatchResult: Sendable {
        package var summary: String
        /// The same as one JSON object (`--output json`); `nil` where `summary` says it all.
        package var json: JSONLine?
        package var exitCode = ExitStatus.ok
        /// A 401 or a refused TLS handshake: the retry stops.
        package var authStopped = false
    }

    /// `submitter == nil` is a dry run: says what would be re-driven, changes nothing.
    package func run(submitter: Submitter<ContinuousClock>?) async -> BatchResult {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = Date()
        var metadata: Logger.Metadata = ["batch.id": "\(batch.name)", "batch.publisher": "\(batch.publisher)"]
        let folder = Spool.publisherPath(spool.done, batch.publisher)
        let original: ArchivedOriginal
        do {
            guard let found = try ArchivedOriginal.find(batchID: batch.id, fileName: batch.fileName, folder: folder)
            else {
                logger.error("original not found in done/: batch skipped", metadata: metadata)
                return BatchResult(
                    summary: "\(batch.name): original \(batch.fileName) not found in \(folder) "
                        + "(missing, or its content changed): skipped, nothing re-sent",
                    exitCode: .cantCreate)
            }
            original = found
        } catch {
            return fail("cannot look for the original: \(error)", metadata)
        }
        metadata["spool.path"] = "\(original.path)"

        let rows: [Int: LeadState]
        do {
            rows = try ledger.retryRows(batch: batch.id, states: states)
        } catch {
            return fail("ledger: \(error)", metadata)
        }
        guard !rows.isEmpty else { return BatchResult(summary: "\(batch.name): nothing to re-drive") }
        var byState: [LeadState: Int] = [:]
        for state in rows.values { byState[state, default: 0] += 1 }
        let listing = LeadState.allCases.compactMap { state in byState[state].map { "\($0) \(state.rawValue)" } }
            .joined(separator: ", ")
        guard let submitter else {
            return BatchResult(
                summary: "\(batch.name) (\(batch.fileName)): would re-drive \(rows.count) leads (\(listing)) "
                    + "from \(original.path)")
        }

        // The validator's `now` is the batch's claim time, as in the run, so local verdicts come out the same.
        let validator: Validator
        let reader: any RecordReader
        let readerConfiguration = configuration.readerConfiguration(publisher: batch.publisher)
        do {
            validator = try configuration.makeValidator(
                now: Int64(batch.claimedAt.timeIntervalSince1970), publisher: batch.publisher)
            reader = try BatchFile.reader(
                path: original.path, facts: original.facts, configuration: readerConfiguration)
        } catch {
            return fail("cannot read the original: \(error)", metadata)
        }

        let before = submitter.counters
        let ambiguous = configuration.ambiguous
        let feed = SendFeed(
            reader: reader, validator: validator, ledger: ledger, batchID: batch.id, ambiguous: ambiguous,
            redrive: rows, contentBytes: original.facts.contentBytes)
        var send = SendFigures()
        var stoppedBy: SubmitError?
        observer?.batchStarted(file: batch.fileName, contentBytes: original.facts.contentBytes)
        feed.unrecorded = unrecorded
        feed.onGroupRead = observer.map { observer in
            { rows, bytes, toSend in observer.read(rows: rows, bytes: bytes, toSend: toSend) }
        }
        defer { observer?.batchEnded(result: .retried) }
        do {
            send = try await feed.send(with: submitter, observer: observer, logger: logger)
        } catch {
            // Rows taken back but never sent get their earlier outcome again; rows cut off in flight stay
            // `sending` and the next retry sends them with the same key.
            let failure = error as? SendFailure
            do {
                try ledger.restoreUnsent(batch: batch.id, previous: rows)
            } catch {
                return fail("cannot restore unsent rows: \(error)", metadata)
            }
            guard let failure, let stop = failure.error as? SubmitError, stop.stopsRetry else {
                return fail("retry stopped: \(failure?.error ?? error)", metadata)
            }
            // The leads answered before the 401 (or the refused handshake) are in the ledger: the reports show them.
            send = failure.figures
            stoppedBy = stop
        }
        let sent = clock.now
        let after = submitter.counters
        // As in `RunJob`: the writer's page cache is freed before the reports' reader fills its own.
        releaseStoreMemory()
        ProcessMemory.trim()

        var pass = ReportPass(
            ledger: ledger, batchID: batch.id, validator: validator, unsettled: send.unsettled,
            firstPass: feed.takeDeduper())
        let paths: ReportPaths
        let tally: OutcomeTally
        // The summary shows the whole batch: the earlier passes' figures and this one's.
        var thisPass = BatchFigures(
            retries: after.retries - before.retries, rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits)
        let inputEncoding = original.facts.text.decision(readerConfiguration.encoding).encoding
        do {
            let earlier = try ledger.batchStatus(id: batch.id)?.figures ?? BatchFigures()
            (paths, tally) = try pass.writeReports(
                path: original.path, facts: original.facts, readerConfiguration: readerConfiguration,
                to: try sinks.sink(batch: batch.name, publisher: batch.publisher, inputEncoding: inputEncoding)
            ) { finished in
                thisPass.workSeconds = (finished - started).seconds
                let whole = earlier + thisPass
                var inputs = SummaryInputs(
                    batch: batch.name, fileName: batch.fileName, publisher: batch.publisher,
                    claimedAt: batch.claimedAt, finishedAt: startedAt.addingTimeInterval((finished - started).seconds),
                    stageSeconds: [("submit", (sent - started).seconds), ("report", (finished - sent).seconds)],
                    retries: whole.retries, rateLimitWaits: whole.rateLimitWaits,
                    workSeconds: whole.workSeconds, mode: .run)
                inputs.encoding = inputEncoding.rawValue
                return inputs
            }
            try ledger.updateCounts(batch: batch.id, counts: tally.counts)
            try ledger.addFigures(thisPass, batch: batch.id)
        } catch {
            return fail("cannot write reports: \(error)", metadata)
        }

        let figures = feed.figures
        var lines = [tally.render(file: batch.fileName, batch: batch.name, resultsPath: paths.resultsCSV)]
        var redriven = "  re-drove \(rows.count) leads (\(listing)): \(send.answered) answered by the API"
        if figures.ledgerDuplicates > 0 { redriven += ", \(figures.ledgerDuplicates) now duplicate in the ledger" }
        if figures.local > 0 { redriven += ", \(figures.local) settled locally" }
        if figures.alreadyDone > 0 { redriven += ", \(figures.alreadyDone) already settled elsewhere" }
        lines.append(
            redriven + "; \(after.retries - before.retries) retries, "
                + "\(after.rateLimitWaits - before.rateLimitWaits) rate-limit waits")
        var result = BatchResult(summary: "")
        if stoppedBy == .authFailed {
            lines.append("  stopped: the API refused the token (HTTP 401); leads not sent keep their earlier outcome")
            logger.error("retry stopped by 401", metadata: metadata)
            result.exitCode = .authRefused
            result.authStopped = true
        } else if case .tlsFailed(let reason) = stoppedBy {
            // The submitter logged the reason once.
            lines.append("  stopped: \(reason); leads not sent keep their earlier outcome")
            result.exitCode = .config
            result.authStopped = true
        } else if send.answered > 0 && send.exhausted == send.answered {
            lines.append("  the API stayed unavailable: every lead sent ran out of retries")
            result.exitCode = .unavailable
        }
        logger.info(
            "batch re-driven",
            metadata: metadata.merging(["batch.redriven": "\(rows.count)", "batch.sent": "\(send.answered)"]) { $1 })
        result.summary = lines.joined(separator: "\n")
        var json = tally.json(
            file: batch.fileName, publisher: batch.publisher, batch: batch.name, resultsPath: paths.resultsCSV)
        json.add("redriven", rows.count)
        json.add("answered", send.answered)
        json.add("retries", after.retries - before.retries)
        json.add("rate_limit_waits", after.rateLimitWaits - before.rateLimitWaits)
        json.add("status", result.authStopped ? "stopped" : "done")
        json.add("message", lines.count > 2 ? lines[2...].map { $0.trimmingPrefix("  ") }.joined(separator: "; ") : nil)
        json.add("exit_code", Int(result.exitCode.rawValue))
        result.json = json
        return result
    }

    private func fail(_ message: String, _ metadata: Logger.Metadata) -> BatchResult {
        logger.error("\(message)", metadata: metadata)
        return BatchResult(summary: "\(batch.name): \(message)", exitCode: .cantCreate)
    }
}

extension SubmitError {
    /// A stop that ends `retry` with the batch's reports written: 401, or a refused TLS handshake.
    fileprivate var stopsRetry: Bool {
        switch self {
        case .authFailed, .tlsFailed: return true
        case .drained, .shutDown: return false
        }
    }
}
