import Foundation
import Testing

/// What scripts read: `--version`, `version --format json`, and the README's cron line
/// (`run --quiet --log-format json --output json >>run.log 2>&1`) writing only JSON lines, fatal errors and
/// usage errors included.
@Suite struct MachineOutputTests {
    static let token = "dl_test_machine"

    /// Every line of `text` parsed as a JSON object; records an issue naming a line that is not one.
    private func jsonLines(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object == nil { Issue.record("not a JSON object: \(line)", sourceLocation: sourceLocation) }
            return object
        }
    }

    @Test func versionNamesTheBuildAndItsLibraries() throws {
        let flag = try runLeadspool(["--version"])
        #expect(flag.status == 0)
        let text = String(decoding: flag.stdout, as: UTF8.self)
        #expect(text.hasPrefix("leadspool "), "\(text)")
        #expect(text.contains("SQLite 3.") && text.contains("zlib 1.") && text.contains("SwiftNIO 2."), "\(text)")
        let json = try runLeadspool(["version", "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: String])
        #expect(Set(object.keys) == ["leadspool", "commit", "sqlite", "zlib", "swift-nio"])
        // Built from this checkout, the commit is known (the hash, "+changes" when the tree was modified).
        #expect(object["commit"]?.range(of: #"^[0-9a-f]{12}(\+changes)?$"#, options: .regularExpression) != nil)
    }

    @Test func theCronLineWritesOnlyJSONLines() throws {
        let sandbox = try SandboxProcess(token: Self.token, extra: ["--fail-auth-after", "30"])
        defer { sandbox.stop() }
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("a.csv", rows: 20, seed: 61)
        try spool.drop(fixture: "no-header.csv", folder: "broken")
        let log = spool.base + "/run.log"
        func cron(_ extra: [String], token: String?) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let command = ([LeadspoolBinary.url.path, "run", "--spool", spool.root, "--config", spool.base + "/leadspool.toml",
                "--endpoint", sandbox.endpoint, "--quiet", "--log-format", "json", "--output", "json"] + extra)
                .map { "'\($0)'" }.joined(separator: " ")
            process.arguments = ["-c", command + " >>'\(log)' 2>&1"]
            var environment = ProcessInfo.processInfo.environment
            environment["DL_API_KEY"] = token
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try cron([], token: Self.token) == 65, "one file quarantined")
        try spool.generate("b.csv", rows: 40, seed: 62)
        #expect(try cron([], token: Self.token) == 77, "the 401 stops the run")
        #expect(try cron([], token: nil) == 64, "no token")
        #expect(try cron(["--no-such-flag"], token: Self.token) == 64)

        let lines = jsonLines(try String(contentsOfFile: log, encoding: .utf8))
        let batches = lines.filter { $0["batch"] != nil }
        #expect(batches.contains { $0["file"] as? String == "a.csv" && $0["status"] as? String == "done" })
        #expect(batches.contains { $0["file"] as? String == "b.csv" && $0["exit_code"] as? Int == 77 })
        #expect(lines.contains { $0["status"] as? String == "quarantined" && $0["file"] as? String == "no-header.csv" })
        let errors = lines.compactMap { $0["level"] as? String == "error" ? $0["message"] as? String : nil }
        #expect(errors.contains { $0.contains("no API token") })
        #expect(errors.contains { $0.contains("--no-such-flag") })
        let done = try #require(batches.first { $0["file"] as? String == "a.csv" })
        let outcomes = try #require(done["outcomes"] as? [String: Int])
        #expect(outcomes.values.reduce(0, +) == done["rows"] as? Int)
        #expect(done["rows"] as? Int == 20)
    }

    @Test func checkAndRetryPrintJSONLinesToo() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.generate("c.csv", rows: 10, seed: 63)
        let check = try runLeadspool([
            "check", spool.root + "/incoming/c.csv", "--report-dir", spool.base + "/reports", "--output", "json",
        ])
        #expect(check.status == 0)
        let checked = jsonLines(String(decoding: check.stdout, as: UTF8.self))
        #expect(checked.count == 1)
        #expect((checked.first?["outcomes"] as? [String: Int])?["valid"] == 10)
        let retry = try runLeadspool(["retry", "--spool", spool.root, "--output", "json"])
        #expect(retry.status == 0)
        let message = jsonLines(String(decoding: retry.stdout, as: UTF8.self)).first?["message"] as? String
        #expect(message?.contains("nothing to retry") == true, "\(retry.stderr)")
    }
}
