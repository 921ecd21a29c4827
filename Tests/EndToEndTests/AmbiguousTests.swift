import Foundation
import Testing

/// A connection the sandbox closes after reading the request (`--drop-rate`): the request may have
/// been processed, so the answer is ambiguous. `ambiguous = "retry"` sends it again with the same
/// `Idempotency-Key`; `ambiguous = "hold"` stops and reports `unknown` / AMBIGUOUS_HELD.
@Suite struct AmbiguousTests {
    static let token = "dl_test_ambiguous"

    @Test func retrySendsADroppedLeadAgainWithTheSameKey() throws {
        let api = try SandboxProcess(seed: 12, extra: ["--drop-rate", "0.3"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig(["ambiguous": "\"retry\""]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("drops.csv", rows: 120, seed: 21)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let record = try api.record()
        let rows = try spool.resultLines()
        #expect(rows.count == 120)
        var redriven = 0
        var keys: Set<String> = []
        for row in rows {
            let attempts = try #require(record.byLead[row.leadKey], "row \(row.row) never sent")
            let key = try #require(attempts.first?.idempotencyKey, "row \(row.row) sent without Idempotency-Key")
            #expect(key.hasSuffix("-\(row.row)"))
            #expect(attempts.allSatisfy { $0.idempotencyKey == key }, "row \(row.row): the key changed")
            keys.insert(key)
            #expect(row.attempts == attempts.count)
            #expect(attempts.dropLast().allSatisfy { $0.status == nil }, "row \(row.row): only drops were retried")
            if attempts.count > 1 { redriven += 1 }
            if attempts.last?.status == nil {
                #expect(attempts.count == 5)
                #expect(row.outcome == "failed" && row.reasonCode == "NETWORK_ERROR_EXHAUSTED")
            } else {
                #expect(["accepted", "rejected"].contains(row.outcome), "row \(row.row): \(row.outcome)")
            }
        }
        #expect(keys.count == 120, "every lead has its own key")
        #expect(redriven > 0, "no connection was dropped: the test exercised nothing")
    }

    @Test func holdReportsADroppedLeadUnknownAndNeverResendsIt() throws {
        let api = try SandboxProcess(seed: 12, extra: ["--drop-rate", "0.3"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig(["ambiguous": "\"hold\""]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("drops.csv", rows: 120, seed: 21)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let record = try api.record()
        let rows = try spool.resultLines()
        #expect(rows.count == 120)
        var held: Set<Int> = []
        for row in rows {
            let attempts = try #require(record.byLead[row.leadKey], "row \(row.row) never sent")
            #expect(attempts.count == 1, "row \(row.row) sent \(attempts.count) times")
            if attempts[0].status == nil {
                held.insert(row.row)
                #expect(row.outcome == "unknown" && row.reasonCode == "AMBIGUOUS_HELD", "row \(row.row)")
                #expect(row.httpStatus == nil)
            } else {
                #expect(["accepted", "rejected"].contains(row.outcome), "row \(row.row): \(row.outcome)")
            }
        }
        #expect(!held.isEmpty, "no connection was dropped: the test exercised nothing")
        let ledger = try spool.ledgerRows("SELECT row, state, reason_code FROM leads WHERE state = 'unknown'")
        #expect(Set(ledger.compactMap { Int($0[0]) }) == held)
        #expect(ledger.allSatisfy { $0[2] == "AMBIGUOUS_HELD" })
        let summary = try spool.summary()
        let outcomes = try #require(summary["outcomes"] as? [String: Any])
        #expect(outcomes["unknown"] as? Int == held.count, "\(summary)")

        // The next run sends nothing more: held leads wait for a person.
        try spool.generate("drops-again.csv", rows: 120, seed: 21)
        let again = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(again.status == 0, "\(again.output)")
        #expect(try api.record().allAttempts.count == record.allAttempts.count)
    }

    /// A request that times out after it was sent (`timeout_seconds` below the sandbox's latency) is
    /// ambiguous too: `hold` reports it `unknown` / AMBIGUOUS_HELD after one attempt; `retry` sends it
    /// on the 5xx schedule with the same key and gives up with NETWORK_ERROR_EXHAUSTED.
    @Test(arguments: ["hold", "retry"])
    func aTimeoutAfterSendingIsAmbiguous(ambiguous: String) throws {
        let api = try SandboxProcess(seed: 12, extra: ["--latency-ms", "1500..1500"])
        defer { api.stop() }
        let spool = try TempSpool(
            config: submitConfig(["ambiguous": "\"\(ambiguous)\"", "timeout_seconds": "0.2"]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("slow.csv", rows: 4, seed: 2)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == (ambiguous == "hold" ? 0 : 69), "\(run.output)")
        let rows = try spool.resultLines()
        #expect(rows.count == 4)
        let sends = ambiguous == "hold" ? 1 : 5
        for row in rows {
            #expect(row.attempts == sends, "row \(row.row)")
            if ambiguous == "hold" {
                #expect(row.outcome == "unknown" && row.reasonCode == "AMBIGUOUS_HELD", "row \(row.row)")
            } else {
                #expect(row.outcome == "failed" && row.reasonCode == "NETWORK_ERROR_EXHAUSTED", "row \(row.row)")
            }
        }
        // The sandbox records an attempt when it answers, after its latency; the client has exited,
        // so no more can come: wait for those on their way.
        var record = try api.record()
        for _ in 0..<40 where record.allAttempts.count < rows.count * sends {
            Thread.sleep(forTimeInterval: 0.25)
            record = try api.record()
        }
        #expect(record.byLead.count == 4)
        for (key, attempts) in record.byLead {
            #expect(attempts.count == sends, "\(key): \(attempts.count) arrivals")
            #expect(Set(attempts.map(\.idempotencyKey)).count == 1)
        }
    }
}
