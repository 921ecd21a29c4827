import Foundation
import Testing

/// `kill -9` of `leadspool run` at several points of a 5 000-lead batch, against a sandbox with
/// faults on, then runs until done: every row ends with exactly one outcome, and with
/// `ambiguous = "hold"` no lead that got a definitive answer is ever sent again.
@Suite struct CrashTests {
    static let token = "dl_test_crash"

    @Test func killNineAtSeveralPointsNeverResendsAnsweredLeads() throws {
        let sandbox = try SandboxProcess(
            seed: 5, extra: ["--latency-ms", "2..15", "--error-rate", "0.03", "--drop-rate", "0.01"])
        defer { sandbox.stop() }
        let spool = try TempSpool(config: "settle_seconds = 0\n[api]\nambiguous = \"hold\"\n")
        defer { spool.remove() }
        let file = spool.root + "/incoming/crash.csv"
        let gen = try runLeadspool(["gen", "--rows", "5000", "--seed", "11", "--output", file])
        try #require(gen.status == 0)
        let hash = try TempSpool.sha256Prefix(Data(contentsOf: URL(fileURLWithPath: file)))

        var killed = 0
        for delay in [0.5, 0.8, 1.2, 0.6, 1.6] {
            let process = Process()
            process.executableURL = LeadspoolBinary.url
            process.arguments = [
                "run", "--quiet", "--config", spool.base + "/leadspool.toml", "--spool", spool.root, "--endpoint",
                sandbox.endpoint,
            ]
            process.currentDirectoryURL = URL(fileURLWithPath: spool.base)
            var environment = ProcessInfo.processInfo.environment
            environment["DL_API_KEY"] = Self.token
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        #expect(killed >= 2, "the runs finished before they could be killed: the test exercised no crash")

        let final = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(final.status == 0, "\(final.output)")
        #expect(try spool.list("done") == ["crash.csv"])

        let rows = try spool.results(matching: hash)
        #expect(rows.count == 5000)
        #expect(rows.map(\.row) == Array(1...5000))
        let finals: Set<String> = ["accepted", "rejected", "failed", "unknown", "invalid", "duplicate"]
        #expect(rows.allSatisfy { finals.contains($0.outcome) })
        // Held leads are the only unknowns, and nothing is left unsent.
        #expect(rows.filter { $0.outcome == "unknown" }.allSatisfy { $0.reasonCode == "AMBIGUOUS_HELD" })

        let stats = try sandbox.stats()
        var resent: [String] = []
        for (key, statuses) in stats.statusesByLead {
            if let first = statuses.firstIndex(where: { [200, 400, 422].contains($0) }), first != statuses.count - 1 {
                resent.append("\(key): \(statuses)")
            }
        }
        #expect(resent.isEmpty, "sent again after a definitive answer: \(resent.prefix(5))")
        // Every accepted row's lead was accepted by the sandbox exactly once.
        let accepted = rows.filter { $0.outcome == "accepted" }
        #expect(accepted.allSatisfy { stats.statusesByLead[$0.leadKey]?.filter { $0 == 200 }.count == 1 })
    }
}
