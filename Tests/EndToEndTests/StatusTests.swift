import Foundation
import Testing

/// `leadspool status` shows what a spool holds; a claim whose owner died is shown as such and the
/// next `run` recovers it.
@Suite struct StatusTests {
    static let token = "dl_test_status"

    @Test func deadClaimIsShownAndRecoveredByTheNextRun() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 6)
        defer { api.stop() }
        // A file left in work/ by a run that died: nobody holds its lock.
        try FileManager.default.createDirectory(atPath: spool.root + "/work", withIntermediateDirectories: true)
        let data = TempSpool.recent(
            try Data(contentsOf: TempSpool.fixtures.appendingPathComponent("batches/insurance-clean.csv")))
        try data.write(to: URL(fileURLWithPath: spool.root + "/work/left-behind.csv"))
        try spool.drop(fixture: "no-header.csv", folder: "broken")

        let before = try spool.invoke(["status", "--spool", spool.root], environment: [:])
        #expect(before.status == 0)
        #expect(before.output.contains("claimed in work: 1"))
        #expect(before.output.contains("left-behind.csv"))
        #expect(before.output.contains("owner gone"))
        #expect(before.output.contains("waiting in incoming: 1"))

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 65, "\(run.output)")  // the no-header file is quarantined
        let after = try spool.invoke(["status", "--spool", spool.root, "--format", "json"], environment: [:])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(after.output.utf8)) as? [String: Any])
        #expect((object["claimed"] as? [Any])?.isEmpty == true)
        #expect((object["waiting"] as? [Any])?.isEmpty == true)
        let done = (object["done_today"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        #expect(done.contains { $0.hasSuffix("/left-behind.csv") })
        let quarantined = object["quarantined"] as? [[String: Any]] ?? []
        #expect(quarantined.count == 1)
        #expect((quarantined.first?["note"] as? String)?.hasPrefix("no header") == true)
        // Fields, not prose.
        let last = try #require(object["last_batch"] as? [String: Any], "\(after.output)")
        #expect(last["rows"] as? Int == (last["outcomes"] as? [String: Int])?.values.reduce(0, +))
        #expect((last["batch"] as? String)?.isEmpty == false)
        let ledger = try #require(object["ledger"] as? [String: Any], "\(after.output)")
        #expect(ledger["batches"] as? Int == 1)
        #expect((ledger["bytes"] as? Int ?? 0) > 0)
    }

    /// The last batch is the one that finished last, not the last summary name (names start with the claim
    /// time): a long batch claimed first and finished after a short one claimed later is the last batch.
    @Test func theLastBatchIsTheOneThatFinishedLast() throws {
        let api = try SandboxProcess(seed: 6, extra: ["--latency-ms", "200..200"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "1"]))
        defer { spool.remove() }
        try spool.generate("a-long.csv", rows: 30, seed: 41)  // one lead at a time, 200 ms each: about 6 s
        let long = try spool.startRun(endpoint: api.endpoint, token: Self.token)
        defer { if long.isRunning { long.terminate() } }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: spool.root + "/work/a-long.csv") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(FileManager.default.fileExists(atPath: spool.root + "/work/a-long.csv"))
        // A later claim second, so the short batch's name sorts after the long one's.
        Thread.sleep(forTimeInterval: 1.1)
        try spool.generate("b-short.csv", rows: 1, seed: 42)
        let short = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(short.status == 0, "\(short.output)")
        try #require(long.isRunning, "the long batch finished before the short one: the test shows nothing")
        long.waitUntilExit()
        #expect(long.terminationStatus == 0)
        #expect(try spool.list("done") == ["a-long.csv", "b-short.csv"])

        // The summaries' names put the short batch last.
        let names = try spool.list("reports").filter { $0.hasSuffix(".summary.json") }.sorted()
        try #require(names.count == 2)
        let lastByNameData = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/reports/" + names[1]))
        let lastByName = try #require(try JSONSerialization.jsonObject(with: lastByNameData) as? [String: Any])
        #expect(lastByName["file_name"] as? String == "b-short.csv")

        let table = try spool.invoke(["status", "--spool", spool.root], environment: [:])
        #expect(table.status == 0, "\(table.output)")
        let line = table.output.split(separator: "\n").first { $0.hasPrefix("last batch: ") }
        #expect(line?.contains("(a-long.csv): 30 rows") == true, "\(table.output)")
        let json = try spool.invoke(["status", "--spool", spool.root, "--format", "json"], environment: [:])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let last = object["last_batch"] as? [String: Any]
        #expect(last?["file"] as? String == "a-long.csv" && last?["rows"] as? Int == 30, "\(json.output)")
    }

    /// A spool not made yet is said so (exit 0: the first run makes it); one under a missing directory is a
    /// wrong path (exit 64).
    @Test func aMissingSpoolIsNamed() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let notYet = try spool.invoke(["status", "--spool", spool.base + "/fresh"], environment: [:])
        #expect(notYet.status == 0, "\(notYet.output)")
        #expect(notYet.output.contains("does not exist yet"))
        let json = try spool.invoke(["status", "--spool", spool.base + "/fresh", "--format", "json"], environment: [:])
        #expect(json.output.contains("\"spool_exists\":false"), "\(json.output)")
        let wrong = try spool.invoke(["status", "--spool", spool.base + "/nope/spool"], environment: [:])
        #expect(wrong.status == 64, "\(wrong.output)")
        #expect(wrong.output.contains("does not exist either"))
    }

    /// A ledger that cannot be read is named with its error and makes `status` exit 73, for monitors; so
    /// does a key file that is not the ledger's.
    @Test func anUnreadableLedgerExits73() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 6)
        defer { api.stop() }
        try spool.drop(fixture: "insurance-clean.csv", recent: true)
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.invoke(["status", "--spool", spool.root], environment: [:]).status == 0)

        let keyPath = spool.root + "/ledger.key"
        let key = try Data(contentsOf: URL(fileURLWithPath: keyPath))
        try Data(repeating: 3, count: 32).write(to: URL(fileURLWithPath: keyPath))
        let wrongKey = try spool.invoke(["status", "--spool", spool.root], environment: [:])
        #expect(wrongKey.status == 73)
        #expect(wrongKey.output.contains("is not the key of"))
        // check gives no verdicts rather than wrong ones (every lead would look new).
        let fixture = TempSpool.fixtures.appendingPathComponent("batches/insurance-clean.csv").path
        let checked = try spool.invoke(
            ["check", "--spool", spool.root, "--report-dir", spool.base + "/check-reports", fixture], environment: [:])
        #expect(checked.status == 73)
        #expect(checked.output.contains("cannot read the ledger"))

        try key.write(to: URL(fileURLWithPath: keyPath))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: spool.root + "/ledger.sqlite" + suffix) }
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: spool.root + "/ledger.sqlite"))
        let corrupt = try spool.invoke(["status", "--spool", spool.root, "--format", "json"], environment: [:])
        #expect(corrupt.status == 73)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(corrupt.output.utf8)) as? [String: Any])
        #expect(((object["ledger"] as? [String: Any])?["error"] as? String)?.isEmpty == false, "\(corrupt.output)")
    }
}
