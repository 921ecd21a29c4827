import Export
import Foundation
import Ingest
import LeadLedger
import LeadModel
import Logging
import Submission
import Validation

/// One claimed file of `leadspool run`: inspect → begin the batch in the ledger → pass 1 (validate,
/// dedupe, reserve, submit, record) → pass 2 (reports from the ledger) → finish the batch → archive.
struct RunJob<Sinks: ResultSinks> {
    /// What became of the file.
    struct FileResult: Sendable {
        /// The short summary for stdout (`nil` when no reports were written).
        var summary: String?
        /// The same as one JSON object (`--output json`); `nil` where `summary` says it all.
        var json: JSONLine?
        /// 0, or the exit code this file asks for (65, 69, 73, 77, 78).
        var exitCode = ExitStatus.ok
        /// The API answered 401, or its TLS handshake was refused (exit 78): the run must stop claiming.
        var authStopped = false
        /// A stop signal cut the batch short: the run must stop claiming.
        var interrupted = false
        /// Another process works on the same content: the file went back to work/ untouched.
        var busy = false
    }

    let file: ClaimedFile
    let spool: Spool
    let configuration: BatchRunConfiguration
    let ledger: any LeadStore
    let submitter: Submitter<ContinuousClock>
    let sinks: Sinks
    let logger: Logger
    /// Progress line and metrics.
    var observer: (any BatchObserver)?
    /// When another process works on the same content: wait for it (`run`, once its other files are done)
    /// rather than leave the file for a later pass (`watch`, and `run`'s first pass).
    var waitIfBusy = false
    /// Where answers go that the ledger cannot record.
    var unrecorded: UnrecordedAnswers?
    /// Frees what the store caches (the SQLite ledger's page cache) before the reports' pass fills its own.
    var releaseStoreMemory: @Sendable () -> Void = {}


    func run() async -> FileResult {
        let clock = ContinuousClock()
        let started = clock.now
        let startedAt = Date()
        var metadata: Logger.Metadata = ["batch.file": "\(file.name)", "batch.publisher": "\(file.publisher)"]

        // Answers this process kept beside the ledger when it could not record them (a batch that failed
        // earlier in this `watch`) are recorded before anything more is sent.
        do {
            try unrecorded?.recordKept(into: ledger, logger: logger)
        } catch {
            return fail("the ledger still cannot record the answers kept beside it: \(error)", metadata)
        }

        // Snapshot: a private copy of the claimed file, through the descriptor that holds the claim. The batch
        // is the copy's content: its hash is the batch id, its rows are sent and reported, it goes to done/.
        // A publisher writing to the claimed file from now on changes nothing that is sent (see `changed`).
        let snapshot: BatchSnapshot
        do {
            snapshot = try spool.snapshot(file)
        } catch {
            return fail("cannot copy the claimed file: \(error)", metadata)
        }
        var archived = false
        defer { if !archived { snapshot.discard() } }
        if let change = snapshot.change(of: file) {
            return quarantineChanged(change, sentRows: false, metadata)
        }

        // Inspect: hash and verify the whole file before anything of it is sent.
        let facts: BatchFacts
        let reader: any RecordReader
        do {
            facts = try BatchFile.inspect(path: snapshot.path)
            // Opening the reader checks the header: a file without one is quarantined before anything is sent.
            reader = try BatchFile.reader(
                path: snapshot.path, facts: facts,
                configuration: configuration.readerConfiguration(publisher: file.publisher))
        } catch {
            return error.code == .unreadableFile ? quarantine(error, metadata) : fail("cannot read: \(error)", metadata)
        }
        let encoding = facts.text.decision(configuration.readerConfiguration(publisher: file.publisher).encoding)
        // The same content dropped twice under two names is one batch: only one process works on it. With
        // `waitIfBusy` this one waits for the other to finish it, then goes on as with a file dropped again
        // (nothing is re-sent, the reports are written again); otherwise, or after a stop while waiting, the
        // file goes back to work/ for a later pass.
        let lease: BatchLease
        do {
            var taken = try ledger.leaseBatch(id: facts.sha256)
            if taken == nil, waitIfBusy {
                logger.info("another process is working on the same content: waiting for it", metadata: metadata)
                while taken == nil, !submitter.isStopped, !submitter.isDraining, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    taken = try ledger.leaseBatch(id: facts.sha256)
                }
            }
            guard let taken else {
                file.release()
                observer?.batchEnded(result: .busy)
                logger.info("another process is working on the same content: file left in work/", metadata: metadata)
                return FileResult(
                    summary: waitIfBusy
                        ? "\(shownName): another process is working on the same content; the file stays in work/"
                        : nil,
                    busy: true)
            }
            lease = taken
        } catch {
            return fail("ledger: \(error)", metadata)
        }
        defer { withExtendedLifetime(lease) {} }
        let claimSeconds = Int64(startedAt.timeIntervalSince1970)
        let status: BatchStatus
        do {
            status = try ledger.beginBatch(
                id: facts.sha256, name: facts.batchName(claimedAt: claimSeconds, uploadName: file.name),
                fileName: file.name,
                publisher: file.publisher, claimedAt: Date(timeIntervalSince1970: TimeInterval(claimSeconds)))
        } catch {
            return fail("ledger: \(error)", metadata)
        }
        let batchID = facts.sha256
        metadata["batch.id"] = "\(status.name)"
        if encoding.encoding != .utf8 { logger.info("read as \(encoding)", metadata: metadata) }
        observer?.batchStarted(file: file.name, contentBytes: facts.contentBytes)
        // A batch seen before keeps its name (so its reports are rewritten in place) and its claim
        // time, which is also the validator's `now`, so its local verdicts come out the same.
        let validationNow = Int64(status.claimedAt.timeIntervalSince1970)
        let validator: Validator
        do {
            validator = try configuration.makeValidator(now: validationNow, publisher: file.publisher)
        } catch {
            return fail("\(error)", metadata)
        }
        if !status.isNew {
            logger.info(
                status.state == .done ? "batch seen before: reports rewritten from the ledger" : "resuming batch",
                metadata: metadata)
        }

        // Pass 1: send.
        let before = submitter.counters
        var send = SendFigures()
        var stoppedBy: SubmitError?
        var firstPass: BatchDeduper?
        var changedWhileSending: String?
        if status.state != .done {
            do {
                (send, changedWhileSending) = try await sendPass(
                    reader: reader, batchID: batchID, validator: validator, contentBytes: facts.contentBytes,
                    deduper: &firstPass) { snapshot.change(of: file) }
            } catch let failure as SendFailure {
                send = failure.figures
                if let stop = failure.error as? SubmitError {
                    stoppedBy = stop
                } else if let error = failure.error as? IngestError, error.code == .unreadableFile {
                    return quarantine(error, metadata)
                } else {
                    return fail("batch stopped: \(failure.error)", metadata)
                }
            } catch {
                return fail("batch stopped: \(error)", metadata)
            }
        }
        let sent = clock.now
        let after = submitter.counters
        // The reports' pass reads the ledger through another connection, whose page cache fills as the
        // writer's did (8 MB): the writer's is freed first, and trimmed, as the reader's thread may allocate
        // from another malloc arena than the one it went back to.
        if status.state != .done {
            releaseStoreMemory()
            ProcessMemory.trim()
        }

        // Pass 2: reports.
        var pass = ReportPass(
            ledger: ledger, batchID: batchID, validator: validator, unsettled: send.unsettled, firstPass: firstPass)
        // The pass then holds the only reference: deduping the rows a stop left unread adds to the table in place.
        firstPass = nil
        let paths: ReportPaths
        let tally: OutcomeTally
        // This pass's figures; the summary shows them added to the earlier passes' (a resume). A batch done
        // before (re-dropped) adds nothing: its summary is the one it had.
        var thisPass = BatchFigures(
            retries: after.retries - before.retries, rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits)
        do {
            (paths, tally) = try pass.writeReports(
                path: snapshot.path, facts: facts,
                readerConfiguration: configuration.readerConfiguration(publisher: status.publisher),
                to: try sinks.sink(batch: status.name, publisher: status.publisher, inputEncoding: encoding.encoding)
            ) { finished in
                thisPass.workSeconds = (finished - started).seconds
                let whole = status.figures + (status.state == .done ? BatchFigures() : thisPass)
                var inputs = SummaryInputs(
                    // A batch seen before keeps the file name and publisher it was first claimed with (the
                    // same content dropped again under another name or publisher folder is the same batch).
                    batch: status.name, fileName: status.fileName, publisher: status.publisher,
                    claimedAt: status.claimedAt,
                    finishedAt: startedAt.addingTimeInterval((finished - started).seconds),
                    stageSeconds: [("submit", (sent - started).seconds), ("report", (finished - sent).seconds)],
                    retries: whole.retries, rateLimitWaits: whole.rateLimitWaits,
                    workSeconds: whole.workSeconds > 0 ? whole.workSeconds : nil, mode: .run)
                inputs.encoding = encoding.encoding.rawValue
                return inputs
            }
        } catch {
            return fail("cannot write reports: \(error)", metadata)
        }
        for message in pass.missingColumns { logger.warning("\(message)", metadata: metadata) }
        if status.state != .done {
            do {
                try ledger.addFigures(thisPass, batch: batchID)
            } catch {
                logger.warning("cannot store the batch's retry figures: \(error)", metadata: metadata)
            }
        }

        var lines = [tally.render(file: file.name, batch: status.name, resultsPath: paths.resultsCSV)]
        lines.append(
            "  \(send.answered) answered by the API this run, \(after.retries - before.retries) retries, "
                + "\(after.rateLimitWaits - before.rateLimitWaits) rate-limit waits, "
                + "\(send.resent) re-sent and \(send.held) held after an interruption")
        if let notSent = tally.byOutcome[.pending], notSent > 0 {
            lines.append("  \(notSent) not sent: the next run sends them")
        }
        var json = tally.json(
            file: file.name, publisher: status.publisher, batch: status.name, resultsPath: paths.resultsCSV)
        json.add("answered", send.answered)
        json.add("retries", after.retries - before.retries)
        json.add("rate_limit_waits", after.rateLimitWaits - before.rateLimitWaits)
        json.add("resent", send.resent)
        json.add("held", send.held)
        func stopped(_ text: String, _ code: ExitStatus) -> JSONLine {
            var line = json
            line.add("status", "stopped")
            line.add("message", text)
            line.add("exit_code", Int(code.rawValue))
            return line
        }
        var outcome = FileResult()
        switch stoppedBy {
        case .authFailed:
            file.release()
            observer?.batchFinished(tally, result: .stopped)
            let text = "stopped: the API refused the token (HTTP 401); the file stays in work/ for the next run"
            lines.append("  " + text)
            logger.error("run stopped by 401: batch left in work/", metadata: metadata)
            return FileResult(
                summary: lines.joined(separator: "\n"), json: stopped(text, .authRefused), exitCode: .authRefused,
                authStopped: true)
        case .tlsFailed(let reason):
            // The submitter logged the reason once; the summary repeats it on stdout.
            file.release()
            observer?.batchFinished(tally, result: .stopped)
            let text = "stopped: \(reason); the file stays in work/ for the next run"
            lines.append("  " + text)
            return FileResult(
                summary: lines.joined(separator: "\n"), json: stopped(text, .config), exitCode: .config,
                authStopped: true)
        case .drained, .shutDown:
            file.release()
            observer?.batchFinished(tally, result: .stopped)
            let text = "stopped by a signal: the rest of the file stays in work/ for the next run"
            lines.append("  " + text)
            logger.warning("\(stoppedBy!): batch left in work/", metadata: metadata)
            return FileResult(summary: lines.joined(separator: "\n"), json: stopped(text, .ok), interrupted: true)
        case nil:
            break
        }
        // The claimed file changed after its rows were read (or while they were sent): the batch is finished
        // from the snapshot, which goes to done/, and the changed file to failed/.
        let changed = changedWhileSending ?? snapshot.change(of: file)
        do {
            if status.state != .done {
                try ledger.finishBatch(id: batchID, counts: tally.counts, finishedAt: Date())
            }
            var target = try spool.archive(
                file, snapshot: snapshot, mode: configuration.archiveMode, removeOriginal: changed == nil)
            archived = true
            if configuration.archiveGzip && !facts.gzip {
                do {
                    target = try ArchiveGzip.compress(target, mode: configuration.archiveMode)
                } catch {
                    // The original is safe in done/, only not compressed.
                    logger.warning("archive not compressed: \(error)", metadata: metadata)
                }
            }
            metadata["spool.path"] = "\(target)"
        } catch {
            return fail("cannot finish the batch: \(error)", metadata)
        }
        observer?.batchFinished(tally, result: .done)
        if let changed {
            let quarantined = quarantineChanged(changed, sentRows: changedWhileSending != nil, metadata)
            lines.append("  " + (quarantined.summary ?? ""))
            outcome.exitCode = quarantined.exitCode
        }
        if send.answered > 0 && send.exhausted == send.answered {
            lines.append("  the API stayed unavailable: every lead sent ran out of retries")
            outcome.exitCode = .unavailable
        }
        logger.info(
            "batch done",
            metadata: metadata.merging(
                ["batch.rows": "\(tally.rows)", "batch.sent": "\(send.answered)"]) { $1 })
        outcome.summary = lines.joined(separator: "\n")
        json.add("status", changed == nil ? "done" : "changed")
        json.add("message", lines.count > 2 ? lines[2...].map { $0.trimmingPrefix("  ") }.joined(separator: "; ") : nil)
        json.add("exit_code", Int(outcome.exitCode.rawValue))
        outcome.json = json
        return outcome
    }

    /// The claimed file no longer holds the content its batch was made of: it goes to `failed/` with the
    /// reason. With `sentRows`, the batch was stopped part-way (its rows not sent are `failed` /
    /// `BATCH_CHANGED`, for `leadspool retry`); its content is in `done/`.
    private func quarantineChanged(_ change: String, sentRows: Bool, _ metadata: Logger.Metadata) -> FileResult {
        let reason =
            sentRows
            ? "changed while being processed (\(change)): the batch stopped; nothing of the changed content was "
                + "sent; the content as claimed is in done/, and its rows not sent are failed / BATCH_CHANGED "
                + "(leadspool retry --batch sends them); drop the new content again as a new file"
            : "changed while being processed (\(change)): nothing was sent; a file must be complete before it is "
                + "ready (raise settle_seconds, or write the .ready marker after the upload ends); drop it again"
        do {
            let target = try spool.quarantine(file, reason: reason)
            logger.error(
                "file changed while being processed: quarantined",
                metadata: metadata.merging(["spool.path": "\(target)", "batch.change": "\(change)"]) { $1 })
            if !sentRows { observer?.batchEnded(result: .quarantined) }
            return FileResult(
                summary: "\(shownName): quarantined to \(TerminalText.escaped(target)): \(reason)",
                json: plainJSON("quarantined", "quarantined to \(target): \(reason)", .dataError), exitCode: .dataError)
        } catch {
            return fail("cannot quarantine: \(error)", metadata)
        }
    }

    /// A file's result without batch figures, for `--output json`.
    private func plainJSON(_ status: String, _ message: String, _ code: ExitStatus) -> JSONLine {
        var line = JSONLine()
        line.add("file", file.name)
        line.add("publisher", file.publisher)
        line.add("status", status)
        line.add("message", message)
        line.add("exit_code", Int(code.rawValue))
        return line
    }

    /// The file's name as summaries print it: a newline or escape in it cannot forge a line.
    private var shownName: String { TerminalText.escaped(file.name) }

    private func quarantine(_ error: IngestError, _ metadata: Logger.Metadata) -> FileResult {
        do {
            let target = try spool.quarantine(file, reason: error.description)
            logger.warning("file quarantined", metadata: metadata.merging(["spool.path": "\(target)"]) { $1 })
            observer?.batchEnded(result: .quarantined)
            return FileResult(
                summary: "\(shownName): quarantined to \(TerminalText.escaped(target)): \(error.description)",
                json: plainJSON("quarantined", "quarantined to \(target): \(error.description)", .dataError),
                exitCode: .dataError)
        } catch {
            return fail("cannot quarantine: \(error)", metadata)
        }
    }

    /// A run-level failure of this file (exit 73): logged, the claim released so the file stays in
    /// `work/` for a later run.
    private func fail(_ message: String, _ metadata: Logger.Metadata) -> FileResult {
        file.release()
        observer?.batchEnded(result: .failed)
        logger.error("\(message)", metadata: metadata)
        return FileResult(
            summary: "\(shownName): \(message); the file stays in work/",
            json: plainJSON("failed", "\(message); the file stays in work/", .cantCreate), exitCode: .cantCreate)
    }

    /// Pass 1. `deduper` gets the in-batch deduper of the rows read, whether the pass ends or stops.
    /// Answers the figures and, when `changeCheck` stopped the intake, why.
    private func sendPass(
        reader: any RecordReader, batchID: String, validator: Validator, contentBytes: Int,
        deduper: inout BatchDeduper?, changeCheck: @escaping () -> String?
    ) async throws -> (SendFigures, String?) {
        let ambiguous = configuration.ambiguous
        let feed = SendFeed(
            reader: reader, validator: validator, ledger: ledger, batchID: batchID, ambiguous: ambiguous,
            contentBytes: contentBytes)
        defer { deduper = feed.takeDeduper() }
        feed.onGroupRead = observer.map { observer in
            { rows, bytes, toSend in observer.read(rows: rows, bytes: bytes, toSend: toSend) }
        }
        feed.changeCheck = changeCheck
        feed.unrecorded = unrecorded
        let figures = try await feed.send(with: submitter, observer: observer, logger: logger)
        return (figures, feed.changed)
    }
}
