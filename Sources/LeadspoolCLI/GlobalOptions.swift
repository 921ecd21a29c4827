import ArgumentParser
import Foundation
import Logging
import Pipeline

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
            try settings.apply(toml: try Self.configText(config), file: config)
        } else if FileManager.default.fileExists(atPath: "leadspool.toml") {
            try settings.apply(toml: try Self.configText("leadspool.toml"), file: "leadspool.toml")
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

    /// The text of a configuration file; a directory, an unreadable file or one that is not UTF-8 is a
    /// configuration error (64) naming the file.
    static func configText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ConfigurationError("configuration file \(path) is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("configuration file \(path) cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("configuration file \(path) is not UTF-8 text")
        }
        return text
    }

    var logLevel: Logger.Level { quiet ? .warning : (verbose ? .debug : .info) }

    /// Installs the stderr log handler. Only the CLI does this.
    func bootstrapLogging(_ settings: Settings) {
        LoggingBootstrap.install(format: settings.logFormat, level: logLevel)
    }
}

/// Runs a command body, turning configuration problems into exit 64 with a one-line message.
func withExitCodes(_ body: () async throws -> ExitStatus) async throws {
    let code: ExitStatus
    do {
        code = try await body()
    } catch let error as ConfigurationError {
        // The message may name a path as given, control characters and all.
        StderrMessage.error(error.message)
        throw ExitCode(.usage)
    } catch let status as ExitStatus {
        // Said on stderr where it was thrown.
        throw ExitCode(status)
    }
    if code != .ok { throw ExitCode(code) }
}

extension ExitCode {
    init(_ status: ExitStatus) { self.init(status.rawValue) }
}
