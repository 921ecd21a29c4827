import Foundation
import Testing

@testable import Ingest

@Suite struct SpoolTests {
    func makeSpool() throws -> (TemporaryDirectory, Spool) {
        let dir = try TemporaryDirectory()
        let spool = Spool(root: dir.path + "/spool")
        try spool.ensureLayout()
        return (dir, spool)
    }

    func touch(_ path: String, ageSeconds: Double) throws {
        let date = Date(timeIntervalSinceNow: -ageSeconds)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    var nowNanos: Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    @Test func layoutIsCreated() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        for sub in ["incoming", "work", "done", "failed", "reports"] {
            #expect(FileSystem.status(spool.root + "/" + sub)?.isDirectory == true)
        }
    }

    /// A spool whose parent does not exist is a mistake (a mistyped `--spool`): nothing is created.
    @Test func aSpoolIsNotCreatedWhereItsParentIsMissing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let spool = Spool(root: dir.path + "/typo/spool")
        let error = #expect(throws: IngestError.self) { try spool.ensureLayout() }
        #expect(error?.message.contains("\(dir.path)/typo does not exist") == true)
        #expect(FileSystem.status(dir.path + "/typo") == nil)
        // Relative and nested-but-present paths still work.
        try FileManager.default.createDirectory(atPath: dir.path + "/typo", withIntermediateDirectories: false)
        try spool.ensureLayout()
        #expect(FileSystem.status(spool.incoming)?.isDirectory == true)
    }

    @Test(arguments: [
        ".hidden.csv", "upload.csv.tmp", "upload.csv.part", "a.csv.partial", "b.csv.filepart", "c.csv.ready",
        "notes.txt", "data.xlsx",
    ])
    func ignoredNames(_ name: String) throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        try dir.write("spool/incoming/" + name, Array("phone\n1\n".utf8))
        let scan = spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 5)
        #expect(scan.ready.isEmpty)
        #expect(scan.settling.isEmpty)
        // Uploads in progress and markers are silent; a finished file of another kind is named, so a
        // publisher's `leads.txt` does not wait unnoticed.
        let named = ["notes.txt", "data.xlsx"].contains(name)
        #expect(scan.refused.map(\.path) == (named ? [spool.incoming + "/" + name] : []))
        #expect(scan.refused.first.map { $0.reason.contains("not a batch file name") } ?? true)
    }

    @Test func symlinksAndDirectoriesAreNotData() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        let target = try dir.write("elsewhere.csv", Array("phone\n1\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: spool.incoming + "/link.csv", withDestinationPath: target)
        try FileManager.default.createDirectory(atPath: spool.incoming + "/dir.csv", withIntermediateDirectories: true)
        let scan = spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 0)
        #expect(scan.ready.isEmpty)
    }

    @Test func settleUsesInjectedClock() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        let path = try dir.write("spool/incoming/a.csv", Array("phone\n1\n".utf8))
        try touch(path, ageSeconds: 0)
        let mtime = FileSystem.status(path)!.mtimeNanos
        #expect(spool.scan(nowNanos: mtime + 4_900_000_000, settleSeconds: 5).ready.isEmpty)
        #expect(spool.scan(nowNanos: mtime + 4_900_000_000, settleSeconds: 5).settling.map(\.name) == ["a.csv"])
        #expect(spool.scan(nowNanos: mtime + 5_000_000_000, settleSeconds: 5).ready.map(\.name) == ["a.csv"])
        #expect(spool.scan(nowNanos: mtime, settleSeconds: 0).ready.map(\.name) == ["a.csv"])
    }

    @Test func markerMakesReadyAtOnce() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        let path = try dir.write("spool/incoming/a.jsonl", Array("{}\n".utf8))
        try dir.write("spool/incoming/a.jsonl.ready", [])
        let scan = spool.scan(nowNanos: FileSystem.status(path)!.mtimeNanos, settleSeconds: 60)
        #expect(scan.ready.map(\.name) == ["a.jsonl"])
        #expect(scan.ready[0].hasMarker)
        let claimed = try #require(try spool.claim(scan.ready[0]))
        #expect(!FileSystem.exists(spool.incoming + "/a.jsonl.ready"))
        #expect(claimed.path == spool.work + "/a.jsonl")
    }

    @Test func publisherFolders() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        try dir.write("spool/incoming/acme/a.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/b.csv.gz", [0x1f, 0x8b])
        try dir.write("spool/incoming/bad name/c.csv", Array("phone\n1\n".utf8))
        let scan = spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 5)
        #expect(Set(scan.ready.map { "\($0.publisher):\($0.name)" }) == ["acme:a.csv", "default:b.csv.gz"])
        #expect(scan.refused.count == 1)
        #expect(scan.refused[0].path.hasSuffix("bad name"))
    }

    /// Folders that are not publisher folders, dot-named ones included, are not read: each is refused with a
    /// reason (run and watch log it) and listed with its files (status shows it).
    @Test func dotNamedAndBadFoldersAreIgnoredButNamed() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        try dir.write("spool/incoming/..weird/a.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/..weird/b.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/.hidden/c.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/bad name/d.csv", Array("phone\n1\n".utf8))
        try FileManager.default.createDirectory(atPath: spool.incoming + "/-dash", withIntermediateDirectories: true)
        try dir.write("spool/incoming/acme/e.csv", Array("phone\n1\n".utf8))
        let scan = spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 5)
        #expect(scan.ready.map { "\($0.publisher):\($0.name)" } == ["acme:e.csv"])
        let ignored = Dictionary(uniqueKeysWithValues: scan.ignoredFolders.map { ($0.name, $0) })
        #expect(Set(ignored.keys) == ["..weird", ".hidden", "bad name", "-dash"])
        #expect(ignored["..weird"]?.files == 2 && ignored[".hidden"]?.files == 1 && ignored["-dash"]?.files == 0)
        #expect(ignored["..weird"]?.path == spool.incoming + "/..weird")
        #expect(ignored[".hidden"]?.reason.contains("not a publisher folder: names must not start with") == true)
        #expect(ignored["bad name"]?.reason.contains("letters, digits") == true)
        #expect(scan.ignoredFolders.allSatisfy { $0.reason.hasSuffix("files in it are not processed") })
        #expect(Set(scan.refused.map(\.path)) == Set(scan.ignoredFolders.map(\.path)))
    }

    @Test(arguments: ["acme", "a.b_c-1", "A1"])
    func validPublisherNames(_ name: String) { #expect(Publisher.isValidName(name)) }

    @Test(arguments: ["", ".hidden", "-x", "a b", "a/b", "ü", String(repeating: "a", count: 65)])
    func invalidPublisherNames(_ name: String) { #expect(!Publisher.isValidName(name)) }

    @Test func claimArchiveQuarantine() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        try dir.write("spool/incoming/acme/a.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/acme/b.csv", Array("x".utf8))
        let ready = spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 5).ready
        let a = try #require(try spool.claim(ready[0]))
        let b = try #require(try spool.claim(ready[1]))
        #expect(a.path == spool.work + "/acme/a.csv")
        #expect(Spool.isClaimAlive(a.path))
        let archived = try spool.archive(a)
        #expect(archived == spool.done + "/acme/a.csv")
        let failed = try spool.quarantine(b, reason: "no header")
        #expect(failed == spool.failed + "/acme/b.csv")
        let error = try String(contentsOfFile: failed + ".error.txt", encoding: .utf8)
        #expect(error.contains("reason: no header"))
        // A second file of the same name is archived under a numbered name.
        try dir.write("spool/incoming/acme/a.csv", Array("phone\n2\n".utf8))
        let again = try #require(try spool.claim(spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 0).ready[0]))
        #expect(try spool.archive(again) == spool.done + "/acme/a.1.csv")
    }

    @Test(arguments: [("a.csv", "a.2.csv"), ("a.csv.gz", "a.2.csv.gz"), ("b.JSONL", "b.2.JSONL"), ("c", "c.2")])
    func numberedNames(_ name: String, _ expected: String) { #expect(Spool.numbered(name, 2) == expected) }

    @Test func orphanedClaimIsReclaimedButLiveOneIsNot() throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        try dir.write("spool/work/dead.csv", Array("phone\n1\n".utf8))
        try dir.write("spool/incoming/live.csv", Array("phone\n1\n".utf8))
        let live = try #require(try spool.claim(spool.scan(nowNanos: nowNanos + 3_600_000_000_000, settleSeconds: 0).ready[0]))
        let orphans = spool.reclaimOrphans()
        #expect(orphans.map(\.name) == ["dead.csv"])
        #expect(Spool.isClaimAlive(orphans[0].path), "this process now holds the orphan's lock")
        live.release()
        #expect(!Spool.isClaimAlive(spool.work + "/live.csv"))
    }

    @Test func concurrentClaimersEachFileOnce() async throws {
        let (dir, spool) = try makeSpool()
        defer { dir.cleanup() }
        for i in 0..<100 { try dir.write("spool/incoming/f\(i).csv", Array("phone\n\(i)\n".utf8)) }
        let now = nowNanos + 3_600_000_000_000
        @Sendable func claimAll() -> [String] {
            let other = Spool(root: spool.root)
            var mine: [String] = []
            for file in other.scan(nowNanos: now, settleSeconds: 0).ready {
                if let claimed = try? other.claim(file) {
                    mine.append(claimed.name)
                    claimed.release()
                }
            }
            return mine
        }
        async let first = Task.detached { claimAll() }.value
        async let second = Task.detached { claimAll() }.value
        let (a, b) = await (first, second)
        #expect(Set(a).isDisjoint(with: Set(b)))
        #expect(a.count + b.count == 100)
        #expect(FileSystem.list(spool.work).count == 100)
    }
}
