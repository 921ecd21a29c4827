import Foundation
import Testing

@testable import Ingest

/// The private copy a batch is made of, and how a change to the claimed file is told.
@Suite struct SnapshotTests {
    private func claimed(_ content: String) throws -> (TemporaryDirectory, Spool, ClaimedFile) {
        let dir = try TemporaryDirectory()
        let spool = Spool(root: dir.path + "/spool")
        try spool.ensureLayout()
        try dir.write("spool/incoming/a.csv", Array(content.utf8))
        let scan = spool.scan(nowNanos: Int64(Date().timeIntervalSince1970 * 1e9) + 3_600_000_000_000, settleSeconds: 0)
        let ready = try #require(scan.ready.first)
        let file = try #require(try spool.claim(ready))
        return (dir, spool, file)
    }

    @Test func theCopyHoldsTheContentAndNoChangeIsSeenUntilOneIsMade() throws {
        let (dir, spool, file) = try claimed("phone\n8135550100\n")
        defer { dir.cleanup() }
        let snapshot = try spool.snapshot(file)
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot.path)) == Data("phone\n8135550100\n".utf8))
        #expect(snapshot.path.hasPrefix(spool.work + "/.leadspool-snapshot."))
        #expect(snapshot.change(of: file) == nil)
        #expect(Spool.isIgnoredName(FileSystem.baseName(snapshot.path)), "scans and orphan claims pass over it")
    }

    @Test func appendingIsSeen() throws {
        let (dir, spool, file) = try claimed("phone\n8135550100\n")
        defer { dir.cleanup() }
        let snapshot = try spool.snapshot(file)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("8135550101\n".utf8))
        try handle.close()
        #expect(snapshot.change(of: file) == "its size went from 17 to 28 bytes")
        #expect(try Data(contentsOf: URL(fileURLWithPath: snapshot.path)).count == 17, "the copy does not change")
    }

    @Test func rewritingInPlaceWithTheSameSizeIsSeen() throws {
        let (dir, spool, file) = try claimed("phone\n8135550100\n")
        defer { dir.cleanup() }
        let snapshot = try spool.snapshot(file)
        // Timestamps move on the file system's clock tick: wait past one.
        Thread.sleep(forTimeInterval: 0.05)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
        try handle.write(contentsOf: Data("phone\n8135550199\n".utf8))
        try handle.close()
        #expect(snapshot.change(of: file) == "it was written to")
    }

    @Test func anotherFileRenamedOverItIsSeen() throws {
        let (dir, spool, file) = try claimed("phone\n8135550100\n")
        defer { dir.cleanup() }
        let snapshot = try spool.snapshot(file)
        let other = try dir.write("other.csv", Array("phone\n8135550100\n".utf8))
        #expect(rename(other, file.path) == 0)
        #expect(snapshot.change(of: file) == "another file was put in its place")
    }

    @Test func archivingMovesTheCopyAndRemovesTheClaimedFile() throws {
        let (dir, spool, file) = try claimed("phone\n8135550100\n")
        defer { dir.cleanup() }
        let snapshot = try spool.snapshot(file)
        let target = try spool.archive(file, snapshot: snapshot, mode: 0o640, removeOriginal: true)
        #expect(target == spool.done + "/a.csv")
        #expect(!FileSystem.exists(file.path) && !FileSystem.exists(snapshot.path))
        let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o640)
    }
}

/// Where reading stopped, as a quarantine reason says it.
@Suite struct IngestErrorTextTests {
    @Test(arguments: [
        (IngestError.unreadable("the file is empty"), "the file is empty"),
        (IngestError.unreadable("no header", byteOffset: 0, line: 1), "no header (line 1)"),
        (IngestError.unreadable("bad quote", byteOffset: 120, line: 3), "bad quote (line 3, byte 120)"),
        (IngestError.unreadable("bad gzip", byteOffset: 4096), "bad gzip (byte 4096)"),
    ])
    func placeIsShownOnceAndOnlyWhereItSaysSomething(error: IngestError, text: String) {
        #expect(error.description == text)
    }
}
