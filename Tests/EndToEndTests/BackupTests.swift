import Foundation
import Testing

/// A ledger that can be backed up and restored, and a key whose ledger is gone: the real binary against the
/// sandbox.
@Suite struct BackupTests {
    static let token = "dl_test_backup"

    private static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    private static func mode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue
    }

    /// `files` (paths) copied into `spool`'s root, under their own names.
    private static func restore(_ files: [String], into spool: TempSpool) throws {
        for file in files {
            try FileManager.default.copyItem(
                atPath: file, toPath: spool.root + "/" + URL(fileURLWithPath: file).lastPathComponent)
        }
    }

    /// Rows of `sql` on the SQLite file at `path`, read with the sqlite3 shell (not the product).
    private static func sqlite(_ path: String, _ sql: String) throws -> [[String]] {
        let result = try runTool("/usr/bin/sqlite3", ["-separator", "|", path, sql], stdin: Data())
        try #require(result.status == 0, "sqlite3 failed on \(sql)")
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// After a clean run `ledger.sqlite` alone holds the ledger: a copy of it and the key in another spool
    /// knows every lead, so the same file dropped there sends nothing.
    @Test func aCleanRunLeavesALedgerFileThatHoldsEverything() throws {
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("leads.csv", rows: 60, seed: 31)
        let first = try spool.run(endpoint: api.endpoint, token: Self.token)
        try #require(first.status == 0, "\(first.output)")
        let sent = try api.stats().total
        #expect(sent == 60)
        #expect((Self.size(spool.root + "/ledger.sqlite-wal") ?? 0) == 0, "the WAL is checkpointed on exit")

        let copy = try TempSpool()
        defer { copy.remove() }
        try Self.restore([spool.root + "/ledger.sqlite", spool.root + "/ledger.key"], into: copy)
        try FileManager.default.copyItem(atPath: spool.root + "/done/leads.csv", toPath: copy.root + "/incoming/leads.csv")
        let again = try copy.run(endpoint: api.endpoint, token: Self.token)
        #expect(again.status == 0, "\(again.output)")
        #expect(try api.stats().total == sent, "the restored ledger knew every lead: nothing sent again")
        let outcomes = Dictionary(grouping: try copy.resultLines(), by: \.outcome).mapValues(\.count)
        #expect(outcomes["accepted", default: 0] + outcomes["rejected", default: 0] == 60, "\(outcomes)")
    }

    /// `leadspool backup` while a run submits: the copy is a consistent ledger of the moment, mode 0600, one
    /// SQLite file; restored into a new spool, it never lets a lead it recorded as answered be sent again.
    @Test func aBackupTakenDuringARunRestoresWithoutResendingWhatItRecorded() throws {
        let api = try SandboxProcess(seed: 9, extra: ["--latency-ms", "20..40"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "4"]))
        defer { spool.remove() }
        let rows = 600
        try spool.generate("busy.csv", rows: rows, seed: 41)
        let run = try spool.startRun(endpoint: api.endpoint, token: Self.token)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }

        // The key is made after the ledger's schema: once it is there, the ledger can be read (read-only, so
        // nothing is created; a look that finds the ledger busy counts as nothing yet).
        let deadline = Date().addingTimeInterval(60)
        func answered() throws -> Int {
            guard FileManager.default.fileExists(atPath: spool.root + "/ledger.key") else { return 0 }
            let result = try runTool(
                "/usr/bin/sqlite3",
                ["-readonly", "-cmd", ".timeout 2000", spool.root + "/ledger.sqlite",
                 "SELECT count(*) FROM leads WHERE state IN ('accepted', 'rejected')"],
                stdin: Data())
            return Int(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        while try answered() < 40, run.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let destination = spool.base + "/backup"
        let backup = try spool.invoke(["backup", destination, "--spool", spool.root], environment: [:])
        let runningDuringBackup = run.isRunning
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.contains(destination + "/ledger.sqlite"), "\(backup.output)")
        #expect(backup.output.contains(destination + "/ledger.key"), "\(backup.output)")
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        #expect(runningDuringBackup, "the run was over before the backup: the test exercised nothing")

        let copy = destination + "/ledger.sqlite"
        #expect(Self.mode(copy) == 0o600)
        #expect(Self.mode(destination + "/ledger.key") == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination).sorted() == ["ledger.key", "ledger.sqlite"])
        #expect(try Self.sqlite(copy, "PRAGMA integrity_check") == [["ok"]])
        #expect(try Self.sqlite(copy, "PRAGMA journal_mode") == [["delete"]], "one file, no WAL needed")
        let settled = Set(
            try Self.sqlite(copy, "SELECT row FROM leads WHERE state NOT IN ('pending', 'sending')").compactMap { Int($0[0]) })
        let answeredInCopy = Set(
            try Self.sqlite(copy, "SELECT row FROM leads WHERE state IN ('accepted', 'rejected')").compactMap { Int($0[0]) })
        #expect(answeredInCopy.count >= 40)
        try #require(settled.count < rows, "the backup holds the finished batch: it was not taken during the run")
        #expect(backup.output.contains("1 batch"), "\(backup.output)")

        // Restored into a new spool, the same file against a fresh API: only what the backup had not settled
        // is sent.
        let fresh = try SandboxProcess(seed: 9)
        defer { fresh.stop() }
        let restored = try TempSpool()
        defer { restored.remove() }
        try Self.restore([copy, destination + "/ledger.key"], into: restored)
        try FileManager.default.copyItem(atPath: spool.root + "/done/busy.csv", toPath: restored.root + "/incoming/busy.csv")
        let resumed = try restored.run(endpoint: fresh.endpoint, token: Self.token)
        #expect(resumed.status == 0, "\(resumed.output)")
        let lines = try restored.resultLines()
        #expect(lines.count == rows)
        let keyOfRow = Dictionary(uniqueKeysWithValues: lines.map { ($0.row, $0.leadKey) })
        let record = try fresh.record()
        let resent = answeredInCopy.filter { record.byLead[keyOfRow[$0] ?? ""] != nil }
        #expect(resent.isEmpty, "rows the backup recorded as answered were sent again: \(resent.sorted().prefix(5))")
        #expect(record.byLead.count == rows - settled.count, "everything the backup had not settled is sent, once")
        #expect(record.byLead.values.allSatisfy { $0.count == 1 })
    }

    /// `ledger.key` without its ledger (deleted, or truncated to 0 bytes): `run`, `watch` and `retry` refuse
    /// with exit 73 and say what to do; `run --new-ledger` starts a new ledger with the key.
    @Test func aKeyWhoseLedgerIsGoneIsRefusedUntilANewLedgerIsAskedFor() throws {
        let api = try SandboxProcess(seed: 10)
        defer { api.stop() }
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("first.csv", rows: 20, seed: 51)
        let first = try spool.run(endpoint: api.endpoint, token: Self.token)
        try #require(first.status == 0, "\(first.output)")
        let key = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/ledger.key"))

        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: spool.root + "/ledger.sqlite" + suffix) }
        try FileManager.default.copyItem(atPath: spool.root + "/done/first.csv", toPath: spool.root + "/incoming/again.csv")
        let missing = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(missing.status == 73, "\(missing.output)")
        #expect(missing.output.contains("ledger.key exists but the ledger"), "\(missing.output)")
        #expect(missing.output.contains("is missing"), "\(missing.output)")
        #expect(missing.output.contains("leadspool backup") && missing.output.contains("--new-ledger"), "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: spool.root + "/ledger.sqlite"), "no new ledger made")
        #expect(try spool.list("incoming") == ["again.csv"], "nothing claimed")

        _ = FileManager.default.createFile(atPath: spool.root + "/ledger.sqlite", contents: Data())
        let empty = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(empty.status == 73, "\(empty.output)")
        #expect(empty.output.contains("is empty"), "\(empty.output)")
        let watch = try spool.invoke(
            ["watch", "--spool", spool.root, "--endpoint", api.endpoint], environment: ["DL_API_KEY": Self.token])
        #expect(watch.status == 73, "\(watch.output)")
        #expect(watch.output.contains("--new-ledger"), "\(watch.output)")
        try FileManager.default.removeItem(atPath: spool.root + "/ledger.sqlite")
        let retry = try spool.invoke(
            ["retry", "--spool", spool.root, "--endpoint", api.endpoint], environment: ["DL_API_KEY": Self.token])
        #expect(retry.status == 73, "\(retry.output)")
        #expect(retry.output.contains("ledger.key exists but the ledger"), "\(retry.output)")
        #expect(try api.stats().total == 20, "nothing sent while refused")
        // Readers still work.
        #expect(try spool.invoke(["status", "--spool", spool.root], environment: [:]).status == 0)
        #expect(try spool.invoke(["report", "--spool", spool.root], environment: [:]).status == 0)

        let deliberate = try spool.invoke(
            ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", api.endpoint,
             "--new-ledger"],
            environment: ["DL_API_KEY": Self.token])
        #expect(deliberate.status == 0, "\(deliberate.output)")
        #expect(try api.stats().total == 40, "the new ledger knew nothing: the file was sent again")
        #expect(try Data(contentsOf: URL(fileURLWithPath: spool.root + "/ledger.key")) == key, "the key is kept")
        // From then on the ledger is the key's: a plain run opens it.
        let plain = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(plain.status == 0, "\(plain.output)")
    }
}
