package import Foundation
package import Ingest
package import LeadLedger

/// A read-only look at a spool.
package struct SpoolStatus {
    package struct Entry {
        package var path: String
        package var publisher: String
        package var bytes: Int
        package var ageSeconds: Int
        package var note: String
    }

    package var spool: String
    /// `false` before the first `run` or `watch` made the spool.
    package var exists = true
    package var waiting: [Entry] = []
    package var claimed: [Entry] = []
    package var doneToday: [Entry] = []
    package var quarantined: [Entry] = []
    package var refused: [Entry] = []
    /// Folders in `incoming/` that are not publisher folders (`..weird`, `.hidden`, `bad name`): nothing in
    /// them is processed.
    package var ignoredFolders: [IgnoredFolder] = []
    package var ledger: String = "none yet"
    /// The ledger exists but cannot be read (not for an older schema, which the next writing command upgrades).
    package var ledgerUnreadable = false
    package var lastBatch: String = "none yet"
    /// The same two as fields, for `--format json` (`nil`: none, or not readable).
    package var ledgerFields: [String: Any]?
    package var lastBatchFields: [String: Any]?

    init(spool: String) {
        self.spool = spool
    }

    /// What is in the spool of `configuration` and its ledger at `now`.
    package static func collect(configuration: BatchRunConfiguration, now: Date) -> SpoolStatus {
        let spool = Spool(root: configuration.spool)
        let ledgerPath = configuration.ledgerPath
        var status = SpoolStatus(spool: spool.root)
        status.exists = FileManager.default.fileExists(atPath: spool.root)
        let nowNanos = Int64(now.timeIntervalSince1970 * 1e9)
        func age(_ nanos: Int64) -> Int { Int(max(0, nowNanos - nanos) / 1_000_000_000) }
        let scan = spool.scan(nowNanos: nowNanos, settleSeconds: configuration.settleSeconds)
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
            if let ledger = try Ledger.openReadOnly(
                path: ledgerPath, keyPath: configuration.ledgerKeyPath, configuration: configuration.ledger,
                keyIfReadable: true)
            {
                let info = try ledger.info()
                status.ledger = "\(ledgerPath): \(info.fileBytes / 1024) KiB, \(info.batches) batches "
                    + "(\(info.batchesProcessing) unfinished), \(info.leads) leads, \(info.dedupeKeys) dedupe keys"
                status.ledgerFields = [
                    "path": ledgerPath, "bytes": info.fileBytes, "batches": info.batches,
                    "batches_unfinished": info.batchesProcessing, "leads": info.leads, "dedupe_keys": info.dedupeKeys,
                ]
                lastFinished = .some(try ledger.lastFinishedBatch())
            }
        } catch {
            status.ledger = "\(ledgerPath): cannot be read: \(error)"
            status.ledgerFields = ["path": ledgerPath, "error": "\(error)"]
            status.ledgerUnreadable = error.code != .upgradeNeeded
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
    package static func summaryLine(at path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let outcomes = (object["outcomes"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
            .sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "\(object["batch"] ?? "?") (\(object["file_name"] ?? "?")): \(object["rows"] ?? 0) rows"
            + (outcomes.isEmpty ? "" : ": " + outcomes)
    }

    /// The same line from the ledger's counts, when the batch's summary is gone.
    package static func summaryLine(_ batch: BatchStatus) -> String {
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
}
