import ArgumentParser
import Foundation
import Logging

/// Options every command takes (CONTRACT §2).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "TOML configuration file (default: ./leadspool.toml when present).")
    var config: String?

    @Option(name: .long, help: "Spool directory (default: ./spool).")
    var spool: String?

    @Option(name: .long, help: "Ledger file (default: <spool>/ledger.sqlite).")
    var ledger: String?

    @Option(name: .long, help: "Log format on stderr: text or json.")
    var logFormat: String?

    @Flag(name: .long, help: "Only warnings and errors in the log; no progress line.")
    var quiet = false

    @Flag(name: .long, help: "Debug detail in the log.")
    var verbose = false

    /// Built-in defaults, then the TOML file, then the environment, then these flags.
    func loadSettings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var settings = Settings()
        if let config {
            guard FileManager.default.fileExists(atPath: config) else {
                throw ConfigurationError("configuration file \(config) does not exist")
            }
            try settings.apply(toml: try String(contentsOfFile: config, encoding: .utf8), file: config)
        } else if FileManager.default.fileExists(atPath: "leadspool.toml") {
            try settings.apply(toml: try String(contentsOfFile: "leadspool.toml", encoding: .utf8), file: "leadspool.toml")
        }
        if let url = environment["DL_API_URL"], !url.isEmpty { settings.endpoint = url }
        if let spool { settings.spool = spool }
        if let ledger { settings.ledger = ledger }
        if let logFormat {
            guard let format = LogFormat(rawValue: logFormat) else {
                throw ConfigurationError("--log-format must be text or json")
            }
            settings.logFormat = format
        }
        return settings
    }

    var logLevel: Logger.Level { quiet ? .warning : (verbose ? .debug : .info) }

    /// Installs the stderr log handler. Only the CLI does this.
    func bootstrapLogging(_ settings: Settings) {
        LoggingBootstrap.install(format: settings.logFormat, level: logLevel)
    }
}

/// Runs a command body, turning configuration problems into exit 64 with a one-line message.
func withExitCodes(_ body: () async throws -> Int32) async throws {
    let code: Int32
    do {
        code = try await body()
    } catch let error as ConfigurationError {
        FileHandle.standardError.write(Data("leadspool: \(error.message)\n".utf8))
        throw ExitCode(64)
    }
    if code != 0 { throw ExitCode(code) }
}
