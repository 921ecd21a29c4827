import Foundation
import Testing

/// What publishers name things: file names with control characters in them, and folders of `incoming/`
/// that are not publisher folders.
@Suite struct SpoolNameTests {
    static let token = "dl_test_names"

    /// The environment of a child `leadspool run`: the test's, with the token and no endpoint override.
    static func environment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["DL_API_URL"] = nil
        env["DL_API_KEY"] = token
        return env
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Control characters in `text` other than the newlines between its lines, as `U+XXXX`.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && isControl($0) }.map { String(format: "U+%04X", $0.value) }
    }

    /// A file named with a newline and an escape sequence (legal on Linux) cannot forge a log or summary line:
    /// `run` and `check` print its name escaped, on stdout and in text logs; JSON logs carry it JSON-escaped.
    @Test func controlCharactersInFileNamesAreEscaped() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 6)
        defer { api.stop() }
        let name = "a\nlevel=error forged\u{1B}[31m.csv"
        let escapedName = #"a\nlevel=error forged\u{1b}[31m.csv"#
        let data = TempSpool.recent(
            try Data(contentsOf: TempSpool.fixtures.appendingPathComponent("batches/insurance-clean.csv")))
        try data.write(to: URL(fileURLWithPath: spool.root + "/incoming/" + name))

        let run = try runLeadspool(
            ["run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint", api.endpoint],
            environment: Self.environment())
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        #expect(run.status == 0, "\(stdout)\(run.stderr)")
        #expect(try spool.list("done") == [name], "the file is processed under its real name")
        for (stream, text) in [("stdout", stdout), ("stderr", run.stderr)] {
            #expect(Self.rawControls(text).isEmpty, "\(stream): \(Self.rawControls(text))\n\(text)")
            #expect(text.contains(escapedName), "\(stream):\n\(text)")
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("level=error") }, "\(stream):\n\(text)")
        }
        // Every summary line is the first line of a batch or indented below it.
        let summaryLines = stdout.split(separator: "\n")
        #expect(summaryLines.first?.hasPrefix(escapedName) == true, "\(stdout)")
        #expect(summaryLines.dropFirst().allSatisfy { $0.hasPrefix("  ") }, "\(stdout)")

        // check prints the path it was given, escaped too.
        let original = spool.root + "/done/" + name
        let reports = try TemporaryDirectory()
        let check = try runLeadspool(["check", "--quiet", "--report-dir", reports.url.path, original])
        let checkOut = String(decoding: check.stdout, as: UTF8.self)
        #expect(check.status == 0, "\(checkOut)\(check.stderr)")
        #expect(Self.rawControls(checkOut + check.stderr).isEmpty, "\(checkOut)\(check.stderr)")
        #expect(checkOut.contains(escapedName), "\(checkOut)")

        // JSON logs: every line one JSON object; the name round-trips exactly. DEL, C1 and U+2028 are escaped
        // as \uXXXX as well, so no raw control character reaches the log.
        let other = "b\u{2028}c\u{85}d\u{7F}.csv"
        let otherData = TempSpool.recent(
            try Data(contentsOf: TempSpool.fixtures.appendingPathComponent("batches/debt-mixed.csv")))
        try otherData.write(to: URL(fileURLWithPath: spool.root + "/incoming/" + other))
        let json = try runLeadspool(
            [
                "run", "--log-format", "json", "--config", spool.base + "/leadspool.toml", "--spool", spool.root,
                "--endpoint", api.endpoint,
            ],
            environment: Self.environment())
        let jsonOut = String(decoding: json.stdout, as: UTF8.self)
        #expect(json.status == 0, "\(jsonOut)\(json.stderr)")
        #expect(Self.rawControls(jsonOut + json.stderr).isEmpty, "\(Self.rawControls(jsonOut + json.stderr))")
        #expect(jsonOut.contains(#"b\u{2028}c\u{85}d\u{7f}.csv"#), "\(jsonOut)")
        var values: [String] = []
        for line in json.stderr.split(separator: "\n") {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            values += object.values.compactMap { $0 as? String }
        }
        #expect(values.contains { $0.hasSuffix("/" + other) }, "\(json.stderr)")
    }

    /// Folders of `incoming/` that are not publisher folders (`..weird`, `.hidden`) are still skipped, but `run`
    /// says so once per folder, and `status` lists them with the files waiting in each.
    @Test func foldersThatAreNotPublisherFoldersAreNamed() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let incoming = spool.root + "/incoming"
        for path in ["..weird/one.csv", "..weird/two.csv", ".hidden/three.csv"] {
            try FileManager.default.createDirectory(
                atPath: (incoming + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("phone\n8135550100\n".utf8).write(to: URL(fileURLWithPath: incoming + "/" + path))
        }
        // Nothing is sent: no API is needed.
        let run = try runLeadspool(
            [
                "run", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint",
                "http://127.0.0.1:9/webhook/lead",
            ],
            environment: Self.environment())
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("not a publisher folder") }
        #expect(warnings.count == 2, "\(run.stderr)")
        #expect(warnings.contains { $0.contains(incoming + "/..weird") && $0.contains("warning") })
        #expect(warnings.contains { $0.contains(incoming + "/.hidden") })
        #expect(warnings.allSatisfy { $0.contains("names must not start with") && $0.contains("not processed") })
        #expect(FileManager.default.fileExists(atPath: incoming + "/..weird/one.csv"), "still skipped")
        #expect(try spool.list("done").isEmpty)

        let table = try spool.invoke(["status", "--spool", spool.root], environment: [:])
        #expect(table.status == 0, "\(table.output)")
        #expect(table.output.contains("ignored folders in incoming: 2"), "\(table.output)")
        #expect(table.output.contains("  ..weird/  2 files  not a publisher folder"), "\(table.output)")
        #expect(table.output.contains("  .hidden/  1 file  not a publisher folder"), "\(table.output)")
        let json = try spool.invoke(["status", "--spool", spool.root, "--format", "json"], environment: [:])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let folders = try #require(object["ignored_folders"] as? [[String: Any]], "\(json.output)")
        #expect(
            Set(folders.map { "\($0["name"] ?? "?") \($0["files"] ?? "?")" }) == ["..weird 2", ".hidden 1"],
            "\(json.output)")
        #expect(folders.allSatisfy { ($0["folder"] as? String)?.hasPrefix(incoming + "/") == true })
        #expect((object["refused"] as? [Any])?.isEmpty == true, "listed once, as ignored folders")
    }
}

/// Runs the built `leadspool` and kills it when it has not finished within `seconds`, so a command that
/// blocks fails its test instead of hanging it.
func runLeadspool(
    _ args: [String], within seconds: Double
) throws -> (status: Int32, stdout: String, stderr: String, timedOut: Bool) {
    let scratch = try TemporaryDirectory("leadspool-timed")
    let outPath = scratch.path("stdout")
    let errPath = scratch.path("stderr")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer {
        try? outHandle.close()
        try? errHandle.close()
    }
    let process = Process()
    process.executableURL = try leadspoolExecutable()
    process.arguments = args
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    let timedOut = process.isRunning
    if timedOut { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (
        process.terminationStatus, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "", timedOut
    )
}
