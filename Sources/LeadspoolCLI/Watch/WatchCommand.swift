import ArgumentParser
import Foundation
import Ingest
import Logging

/// `leadspool watch`: `run`, continuously, until SIGTERM or SIGINT.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Process files as they arrive, until SIGTERM/SIGINT (drain, then exit 0).",
        discussion: """
            Finds files by inotify on incoming/ and its publisher folders, and by a scan every \
            scan_interval_seconds ([watch] in the config). The first SIGTERM or SIGINT stops claiming, \
            lets the leads in flight finish (up to drain_seconds), writes the reports and exits 0; a \
            second one exits at once. A file that fails mid-way (ledger locked, disk full) stays in \
            work/ and is tried again later. Exits 77 when the API refuses the token, 78 when the TLS \
            handshake is refused (certificate not trusted or not for the host, client certificate refused).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Summaries on stdout: text, or json (one object per line).")
    var output: SummaryOutput = .text
    @OptionGroup var api: APIOptions

    @Option(name: .long, help: "Serve Prometheus metrics on 127.0.0.1:PORT/metrics (0: a free port, logged).")
    var metricsPort: Int?

    @Flag(name: .long, help: "Find files by the periodic scan only (e.g. on a network filesystem).")
    var noInotify = false

    @Option(name: .long, help: "Seconds between scans of incoming/ (overrides [watch] scan_interval_seconds).")
    var scanInterval: Double?

    @Flag(
        name: .long,
        help: """
            Start a new, empty ledger when ledger.key exists but its ledger is missing, empty or no ledger \
            (refused with exit 73 otherwise). Leads the lost ledger recorded may then be sent again.
            """)
    var newLedger = false

    func run() async throws {
        try await withExitCodes {
            var settings = try global.loadSettings()
            settings.summaryOutput = output
            try api.apply(to: &settings)
            if let scanInterval {
                guard scanInterval >= 0.1, scanInterval <= 3600 else {
                    throw ConfigurationError("--scan-interval must be between 0.1 and 3600 seconds")
                }
                settings.scanIntervalSeconds = scanInterval
            }
            if let metricsPort, !(0...65535).contains(metricsPort) {
                throw ConfigurationError("--metrics-port must be between 0 and 65535")
            }
            global.bootstrapLogging(settings)
            let (apiToken, publisherTokens) = try api.tokens(settings)
            let watcher = SpoolWatcher(
                settings: settings, token: apiToken, publisherTokens: publisherTokens, redact: api.redact,
                metricsPort: metricsPort, inotify: !noInotify, showsProgress: !global.quiet, newLedger: newLedger,
                logger: Logger(label: "leadspool.watch"))
            return try await watcher.run { StatusLine.shared.report($0 + "\n") }
        }
    }
}
