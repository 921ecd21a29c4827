import ArgumentParser
import CZlib
import Export
import Foundation
import LeadLedger
import Pipeline

/// What `leadspool --version` and `leadspool version` print: this build and the libraries it runs on.
enum LeadspoolVersion {
    static let number = "0.9.0"

    /// Name and version of each part, in print order.
    static var parts: [(name: String, version: String)] {
        [
            ("leadspool", number), ("commit", BuildInfo.commit), ("sqlite", Ledger.sqliteVersion),
            ("zlib", String(cString: zlibVersion())), ("swift-nio", BuildInfo.swiftNIOVersion),
        ]
    }

    /// `leadspool 0.9.0 (commit 1a2b3c4d5e6f)` and a line per library.
    static var text: String {
        "leadspool \(number) (commit \(BuildInfo.commit))\nSQLite \(Ledger.sqliteVersion), zlib "
            + "\(String(cString: zlibVersion())), SwiftNIO \(BuildInfo.swiftNIOVersion)"
    }

    /// One JSON object: `{"leadspool": "0.9.0", "commit": "...", "sqlite": "...", ...}`.
    static var json: String {
        "{" + parts.map { "\(JSONText.quoted($0.name)): \(JSONText.quoted($0.version))" }.joined(separator: ", ") + "}"
    }
}

/// `leadspool version [--format text|json]`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, the commit it was built from, and the SQLite, zlib and SwiftNIO versions.")

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    func run() throws {
        switch format {
        case "text": print(LeadspoolVersion.text)
        case "json": print(LeadspoolVersion.json)
        default:
            StderrMessage.error("--format must be text or json")
            throw ExitCode(.usage)
        }
    }
}
