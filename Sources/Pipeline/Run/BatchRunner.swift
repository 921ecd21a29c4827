import Export
import Foundation
import Ingest
import LeadLedger
import Logging
import Pipeline
import Submission
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `run` and `watch` hold while they work: the spool, the ledger, one HTTP client and submitter
/// per token, and the report settings.
final class SpoolSession: Sendable {
    /// Paths already reported as not claimed: `watch` scans again and again, and says so once.
    private let reportedRefusals = Mutex<Set<String>>([])
    let settings: Settings
    let spool: Spool
    let ledger: Ledger
    let reports: ReportConfiguration
    let logger: Logger
    let observer: RunObserver?
    let senders: SenderPool
    /// Where answers go that the ledger cannot record (a full disk).
    let unrecorded: UnrecordedAnswers

    /// A session that could not start: the message for stderr and the exit code.
    struct StartFailure: Error {
        var message: String
        var exitCode: Int32
    }

    private init(
        settings: Settings, spool: Spool, ledger: Ledger, redact: Bool, observer: RunObserver?, logger: Logger,
        senders: SenderPool, unrecorded: UnrecordedAnswers
    ) {
        self.unrecorded = unrecorded
        self.settings = settings
        self.spool = spool
        self.ledger = ledger
        self.reports = settings.reportConfiguration(directory: spool.reports, redact: redact)
        self.logger = logger
        self.observer = observer
        self.senders = senders
    }

    /// Sets up the spool layout, the HTTP clients and the ledger.
    ///
    /// - Parameter newLedger: `--new-ledger`: start a new ledger where `ledger.key` outlived its ledger.
    /// - Throws: ``ConfigurationError`` for settings the clients refuse (exit 64), ``StartFailure``
    ///   when the spool or ledger cannot be opened (exit 73).
    static func open(
        settings: Settings, token: APIToken, publisherTokens: [String: APIToken], redact: Bool,
        observer: RunObserver?, logger: Logger, newLedger: Bool = false
    ) async throws -> SpoolSession {
        let spool = Spool(root: settings.spool)
        do {
            try spool.ensureLayout()
        } catch {
            throw StartFailure(message: "cannot set up the spool: \(error)", exitCode: 73)
        }
        let senders = try await SenderPool.open(
            settings: settings, token: token, publisherTokens: publisherTokens, logger: logger)
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: settings.ledgerPath, keyPath: settings.ledgerKeyPath,
                configuration: settings.ledgerConfiguration(), logger: logger, newLedger: newLedger)
        } catch {
            await senders.close()
            throw StartFailure(message: "cannot open the ledger: \(error)", exitCode: 73)
        }
        // Answers an earlier run got but could not record are recorded before anything is sent.
        let unrecorded: UnrecordedAnswers
        do {
            (unrecorded, _) = try UnrecordedAnswers.open(beside: ledger, logger: logger)
        } catch {
            await senders.close()
            throw StartFailure(
                message: "cannot record the answers an earlier run kept beside the ledger: \(error)", exitCode: 73)
        }
        return SpoolSession(
            settings: settings, spool: spool, ledger: ledger, redact: redact, observer: observer, logger: logger,
            senders: senders, unrecorded: unrecorded)
    }

    /// Closes the HTTP clients and checkpoints the ledger, so its file alone holds everything (a copy of
    /// it and its key is a backup).
    func close() async {
        await senders.close()
        unrecorded.finish()
        ledger.checkpoint()
    }

    /// The run-wide submission figures of every token.
    var counters: SubmitCounters { senders.counters }

    /// First stop signal: no new leads start; started ones go on to their answer.
    func drain() { senders.drain() }

    /// Drain time over: requests in flight are cut off.
    func shutDown() { senders.shutDown() }

    /// What one pass over the spool did.
    struct Pass {
        var processed = 0
        /// Exit codes asked for by files (65, 69, 73, 77, 78).
        var codes: Set<Int32> = []
        var authStopped = false
        var interrupted = false
        /// Files still settling in `incoming/`, with the instant (nanoseconds since 1970) the
        /// earliest of them will be ready.
        var earliestSettled: Int64?
        /// How many files were still settling, and when the first is ready (nanoseconds since 1970).
        var settling: (count: Int, readyAt: Int64)? {
            earliestSettled.map { (settlingCount, $0) }
        }
        var settlingCount = 0
        /// Paths (in `work/`) of files left there by a failure this pass.
        var failed: [String] = []
        /// Files left in `work/` because another process works on the same content.
        var busy = 0
        /// Ready files this pass could not claim (an error, or a file of the same name still in `work/`).
        var unclaimed = 0

        /// This pass followed by `next`.
        mutating func append(_ next: Pass) {
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
        var exitCode: Int32 {
            for code: Int32 in [77, 78, 73, 69, 65] where codes.contains(code) { return code }
            return 0
        }
    }

    /// Processes every orphaned claim and every ready file once.
    ///
    /// - Parameters:
    ///   - stopping: checked before each claim; `true` ends the pass.
    ///   - deferred: orphans (by path) to leave alone this time (failed a moment ago).
    ///   - waitForBusy: wait for another process working on the same content as a file (see `RunJob`).
    ///   - report: gets each batch's short summary.
    func pass(
        stopping: () -> Bool = { false }, deferred: (String) -> Bool = { _ in false }, waitForBusy: Bool = false,
        report: (String) -> Void
    ) async -> Pass {
        var result = Pass()
        func process(_ file: ClaimedFile) async {
            let submitter = senders.submitter(for: file.publisher)
            var job = RunJob(
                file: file, spool: spool, settings: settings, ledger: ledger, submitter: submitter, reports: reports,
                logger: logger, observer: observer)
            job.waitIfBusy = waitForBusy
            job.unrecorded = unrecorded
            let outcome = await job.run()
            if outcome.busy {
                result.busy += 1
                if let summary = outcome.summary { report(settings.summaryOutput.line(text: summary, json: outcome.json)) }
                return
            }
            result.processed += 1
            if let summary = outcome.summary { report(settings.summaryOutput.line(text: summary, json: outcome.json)) }
            if outcome.exitCode != 0 { result.codes.insert(outcome.exitCode) }
            if outcome.exitCode == 73 { result.failed.append(file.path) }
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
        let now = Self.nowNanos()
        let scan = spool.scan(nowNanos: now, settleSeconds: settings.settleSeconds)
        // A path gone from the scan is forgotten, so a file dropped again later is named again.
        let fresh = reportedRefusals.withLock { reported in
            let now = Set(scan.refused.map(\.path))
            reported.formIntersection(now)
            return scan.refused.filter { reported.insert($0.path).inserted }
        }
        for (path, reason) in fresh {
            logger.warning("not claimed: \(reason)", metadata: ["spool.path": "\(path)"])
        }
        let settleNanos = Int64(settings.settleSeconds * 1e9)
        result.earliestSettled = scan.settling.map { $0.mtimeNanos + settleNanos }.min()
        result.settlingCount = scan.settling.count
        for candidate in scan.ready where going {
            let claimed: ClaimedFile?
            do {
                claimed = try spool.claim(candidate)
            } catch {
                logger.error("cannot claim: \(error)", metadata: ["spool.path": "\(candidate.path)"])
                result.codes.insert(73)
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

    static func nowNanos() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
