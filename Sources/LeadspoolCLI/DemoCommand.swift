import ArgumentParser
import Foundation
import LeadGenerator
import LeadModel
import Logging
import Pipeline
import Sandbox
import Submission

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool demo`: the whole job in one command. A temporary spool gets generated batches and two
/// broken files, an embedded sandbox listens on a free loopback port, and the same code as `run`
/// processes the spool against it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show the whole job: temp spool, generated batches, embedded sandbox, a full run, the reports.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Rows of the generated CSV batch.")
    var rows = 2000

    @Option(name: .long, help: "Seed of the generated batches and the sandbox's decisions.")
    var seed: UInt64 = 7

    func run() async throws {
        try await withExitCodes {
            // The demo works in a spool and ledger of its own, so it never touches a real one.
            if global.spool != nil || global.ledger != nil {
                throw ConfigurationError(
                    "demo makes its own temporary spool and ledger: --spool and --ledger do not apply to it")
            }
            var settings = try global.loadSettings()
            global.bootstrapLogging(settings)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "leadspool-demo-\(UInt32.random(in: 0...UInt32.max))"
            ).path
            settings.spool = root + "/spool"
            settings.ledger = nil
            settings.settleSeconds = 0
            do {
                try prepare(spool: settings.spool)
            } catch {
                StderrMessage.error("cannot prepare the demo spool: \(error)")
                return .cantCreate
            }

            var sandboxLogger = Logger(label: "leadspool.sandbox")
            sandboxLogger.logLevel = .critical
            let sandbox = try await SandboxServer.start(
                SandboxConfiguration(seed: seed, latencyMilliseconds: 5...40, errorRate: 0.02), logger: sandboxLogger)
            settings.endpoint = sandbox.endpoint
            print("sandbox listening on \(sandbox.endpoint) (2 % server errors, 5-40 ms latency)")
            print("spool: \(settings.spool)\n")
            // A test token made here: the sandbox accepts any dl_test_ token; it is never printed.
            let token = APIToken("dl_test_demo_" + String(UInt64.random(in: 0...UInt64.max), radix: 16))
            let run = SpoolRun(settings: settings, token: token, logger: Logger(label: "leadspool.demo"))
            let code: ExitStatus
            do {
                code = try await run.run { print(TerminalText.escapedLines($0) + "\n") }
            } catch {
                await sandbox.stop()
                throw error
            }
            await sandbox.stop()

            let reports = settings.spool + "/reports"
            print("reports in \(reports):")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: reports))?.sorted() ?? [] {
                print("  \(reports)/\(name)")
            }
            print("quarantined (on purpose) in \(settings.spool)/failed, each with a .error.txt saying why")
            // The broken files are part of the show: exit 65 for them is expected here.
            return code == .dataError ? .ok : code
        }
    }

    /// Writes the demo's batches into `incoming/`: a dirty mixed CSV, a clean gzip JSONL, a CSV
    /// without a header and a truncated gzip file.
    private func prepare(spool: String) throws {
        let incoming = spool + "/incoming"
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        let now = Int64(time(nil))
        try generate(
            GenOptions(rows: rows, dirty: 0.15, seed: seed, verticals: Vertical.allCases, now: now, e164Phones: false),
            format: .csv, gzip: false, to: incoming + "/publisher-mixed.csv")
        let jsonl = incoming + "/publisher-solar.jsonl.gz"
        try generate(
            GenOptions(rows: 300, dirty: 0, seed: seed + 1, verticals: [.solar], now: now, e164Phones: true),
            format: .jsonl, gzip: true, to: jsonl)
        let gzip = try Data(contentsOf: URL(fileURLWithPath: jsonl))
        try gzip.prefix(gzip.count / 2).write(to: URL(fileURLWithPath: incoming + "/cut-short.jsonl.gz"))
        try Data("8132471001,33601,maria@example.com\n2124441002,10001,bob@example.com\n".utf8)
            .write(to: URL(fileURLWithPath: incoming + "/no-header.csv"))
    }

    private func generate(_ options: GenOptions, format: GenFormat, gzip: Bool, to path: String) throws {
        let file = try GenOutputFile(path: path)
        _ = try GenRun(options: options, format: format, gzip: gzip).write(
            to: file.descriptor, name: path, defectsLog: nil)
        try file.commit()
    }
}
