import Foundation
import Testing

/// `leadspool run` as cron runs it: the real binary, a real spool, ledger and HTTP on 127.0.0.1.
@Suite struct RunTests {
    static let token = "dl_test_e2e_token"

    @Test func happyPathThenRedropSendsNothingNew() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess()
        defer { api.stop() }
        let batch = try spool.dropRecent("insurance-clean.csv")
        try spool.drop(fixture: "debt-mixed.csv", recent: true)

        let first = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(first.status == 0, "\(first.output)")
        let statsFirst = try api.stats()

        let results = try spool.results(matching: batch.hashPrefix)
        #expect(results.map(\.row) == Array(1...batch.rows), "one result per input record, in order")
        let accepted = results.filter { $0.outcome == "accepted" }
        #expect(!accepted.isEmpty)
        #expect(accepted.allSatisfy { ($0.leadID ?? "").hasPrefix("ld_") })
        #expect(try spool.list("done").contains("insurance-clean.csv"))
        #expect(try spool.list("work").isEmpty)
        #expect(try spool.list("incoming").isEmpty)
        #expect(FileManager.default.fileExists(atPath: spool.root + "/ledger.sqlite"))
        #expect(statsFirst.total > 0)
        #expect(statsFirst.submissionsPerLead.allSatisfy { $0 == 1 }, "no lead sent twice")
        let allAccepted = try spool.allResults().filter { $0.outcome == "accepted" }.count
        #expect(statsFirst.accepted == allAccepted)

        // The same file again: nothing re-sent, reports rewritten under the batch's first name, with the
        // figures of the run that did the work.
        let reportsBefore = try spool.list("reports").sorted()
        let summaryName = try #require(reportsBefore.first { $0.contains(batch.hashPrefix) && $0.hasSuffix(".summary.json") })
        let summaryBefore = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/reports/" + summaryName))
        Thread.sleep(forTimeInterval: 1.1)
        _ = try spool.dropRecent("insurance-clean.csv", content: batch.content)
        let second = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(second.status == 0, "\(second.output)")
        #expect(try api.stats().total == statsFirst.total, "nothing re-sent")
        #expect(try spool.list("reports").sorted() == reportsBefore)
        let again = try spool.results(matching: batch.hashPrefix)
        #expect(again.map(\.outcome) == results.map(\.outcome))
        #expect(again.map(\.leadID) == results.map(\.leadID))
        #expect(try spool.list("done").count == 3)
        let summaryAfter = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/reports/" + summaryName))
        let figures = ["duration_seconds", "rows_per_second", "attempts", "retries", "rate_limit_waits", "sent"]
        let (old, new) = try [summaryBefore, summaryAfter].map {
            try #require(try JSONSerialization.jsonObject(with: $0) as? [String: Any])
        }.pair()
        for name in figures {
            #expect("\(old[name] ?? "none")" == "\(new[name] ?? "none")", "\(name)")
        }
    }

    /// The same content dropped again under another name, in a publisher's folder, is the batch already
    /// done: its reports keep the first file name and publisher.
    @Test func aRedropUnderAnotherNameAndPublisherKeepsTheBatchsNames() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess()
        defer { api.stop() }
        try spool.generate("first.csv", rows: 10, seed: 21)
        let first = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(first.status == 0, "\(first.output)")
        let content = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/done/first.csv"))
        try FileManager.default.createDirectory(atPath: spool.root + "/incoming/acme", withIntermediateDirectories: true)
        try content.write(to: URL(fileURLWithPath: spool.root + "/incoming/acme/other.csv"))
        let second = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(second.status == 0, "\(second.output)")
        #expect(try api.stats().total == 10, "nothing sent again")
        let summary = try spool.summary()
        #expect(summary["file_name"] as? String == "first.csv")
        #expect(summary["publisher"] as? String == "default")
        #expect(try spool.resultLines().count == 10)
        let text = try String(contentsOfFile: spool.root + "/reports/" + (try spool.list("reports").first { $0.hasSuffix(".results.jsonl") } ?? ""), encoding: .utf8)
        #expect(!text.contains("\"publisher\":\"acme\""))
    }

    @Test func unreadableFilesAreQuarantined() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess()
        defer { api.stop() }
        try spool.drop(fixture: "no-header.csv", folder: "broken")
        try spool.drop(fixture: "truncated.csv.gz", folder: "broken")

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 65, "\(run.output)")
        let failed = try spool.list("failed")
        for name in ["no-header.csv", "truncated.csv.gz"] {
            #expect(failed.contains(name))
            #expect(failed.contains(name + ".error.txt"))
        }
        #expect(try api.stats().total == 0)
    }

    @Test func refusedTokenStopsTheRunAndTheNextRunFinishes() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(token: Self.token)
        defer { api.stop() }
        let batch = try spool.dropRecent("insurance-clean.csv")

        let refused = try spool.run(endpoint: api.endpoint, token: "dl_test_wrong")
        #expect(refused.status == 77, "\(refused.output)")
        #expect(try api.stats().byStatus["401"] ?? 0 > 0)
        #expect(try spool.list("work") == ["insurance-clean.csv"])
        #expect(!refused.output.contains("dl_test_wrong"), "the token never shows")

        let resumed = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try spool.list("work").isEmpty)
        #expect(try spool.list("done") == ["insurance-clean.csv"])
        let results = try spool.results(matching: batch.hashPrefix)
        #expect(results.map(\.row) == Array(1...batch.rows))
        #expect(results.allSatisfy { $0.outcome != "unknown" })
        let stats = try api.stats()
        #expect(stats.accepted == results.filter { $0.outcome == "accepted" }.count)
        #expect(stats.byStatus["200"] == stats.submissionsPerLead.count, "each lead answered once after the 401")
    }

    /// A 401 stops the run with leads in flight; the next run, with `ambiguous = "hold"`, holds only
    /// those (not the leads marked for sending that never left), and sends the rest exactly once.
    @Test func holdAfterStopHoldsOnlyLeadsThatWereInFlight() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nambiguous = \"hold\"\n")
        defer { spool.remove() }
        let name = "generated.csv"
        let gen = try spool.invoke(
            [
                "gen", "--rows", "100", "--seed", "5", "--vertical", "insurance",
                "--output", spool.root + "/incoming/" + name,
            ],
            environment: [:])
        try #require(gen.status == 0, "\(gen.output)")
        let first = try SandboxProcess(token: Self.token, extra: ["--latency-ms", "50..300", "--fail-auth-after", "20"])
        defer { first.stop() }
        let stopped = try spool.run(endpoint: first.endpoint, token: Self.token)
        #expect(stopped.status == 77, "\(stopped.output)")
        let sentFirst = try first.stats().statusesByLead

        let second = try SandboxProcess(token: Self.token)
        defer { second.stop() }
        let finished = try spool.run(endpoint: second.endpoint, token: Self.token)
        #expect(finished.status == 0, "\(finished.output)")
        let sentSecond = try second.stats().statusesByLead

        let rows = try spool.allResults()
        #expect(rows.count == 100)
        let held = Set(rows.filter { $0.reasonCode == "AMBIGUOUS_HELD" }.map(\.leadKey))
        #expect(rows.allSatisfy { $0.outcome != "unknown" || $0.reasonCode == "AMBIGUOUS_HELD" })
        #expect(held.count <= 32, "only leads in flight at the stop are held (at most max_in_flight)")
        #expect(held.isDisjoint(with: sentSecond.keys), "a held lead is not sent again")
        let answeredFirst = Set(sentFirst.filter { $0.value.contains(200) }.keys)
        #expect(answeredFirst.isDisjoint(with: sentSecond.keys), "a lead the API answered is not sent again")
        #expect(sentSecond.values.allSatisfy { $0 == [200] })
        let settledFirst = rows.filter { $0.outcome == "accepted" || $0.outcome == "rejected" }.count
        #expect(settledFirst == answeredFirst.subtracting(held).count + sentSecond.count)
    }

    /// A file in `incoming/<publisher>/` is sent with that publisher's token (`token_env`) and
    /// archived in `done/<publisher>/`.
    @Test func publisherFolderUsesThePublishersToken() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[publishers.acme]\ntoken_env = \"ACME_KEY\"\n")
        defer { spool.remove() }
        let api = try SandboxProcess(token: "dl_test_acme")
        defer { api.stop() }
        let folder = spool.root + "/incoming/acme"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = TempSpool.recent(
            try Data(contentsOf: TempSpool.fixtures.appendingPathComponent("batches/insurance-clean.csv")))
        try data.write(to: URL(fileURLWithPath: folder + "/leads.csv"))

        let run = try spool.invoke(
            ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", api.endpoint],
            environment: ["DL_API_KEY": "dl_test_default", "ACME_KEY": "dl_test_acme"])
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.list("done/acme") == ["leads.csv"])
        let stats = try api.stats()
        #expect(stats.byStatus["401"] == nil)
        #expect(stats.byStatus["200"] == 5)
    }

    @Test func archiveGzipCompressesTheOriginalInDone() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\narchive_gzip = true\n")
        defer { spool.remove() }
        let api = try SandboxProcess()
        defer { api.stop() }
        let batch = try spool.dropRecent("insurance-clean.csv")
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        #expect(try spool.list("done") == ["insurance-clean.csv.gz"])
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unzip.arguments = ["gzip", "-dc", spool.root + "/done/insurance-clean.csv.gz"]
        let output = Pipe()
        unzip.standardOutput = output
        try unzip.run()
        let restored = output.fileHandleForReading.readDataToEndOfFile()
        unzip.waitUntilExit()
        #expect(unzip.terminationStatus == 0)
        #expect(restored == batch.content)
    }

    /// A spool or ledger that cannot be written is exit 73, and the dropped file is left alone.
    @Test(arguments: ["reports-is-a-file", "ledger-in-missing-folder"])
    func unwritableSpoolOrLedgerIsExit73(_ case: String) throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.dropRecent("insurance-clean.csv")
        var arguments = ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root]
        arguments += ["--endpoint", "http://127.0.0.1:9/webhook/lead"]
        if `case` == "reports-is-a-file" {
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: spool.root + "/reports"))
        } else {
            arguments += ["--ledger", spool.base + "/missing/ledger.sqlite"]
        }
        let run = try spool.invoke(arguments, environment: ["DL_API_KEY": Self.token])
        #expect(run.status == 73, "\(run.output)")
        #expect(try spool.list("incoming") == ["insurance-clean.csv"])
    }

    /// Every lead ran out of retries on 5xx: exit 69, the leads `failed` / SERVER_ERROR_EXHAUSTED
    /// after 5 attempts each (the documented schedule waits 1+2+4+8 s, so this test takes ~15 s).
    /// Every lead given up after the whole 5xx schedule (on a clock 100 times as fast; `RetryScheduleTests`
    /// checks the waits) is the API staying unavailable (exit 69).
    @Test func apiThatStaysDownIsExit69() throws {
        let spool = try TempSpool(timeScale: 0.01)
        defer { spool.remove() }
        let api = try SandboxProcess(extra: ["--error-rate", "1"])
        defer { api.stop() }
        let batch = try spool.dropRecent("insurance-clean.csv")
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 69, "\(run.output)")
        let results = try spool.results(matching: batch.hashPrefix)
        #expect(results.allSatisfy { $0.outcome == "failed" && $0.reasonCode == "SERVER_ERROR_EXHAUSTED" })
        let stats = try api.stats()
        #expect(stats.submissionsPerLead == Array(repeating: 5, count: batch.rows))
    }

    /// 429 on every attempt until each lead's waits run out is the API staying unavailable too (exit 69).
    @Test func apiThatOnlyRateLimitsIsExit69() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nmax_rate_limit_waits = 1\n")
        defer { spool.remove() }
        let api = try SandboxProcess(extra: ["--force-status", "429@1"])
        defer { api.stop() }
        try spool.generate("limited.csv", rows: 4, seed: 3)
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 69, "\(run.output)")
        let results = try spool.resultLines()
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0.outcome == "failed" && $0.reasonCode == "RATE_LIMIT_EXHAUSTED" })
        #expect(try api.stats().submissionsPerLead == [2, 2, 2, 2])
    }

    @Test func tokenOnTheCommandLineIsRefused() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let run = try spool.invoke(["run", "--spool", spool.root, "--token", "dl_test_secret"], environment: [:])
        #expect(run.status == 64)
        #expect(!run.output.contains("dl_test_secret"))
        let missing = try spool.invoke(["run", "--spool", spool.root], environment: [:])
        #expect(missing.status == 64)
        #expect(missing.output.contains("DL_API_KEY"))
    }

    @Test func exclusiveRunsRefuseAHeldLock() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        try FileManager.default.createDirectory(atPath: spool.root, withIntermediateDirectories: true)
        let fd = open(spool.root + "/.lock", O_RDWR | O_CREAT, 0o640)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let run = try spool.invoke(
            ["run", "--spool", spool.root, "--exclusive", "--endpoint", "http://127.0.0.1:9/webhook/lead"],
            environment: ["DL_API_KEY": Self.token])
        #expect(run.status == 75, "\(run.output)")
        // A run that is not exclusive does not go ahead beside an exclusive one either.
        let plain = try spool.invoke(
            ["run", "--spool", spool.root, "--endpoint", "http://127.0.0.1:9/webhook/lead"],
            environment: ["DL_API_KEY": Self.token])
        #expect(plain.status == 75, "\(plain.output)")
        #expect(plain.output.contains("exclusive"), "\(plain.output)")
    }

    /// `--exclusive` exits 75 while a plain run works on the spool (it holds the lock shared).
    @Test func anExclusiveRunRefusesASpoolAPlainRunWorksOn() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let slow = try SandboxProcess(extra: ["--latency-ms", "3000..3000"])
        defer { slow.stop() }
        try spool.generate("slow.csv", rows: 20, seed: 4)
        let plain = try spool.startRun(endpoint: slow.endpoint, token: Self.token)
        defer {
            if plain.isRunning { kill(plain.processIdentifier, SIGKILL) }
            plain.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(60)
        while (try? spool.list("work"))?.isEmpty != false, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try #require(try spool.list("work") == ["slow.csv"], "the plain run claimed its file")
        let exclusive = try spool.invoke(
            ["run", "--spool", spool.root, "--exclusive", "--endpoint", slow.endpoint],
            environment: ["DL_API_KEY": Self.token])
        #expect(exclusive.status == 75, "\(exclusive.output)")
        #expect(plain.isRunning)
    }
}

/// A throw-away spool below the temporary directory, and the `leadspool` process run against it.
struct TempSpool {
    let base: String
    var root: String { base + "/spool" }
    /// Runs the debug binary's retry waits and 429 pauses on a clock this many times as fast as real time
    /// (`LEADSPOOL_DEBUG_TIME_SCALE`: 0.01 makes the 1-2-4-8 s schedule 150 ms); `nil` for real time.
    let timeScale: Double?

    init(config: String = "settle_seconds = 0\n", timeScale: Double? = nil) throws {
        self.timeScale = timeScale
        base = FileManager.default.temporaryDirectory.appendingPathComponent("leadspool-run-\(UUID())").path
        try FileManager.default.createDirectory(atPath: base + "/spool/incoming", withIntermediateDirectories: true)
        try Data(config.utf8).write(to: URL(fileURLWithPath: base + "/leadspool.toml"))
    }

    func remove() { try? FileManager.default.removeItem(atPath: base) }

    struct Dropped {
        var content: Data
        var rows: Int
        var hashPrefix: String
    }

    /// Drops a fixture batch with its consent timestamps moved to yesterday, so it stays valid.
    @discardableResult
    func dropRecent(_ name: String, content: Data? = nil) throws -> Dropped {
        let data = try content ?? Self.recent(Data(contentsOf: Self.fixtures.appendingPathComponent("batches/" + name)))
        try data.write(to: URL(fileURLWithPath: root + "/incoming/" + name))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").count
        return Dropped(content: data, rows: lines - 1, hashPrefix: try Self.sha256Prefix(data))
    }

    func drop(fixture name: String, folder: String = "batches", recent: Bool = false) throws {
        var data = try Data(contentsOf: Self.fixtures.appendingPathComponent(folder + "/" + name))
        if recent { data = Self.recent(data) }
        try data.write(to: URL(fileURLWithPath: root + "/incoming/" + name))
    }

    func list(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder).filter { !$0.hasPrefix(".") }.sorted()
    }

    struct Row {
        var row: Int
        var outcome: String
        var reasonCode: String?
        var leadID: String?
        /// `vertical|phone`, as the sandbox keys its stats.
        var leadKey: String
    }

    /// The rows of the one `results.jsonl` whose batch name ends with `hashPrefix`.
    func results(matching hashPrefix: String) throws -> [Row] {
        let names = try list("reports").filter { $0.hasSuffix("-\(hashPrefix).results.jsonl") }
        try #require(names.count == 1, "\(names)")
        return try rows(root + "/reports/" + names[0])
    }

    func allResults() throws -> [Row] {
        try list("reports").filter { $0.hasSuffix(".results.jsonl") }.flatMap { try rows(root + "/reports/" + $0) }
    }

    private func rows(_ path: String) throws -> [Row] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Row(
                row: try #require(object["row"] as? Int), outcome: try #require(object["outcome"] as? String),
                reasonCode: object["reason_code"] as? String, leadID: object["lead_id"] as? String,
                leadKey: "\(object["vertical"] as? String ?? "")|\(object["phone"] as? String ?? "")")
        }
    }

    func run(endpoint: String, token: String) throws -> (status: Int32, output: String) {
        try invoke(
            ["run", "--config", base + "/leadspool.toml", "--spool", root, "--endpoint", endpoint],
            environment: ["DL_API_KEY": token])
    }

    func invoke(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = LeadspoolBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: base)
        var env = ProcessInfo.processInfo.environment
        env["DL_API_KEY"] = nil
        env["DL_API_URL"] = nil
        env["LEADSPOOL_DEBUG_TIME_SCALE"] = timeScale.map { "\($0)" }
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures")
    }

    /// Every `YYYY-MM-DDTHH:MM:SSZ` moved to one day ago.
    static func recent(_ data: Data) -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let yesterday = formatter.string(from: Date().addingTimeInterval(-86_400))
        let text = String(decoding: data, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#)
        let range = NSRange(text.startIndex..., in: text)
        return Data(pattern.stringByReplacingMatches(in: text, range: range, withTemplate: yesterday).utf8)
    }

    /// First 12 hex of the SHA-256, computed by `sha256sum` (the test target has no crypto library).
    static func sha256Prefix(_ data: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let digest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: digest, as: UTF8.self).prefix(12))
    }
}

extension Array {
    /// The two elements of a two-element array.
    fileprivate func pair() throws -> (Element, Element) {
        try #require(count == 2)
        return (self[0], self[1])
    }
}
