import Foundation
import Testing

/// The live status line: on a terminal only, never with `--quiet`.
@Suite("progress line", .serialized)
struct ProgressTests {
    /// Runs `leadspool run` under `script`, which gives it a pseudo-terminal; answers everything it wrote.
    private func runOnTerminal(_ spool: TempSpool, endpoint: String, extra: String = "") throws -> String {
        let binary = LeadspoolBinary.url.path
        let command =
            "\(binary) run --config \(spool.base)/leadspool.toml --spool \(spool.root) --endpoint \(endpoint) \(extra)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["DL_API_KEY"] = "dl_test_progress"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    private func drop(_ spool: TempSpool, seed: Int) throws {
        let batch = try runLeadspool(["gen", "--rows", "200", "--seed", "\(seed)", "--vertical", "debt"])
        try batch.stdout.write(to: URL(fileURLWithPath: spool.root + "/incoming/p\(seed).csv"))
    }

    @Test func aTerminalGetsALiveLineQuietAndPipesDoNot() throws {
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nmax_in_flight = 2\n")
        defer { spool.remove() }
        // Slow enough that the line is drawn a few times (it is redrawn every half second).
        let sandbox = try SandboxProcess(extra: ["--latency-ms", "15..15"])
        defer { sandbox.stop() }

        try drop(spool, seed: 1)
        let terminal = try runOnTerminal(spool, endpoint: sandbox.endpoint)
        #expect(terminal.contains("\r\u{1B}[Kp1.csv:"))
        #expect(terminal.contains("rows/s"))
        #expect(terminal.contains("in flight"))
        #expect(terminal.contains("batch p1.csv") || terminal.contains("p1.csv  batch"))

        try drop(spool, seed: 2)
        let quiet = try runOnTerminal(spool, endpoint: sandbox.endpoint, extra: "--quiet")
        #expect(quiet.contains("p2.csv  batch"))
        #expect(!quiet.contains("rows/s"))

        try drop(spool, seed: 3)
        let piped = try spool.run(endpoint: sandbox.endpoint, token: "dl_test_progress")
        #expect(piped.status == 0)
        #expect(piped.output.contains("p3.csv  batch"))
        #expect(!piped.output.contains("rows/s"))
        #expect(!piped.output.contains("\u{1B}["))
    }

    @Test func checkShowsTheLineOnATerminal() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let file = spool.base + "/big.csv"
        try #require(try runLeadspool(["gen", "--rows", "60000", "--seed", "4", "--output", file]).status == 0)
        let binary = LeadspoolBinary.url.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(binary) check \(file) --report-dir \(spool.base)/reports", "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("\r\u{1B}[Kbig.csv:"))
        #expect(text.contains("rows/s"))
        #expect(!text.contains("in flight"))
        #expect(text.contains("big.csv  batch"))
    }
}
