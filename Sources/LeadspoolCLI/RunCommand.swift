import ArgumentParser
import Export
import Foundation
import Ingest
import Logging
import Pipeline

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

    @Option(name: .long, help: "API endpoint (default: https://api.dreamyleads.com/webhook/lead, env DL_API_URL).")
    var endpoint: String?

    @Option(name: .long, help: "File holding the API token (otherwise the DL_API_KEY environment variable).")
    var tokenFile: String?

    // Only here to refuse it: a token in argv shows in `ps` and shell history.
    @Option(name: .long, help: .hidden)
    var token: String?

    @Flag(name: .long, help: "Exit 75 at once when another run holds the spool lock.")
    var exclusive = false

    @Flag(name: .long, help: "Mask phone and email in the reports.")
    var redact = false

    func run() async throws {
        try await withExitCodes {
            if token != nil {
                throw ConfigurationError(
                    "--token is refused (a token on the command line leaks into ps and shell history); "
                        + "set DL_API_KEY or use --token-file FILE")
            }
            var settings = try global.loadSettings()
            if let endpoint { settings.endpoint = endpoint }
            if let tokenFile { settings.tokenFile = tokenFile }
            global.bootstrapLogging(settings)
            let apiToken = try Self.token(settings: settings, preferFile: tokenFile != nil)
            let runner = SpoolRun(
                settings: settings, token: apiToken, publisherTokens: try Self.publisherTokens(settings: settings),
                redact: redact, exclusive: exclusive, logger: Logger(label: "leadspool.run"))
            return try await runner.run { print($0) }
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

/// One pass over a spool with a live submitter: what `run` does, and `demo` after it.
struct SpoolRun {
    let settings: Settings
    let token: APIToken
    /// Publishers with their own token (`[publishers.NAME] token_env`); the others use `token`.
    var publisherTokens: [String: APIToken] = [:]
    var redact = false
    var exclusive = false
    let logger: Logger

    /// Processes every orphaned and ready file; answers the exit code (CONTRACT §3). `report` gets
    /// each batch's short summary.
    func run(report: (String) -> Void) async throws -> Int32 {
        let spool = Spool(root: settings.spool)
        do {
            try spool.ensureLayout()
        } catch {
            FileHandle.standardError.write(Data("leadspool: cannot set up the spool: \(error)\n".utf8))
            return 73
        }
        var lock: Int32 = -1
        if exclusive {
            lock = open(spool.root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
            guard lock >= 0 else {
                FileHandle.standardError.write(Data("leadspool: cannot open \(spool.root)/.lock\n".utf8))
                return 73
            }
            guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                close(lock)
                FileHandle.standardError.write(Data("leadspool: another run holds \(spool.root)/.lock\n".utf8))
                return 75
            }
        }
        defer { if lock >= 0 { close(lock) } }

        // One transport and submitter per token, shared by every batch that uses it.
        var senders: [APIToken: (HTTPLeadTransport, Submitter<ContinuousClock>)] = [:]
        func shutdown() async {
            for (transport, _) in senders.values { try? await transport.shutdown() }
        }
        for token in Set([token] + publisherTokens.values) {
            let configuration = settings.submitConfiguration(token: token)
            do {
                let transport = try HTTPLeadTransport(configuration: configuration)
                let submitter = Submitter(
                    configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
                senders[token] = (transport, submitter)
            } catch {
                await shutdown()
                throw ConfigurationError("\(error)")
            }
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(
                path: settings.ledgerPath, keyPath: settings.ledgerKeyPath,
                configuration: settings.ledgerConfiguration())
        } catch {
            await shutdown()
            FileHandle.standardError.write(Data("leadspool: cannot open the ledger: \(error)\n".utf8))
            return 73
        }
        let reports = settings.reportConfiguration(directory: spool.reports, redact: redact)

        var codes: Set<Int32> = []
        var processed = 0
        func process(_ file: ClaimedFile) async -> Bool {
            let submitter = senders[publisherTokens[file.publisher] ?? token]!.1
            let job = RunJob(
                file: file, spool: spool, settings: settings, ledger: ledger, submitter: submitter, reports: reports,
                logger: logger)
            let result = await job.run()
            processed += 1
            if let summary = result.summary { report(summary) }
            if result.exitCode != 0 { codes.insert(result.exitCode) }
            return !result.authStopped
        }

        var going = true
        for file in spool.reclaimOrphans() where going {
            going = await process(file)
        }
        if going {
            let scan = spool.scan(nowNanos: Self.nowNanos(), settleSeconds: settings.settleSeconds)
            for (path, reason) in scan.refused {
                logger.warning("not claimed: \(reason)", metadata: ["spool.path": "\(path)"])
            }
            for candidate in scan.ready where going {
                let claimed: ClaimedFile?
                do {
                    claimed = try spool.claim(candidate)
                } catch {
                    logger.error("cannot claim: \(error)", metadata: ["spool.path": "\(candidate.path)"])
                    codes.insert(73)
                    continue
                }
                guard let claimed else { continue }
                going = await process(claimed)
            }
        }
        await shutdown()
        if processed == 0 { report("nothing to do: no ready file in \(spool.incoming)") }
        for code: Int32 in [77, 73, 69, 65] where codes.contains(code) { return code }
        return 0
    }

    static func nowNanos() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
