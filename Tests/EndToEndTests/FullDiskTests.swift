import Foundation
import Testing

/// The ledger's disk fills up while a batch is being sent: nothing new is sent, the answers of requests on
/// the wire are kept beside the ledger, and the next run records them before it sends anything, so no lead
/// whose answer arrived is sent again.
@Suite struct FullDiskTests {
    static let token = "dl_test_full_disk"

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs for the ledger needs root"))
    func ledgerOnAFullDisk() throws {
        let sandbox = try SandboxProcess(seed: 6, extra: ["--latency-ms", "20..40"])
        defer { sandbox.stop() }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("leadspool-fs-\(UUID())").path
        let disk = base + "/ledgerfs"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try runTool("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk], stdin: Data())
        try #require(mount.status == 0, "cannot mount a tmpfs")
        defer {
            _ = try? runTool("/usr/bin/env", ["umount", "-l", disk], stdin: Data())
            try? FileManager.default.removeItem(atPath: base)
        }
        let spool = try TempSpool(
            config: "ledger = \"\(disk)/ledger.sqlite\"\n" + submitConfig(["max_in_flight": "16"]))
        defer { spool.remove() }
        try spool.generate("full.csv", rows: 4000, seed: 41)

        let process = try spool.startRun(endpoint: sandbox.endpoint, token: Self.token)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        while try sandbox.record().allAttempts.count < 300, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(process.isRunning, "the run ended before the disk could fill")
        // Fill the ledger's file system to the last byte.
        let filler = disk + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 1 << 16)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        let small = Data(count: 512)
        while (try? handle.write(contentsOf: small)) != nil {}
        try? handle.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 73)
        #expect(try spool.list("work") == ["full.csv"], "the batch stays in work/")

        let kept = try FileManager.default.contentsOfDirectory(atPath: disk).filter { $0.contains(".unrecorded-") }
        try #require(kept.count == 1, "\(kept)")
        let lines = try String(contentsOfFile: disk + "/" + kept[0], encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("\0") && $0.contains("\"batch\"") }
        #expect(!lines.isEmpty, "no answer was in flight when the disk filled: the test exercised nothing")
        let sentBeforeFree = try sandbox.record().allAttempts.count

        try FileManager.default.removeItem(atPath: filler)
        let final = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(final.status == 0, "\(final.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk).filter { $0.contains(".unrecorded-") }.isEmpty)

        // No lead is sent again after a definitive answer, and every row has its one outcome.
        let record = try sandbox.record()
        #expect(record.allAttempts.count > sentBeforeFree, "the second run sent the rest")
        var resent: [String] = []
        for (key, attempts) in record.byLead {
            if let first = attempts.firstIndex(where: \.isDefinitive), first != attempts.count - 1 { resent.append(key) }
        }
        #expect(resent.isEmpty, "sent again after a definitive answer: \(resent.count), e.g. \(resent.prefix(3))")
        let rows = try spool.allResults()
        #expect(rows.count == 4000)
        #expect(rows.allSatisfy { ["accepted", "rejected", "failed", "unknown", "invalid", "duplicate"].contains($0.outcome) })
    }
}
