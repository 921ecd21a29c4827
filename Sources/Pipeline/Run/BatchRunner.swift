import Export
import Foundation
package import Ingest
package import LeadLedger
package import Logging
package import Submission
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The batch run: what `run` and `watch` hold while they work (the spool, the ledger, one transport and
/// submitter per token, where reports go, who watches) and the passes over the spool that claim each ready
/// file and process it (``RunJob``).
package final class BatchRunner<Sinks: ResultSinks>: Sendable {
    /// Paths already reported as not claimed: `watch` scans again and again, and says so once.
    private let reportedRefusals = Mutex<Set<String>>([])
    package let configuration: BatchRunConfiguration
    package let spool: Spool
    package let ledger: Ledger
    let sinks: Sinks
    let logger: Logger
    let observer: (any BatchObserver)?
    package let senders: SenderPool
    /// Where answers go that the ledger cannot record (a full disk).
    let unrecorded: UnrecordedAnswers

    /// A runner that could not start: the message for stderr and the exit code.
    package struct StartFailure: Error {
        package var message: String
        package var exitCode: ExitStatus
    }

    /// A runner over a ledger already open, with the answers kept beside it already recorded.
    package init(
        configuration: BatchRunConfiguration, ledger: Ledger, unrecorded: UnrecordedAnswers, senders: SenderPool,
        sinks: Sinks, observer: (any BatchObserver)?, logger: Logger
    ) {
        self.configuration = configuration
        self.spool = Spool(root: configuration.spool)
        self.ledger = ledger
        self.unrecorded = unrecorded
        self.senders = senders
        self.sinks = sinks
        self.observer = observer
        self.logger = logger
    }

    /// Sets up the spool layout, the senders and the ledger.
    ///
    /// - Parameters:
    ///   - senders: opens the senders (one per token).
    ///   - newLedger: `--new-ledger`: start a new ledger where `ledger.key` outlived its ledger.
    /// - Throws: ``StartFailure``: settings the transport refuses (exit 64), a spool or ledger that cannot be
    ///   opened (exit 73).
    package static func open(
        configuration: BatchRunConfiguration, senders openSenders: () async throws -> SenderPool, sinks: Sinks,
        observer: (any BatchObserver)?, logger: Logger, newLedger: Bool = false
    ) async throws(StartFailure) -> BatchRunner {
        let spool = Spool(root: configuration.spool)
        do {
            try spool.ensureLayout()
        } catch {
            throw StartFailure(message: "cannot set up the spool: \(error)", exitCode: .cantCreate)
        }
        let senders: SenderPool
        do {
            senders = try await openSenders()
        } catch {
            throw StartFailure(message: "\(error)", exitCode: .usage)
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: configuration.ledgerPath, keyPath: configuration.ledgerKeyPath,
                configuration: configuration.ledger, logger: logger, newLedger: newLedger)
        } catch {
            await senders.close()
            throw StartFailure(message: "cannot open the ledger: \(error)", exitCode: .cantCreate)
        }
        // Answers an earlier run got but could not record are recorded before anything is sent.
        let unrecorded: UnrecordedAnswers
        do {
            (unrecorded, _) = try UnrecordedAnswers.open(beside: ledger, logger: logger)
        } catch {
            await senders.close()
            throw StartFailure(
                message: "cannot record the answers an earlier run kept beside the ledger: \(error)",
                exitCode: .cantCreate)
        }
        return BatchRunner(
            configuration: configuration, ledger: ledger, unrecorded: unrecorded, senders: senders, sinks: sinks,
            observer: observer, logger: logger)
    }

    /// Closes the HTTP clients and checkpoints the ledger, so its file alone holds everything (a copy of
    /// it and its key is a backup).
    package func close() async {
        await senders.close()
        unrecorded.finish()
        ledger.checkpoint()
    }

    /// The run-wide submission figures of every token.
    package var counters: SubmitCounters { senders.counters }

    /// First stop signal: no new leads start; started ones go on to their answer.
    package func drain() { senders.drain() }

    /// Drain time over: requests in flight are cut off.
    package func shutDown() { senders.shutDown() }

    /// What one pass over the spool did.
    package struct Pass: Sendable {
        package var processed = 0
        /// Exit codes asked for by files (65, 69, 73, 77, 78).
        package var codes: Set<ExitStatus> = []
        package var authStopped = false
        package var interrupted = false
        /// Files still settling in `incoming/`, with the instant (nanoseconds since 1970) the
        /// earliest of them will be ready.
        package var earliestSettled: Int64?
        /// How many files were still settling, and when the first is ready (nanoseconds since 1970).
        package var settling: (count: Int, readyAt: Int64)? {
            earliestSettled.map { (settlingCount, $0) }
        }
        package var settlingCount = 0
        /// Paths (in `work/`) of files left there by a failure this pass.
        package var failed: [String] = []
        /// Files left in `work/` because another process works on the same content.
        package var busy = 0
        /// Ready files this pass could not claim (an error, or a file of the same name still in `work/`).
        package var unclaimed = 0

        /// This pass followed by `next`.
        package mutating func append(_ next: Pass) {
            processed += next.processed
            codes.formUnion(next.codes)
            authStopped = authStopped || next.authStopped
            interrupted = interrupted || next.interrupted
            earliestSettled = next.earliestSettled
            settlingCount = next.settlingCount
            failed += next.failed
            busy = next.busy
            unclaimed += next.unclaimed
        }

        /// The exit code of `run` (CONTRACT §3).
        package var exitCode: ExitStatus { .first(of: ExitStatus.runPrecedence, in: codes) }
    }

    /// Processes every orphaned claim and every ready file once.
    ///
    /// - Parameters:
    ///   - stopping: checked before each claim; `true` ends the pass.
    ///   - deferred: orphans (by path) to leave alone this time (failed a moment ago).
    ///   - waitForBusy: wait for another process working on the same content as a file (see `RunJob`).
    ///   - report: gets each batch's short summary, and the same as one JSON object (`nil` where the text
    ///     says it all).
    package func pass(
        stopping: () -> Bool = { false }, deferred: (String) -> Bool = { _ in false }, waitForBusy: Bool = false,
        report: (_ text: String, _ json: JSONLine?) -> Void
    ) async -> Pass {
        var result = Pass()
        func process(_ file: ClaimedFile) async {
            let submitter = senders.submitter(for: file.publisher)
            var job = RunJob(
                file: file, spool: spool, configuration: configuration, ledger: ledger, submitter: submitter,
                sinks: sinks, logger: logger, observer: observer)
            job.waitIfBusy = waitForBusy
            job.unrecorded = unrecorded
            job.releaseStoreMemory = { [ledger] in ledger.releaseMemory() }
            let outcome = await job.run()
            if outcome.busy {
                result.busy += 1
                if let summary = outcome.summary { report(summary, outcome.json) }
                return
            }
            result.processed += 1
            if let summary = outcome.summary { report(summary, outcome.json) }
            if outcome.exitCode != .ok { result.codes.insert(outcome.exitCode) }
            if outcome.exitCode == .cantCreate { result.failed.append(file.path) }
            result.authStopped = result.authStopped || outcome.authStopped
            result.interrupted = result.interrupted || outcome.interrupted
        }
        var going: Bool { !result.authStopped && !result.interrupted && !stopping() }

        for file in spool.reclaimOrphans() {
            guard going, !deferred(file.path) else {
                file.release()
                continue
            }
            await process(file)
        }
        guard going else { return result }
        let now = Spool.nowNanos()
        let scan = spool.scan(nowNanos: now, settleSeconds: configuration.settleSeconds)
        // A path gone from the scan is forgotten, so a file dropped again later is named again.
        let fresh = reportedRefusals.withLock { reported in
            let now = Set(scan.refused.map(\.path))
            reported.formIntersection(now)
            return scan.refused.filter { reported.insert($0.path).inserted }
        }
        for (path, reason) in fresh {
            logger.warning("not claimed: \(reason)", metadata: ["spool.path": "\(path)"])
        }
        let settleNanos = Int64(configuration.settleSeconds * 1e9)
        result.earliestSettled = scan.settling.map { $0.mtimeNanos + settleNanos }.min()
        result.settlingCount = scan.settling.count
        for candidate in scan.ready where going {
            let claimed: ClaimedFile?
            do {
                claimed = try spool.claim(candidate)
            } catch {
                logger.error("cannot claim: \(error)", metadata: ["spool.path": "\(candidate.path)"])
                result.codes.insert(.cantCreate)
                result.unclaimed += 1
                continue
            }
            guard let claimed else {
                result.unclaimed += 1
                continue
            }
            await process(claimed)
        }
        return result
    }
}

extension Spool {
    /// Now in nanoseconds since 1970, the clock of the files' mtimes.
    package static func nowNanos() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
