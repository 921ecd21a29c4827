import Foundation
import Ingest

/// The status as `leadspool status` prints it: a table, or one JSON object.
extension SpoolStatus {
    package func table() -> String {
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

    package func json() -> String {
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
