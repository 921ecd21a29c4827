package import Foundation
import Ingest
package import LeadLedger
package import Logging

/// `leadspool retry`: selects the finished batches with leads left `failed` or `unknown`, then re-drives
/// them one by one (``RetryJob``), one retry at a time per ledger.
package struct BatchRetry<Sinks: ResultSinks> {
    let configuration: BatchRunConfiguration
    let sinks: Sinks
    /// The outcomes to re-drive (`failed`, `unknown`).
    let states: Set<LeadState>
    /// `--batch`: a batch name, an upload file name or a prefix of the hash.
    let batch: String?
    /// `--since`: only batches claimed from then on.
    let since: Date?
    let observer: (any BatchObserver)?
    let logger: Logger

    /// Why nothing (more) was done: the message for stderr and the exit code (64 for a `--batch` that names
    /// no batch or several, 73 for a ledger or spool that cannot be used, 75 while another retry runs).
    package struct Failure: Error {
        package var message: String
        package var status: ExitStatus
    }

    package init(
        configuration: BatchRunConfiguration, sinks: Sinks, states: Set<LeadState>, batch: String?, since: Date?,
        observer: (any BatchObserver)?, logger: Logger
    ) {
        self.configuration = configuration
        self.sinks = sinks
        self.states = states
        self.batch = batch
        self.since = since
        self.observer = observer
        self.logger = logger
    }

    /// Re-drives the selected batches, or with `senders == nil` (a dry run) says what would be re-driven.
    ///
    /// - Parameters:
    ///   - senders: opens the senders, once the batches are chosen and the spool is set up.
    ///   - report: gets each batch's summary (and the same as one JSON object), and the retry's messages.
    /// - Returns: the exit code (CONTRACT §3): 0, 69, 73, 77, 78.
    /// - Throws: ``Failure``, or what `senders` throws.
    package func run(
        senders: (() async throws -> SenderPool)?, report: (_ text: String, _ json: JSONLine?) -> Void
    ) async throws -> ExitStatus {
        let spool = Spool(root: configuration.spool)
        let ledgerPath = configuration.ledgerPath
        // A key without its ledger is not "nothing to retry": opening the ledger refuses it (exit 73).
        guard FileManager.default.fileExists(atPath: ledgerPath)
            || FileManager.default.fileExists(atPath: configuration.ledgerKeyPath)
        else {
            report("no ledger at \(ledgerPath): nothing to retry", nil)
            return .ok
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: ledgerPath, keyPath: configuration.ledgerKeyPath, configuration: configuration.ledger,
                logger: logger)
        } catch {
            throw Failure(message: "cannot open the ledger: \(error)", status: .cantCreate)
        }
        // However retry ends, the ledger's file is left holding everything (see `Ledger.checkpoint`).
        defer { ledger.checkpoint() }

        // Answers an earlier run got but could not record are recorded first: their leads are not re-driven.
        let unrecorded: UnrecordedAnswers
        do {
            (unrecorded, _) = try UnrecordedAnswers.open(beside: ledger, logger: logger)
        } catch {
            throw Failure(
                message: "cannot record the answers an earlier run kept beside the ledger: \(error)",
                status: .cantCreate)
        }
        defer { unrecorded.finish() }

        var batchID: String?
        if let batch {
            let matches = try ledgerCall { () throws(LedgerError) in try ledger.batches(matching: batch) }
            guard let match = matches.first else {
                throw Failure(
                    message: "--batch \(batch): no batch of that name, upload name or hash prefix in the ledger",
                    status: .usage)
            }
            guard matches.count == 1 else {
                let listed = matches.map { "\($0.name) from \($0.fileName), hash \($0.id.prefix(12))" }
                throw Failure(
                    message: "--batch \(batch) matches \(matches.count) batches (\(listed.joined(separator: "; "))); "
                        + "say which with its hash: --batch \(matches[0].id.prefix(12))",
                    status: .usage)
            }
            guard match.state == .done else {
                report("\(match.name): still being processed (its file is in work/); run or watch finishes it", nil)
                return .ok
            }
            batchID = match.id
        }

        // One retry at a time per ledger: rows a retry took back are then provably left by an interrupted one.
        var lock: ExclusiveLock?
        if senders != nil {
            switch ExclusiveLock.take(ledgerPath + ".retry-lock", holder: "another retry") {
            case .success(let taken): lock = taken
            case .failure(let refusal): throw Failure(message: refusal.message, status: refusal.status)
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let batches = try ledgerCall { () throws(LedgerError) in
            try ledger.retryBatches(states: states, since: since, batch: batchID)
        }
        let asked = states.map(\.rawValue).sorted().joined(separator: " or ")
        guard !batches.isEmpty else {
            report(
                "nothing to re-drive: no finished batch has \(asked) leads" + (batch.map { " (batch \($0))" } ?? ""), nil)
            return .ok
        }
        guard let openSenders = senders else {
            var codes: Set<ExitStatus> = []
            for batch in batches {
                let result = await job(batch, spool: spool, ledger: ledger).run(submitter: nil)
                report(result.summary, result.json)
                codes.insert(result.exitCode)
            }
            return codes.contains(.cantCreate) ? .cantCreate : .ok
        }

        do {
            try spool.ensureLayout()
        } catch {
            throw Failure(message: "cannot set up the spool: \(error)", status: .cantCreate)
        }
        let senders = try await openSenders()
        var codes: Set<ExitStatus> = []
        for batch in batches {
            var retry = job(batch, spool: spool, ledger: ledger)
            retry.observer = observer
            retry.unrecorded = unrecorded
            let result = await retry.run(submitter: senders.submitter(for: batch.publisher))
            report(result.summary, result.json)
            codes.insert(result.exitCode)
            if result.authStopped { break }
        }
        await senders.close()
        return .first(of: [.authRefused, .config, .cantCreate, .unavailable], in: codes)
    }

    private func job(_ batch: RetryBatch, spool: Spool, ledger: Ledger) -> RetryJob<Sinks> {
        var job = RetryJob(
            batch: batch, spool: spool, configuration: configuration, ledger: ledger, sinks: sinks, states: states,
            logger: logger)
        job.releaseStoreMemory = { ledger.releaseMemory() }
        return job
    }

    /// A ledger failure while selecting batches is exit 73, like a ledger that cannot be opened.
    private func ledgerCall<T>(_ body: () throws(LedgerError) -> T) throws(Failure) -> T {
        do {
            return try body()
        } catch {
            throw Failure(message: "\(error)", status: .cantCreate)
        }
    }
}
