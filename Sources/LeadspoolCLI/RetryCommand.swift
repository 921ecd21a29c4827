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

/// One `leadspool retry` as the CLI runs it: the batch run's retry, with the token, the progress line and the
/// summaries on stdout.
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
    func run(report: (String) -> Void) async throws -> ExitStatus {
        let configuration = try settings.runConfiguration(redact: redact)
        let observer = RunObserver(showsProgress: showsProgress, metrics: nil)
        var ticker: Task<Void, Never>?
        defer { ticker?.cancel() }
        let retry = BatchRetry(
            configuration: configuration, sinks: ReportFiles(configuration.reports), states: states, batch: batch,
            since: since, observer: observer, logger: logger)
        let output = settings.summaryOutput
        do {
            return try await retry.run(
                senders: dryRun
                    ? nil
                    : {
                        let token = try RunCommand.token(settings: settings, preferFile: preferTokenFile)
                        let publisherTokens = try RunCommand.publisherTokens(settings: settings)
                        let senders: SenderPool
                        do {
                            senders = try await SenderPool.open(
                                token: token, publisherTokens: publisherTokens, logger: logger,
                                configuration: settings.submitConfiguration(token:))
                        } catch {
                            throw ConfigurationError("\(error)")
                        }
                        ticker = ProgressTicker.start(observer: observer) { senders.counters }
                        return senders
                    }
            ) { text, json in report(output.line(text: text, json: json)) }
        } catch let failure as BatchRetry<ReportFiles>.Failure {
            if failure.status == .usage { throw ConfigurationError(failure.message) }
            StderrMessage.error(failure.message)
            return failure.status
        }
    }
}
