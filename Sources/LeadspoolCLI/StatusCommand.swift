import ArgumentParser
import Foundation
import Ingest
import LeadLedger
import Pipeline

/// `leadspool status`: what is waiting, claimed, done today and quarantined; the ledger's size
/// and the last batch's summary. Reads only.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "What is waiting, claimed, done and quarantined; ledger size; last batch.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "table or json")
    var format = "table"

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            guard format == "table" || format == "json" else { throw ConfigurationError("--format must be table or json") }
            // A spool whose parent is missing is a wrong path, not a spool nothing has reached yet.
            let parent = FileSystem.parent(settings.spool)
            if !FileManager.default.fileExists(atPath: settings.spool), !FileManager.default.fileExists(atPath: parent) {
                throw ConfigurationError("no spool at \(settings.spool): \(parent) does not exist either")
            }
            let report = SpoolStatus.collect(configuration: try settings.runConfiguration(redact: false), now: Date())
            print(format == "json" ? report.json() : report.table())
            // A ledger that exists but cannot be read (damaged, another key) is what a monitor must see.
            return report.ledgerUnreadable ? .cantCreate : .ok
        }
    }
}
