import ArgumentParser
import Export
import Foundation
import Ingest
import LeadLedger
import Logging
import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool retry`: re-drives the `failed` / `unknown` leads of finished batches from their originals in
/// `done/`, with the keys they were first sent with, and rewrites those batches' reports.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Re-drive failed or unknown leads of finished batches from their originals in done/.",
        discussion: """
            Only the selected rows are sent again, each with the Idempotency-Key it was first sent with; a lead \
            another batch has taken since is reported DUPLICATE_IN_LEDGER instead. The batch's reports are \
            rewritten in place. Exit 73 when a batch's original is missing from done/ (that batch is skipped).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Summaries on stdout: text, or json (one object per line).")
    var output: SummaryOutput = .text
    @OptionGroup var api: APIOptions

    @Option(name: .long, help: "Outcomes to re-drive, comma-separated: failed, unknown.")
    var outcome = "failed,unknown"

    @Option(
        name: .long,
        help: "Only this batch: its name (as in the report file names), its upload file name, or a prefix of its hash.")
    var batch: String?

    @Option(name: .long, help: "Only batches claimed from this date (YYYY-MM-DD, UTC) or this long ago (7d).")
    var since: String?

    @Flag(name: .long, help: "List what would be re-driven; send and change nothing.")
    var dryRun = false

    func run() async throws {
        try await withExitCodes {
            var settings = try global.loadSettings()
            settings.summaryOutput = output
            try api.apply(to: &settings)
            let states = try Self.outcomes(outcome)
            global.bootstrapLogging(settings)
            let sinceDate = try since.map { try ReportCommand.parseDate($0, now: Date(), option: "--since") }
            let retry = SpoolRetry(
                settings: settings, states: states, batch: batch, since: sinceDate, dryRun: dryRun, redact: api.redact,
                preferTokenFile: api.tokenFile != nil, showsProgress: !global.quiet, logger: Logger(label: "leadspool.retry"))
            return try await retry.run { StatusLine.shared.report($0 + "\n") }
        }
    }

    /// The states `--outcome` names; only `failed` and `unknown` may be re-driven.
    static func outcomes(_ text: String) throws -> Set<LeadState> {
        var states: Set<LeadState> = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "failed": states.insert(.failed)
            case "unknown": states.insert(.unknown)
            case "accepted", "rejected", "invalid", "duplicate", "valid":
                throw ConfigurationError(
                    "--outcome \(name) is refused: only failed and unknown leads are re-driven "
                        + "(\(name) is a definitive answer or a local verdict, never sent again)")
            default:
                throw ConfigurationError("--outcome takes failed and unknown, comma-separated (got '\(name)')")
            }
        }
        guard !states.isEmpty else { throw ConfigurationError("--outcome takes failed and unknown, comma-separated") }
        return states
    }
}

/// One `leadspool retry`: selects the batches, then re-drives them one by one.
struct SpoolRetry {
    let settings: Settings
    let states: Set<LeadState>
    /// `--batch`: a batch name, an upload file name or a prefix of the hash.
    let batch: String?
    let since: Date?
    let dryRun: Bool
    let redact: Bool
    let preferTokenFile: Bool
    /// Draw the live status line (a terminal, no `--quiet`).
    var showsProgress = false
    let logger: Logger

    /// Answers the exit code (CONTRACT §3): 0, 64, 69, 73, 75 (another retry runs), 77, 78.
    func run(report: (String) -> Void) async throws -> Int32 {
        let spool = Spool(root: settings.spool)
        // A key without its ledger is not "nothing to retry": opening the ledger refuses it (exit 73).
        guard FileManager.default.fileExists(atPath: settings.ledgerPath)
            || FileManager.default.fileExists(atPath: settings.ledgerKeyPath)
        else {
            report(settings.summaryOutput.line("no ledger at \(settings.ledgerPath): nothing to retry"))
            return 0
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: settings.ledgerPath, keyPath: settings.ledgerKeyPath,
                configuration: settings.ledgerConfiguration(), logger: logger)
        } catch {
            StderrMessage.error("cannot open the ledger: \(error)")
            return 73
        }
        // However retry ends, the ledger's file is left holding everything (see `Ledger.checkpoint`).
        defer { ledger.checkpoint() }

        // Answers an earlier run got but could not record are recorded first: their leads are not re-driven.
        let unrecorded: UnrecordedAnswers
        do {
            (unrecorded, _) = try UnrecordedAnswers.open(beside: ledger, logger: logger)
        } catch {
            StderrMessage.error("cannot record the answers an earlier run kept beside the ledger: \(error)")
            return 73
        }
        defer { unrecorded.finish() }

        var batchID: String?
        if let batch {
            let matches = try ledgerCall { () throws(LedgerError) in try ledger.batches(matching: batch) }
            guard let match = matches.first else {
                throw ConfigurationError(
                    "--batch \(batch): no batch of that name, upload name or hash prefix in the ledger")
            }
            guard matches.count == 1 else {
                let listed = matches.map { "\($0.name) from \($0.fileName), hash \($0.id.prefix(12))" }
                throw ConfigurationError(
                    "--batch \(batch) matches \(matches.count) batches (\(listed.joined(separator: "; "))); "
                        + "say which with its hash: --batch \(matches[0].id.prefix(12))")
            }
            guard match.state == .done else {
                report(
                    settings.summaryOutput.line(
                        "\(match.name): still being processed (its file is in work/); run or watch finishes it"))
                return 0
            }
            batchID = match.id
        }

        // One retry at a time per ledger: rows a retry took back are then provably left by an interrupted one.
        var lock: ExclusiveLock?
        if !dryRun {
            switch ExclusiveLock.take(settings.ledgerPath + ".retry-lock", holder: "another retry") {
            case .success(let taken): lock = taken
            case .failure(let status): return status.code
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let batches = try ledgerCall { () throws(LedgerError) in
            try ledger.retryBatches(states: states, since: since, batch: batchID)
        }
        let asked = states.map(\.rawValue).sorted().joined(separator: " or ")
        guard !batches.isEmpty else {
            report(
                settings.summaryOutput.line(
                    "nothing to re-drive: no finished batch has \(asked) leads" + (batch.map { " (batch \($0))" } ?? "")))
            return 0
        }
        if dryRun {
            let jobs = batches.map { job($0, spool: spool, ledger: ledger) }
            var codes: Set<Int32> = []
            for job in jobs {
                let result = await job.run(submitter: nil)
                report(settings.summaryOutput.line(text: result.summary, json: result.json))
                codes.insert(result.exitCode)
            }
            return codes.contains(73) ? 73 : 0
        }

        do {
            try spool.ensureLayout()
        } catch {
            StderrMessage.error("cannot set up the spool: \(error)")
            return 73
        }
        let token = try RunCommand.token(settings: settings, preferFile: preferTokenFile)
        let publisherTokens = try RunCommand.publisherTokens(settings: settings)
        let senders = try await SenderPool.open(
            settings: settings, token: token, publisherTokens: publisherTokens, logger: logger)

        let observer = RunObserver(showsProgress: showsProgress, metrics: nil)
        let ticker = ProgressTicker.start(observer: observer) { senders.counters }
        defer { ticker?.cancel() }
        var codes: Set<Int32> = []
        for batch in batches {
            let submitter = senders.submitter(for: batch.publisher)
            var retry = job(batch, spool: spool, ledger: ledger)
            retry.observer = observer
            retry.unrecorded = unrecorded
            let result = await retry.run(submitter: submitter)
            report(settings.summaryOutput.line(text: result.summary, json: result.json))
            codes.insert(result.exitCode)
            if result.authStopped { break }
        }
        await senders.close()
        for code: Int32 in [77, 78, 73, 69] where codes.contains(code) { return code }
        return 0
    }

    private func job(_ batch: RetryBatch, spool: Spool, ledger: Ledger) -> RetryJob {
        RetryJob(
            batch: batch, spool: spool, settings: settings, ledger: ledger,
            reports: settings.reportConfiguration(directory: spool.reports, redact: redact), states: states,
            logger: logger)
    }

    /// A ledger failure while selecting batches is exit 73, like a ledger that cannot be opened.
    private func ledgerCall<T>(_ body: () throws(LedgerError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            StderrMessage.error("\(error)")
            throw ExitCode(73)
        }
    }
}
