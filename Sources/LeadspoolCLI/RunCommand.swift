import ArgumentParser
import Export
import Foundation
import Ingest
import Logging
import Submission

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool run`: processes every ready file of the spool once, then exits (for cron).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process every ready file in the spool once: validate, dedupe, submit, report, archive.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Summaries on stdout: text, or json (one object per line).")
    var output: SummaryOutput = .text
    @OptionGroup var api: APIOptions

    @Flag(name: .long, help: "Exit 75 at once when another run holds the spool lock.")
    var exclusive = false

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
            global.bootstrapLogging(settings)
            let (apiToken, publisherTokens) = try api.tokens(settings)
            let runner = SpoolRun(
                settings: settings, token: apiToken, publisherTokens: publisherTokens, redact: api.redact,
                exclusive: exclusive, handlesSignals: true,
                observer: RunObserver(showsProgress: !global.quiet, metrics: nil), newLedger: newLedger,
                logger: Logger(label: "leadspool.run"))
            return try await runner.run { StatusLine.shared.report($0 + "\n") }
        }
    }

    /// The token from `--token-file`, else the environment variable `settings.tokenEnv`, else
    /// `api.token_file`. Its value is never shown.
    static func token(
        settings: Settings, preferFile: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> APIToken {
        func fromFile(_ path: String) throws -> APIToken {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read the token file \(path)")
            }
            let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw ConfigurationError("the token file \(path) is empty") }
            return APIToken(secret)
        }
        if preferFile, let path = settings.tokenFile { return try fromFile(path) }
        if let secret = environment[settings.tokenEnv]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !secret.isEmpty
        {
            return APIToken(secret)
        }
        if let path = settings.tokenFile { return try fromFile(path) }
        throw ConfigurationError("no API token: set \(settings.tokenEnv) or use --token-file FILE")
    }

    /// The tokens of publishers configured with `[publishers.NAME] token_env`; a variable that is not
    /// set is a configuration error.
    static func publisherTokens(
        settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [String: APIToken] {
        var tokens: [String: APIToken] = [:]
        for (name, publisher) in settings.publishers {
            guard let variable = publisher.tokenEnv else { continue }
            guard let secret = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !secret.isEmpty
            else { throw ConfigurationError("publisher \(name): the token variable \(variable) is not set") }
            tokens[name] = APIToken(secret)
        }
        return tokens
    }
}

