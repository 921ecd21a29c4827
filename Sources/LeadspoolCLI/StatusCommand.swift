import ArgumentParser
import Foundation
import Ingest
import LeadLedger

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
            let report = SpoolStatus.collect(settings: settings, now: Date())
            print(format == "json" ? report.json() : report.table())
            // A ledger that exists but cannot be read (damaged, another key) is what a monitor must see.
            return report.ledgerUnreadable ? 73 : 0
        }
    }
}

/// A read-only look at a spool.
struct SpoolStatus {
    struct Entry {
        var path: String
        var publisher: String
        var bytes: Int
        var ageSeconds: Int
        var note: String
    }

    var spool: String
    /// `false` before the first `run` or `watch` made the spool.
    var exists = true
    var waiting: [Entry] = []
    var claimed: [Entry] = []
    var doneToday: [Entry] = []
    var quarantined: [Entry] = []
    var refused: [Entry] = []
    /// Folders in `incoming/` that are not publisher folders (`..weird`, `.hidden`, `bad name`): nothing in
    /// them is processed.
    var ignoredFolders: [IgnoredFolder] = []
    var ledger: String = "none yet"
    /// The ledger exists but cannot be read (not for an older schema, which the next writing command upgrades).
    var ledgerUnreadable = false
    var lastBatch: String = "none yet"
    /// The same two as fields, for `--format json` (`nil`: none, or not readable).
    var ledgerFields: [String: Any]?
    var lastBatchFields: [String: Any]?

    static func collect(settings: Settings, now: Date) -> SpoolStatus {
        let spool = Spool(root: settings.spool)
        var status = SpoolStatus(spool: spool.root)
        status.exists = FileManager.default.fileExists(atPath: spool.root)
        let nowNanos = Int64(now.timeIntervalSince1970 * 1e9)
        func age(_ nanos: Int64) -> Int { Int(max(0, nowNanos - nanos) / 1_000_000_000) }
        let scan = spool.scan(nowNanos: nowNanos, settleSeconds: settings.settleSeconds)
        for (file, note) in scan.ready.map({ ($0, "ready") }) + scan.settling.map({ ($0, "settling") }) {
            status.waiting.append(Entry(path: file.path, publisher: file.publisher, bytes: file.size,
                ageSeconds: age(file.mtimeNanos), note: note))
        }
        status.ignoredFolders = scan.ignoredFolders
        // Ignored folders are also among the scan's refusals (what run and watch log); listed once, with
        // their files, under their own heading.
        let folders = Set(scan.ignoredFolders.map(\.path))
        for refused in scan.refused where !folders.contains(refused.path) {
            status.refused.append(Entry(path: refused.path, publisher: "", bytes: 0, ageSeconds: 0, note: refused.reason))
        }
        let holders = Self.lockHolders()
        for (path, publisher) in files(below: spool.work) {
            guard let st = FileSystem.status(path) else { continue }
            let alive = Spool.isClaimAlive(path)
            let pid = holders[st.inode].map { " by pid \($0)" } ?? ""
            status.claimed.append(Entry(path: path, publisher: publisher, bytes: st.size,
                ageSeconds: age(st.changeNanos),
                note: alive ? "in progress\(pid)" : "owner gone: the next run takes it over"))
        }
        let midnight = (nowNanos / 86_400_000_000_000) * 86_400_000_000_000
        for (path, publisher) in files(below: spool.done) {
            guard let st = FileSystem.status(path), st.changeNanos >= midnight else { continue }
            status.doneToday.append(Entry(path: path, publisher: publisher, bytes: st.size,
                ageSeconds: age(st.changeNanos), note: "done"))
        }
        for (path, publisher) in files(below: spool.failed) where !path.hasSuffix(".error.txt") {
            guard let st = FileSystem.status(path) else { continue }
            let reason = (try? String(contentsOfFile: path + ".error.txt", encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("reason: ") }.map { String($0.dropFirst(8)) } ?? "?"
            status.quarantined.append(Entry(path: path, publisher: publisher, bytes: st.size,
                ageSeconds: age(st.changeNanos), note: reason))
        }
        // The last batch is the one the ledger saw finish last. Names sort by claim time, so the last summary
        // name is that batch only when no batch outlasted a later one; it is used only without a ledger.
        var lastFinished: BatchStatus??
        do {
            if let ledger = try LedgerLookup.openReadOnly(settings: settings, keyIfReadable: true)?.ledger {
                let info = try ledger.info()
                status.ledger = "\(settings.ledgerPath): \(info.fileBytes / 1024) KiB, \(info.batches) batches "
                    + "(\(info.batchesProcessing) unfinished), \(info.leads) leads, \(info.dedupeKeys) dedupe keys"
                status.ledgerFields = [
                    "path": settings.ledgerPath, "bytes": info.fileBytes, "batches": info.batches,
                    "batches_unfinished": info.batchesProcessing, "leads": info.leads, "dedupe_keys": info.dedupeKeys,
                ]
                lastFinished = .some(try ledger.lastFinishedBatch())
            }
        } catch {
            status.ledger = "\(settings.ledgerPath): cannot be read: \(error)"
            status.ledgerFields = ["path": settings.ledgerPath, "error": "\(error)"]
            status.ledgerUnreadable = (error as? LedgerError)?.code != .upgradeNeeded
        }
        switch lastFinished {
        case .some(.some(let batch)):
            status.lastBatch = Self.summaryLine(at: spool.reports + "/" + batch.name + ".summary.json")
                ?? Self.summaryLine(batch)
            let c = batch.counts
            status.lastBatchFields = [
                "batch": batch.name, "file": batch.fileName, "publisher": batch.publisher, "rows": c.total,
                "outcomes": [
                    "accepted": c.accepted, "rejected": c.rejected, "invalid": c.invalid, "duplicate": c.duplicate,
                    "failed": c.failed, "unknown": c.unknown,
                ],
                "claimed_at": Int(batch.claimedAt.timeIntervalSince1970),
                "summary": spool.reports + "/" + batch.name + ".summary.json",
            ]
        case .some(.none):
            break  // a ledger with no finished batch yet
        case .none:
            let summaries = FileSystem.list(spool.reports).filter { $0.hasSuffix(".summary.json") }.sorted()
            if let last = summaries.last, let line = Self.summaryLine(at: spool.reports + "/" + last) {
                status.lastBatch = line
            }
        }
        return status
    }

    /// `<batch> (<file name>): N rows: counts by outcome`, from a batch's summary.json (which `retry`
    /// keeps up to date); `nil` when it cannot be read.
    static func summaryLine(at path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let outcomes = (object["outcomes"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
            .sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "\(object["batch"] ?? "?") (\(object["file_name"] ?? "?")): \(object["rows"] ?? 0) rows"
            + (outcomes.isEmpty ? "" : ": " + outcomes)
    }

    /// The same line from the ledger's counts, when the batch's summary is gone.
    static func summaryLine(_ batch: BatchStatus) -> String {
        let c = batch.counts
        let outcomes = [
            ("accepted", c.accepted), ("duplicate", c.duplicate), ("failed", c.failed), ("invalid", c.invalid),
            ("rejected", c.rejected), ("unknown", c.unknown),
        ].filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
        return "\(batch.name) (\(batch.fileName)): \(c.total) rows" + (outcomes.isEmpty ? "" : ": " + outcomes)
    }

    /// Regular files below a spool folder and its publisher sub-folders, with their publisher.
    static func files(below folder: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for name in FileSystem.list(folder).sorted() where !name.hasPrefix(".") {
            let path = folder + "/" + name
            guard let st = FileSystem.status(path) else { continue }
            if st.isDirectory {
                for inner in FileSystem.list(path).sorted() where !inner.hasPrefix(".") {
                    if FileSystem.status(path + "/" + inner)?.isRegular == true { out.append((path + "/" + inner, name)) }
                }
            } else if st.isRegular {
                out.append((path, Publisher.defaultName))
            }
        }
        return out
    }

    /// inode → pid of the processes holding an flock, from /proc/locks.
    static func lockHolders() -> [UInt64: Int] {
        guard let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return [:] }
        var holders: [UInt64: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 6, parts[1] == "FLOCK", let pid = Int(parts[4]),
                let inode = parts[5].split(separator: ":").last.flatMap({ UInt64($0) })
            else { continue }
            holders[inode] = pid
        }
        return holders
    }

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
