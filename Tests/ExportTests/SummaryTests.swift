import Export
import Foundation
import Ingest
import LeadModel
import Testing

@Suite("summary.json")
struct SummaryTests {
    private func summaryObject(_ rows: [(LeadResult, RawRecord?)], mode: ReportMode = .run) throws -> [String: Any] {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(rows, in: directory, mode: mode)
            let data = try Data(contentsOf: URL(fileURLWithPath: paths.summaryJSON))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    private func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    @Test("counts, money, acceptance and latency of the sample batch")
    func sampleFigures() throws {
        let json = try summaryObject(sampleRows())
        #expect(json["batch"] as? String == testBatch)
        #expect(json["file_name"] as? String == "leads.csv")
        #expect(json["mode"] as? String == "run")
        #expect(json["claimed_at"] as? String == "2026-04-27T09:14:22Z")
        #expect(json["finished_at"] as? String == "2026-04-27T09:14:32Z")
        #expect(number(json["duration_seconds"]) == 10)
        #expect(json["rows"] as? Int == 9)
        #expect(number(json["rows_per_second"]) == 0.9)
        let outcomes = try #require(json["outcomes"] as? [String: Int])
        #expect(
            outcomes == [
                "valid": 0, "accepted": 2, "rejected": 1, "invalid": 3, "duplicate": 1, "failed": 1, "unknown": 1,
                "pending": 0,
            ])
        // Submitted: accepted 2 + rejected 1. Sent: those, the remote 422, the failure after 5 attempts and
        // the unknown after sending.
        #expect(json["submitted"] as? Int == 3)
        #expect(json["sent"] as? Int == 6)
        #expect(number(json["acceptance_rate"]) == 0.6667)
        #expect(json["remote_invalid"] as? Int == 1)
        #expect(json["rejects"] as? Int == 3)
        #expect(number(json["revenue"]) == 43.5)
        #expect(number(json["average_bid"]) == 21.75)
        let latency = try #require(json["latency_ms"] as? [String: Int])
        // Latencies 80, 95, 120, 300, 15000: nearest rank 3 and 5 of 5.
        #expect(latency == ["count": 5, "p50": 120, "p95": 15000, "max": 15000])
        #expect(json["attempts"] as? Int == 11)
        #expect(json["retries"] as? Int == 4)
        #expect(json["rate_limit_waits"] as? Int == 1)
        #expect(json["rows_needing_attention"] as? Int == 5)
        let stages = try #require(json["stage_seconds"] as? [String: Double])
        #expect(stages == ["ingest": 1.25, "submit": 8.5])

        let codes = try #require(json["reason_codes"] as? [String: Int])
        #expect(codes.count == ReasonCode.allCases.count)
        #expect(
            codes.filter { $0.value > 0 } == [
                "VERTICAL_UNKNOWN": 1, "PHONE_INVALID": 1, "REMOTE_REJECTED": 1, "DUPLICATE_IN_BATCH": 1,
                "SERVER_ERROR_EXHAUSTED": 1, "REMOTE_TCPA_INVALID": 1, "AMBIGUOUS_HELD": 1, "RECORD_UNREADABLE": 1,
            ])
        let firstCodes = try #require(json["first_reason_codes"] as? [String: Int])
        #expect(firstCodes["PHONE_INVALID"] == 0)
        #expect(firstCodes["VERTICAL_UNKNOWN"] == 1)

        let verticals = try #require(json["per_vertical"] as? [[String: Any]])
        #expect(verticals.map { $0["vertical"] as? String } == ["debt", "insurance", "mortgage", "solar", nil])
        let insurance = verticals[1]
        #expect(insurance["rows"] as? Int == 3)
        #expect(number(insurance["revenue"]) == 18.5)
        #expect((insurance["outcomes"] as? [String: Int])?["unknown"] == 1)
        #expect(number(verticals[2]["revenue"]) == 25)
        #expect(verticals[4]["rows"] as? Int == 2)
        #expect(verticals[0]["average_bid"] is NSNull)

        let publishers = try #require(json["per_publisher"] as? [[String: Any]])
        #expect(publishers.count == 1)
        #expect(publishers[0]["publisher"] as? String == "acme")
        #expect(publishers[0]["rows"] as? Int == 9)
        #expect(number(publishers[0]["revenue"]) == 43.5)
    }

    @Test("a check run submits nothing: acceptance, average bid and latencies are null, keys stay")
    func checkRun() throws {
        let rows: [(LeadResult, RawRecord?)] = (1...3).map {
            (LeadResult(row: $0, vertical: "solar", outcome: .valid), sampleRaw($0, ["r\($0)"]))
        }
        let json = try summaryObject(rows, mode: .check)
        #expect(json["mode"] as? String == "check")
        #expect((json["outcomes"] as? [String: Int])?["valid"] == 3)
        #expect(json["submitted"] as? Int == 0)
        #expect(json["acceptance_rate"] is NSNull)
        #expect(json["average_bid"] is NSNull)
        #expect(number(json["revenue"]) == 0)
        let latency = try #require(json["latency_ms"] as? [String: Any])
        #expect(latency["count"] as? Int == 0)
        #expect(latency["p50"] is NSNull)
        #expect(latency["p95"] is NSNull)
        #expect(latency["max"] is NSNull)
    }

    @Test("percentiles use the nearest rank, to the millisecond")
    func percentiles() throws {
        // 1…100 ms shuffled, plus one very slow request.
        var latencies = Array(1...100).shuffled()
        latencies.append(3_700_000)
        let rows: [(LeadResult, RawRecord?)] = latencies.enumerated().map { index, latency in
            (
                LeadResult(row: index + 1, outcome: .accepted, attempts: 1, bidAmount: 1, latencyMs: latency),
                nil
            )
        }
        let (_, summary) = try withTemporaryDirectory { try writeBatch(rows, in: $0) }
        // 101 values: p50 is the 51st (51 ms), p95 the 96th (96 ms).
        #expect(summary.latencyP50 == 51)
        #expect(summary.latencyP95 == 96)
        #expect(summary.latencyMax == 3_700_000)
        #expect(summary.revenueCents == 101 * 100)
    }

    @Test("latencies past a minute are bucketed by the second")
    func coarseLatencies() throws {
        let rows: [(LeadResult, RawRecord?)] = [61_234, 61_900, 120_500].enumerated().map { index, latency in
            (LeadResult(row: index + 1, outcome: .failed, attempts: 5, latencyMs: latency), nil)
        }
        let (_, summary) = try withTemporaryDirectory { try writeBatch(rows, in: $0) }
        #expect(summary.latencyP50 == 61_000)
        #expect(summary.latencyP95 == 120_000)
        #expect(summary.latencyMax == 120_500)
        // Sent, but none judged by the API: no acceptance rate.
        #expect(summary.sent == 3)
        #expect(summary.submitted == 0)
        #expect(summary.acceptanceRate == nil)
    }

    @Test("submitted is accepted + rejected (as `leadspool report` counts), sent every row a request went out for")
    func submittedAndSent() throws {
        let rows: [(LeadResult, RawRecord?)] = [
            (LeadResult(row: 1, outcome: .accepted, httpStatus: 200, attempts: 1), nil),
            (LeadResult(row: 2, outcome: .accepted, httpStatus: 200, attempts: 2), nil),
            (LeadResult(row: 3, outcome: .rejected, httpStatus: 200, attempts: 1), nil),
            (LeadResult(row: 4, outcome: .invalid, httpStatus: 422, attempts: 1), nil),
            (LeadResult(row: 5, outcome: .failed, httpStatus: 503, attempts: 5), nil),
            (LeadResult(row: 6, outcome: .invalid), nil),
            (LeadResult(row: 7, outcome: .duplicate), nil),
        ]
        let (paths, summary) = try withTemporaryDirectory { directory in
            let (paths, summary) = try writeBatch(rows, in: directory)
            return (try readText(paths.summaryJSON), summary)
        }
        #expect(summary.submitted == 3)
        #expect(summary.sent == 5)
        #expect(summary.acceptanceRate == 2.0 / 3.0)
        #expect(paths.contains("\"submitted\": 3"))
        #expect(paths.contains("\"sent\": 5"))
        #expect(paths.contains("\"acceptance_rate\": 0.6667"))
    }

    @Test("revenue adds bids in whole cents, only of accepted rows")
    func revenue() throws {
        let rows: [(LeadResult, RawRecord?)] = [
            (LeadResult(row: 1, outcome: .accepted, attempts: 1, bidAmount: 0.1), nil),
            (LeadResult(row: 2, outcome: .accepted, attempts: 1, bidAmount: 0.2), nil),
            (LeadResult(row: 3, outcome: .rejected, attempts: 1, bidAmount: 50), nil),
            (LeadResult(row: 4, outcome: .accepted, attempts: 1), nil),
        ]
        let (_, summary) = try withTemporaryDirectory { try writeBatch(rows, in: $0) }
        #expect(summary.revenueCents == 30)
        #expect(summary.bids == 2)
        #expect(summary.averageBidCents == 15)
        #expect(summary.acceptanceRate == 0.75)
    }
}
