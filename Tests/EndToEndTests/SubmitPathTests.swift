import Foundation
import Testing

/// Every answer of the API, end to end: the built binary against the sandbox, which answers a share
/// of valid leads with a forced status (`--force-status`) on every attempt. Each row's outcome, reason,
/// HTTP status and attempt count must follow from what the sandbox recorded for its lead.
@Suite struct SubmitPathTests {
    static let token = "dl_test_paths"

    @Test func everyStatusEndsInItsDocumentedOutcome() throws {
        let api = try SandboxProcess(
            seed: 8,
            extra: [
                "--force-status", "400@0.08", "--force-status", "422@0.08", "--force-status", "403@0.05",
                "--force-status", "409@0.04", "--force-status", "503@0.06", "--force-status", "nonjson@0.05",
            ])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig([:]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("paths.csv", rows: 400, seed: 17)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let record = try api.record()
        let rows = try spool.resultLines()
        #expect(rows.count == 400)

        var seen: [String: Int] = [:]
        for row in rows {
            guard let attempts = record.byLead[row.leadKey] else {
                // Never sent: only local verdicts.
                #expect(["invalid", "duplicate"].contains(row.outcome), "row \(row.row) \(row.outcome) never sent")
                #expect(row.httpStatus == nil)
                continue
            }
            let statuses = attempts.map { $0.status ?? -1 }
            #expect(row.attempts == attempts.count, "row \(row.row): attempts \(row.attempts) vs \(statuses)")
            let path = Self.path(attempts)
            seen[path, default: 0] += 1
            let expected: (String, String?, Int?, Int)
            switch path {
            case "accepted": expected = ("accepted", nil, 200, 1)
            case "rejected": expected = ("rejected", "REMOTE_REJECTED", 200, 1)
            case "nonjson": expected = ("failed", "BAD_RESPONSE", 200, 1)
            case "400": expected = ("invalid", "REMOTE_MALFORMED", 400, 1)
            case "422": expected = ("invalid", "REMOTE_TCPA_INVALID", 422, 1)
            case "403", "409": expected = ("failed", "REMOTE_CLIENT_ERROR", Int(path), 1)
            case "503": expected = ("failed", "SERVER_ERROR_EXHAUSTED", 503, 5)
            default: expected = ("?", nil, nil, 0)
            }
            #expect(
                row.outcome == expected.0 && row.reasonCode == expected.1 && row.httpStatus == expected.2
                    && attempts.count == expected.3,
                "row \(row.row): \(row.outcome)/\(row.reasonCode ?? "-")/\(row.httpStatus ?? 0) after \(statuses)")
            if path == "accepted" { #expect(row.leadID?.hasPrefix("ld_") == true) }
            if path == "rejected", let reason = attempts.last?.decision {
                #expect(row.reason?.contains(reason) == true, "row \(row.row): '\(row.reason ?? "")' names \(reason)")
            }
        }
        let summary = try spool.summary()
        #expect(summary["attempts"] as? Int == record.allAttempts.count, "\(summary)")
        #expect(summary["retries"] as? Int == record.byLead.values.reduce(0) { $0 + $1.count - 1 }, "\(summary)")
        for path in ["accepted", "rejected", "nonjson", "400", "422", "403", "409", "503"] {
            #expect(seen[path, default: 0] > 0, "no lead took the \(path) path: \(seen)")
        }

        // Remote 400/422 go to the rejects file with the local invalid rows, nothing else.
        let rejects = try spool.list("reports").filter { $0.hasSuffix(".rejects.csv") }
        try #require(rejects.count == 1)
        let table = parseCSV(try String(contentsOfFile: spool.root + "/reports/" + rejects[0], encoding: .utf8))
        let reasonColumn = try #require(table.first?.firstIndex(of: "leadspool_reason"))
        let remoteRejects = table.dropFirst().filter {
            $0[reasonColumn].contains("API answered 400") || $0[reasonColumn].contains("API answered 422")
        }
        #expect(table.count - 1 == rows.filter { $0.outcome == "invalid" }.count)
        #expect(remoteRejects.count == seen["400", default: 0] + seen["422", default: 0])
    }

    /// A 401 in the middle of a batch (`--fail-auth-after`) with `ambiguous = "retry"`: exit 77, the file
    /// stays in `work/`, and the next run sends exactly the leads the ledger did not settle (`pending`,
    /// or `sending` when cut off in flight), each once, and nothing the API had answered. (`RunTests` covers a 401 from the start, and the `hold` setting after a stop.)
    @Test func a401MidBatchStopsTheRunAndTheNextRunSendsOnlyWhatWasNotSettled() throws {
        let spool = try TempSpool(config: submitConfig(["ambiguous": "\"retry\""]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("revoked.csv", rows: 150, seed: 23)
        let first = try SandboxProcess(token: Self.token, extra: ["--latency-ms", "20..80", "--fail-auth-after", "40"])
        defer { first.stop() }
        let stopped = try spool.run(endpoint: first.endpoint, token: Self.token)
        #expect(stopped.status == 77, "\(stopped.output)")
        #expect(try spool.list("work") == ["revoked.csv"])
        let recordFirst = try first.record()
        #expect(recordFirst.allAttempts.contains { $0.status == 401 })
        #expect(recordFirst.allAttempts.contains { $0.status == 200 }, "leads were answered before the 401")
        let unsettledRows = try spool.ledgerRows("SELECT row FROM leads WHERE state IN ('pending', 'sending')")
        let unsettled = Set(unsettledRows.compactMap { Int($0[0]) })
        #expect(!unsettled.isEmpty)
        // The first run's reports: a lead left `pending` (never taken by the API, the one refused with 401
        // included) is `pending`, for the next run to send; only a lead cut off in flight is `unknown`.
        let pendingRows = Set(
            try spool.ledgerRows("SELECT row FROM leads WHERE state = 'pending'").compactMap { Int($0[0]) })
        #expect(!pendingRows.isEmpty)
        let reported = try spool.resultLines()
        #expect(Set(reported.filter { $0.outcome == "pending" }.map(\.row)) == pendingRows)
        #expect(reported.filter { $0.outcome == "unknown" }.allSatisfy { unsettled.contains($0.row) })
        #expect(!reported.contains { $0.outcome == "failed" && $0.reasonCode == "AUTH_FAILED" })
        #expect(stopped.output.contains("\(pendingRows.count) not sent: the next run sends them"), "\(stopped.output)")

        let second = try SandboxProcess(token: Self.token)
        defer { second.stop() }
        let finished = try spool.run(endpoint: second.endpoint, token: Self.token)
        #expect(finished.status == 0, "\(finished.output)")
        let rows = try spool.resultLines()
        #expect(rows.count == 150)
        #expect(rows.allSatisfy { ["accepted", "rejected", "invalid", "duplicate"].contains($0.outcome) })
        let recordSecond = try second.record()
        let keyOfRow = Dictionary(uniqueKeysWithValues: rows.map { ($0.row, $0.leadKey) })
        #expect(Set(recordSecond.byLead.keys) == Set(unsettled.compactMap { keyOfRow[$0] }))
        #expect(recordSecond.byLead.values.allSatisfy { $0.count == 1 }, "each unsettled lead sent once")
        // Requests on the wire when the 401 came ran to their answer, which was recorded: no lead the API
        // answered is sent again.
        let answeredFirst = Set(recordFirst.byLead.filter { $0.value.contains { $0.status == 200 } }.keys)
        #expect(answeredFirst.intersection(recordSecond.byLead.keys).count == 0, "answered in the first run, sent again")
        // The summary counts every request of both runs, the 401s and those of leads sent again included.
        let summary = try spool.summary()
        #expect(summary["attempts"] as? Int == recordFirst.allAttempts.count + recordSecond.allAttempts.count)
    }

    /// The path a lead took, named by its last answer (every attempt of a forced lead gets the same).
    private static func path(_ attempts: [SandboxAttempt]) -> String {
        guard let last = attempts.last, let status = last.status else { return "dropped" }
        if status == 200 {
            switch last.decision {
            case "accepted": return "accepted"
            case nil: return "nonjson"
            default: return "rejected"
            }
        }
        return String(status)
    }
}
