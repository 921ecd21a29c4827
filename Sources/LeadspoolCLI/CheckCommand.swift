import ArgumentParser
import Export
import Foundation
import Ingest
import LeadLedger
import LeadModel
import Logging
import Pipeline
import Submission

/// `leadspool check FILE...`: the publisher's dry run. Everything up to, never including, the network.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Dry run: read, normalise, validate and dedupe files, and write the reports. No network.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Summaries on stdout: text, or json (one object per line).")
    var output: SummaryOutput = .text

    @Argument(help: "Batch files (.csv, .jsonl, .ndjson, optionally .gz).")
    var files: [String]

    @Option(name: .long, help: "Where the reports go.")
    var reportDir = "./reports"

    @Option(name: .long, help: "Vertical for files without a vertical column.")
    var vertical: String?

    @Option(
        name: .long,
        help: "Read the files as this publisher's, as run does in incoming/NAME/: its column mapping, encoding and timezone.")
    var publisher: String?

    @Flag(name: .long, help: "Mask phone and email in the reports.")
    var redact = false

    @Option(name: .long, help: .hidden)
    var now: Int64?

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            // A path that names no file, or something other than a regular file (a FIFO, a directory, a device,
            // a socket), is a mistake on the command line (64), not an unreadable batch (65). Decided by stat(2),
            // without opening it: opening a FIFO for reading waits for a writer. (The reader refuses a path
            // swapped for one of those after this check: it opens without blocking and checks again.)
            for file in files {
                switch FileSystem.batchPathProblem(file) {
                case .missing: throw ConfigurationError("no such file: \(file)")
                case .notRegular(let kind): throw ConfigurationError("\(file) is \(kind), not a regular file")
                case nil: break
                }
            }
            let publisher = self.publisher ?? Publisher.defaultName
            guard publisher == Publisher.defaultName || settings.publishers[publisher] != nil else {
                throw ConfigurationError(
                    "--publisher \(publisher): the configuration has no [publishers.\(publisher)] table")
            }
            global.bootstrapLogging(settings)
            let logger = Logger(label: "leadspool.check")
            let now = self.now ?? Int64(Date().timeIntervalSince1970)
            let validator = try settings.makeValidator(
                now: now, verticalOverride: vertical, publisher: publisher)
            let reports = settings.reportConfiguration(directory: reportDir, redact: redact)
            do {
                try FileSystem.makeDirectory(reportDir)
            } catch {
                let message = TerminalText.escaped("cannot create \(reportDir): \(error)")
                StderrMessage.error("\(message)")
                return .cantCreate
            }
            var ledger: LedgerLookup?
            do {
                ledger = try LedgerLookup.openReadOnly(
                    path: settings.ledgerPath, keyPath: settings.ledgerKeyPath,
                    configuration: settings.ledgerConfiguration())
            } catch let error as LedgerError where error.code == .upgradeNeeded {
                logger.warning("ledger not consulted: \(error)", metadata: ["ledger.path": "\(settings.ledgerPath)"])
            } catch {
                // A ledger that is there but cannot be read (damaged, another key) would make every lead it
                // holds look new: no verdicts rather than wrong ones.
                StderrMessage.error("cannot read the ledger: \(error)")
                return .cantCreate
            }
            var unreadable = 0
            var written: [String: String] = [:]
            let observer = RunObserver(showsProgress: !global.quiet, metrics: nil, sends: false)
            let ticker = ProgressTicker.start(observer: observer) { SubmitCounters() }
            defer { ticker?.cancel() }
            for file in files {
                var job = CheckJob(
                    path: file, validator: validator, sinks: ReportFiles(reports), ledger: ledger, now: now,
                    logger: logger)
                job.observer = observer
                job.readerConfiguration = settings.readerConfiguration(publisher: publisher)
                job.encoding = job.readerConfiguration.encoding
                job.publisher = publisher
                job.written = written
                switch job.run() {
                case .checked(let summary, let batch, let json):
                    StatusLine.shared.report(output.line(text: summary, json: json) + "\n")
                    written[batch] = file
                case .sameContent(let first, let batch):
                    var json = JSONLine()
                    json.add("file", file)
                    json.add("batch", batch)
                    json.add("status", "same_content")
                    json.add("message", "the same content as \(first)")
                    StatusLine.shared.report(
                        output.line(text: "\(file): the same content as \(first); its reports are \(batch).*", json: json)
                            + "\n")
                case .unreadable(let reason):
                    unreadable += 1
                    var json = JSONLine()
                    json.add("file", file)
                    json.add("status", "unreadable")
                    json.add("message", reason)
                    json.add("exit_code", Int(ExitStatus.dataError.rawValue))
                    StatusLine.shared.report(output.line(text: "\(file): cannot be read: \(reason)", json: json) + "\n")
                case .reportFailed(let reason):
                    let message = TerminalText.escaped("\(file): \(reason)")
                    StderrMessage.error("\(message)")
                    return .cantCreate
                }
            }
            return unreadable > 0 ? .dataError : .ok
        }
    }
}
