import Foundation
import Testing

/// A claimed file changed under a running batch (rewritten in place, appended to): the rows sent are the
/// rows of the content whose hash is the batch id, the changed file goes to `failed/` with the reason, the
/// content as claimed goes to `done/`, and `retry` sends the rows the stop left.
@Suite struct BatchChangeTests {
    static let token = "dl_test_change"

    /// Starts a run, waits until the sandbox has seen `atLeast` requests, calls `change`, and waits for the
    /// run's exit code.
    private func runAndChange(
        _ spool: TempSpool, _ sandbox: SandboxProcess, atLeast: Int, change: () throws -> Void
    ) throws -> Int32 {
        let process = try spool.startRun(endpoint: sandbox.endpoint, token: Self.token)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        let deadline = Date().addingTimeInterval(60)
        while try sandbox.record().allAttempts.count < atLeast, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        try #require(process.isRunning, "the run ended before the file could be changed")
        try change()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What a test checks after the change: nothing of the new content reached the API, every accepted row
    /// of the reports was sent, `done/` holds the content claimed, and the reason is in `failed/`.
    private func checkAfterChange(
        _ spool: TempSpool, _ sandbox: SandboxProcess, name: String, claimedHash: String, newKeys: Set<String>
    ) throws -> [TempSpool.Row] {
        let sent = Set(try sandbox.record().byLead.keys)
        #expect(sent.isDisjoint(with: newKeys), "leads of the changed content were sent")
        let rows = try spool.results(matching: claimedHash)
        let accepted = rows.filter { $0.outcome == "accepted" }
        #expect(!accepted.isEmpty)
        #expect(Set(accepted.map(\.leadKey)).isSubset(of: sent), "an accepted row names a lead never sent")
        #expect(try spool.list("done") == [name])
        let archived = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/done/" + name))
        #expect(try TempSpool.sha256Prefix(archived) == claimedHash, "done/ does not hold the content claimed")
        #expect(try spool.list("failed") == [name, name + ".error.txt"])
        let reason = try String(contentsOfFile: spool.root + "/failed/\(name).error.txt", encoding: .utf8)
        #expect(reason.contains("changed while being processed"), "\(reason)")
        return rows
    }

    /// The phones (as the sandbox keys them) of a generated file, through `check`.
    private func leadKeys(of content: Data, in spool: TempSpool) throws -> Set<String> {
        let file = spool.base + "/keys-\(UUID()).csv"
        try content.write(to: URL(fileURLWithPath: file))
        let reports = spool.base + "/keys-reports-\(UUID())"
        let check = try spool.invoke(["check", file, "--report-dir", reports], environment: [:])
        try #require(check.status == 0, "\(check.output)")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: reports).first { $0.hasSuffix(".results.jsonl") })
        let text = try String(contentsOfFile: reports + "/" + name, encoding: .utf8)
        return Set(
            try text.split(separator: "\n").map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return "\(object["vertical"] as? String ?? "")|\(object["phone"] as? String ?? "")"
            })
    }

    private func generated(rows: Int, seed: Int, in spool: TempSpool) throws -> Data {
        let file = spool.base + "/gen-\(seed).csv"
        let gen = try runLeadspool(["gen", "--rows", "\(rows)", "--seed", "\(seed)", "--output", file])
        try #require(gen.status == 0, "\(gen.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: file))
    }

    @Test func rewrittenInPlaceWhileSending() throws {
        let sandbox = try SandboxProcess(seed: 4, extra: ["--latency-ms", "15..25"])
        defer { sandbox.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "8"]))
        defer { spool.remove() }
        let original = try generated(rows: 3000, seed: 31, in: spool)
        let replacement = try generated(rows: 3000, seed: 32, in: spool)
        let newKeys = try leadKeys(of: replacement, in: spool).subtracting(try leadKeys(of: original, in: spool))
        try original.write(to: URL(fileURLWithPath: spool.root + "/incoming/m.csv"))
        let claimedHash = try TempSpool.sha256Prefix(original)

        let status = try runAndChange(spool, sandbox, atLeast: 40) {
            // `cat other.csv > work/m.csv`: the same inode, truncated and written again.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: spool.root + "/work/m.csv"))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: replacement)
            try handle.close()
        }
        #expect(status == 65)
        let rows = try checkAfterChange(spool, sandbox, name: "m.csv", claimedHash: claimedHash, newKeys: newKeys)
        #expect(rows.map(\.row) == Array(1...3000), "every row of the content claimed has one result")
        let stopped = rows.filter { $0.reasonCode == "BATCH_CHANGED" }
        #expect(stopped.count > 1000, "the batch went on after the change")
        #expect(stopped.allSatisfy { $0.outcome == "failed" })
        let sentBefore = try sandbox.record().byLead.count

        // The rows the stop left are re-driven from done/, and nothing else is sent.
        let retry = try spool.retry(endpoint: sandbox.endpoint, token: Self.token, extra: ["--batch", claimedHash])
        #expect(retry.status == 0, "\(retry.output)")
        let after = try spool.results(matching: claimedHash)
        #expect(after.allSatisfy { $0.reasonCode != "BATCH_CHANGED" })
        #expect(try sandbox.record().byLead.count == sentBefore + stopped.count)
    }

    @Test func appendedAfterTheClaim() throws {
        let sandbox = try SandboxProcess(seed: 4, extra: ["--latency-ms", "15..25"])
        defer { sandbox.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "8"]))
        defer { spool.remove() }
        let whole = try generated(rows: 3000, seed: 33, in: spool)
        // The first half as a publisher's upload would leave it, cut at a line end.
        let half = whole.count / 2
        let cut = whole[..<half].lastIndex(of: UInt8(ascii: "\n"))! + 1
        let first = whole[..<cut]
        let path = spool.root + "/incoming/grow.csv"
        _ = FileManager.default.createFile(atPath: path, contents: first)
        let upload = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try upload.seekToEnd()
        let claimedHash = try TempSpool.sha256Prefix(Data(first))
        let newKeys = try leadKeys(of: whole, in: spool).subtracting(try leadKeys(of: Data(first), in: spool))

        let status = try runAndChange(spool, sandbox, atLeast: 40) {
            // The upload goes on through the descriptor it had, though the file was claimed.
            try upload.write(contentsOf: whole[cut...])
            try upload.close()
        }
        #expect(status == 65)
        let rows = try checkAfterChange(spool, sandbox, name: "grow.csv", claimedHash: claimedHash, newKeys: newKeys)
        #expect(rows.count == String(decoding: first, as: UTF8.self).split(separator: "\n").count - 1)
        let quarantined = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/failed/grow.csv"))
        #expect(quarantined == whole, "the whole upload is kept in failed/")
    }

    /// An orphaned claim (its run died) is taken over, copied, and archived with the archive mode; no copy
    /// is left in `work/`.
    @Test(arguments: [nil, "0600"])
    func orphanedClaimArchivedPrivately(archiveMode: String?) throws {
        let sandbox = try SandboxProcess(seed: 4)
        defer { sandbox.stop() }
        let spool = try TempSpool(
            config: (archiveMode.map { "archive_mode = \"\($0)\"\n" } ?? "") + submitConfig([:]))
        defer { spool.remove() }
        try FileManager.default.createDirectory(atPath: spool.root + "/work", withIntermediateDirectories: true)
        let content = try generated(rows: 50, seed: 34, in: spool)
        try content.write(to: URL(fileURLWithPath: spool.root + "/work/o.csv"))
        let run = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.list("done") == ["o.csv"])
        let left = try FileManager.default.contentsOfDirectory(atPath: spool.root + "/work")
        #expect(left.isEmpty, "\(left)")
        let archived = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/done/o.csv"))
        #expect(archived == content)
        let mode = try FileManager.default.attributesOfItem(atPath: spool.root + "/done/o.csv")[.posixPermissions]
        #expect((mode as? NSNumber)?.intValue == (archiveMode == nil ? 0o640 : 0o600), "done/ originals hold PII")
    }
}
