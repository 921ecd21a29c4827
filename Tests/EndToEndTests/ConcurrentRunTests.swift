import Foundation
import Testing

/// Two `run` processes on one spool, with files whose leads overlap: no file is processed twice
/// and no consumer is submitted twice.
@Suite struct ConcurrentRunTests {
    static let token = "dl_test_two"

    @Test func twoRunsNeverSubmitAConsumerTwice() throws {
        let sandbox = try SandboxProcess(seed: 9, extra: ["--latency-ms", "1..5"])
        defer { sandbox.stop() }
        let spool = try TempSpool()
        defer { spool.remove() }
        let scratch = spool.base + "/gen"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try #require(try runLeadspool(["gen", "--rows", "1500", "--seed", "21", "--output", scratch + "/a.csv"]).status == 0)
        try #require(try runLeadspool(["gen", "--rows", "1500", "--seed", "22", "--output", scratch + "/b.csv"]).status == 0)
        let a = try String(contentsOfFile: scratch + "/a.csv", encoding: .utf8).split(separator: "\n")
        let b = try String(contentsOfFile: scratch + "/b.csv", encoding: .utf8).split(separator: "\n")
        // Four files: a, its second half again, b, and a mix of both: 2 000 rows repeat earlier ones.
        let files: [(String, [Substring])] = [
            ("a.csv", Array(a.dropFirst())), ("a-again.csv", Array(a.dropFirst(751))),
            ("b.csv", Array(b.dropFirst())), ("mix.csv", Array(a.dropFirst().prefix(500) + b.dropFirst().prefix(750))),
        ]
        for (name, rows) in files {
            let text = ([a[0]] + rows).joined(separator: "\n") + "\n"
            try text.write(toFile: spool.root + "/incoming/" + name, atomically: true, encoding: .utf8)
        }
        let total = files.reduce(0) { $0 + $1.1.count }

        for (status, log) in try Self.twoRuns(spool, sandbox, extra: ["--quiet"]) {
            #expect(status == 0, "\(log)")
        }

        #expect(try spool.list("done") == ["a-again.csv", "a.csv", "b.csv", "mix.csv"])
        #expect(try spool.list("work").isEmpty)
        let rows = try spool.allResults()
        #expect(rows.count == total)
        let stats = try sandbox.stats()
        #expect(stats.submissionsPerLead.allSatisfy { $0 == 1 }, "a consumer was submitted more than once")
        #expect(stats.total == 3000 - (1500 + 1500 - Set(a.dropFirst().map { $0 } + b.dropFirst().map { $0 }).count))
        let sentRows = rows.filter { ["accepted", "rejected"].contains($0.outcome) }
        #expect(sentRows.count == stats.total)
        #expect(rows.filter { $0.outcome == "duplicate" }.count == total - stats.total)
    }

    /// The same content dropped twice under two names is one batch: when two runs claim one copy
    /// each at the same moment, one works on the batch and the other waits for it, then finishes its copy
    /// without sending anything; both runs end with every file they claimed done.
    @Test func identicalFilesClaimedAtOnceAreSentOnce() throws {
        let sandbox = try SandboxProcess(seed: 9, extra: ["--latency-ms", "10..10"])
        defer { sandbox.stop() }
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nmax_in_flight = 4\n")
        defer { spool.remove() }
        let batch = try runLeadspool(["gen", "--rows", "400", "--seed", "23"])
        try #require(batch.status == 0)
        try batch.stdout.write(to: URL(fileURLWithPath: spool.root + "/incoming/copy1.csv"))
        try batch.stdout.write(to: URL(fileURLWithPath: spool.root + "/incoming/copy2.csv"))

        var output = ""
        for (status, log) in try Self.twoRuns(spool, sandbox) {
            output += log
            #expect(status == 0, "\(log)")
        }
        // Each run claimed one copy; whichever came second found the batch leased (or already done).
        #expect(try spool.list("done") == ["copy1.csv", "copy2.csv"], "\(output)")
        #expect(try spool.list("work").isEmpty, "\(output)")
        #expect(try sandbox.stats().total == 400)
        let finish = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(finish.status == 0, "\(finish.output)")
        #expect(try spool.list("done") == ["copy1.csv", "copy2.csv"])
        #expect(try spool.list("work").isEmpty)

        let stats = try sandbox.stats()
        #expect(stats.total == 400)
        #expect(stats.submissionsPerLead.allSatisfy { $0 == 1 }, "a lead was submitted twice:\n\(output)")
        let rows = try spool.allResults()
        #expect(rows.count == 400)
        #expect(rows.allSatisfy { ["accepted", "rejected"].contains($0.outcome) })
    }

    /// Starts two `run`s on `spool` at once and waits for both: their exit statuses and output.
    static func twoRuns(_ spool: TempSpool, _ sandbox: SandboxProcess, extra: [String] = []) throws
        -> [(Int32, String)]
    {
        let logs = (0..<2).map { spool.base + "/run-\(UUID().uuidString)-\($0).log" }
        for log in logs { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let processes = logs.map { log -> Process in
            let process = Process()
            process.executableURL = LeadspoolBinary.url
            process.arguments =
                ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", sandbox.endpoint]
                + extra
            var environment = ProcessInfo.processInfo.environment
            environment["DL_API_KEY"] = Self.token
            process.environment = environment
            let handle = FileHandle(forWritingAtPath: log)
            process.standardOutput = handle
            process.standardError = handle
            return process
        }
        for process in processes { try process.run() }
        return zip(processes, logs).map { process, log in
            process.waitUntilExit()
            return (process.terminationStatus, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
    }
}
