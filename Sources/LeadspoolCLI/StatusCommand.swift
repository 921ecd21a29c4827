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

/// The status as a table or JSON.
extension SpoolStatus {
    func table() -> String {
        var lines = ["spool \(spool)" + (exists ? "" : " (does not exist yet: the first run or watch makes it)")]
        func section(_ title: String, _ entries: [Entry]) {
            lines.append("")
            lines.append("\(title): \(entries.count)")
            for e in entries {
                lines.append("  \(FileSystem.baseName(e.path))  [\(e.publisher)]  \(e.bytes) bytes  age \(Self.duration(e.ageSeconds))  \(e.note)")
            }
        }
        section("waiting in incoming", waiting)
        if !refused.isEmpty { section("refused in incoming", refused) }
        if !ignoredFolders.isEmpty {
            lines.append("")
            lines.append("ignored folders in incoming: \(ignoredFolders.count)")
            for folder in ignoredFolders {
                lines.append("  \(folder.name)/  \(folder.files) \(folder.files == 1 ? "file" : "files")  \(folder.reason)")
            }
        }
        section("claimed in work", claimed)
        section("done today", doneToday)
        section("quarantined in failed", quarantined)
        lines.append("")
        lines.append("ledger: \(ledger)")
        lines.append("last batch: \(lastBatch)")
        // File and folder names are the publishers': control characters in them are shown escaped.
        return lines.map(TerminalText.escaped).joined(separator: "\n")
    }

    func json() -> String {
        func entries(_ list: [Entry]) -> [[String: Any]] {
            list.map { ["file": $0.path, "publisher": $0.publisher, "bytes": $0.bytes, "age_seconds": $0.ageSeconds,
                "note": $0.note] }
        }
        let object: [String: Any] = [
            "spool": spool, "spool_exists": exists, "waiting": entries(waiting), "refused": entries(refused), "claimed": entries(claimed),
            "done_today": entries(doneToday), "quarantined": entries(quarantined),
            "ledger": ledgerFields ?? NSNull(), "last_batch": lastBatchFields ?? NSNull(),
            "ignored_folders": ignoredFolders.map {
                ["folder": $0.path, "name": $0.name, "files": $0.files, "reason": $0.reason] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }
}
