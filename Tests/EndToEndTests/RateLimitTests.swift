import Foundation
import Testing

/// 429 end to end: one answer pauses every sender for its `Retry-After`, and a lead rate-limited
/// more than `max_rate_limit_waits` times is given up.
@Suite struct RateLimitTests {
    static let token = "dl_test_limits"

    /// The sandbox allows 4 requests a second and answers 429 with `Retry-After: 1` beyond; the client
    /// starts with 4 senders (`max_in_flight` 16). After a 429 arriving at `t`, no request of any lead
    /// may arrive before `t + 1`, except the ones already on their way when the 429 was answered (0.4 s
    /// allowed for those); then every lead is sent again and answered.
    ///
    /// With `--retry-after-date` the same holds for `Retry-After` as an HTTP-date (measured from the
    /// answer's `Date` header, so the pause is at least 1 s after the answer).
    @Test(arguments: [false, true])
    func a429PausesEverySender(retryAfterAsDate: Bool) throws {
        let api = try SandboxProcess(
            seed: 2,
            extra: ["--rate-limit", "4/s", "--latency-ms", "10..30"] + (retryAfterAsDate ? ["--retry-after-date"] : []))
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig(["max_in_flight": "16", "max_rate_limit_waits": "100"]))
        defer { spool.remove() }
        try spool.generate("burst.csv", rows: 16, seed: 9)

        let (record, limited) = try Self.runExpectingPauses(spool, api, pause: 1.0)

        let rows = try spool.resultLines()
        #expect(rows.count == 16)
        for row in rows {
            let attempts = try #require(record.byLead[row.leadKey], "row \(row.row) never sent")
            #expect(["accepted", "rejected"].contains(row.outcome), "row \(row.row): \(row.outcome)")
            #expect(attempts.last?.status == 200)
            #expect(row.attempts == attempts.count)
        }
        let summary = try spool.summary()
        #expect(summary["rate_limit_waits"] as? Int == limited.count, "\(summary)")
    }

    /// A 429 without `Retry-After` pauses every sender for the default 60 s (scaled here by
    /// a time scale of 0.03 to 1.8 s): nothing but requests already on their way (0.4 s allowed)
    /// arrives before the pause is over, where a client that took a missing header as "now" or as
    /// one second would have sent again.
    @Test func a429WithoutRetryAfterWaitsTheDefaultMinute() throws {
        let api = try SandboxProcess(seed: 2, extra: ["--rate-limit", "2/s", "--no-retry-after"])
        defer { api.stop() }
        let spool = try TempSpool(
            config: submitConfig(["max_in_flight": "8", "max_rate_limit_waits": "100"]), timeScale: 0.03)
        defer { spool.remove() }
        try spool.generate("default-pause.csv", rows: 6, seed: 5)

        _ = try Self.runExpectingPauses(spool, api, pause: 1.8)
        let rows = try spool.resultLines()
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { ["accepted", "rejected"].contains($0.outcome) }, "\(rows.map(\.outcome))")
    }

    /// Runs the spool against `api` and checks that after every 429 nothing arrived for `pause` seconds but
    /// requests already on their way (0.4 s allowed), and that sending resumed after the last pause.
    /// Answers the sandbox's record and the times of the 429s.
    static func runExpectingPauses(
        _ spool: TempSpool, _ api: SandboxProcess, pause: Double, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (SandboxRecord, [Double]) {
        let run = try spool.run(endpoint: api.endpoint, token: token)
        #expect(run.status == 0, "\(run.output)", sourceLocation: sourceLocation)
        let record = try api.record()
        let arrivals = record.allAttempts.map(\.time).sorted()
        let limited = record.allAttempts.filter { $0.status == 429 }.map(\.time)
        try #require(
            !limited.isEmpty, "the sandbox never answered 429: the test exercised no pause", sourceLocation: sourceLocation)
        for start in limited {
            let during = arrivals.filter { $0 > start + 0.4 && $0 < start + pause }
            #expect(
                during.isEmpty, "429 at \(start): \(during.count) arrived during the pause: \(during.prefix(5))",
                sourceLocation: sourceLocation)
        }
        #expect(
            arrivals.contains { $0 >= limited.max()! + pause }, "sending resumed after the last pause",
            sourceLocation: sourceLocation)
        return (record, limited)
    }

    /// `max_rate_limit_waits = 1`: a second 429 for the same lead gives it up as RATE_LIMIT_EXHAUSTED;
    /// no lead is sent after that.
    @Test func tooMany429sGiveTheLeadUp() throws {
        let api = try SandboxProcess(seed: 2, extra: ["--rate-limit", "1/s"])
        defer { api.stop() }
        let spool = try TempSpool(
            config: submitConfig(["max_in_flight": "8", "max_rate_limit_waits": "1"]), timeScale: 0.1)
        defer { spool.remove() }
        try spool.generate("limited.csv", rows: 10, seed: 4)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let record = try api.record()
        var exhausted = 0
        for row in try spool.resultLines() {
            let attempts = try #require(record.byLead[row.leadKey], "row \(row.row) never sent")
            let limited = attempts.filter { $0.status == 429 }.count
            #expect(limited <= 2, "row \(row.row): \(limited) 429s with max_rate_limit_waits = 1")
            #expect(row.attempts == attempts.count)
            if attempts.last?.status == 429 {
                exhausted += 1
                #expect(limited == 2)
                #expect(row.outcome == "failed" && row.reasonCode == "RATE_LIMIT_EXHAUSTED" && row.httpStatus == 429)
            } else {
                #expect(["accepted", "rejected"].contains(row.outcome))
            }
        }
        #expect(exhausted > 0, "no lead ran out of rate-limit waits")
    }
}
