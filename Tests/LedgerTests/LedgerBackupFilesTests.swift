import Foundation
@testable import LeadLedger
import Testing

/// `Ledger.backupFiles`, the procedure behind `leadspool backup DEST`: both files in place with mode 0600 and
/// no temporary left, a backup already there kept unless replaced, DEST checked before anything is written.
@Suite struct LedgerBackupFilesTests {
    private static func mode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue
    }

    private static func backup(_ dir: LedgerDirectory, into destination: String, replace: Bool = false)
        throws(Ledger.BackupFilesFailure) -> Ledger.BackupFiles
    {
        try Ledger.backupFiles(
            ledgerPath: dir.path, keyPath: dir.keyPath, into: destination, replace: replace,
            configuration: Ledger.Configuration())
    }

    @Test func bothFilesArePutInPlaceWithMode0600AndNoTemporaryIsLeft() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try LedgerFixture.begin(ledger, 1)
        _ = try LedgerFixture.settle(ledger, batch: 1, (1...5).map { LedgerFixture.lead($0) }, as: .accepted)
        let target = try LedgerDirectory()
        let destination = target.url.appendingPathComponent("copy").path

        let files = try Self.backup(dir, into: destination + "/")
        #expect(files.figures.batches == 1)
        #expect(files.figures.leads == 5)
        #expect(files.ledgerPath == destination + "/ledger.sqlite")
        #expect(files.keyPath == destination + "/ledger.key")
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination).sorted() == ["ledger.key", "ledger.sqlite"])
        #expect(Self.mode(files.ledgerPath) == 0o600)
        #expect(Self.mode(destination + "/ledger.key") == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination + "/ledger.key"))
            == Data(contentsOf: URL(fileURLWithPath: dir.keyPath)))
        let restored = try Ledger(path: files.ledgerPath, keyPath: destination + "/ledger.key")
        #expect(try restored.intValue("SELECT count(*) FROM leads WHERE state = 'accepted'") == 5)
    }

    @Test func aBackupAlreadyThereIsKeptUnlessReplaced() throws {
        let dir = try LedgerDirectory()
        try LedgerFixture.begin(try dir.open(), 1)
        let target = try LedgerDirectory()
        _ = try Self.backup(dir, into: target.url.path)

        #expect {
            try Self.backup(dir, into: target.url.path)
        } throws: { error in
            let failure = error as? Ledger.BackupFilesFailure
            return failure?.isUsage == true && failure?.message.contains("already exist") == true
        }
        #expect(try Self.backup(dir, into: target.url.path, replace: true).figures.batches == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.url.path).sorted() == ["ledger.key", "ledger.sqlite"])
    }

    @Test func theLedgersOwnDirectoryAndAFileAreRefusedAndNoLedgerIsAFailure() throws {
        let dir = try LedgerDirectory()
        try LedgerFixture.begin(try dir.open(), 1)
        let files = try dir.files()
        #expect(throws: Ledger.BackupFilesFailure.self) { try Self.backup(dir, into: dir.url.path) }
        #expect(throws: Ledger.BackupFilesFailure.self) { try Self.backup(dir, into: dir.path) }
        #expect(try dir.files() == files, "nothing written beside the ledger")

        let empty = try LedgerDirectory()
        do {
            _ = try Self.backup(empty, into: empty.url.appendingPathComponent("copy").path)
            Issue.record("a missing ledger was backed up")
        } catch {
            #expect(!error.isUsage)
            #expect(error.message == "no ledger at \(empty.path): nothing to back up")
        }
    }
}
