import Foundation
import Testing

/// `kill -9` of `leadspool run` at several points of a 5 000-lead batch, against a sandbox with
/// faults on, then runs until done, under both `ambiguous` settings. Every row ends with exactly one
/// outcome; no lead that got a definitive answer is sent again, except (with `retry`) a lead the
/// ledger still had `sending` after a kill; and the final run's "re-sent" / "held" figures equal the
/// rows the ledger had `sending` before it.
@Suite struct CrashTests {
    static let token = "dl_test_crash"

    @Test(arguments: ["hold", "retry"])
    func killNineAtSeveralPoints(ambiguous: String) throws {
        let sandbox = try SandboxProcess(
            seed: 5, extra: ["--latency-ms", "2..15", "--error-rate", "0.03", "--drop-rate", "0.01"])
        defer { sandbox.stop() }
        let spool = try TempSpool(config: submitConfig(["ambiguous": "\"\(ambiguous)\""]), timeScale: 0.05)
        defer { spool.remove() }
        let file = spool.root + "/incoming/crash.csv"
        let gen = try runLeadspool(["gen", "--rows", "5000", "--seed", "11", "--output", file])
        try #require(gen.status == 0)
        let hash = try TempSpool.sha256Prefix(Data(contentsOf: URL(fileURLWithPath: file)))

        var killed = 0
        /// The sandbox's clock when each run was over: attempt times fall into runs by these.
        var cuts: [Double] = []
        /// Rows the ledger held `sending` (in flight, ambiguous) after each run.
        var interrupted: [Set<Int>] = []
        for delay in [0.5, 0.8, 1.2, 0.6, 1.6] {
            let process = try spool.startRun(endpoint: sandbox.endpoint, token: Self.token)
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            cuts.append(try sandbox.record().uptime)
            let sending =
                FileManager.default.fileExists(atPath: spool.root + "/ledger.sqlite")
                ? try spool.ledgerRows("SELECT row FROM leads WHERE state = 'sending'").compactMap { Int($0[0]) } : []
            interrupted.append(Set(sending))
        }
        #expect(killed >= 2, "the runs finished before they could be killed: the test exercised no crash")
        #expect(interrupted.contains { !$0.isEmpty }, "no kill left a lead in flight: the test exercised nothing")

        let final = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(final.status == 0, "\(final.output)")
        #expect(try spool.list("done") == ["crash.csv"])

        let rows = try spool.results(matching: hash)
        #expect(rows.count == 5000)
        #expect(rows.map(\.row) == Array(1...5000))
        let finals: Set<String> = ["accepted", "rejected", "failed", "unknown", "invalid", "duplicate"]
        #expect(rows.allSatisfy { finals.contains($0.outcome) })
        #expect(try spool.ledgerRows("SELECT count(*) FROM leads WHERE state IN ('pending', 'sending')") == [["0"]])
        // Held leads are the only unknowns.
        #expect(rows.filter { $0.outcome == "unknown" }.allSatisfy { $0.reasonCode == "AMBIGUOUS_HELD" })

        // The final run's own figures against the ledger's `sending` rows before it.
        let lastCut = interrupted.last ?? []
        let figures = Self.interruptionFigures(final.output)
        #expect(figures.resent == (ambiguous == "retry" ? lastCut.count : 0), "\(final.output)")
        #expect(figures.held == (ambiguous == "hold" ? lastCut.count : 0), "\(final.output)")

        let record = try sandbox.record()
        let keyOfRow = Dictionary(uniqueKeysWithValues: rows.map { ($0.row, $0.leadKey) })
        let interruptedKeys = Set(interrupted.flatMap { $0 }.compactMap { keyOfRow[$0] })
        func run(_ attempt: SandboxAttempt) -> Int { cuts.firstIndex { attempt.time <= $0 } ?? cuts.count }

        var resentAfterAnswer: [String] = []
        var sentByTwoRuns: [String] = []
        for (key, attempts) in record.byLead {
            if let first = attempts.firstIndex(where: \.isDefinitive), first != attempts.count - 1 {
                resentAfterAnswer.append(key)
            }
            if Set(attempts.map(run)).count > 1 { sentByTwoRuns.append(key) }
        }
        let sentInFinalRun = Set(record.byLead.filter { $0.value.contains { run($0) == cuts.count } }.keys)
        if ambiguous == "hold" {
            #expect(resentAfterAnswer.isEmpty, "sent again after a definitive answer: \(resentAfterAnswer.prefix(5))")
            #expect(sentByTwoRuns.isEmpty, "sent again by a later run: \(sentByTwoRuns.prefix(5))")
            let unknownRows = Set(rows.filter { $0.outcome == "unknown" }.map(\.row))
            #expect(interrupted.allSatisfy { $0.isSubset(of: unknownRows) }, "a lead cut off in flight was not held")
        } else {
            // Only a lead the ledger had in flight at a kill may be sent again, and it is.
            #expect(Set(resentAfterAnswer).isSubset(of: interruptedKeys), "\(resentAfterAnswer.prefix(5))")
            #expect(Set(sentByTwoRuns).isSubset(of: interruptedKeys), "\(sentByTwoRuns.prefix(5))")
            #expect(lastCut.compactMap { keyOfRow[$0] }.allSatisfy(sentInFinalRun.contains))
            #expect(!rows.contains { $0.outcome == "unknown" })
        }
        // Every accepted row's lead was accepted by the sandbox.
        let accepted = rows.filter { $0.outcome == "accepted" }
        #expect(accepted.allSatisfy { record.byLead[$0.leadKey]?.contains { $0.decision == "accepted" } == true })
    }

    /// `N re-sent and M held after an interruption` from a run's summary line (0 and 0 without one).
    static func interruptionFigures(_ output: String) -> (resent: Int, held: Int) {
        guard let range = output.range(of: " held after an interruption") else { return (0, 0) }
        let words = output[..<range.lowerBound].split(separator: " ").suffix(4)
        guard words.count == 4, let resent = Int(words.first!), let held = Int(words.last!) else { return (-1, -1) }
        return (resent, held)
    }
}

/// Answers are in the ledger soon after they arrive even when no other answer follows (a 429 pause, a 5xx
/// back-off): a run killed during the pause leaves no answered lead to be sent again.
@Suite struct AnswersDuringAPauseTests {
    static let token = "dl_test_pause"

    /// A lead the API answered only 429 was not taken: when the run stops during the pause (SIGTERM, then
    /// the drain time runs out), it goes back to `pending`, not `sending` (which `ambiguous = "hold"` would
    /// hold as unknown), and its report row says why it was not submitted.
    @Test func leadsAnsweredOnly429ArePendingAfterAStop() throws {
        let limited = try SandboxProcess(seed: 2, extra: ["--rate-limit", "2/s", "--no-retry-after"])
        defer { limited.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "4"]) + "[watch]\ndrain_seconds = 1\n")
        defer { spool.remove() }
        try spool.generate("stop.csv", rows: 20, seed: 5)
        let process = try spool.startRun(endpoint: limited.endpoint, token: Self.token)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try limited.stats().byStatus["429"] ?? 0) == 0 { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let stats = try limited.stats()
        let only429 = Set(stats.statusesByLead.filter { $0.value.allSatisfy { $0 == 429 } }.keys)
        try #require(!only429.isEmpty, "no lead was answered 429 only: the test exercised nothing")
        let rows = try spool.resultLines()
        #expect(rows.count == 20)
        let stateOfRow = Dictionary(
            uniqueKeysWithValues: try spool.ledgerRows("SELECT row, state FROM leads").map { (Int($0[0]) ?? 0, $0[1]) })
        for row in rows where only429.contains(row.leadKey) {
            #expect(stateOfRow[row.row] == "pending", "row \(row.row)")
            #expect(row.reasonCode == "NOT_SUBMITTED")
            #expect(row.reason?.contains("429 only") == true, "\(row.reason ?? "")")
        }
        // Leads the API answered are recorded; none is left `sending` but a lead cut off in flight.
        let answered = Set(stats.statusesByLead.filter { $0.value.contains(200) }.keys)
        for row in rows where answered.contains(row.leadKey) { #expect(["accepted", "rejected"].contains(row.outcome)) }
    }

    @Test func answersBeforeA429PauseAreRecordedDuringItAndNeverResent() throws {
        // 2 requests a second, then a 429 without Retry-After: every sender waits the default 60 s.
        let limited = try SandboxProcess(seed: 2, extra: ["--rate-limit", "2/s", "--no-retry-after"])
        defer { limited.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "4"]))
        defer { spool.remove() }
        try spool.generate("pause.csv", rows: 20, seed: 5)

        let process = try spool.startRun(endpoint: limited.endpoint, token: Self.token)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // The pause has begun once a 429 came back; no answer arrives during it.
        func answered(_ stats: SandboxStats) -> Int { stats.statusesByLead.values.filter { $0.contains(200) }.count }
        func recorded() throws -> Int {
            guard FileManager.default.fileExists(atPath: spool.root + "/ledger.sqlite") else { return 0 }
            let rows = try spool.ledgerRows("SELECT count(*) FROM leads WHERE state IN ('accepted', 'rejected')")
            return Int(rows.first?.first ?? "") ?? 0
        }
        var stats = try limited.stats()
        var seen = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            stats = try limited.stats()
            if (stats.byStatus["429"] ?? 0) > 0 {
                seen = try recorded()
                if seen == answered(stats) { break }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try #require((stats.byStatus["429"] ?? 0) > 0, "no 429: the test exercised no pause")
        try #require(answered(stats) > 0, "no answer before the pause: the test exercised nothing")
        #expect(process.isRunning, "the run ended before the pause was over")
        #expect(seen == answered(stats), "answers the API gave are not in the ledger during the pause")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        // The next run (the API healthy again) sends only the leads that were never answered.
        let before = try limited.stats()
        let healthy = try SandboxProcess(seed: 2)
        defer { healthy.stop() }
        let run = try spool.run(endpoint: healthy.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let after = try healthy.stats()
        let answeredBefore = Set(before.statusesByLead.filter { $0.value.contains(200) }.keys)
        #expect(answeredBefore.isDisjoint(with: after.statusesByLead.keys))
        let rows = try spool.resultLines()
        #expect(rows.count == 20)
        #expect(rows.filter { $0.outcome == "accepted" }.count == before.accepted + after.accepted)
    }
}
