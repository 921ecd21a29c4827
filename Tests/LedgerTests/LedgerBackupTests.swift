import Foundation
@testable import LeadLedger
import Testing


/// A ledger whose file alone is complete after a checkpoint, its online backup, and the refusal of a key whose
/// ledger is gone.
@Suite struct LedgerBackupTests {
    private static func size(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    /// Runs the sqlite3 shell (not the product) on `path`.
    private static func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sqlite3 failed on \(sql)")
    }

    /// A new directory holding a copy of `files` of `dir` (a backup made by copying files).
    private static func copy(_ files: [String], of dir: LedgerDirectory) throws -> LedgerDirectory {
        let other = try LedgerDirectory()
        for name in files {
            try FileManager.default.copyItem(
                at: dir.url.appendingPathComponent(name), to: other.url.appendingPathComponent(name))
        }
        return other
    }

    /// Batch 1 with `count` leads answered `accepted`.
    private static func fill(_ ledger: Ledger, count: Int = 20) throws {
        try LedgerFixture.begin(ledger, 1)
        _ = try LedgerFixture.settle(ledger, batch: 1, (1...count).map { LedgerFixture.lead($0) }, as: .accepted)
    }

    @Test func checkpointEmptiesTheWALAndTheFileAloneHoldsTheRows() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try Self.fill(ledger)
        #expect((Self.size(dir.path + "-wal") ?? 0) > 0, "the rows start in the WAL")

        #expect(ledger.checkpoint())
        #expect(Self.size(dir.path + "-wal") == 0)

        // ledger.sqlite and ledger.key alone, while the ledger is still open: every row is there.
        let copy = try Self.copy(["ledger.sqlite", "ledger.key"], of: dir)
        let restored = try copy.open()
        #expect(try restored.batchStatus(id: LedgerFixture.batchID(1)) != nil)
        #expect(try restored.intValue("SELECT count(*) FROM leads WHERE state = 'accepted'") == 20)
        try LedgerFixture.begin(restored, 2)
        let again = try restored.reserve([LedgerFixture.lead(7)], batch: LedgerFixture.batchID(2), now: LedgerFixture.now)
        #expect(LedgerFixture.holder(again)?.row == 7, "the copy still knows the lead")
    }

    @Test func aCheckpointOfAReadOnlyLedgerDoesNothing() throws {
        let dir = try LedgerDirectory()
        try Self.fill(try dir.open())
        let reader = try #require(try Ledger.openReadOnly(path: dir.path, keyPath: dir.keyPath))
        #expect(!reader.checkpoint())
    }

    @Test func backupIsOneSelfContainedFileWithEveryCommittedRow() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try Self.fill(ledger, count: 30)
        let target = try LedgerDirectory()
        let figures = try ledger.backup(into: target.path)
        #expect(figures.batches == 1)
        #expect(figures.leads == 30)
        #expect(figures.bytes == Int64(Self.size(target.path) ?? -1))
        #expect(try target.files() == ["ledger.sqlite"], "no journal or WAL beside the copy")
        try FileManager.default.copyItem(atPath: dir.keyPath, toPath: target.keyPath)

        // The file format bytes (offsets 18, 19) say rollback journal (1), not WAL (2).
        let header = try Data(contentsOf: URL(fileURLWithPath: target.path)).prefix(20)
        #expect(Array(header.suffix(2)) == [1, 1])
        let restored = try target.open()
        #expect(try restored.intValue("SELECT count(*) FROM leads") == 30)
    }

    // MARK: - A key without its ledger

    /// The ways a ledger goes missing while its key stays: the file deleted, truncated, or copied without its WAL.
    enum Loss: String, CaseIterable {
        case deleted, truncated, strippedOfItsWAL, freshSQLiteFile
    }

    /// A directory holding the key of a ledger with answered leads, and the ledger file lost as `loss` says.
    private static func lose(_ loss: Loss) throws -> LedgerDirectory {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try Self.fill(ledger)
        switch loss {
        case .deleted, .truncated, .freshSQLiteFile:
            let other = try Self.copy(["ledger.key"], of: dir)
            if loss == .truncated { _ = FileManager.default.createFile(atPath: other.path, contents: Data()) }
            if loss == .freshSQLiteFile {
                try Self.sqlite3(other.path, "PRAGMA user_version = 1")
                #expect((Self.size(other.path) ?? 0) > 0)
            }
            return other
        case .strippedOfItsWAL:
            // The main file without the WAL that holds every table (no checkpoint ran yet).
            let other = try Self.copy(["ledger.sqlite", "ledger.key"], of: dir)
            #expect((Self.size(other.path) ?? 0) > 0)
            return other
        }
    }

    @Test(arguments: Loss.allCases)
    func aKeyWhoseLedgerIsGoneIsRefused(loss: Loss) throws {
        let dir = try Self.lose(loss)
        let key = try Data(contentsOf: URL(fileURLWithPath: dir.keyPath))
        let before = try dir.files()
        let error = #expect(throws: LedgerError.self) { try dir.open() }
        #expect(error?.code == .orphanedKey)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("ledger.key exists but the ledger"), "\(text)")
        #expect(text.contains("leadspool backup") && text.contains("--new-ledger"), "\(text)")
        switch loss {
        case .deleted: #expect(text.contains("is missing"), "\(text)")
        case .truncated: #expect(text.contains("is empty"), "\(text)")
        case .strippedOfItsWAL, .freshSQLiteFile: #expect(text.contains("has no ledger schema"), "\(text)")
        }
        if loss != .strippedOfItsWAL, loss != .freshSQLiteFile {
            // Nothing made but the opening lock: no ledger, and a 0-byte file left as it was.
            #expect(Set(try dir.files()).subtracting(["ledger.sqlite.lock"]) == Set(before))
            #expect(Self.size(dir.path) == (loss == .truncated ? 0 : nil))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.keyPath)) == key, "the key is left alone")
    }

    @Test(arguments: Loss.allCases)
    func newLedgerStartsAFreshLedgerWithTheExistingKey(loss: Loss) throws {
        let dir = try Self.lose(loss)
        let key = try Data(contentsOf: URL(fileURLWithPath: dir.keyPath))
        do {
            let ledger = try Ledger(path: dir.path, keyPath: dir.keyPath, newLedger: true)
            #expect(try ledger.info().migrations.contains("key-check"))
            #expect(try ledger.intValue("SELECT count(*) FROM leads") == 0)
            try LedgerFixture.begin(ledger, 2)
            _ = try ledger.reserve([LedgerFixture.lead(1)], batch: LedgerFixture.batchID(2), now: LedgerFixture.now)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.keyPath)) == key, "the key is kept")
        // From then on it is the key's ledger: it opens without the allowance.
        let reopened = try dir.open()
        #expect(try reopened.intValue("SELECT count(*) FROM leads") == 1)
    }

    @Test func theAllowanceChangesNothingForALedgerThatIsThere() throws {
        let dir = try LedgerDirectory()
        try Self.fill(try dir.open())
        let ledger = try Ledger(path: dir.path, keyPath: dir.keyPath, newLedger: true)
        #expect(try ledger.intValue("SELECT count(*) FROM leads") == 20)
    }

    /// No key and no ledger is a first run: both are made.
    @Test func aFirstRunMakesTheLedgerAndItsKey() throws {
        let dir = try LedgerDirectory()
        _ = try dir.open()
        #expect(Set(try dir.files()).isSuperset(of: ["ledger.key", "ledger.sqlite"]))
    }
}
