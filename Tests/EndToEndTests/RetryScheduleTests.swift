import Foundation
import Testing

/// The documented 5xx schedule (retry after 1, 2, 4, 8 s, then give up) as the sandbox sees it, on the debug
/// binary's scaled clock (`LEADSPOOL_DEBUG_TIME_SCALE`, see `TempSpool.timeScale`); SubmissionTests check it
/// on a manual clock.
@Suite struct RetryScheduleTests {
    static let token = "dl_test_schedule"

    /// Scale 0.5: the waits are 0.5, 1, 2 and 4 s. Each gap between arrivals must be at least its
    /// wait (a sleep never ends early) and less than the next step of the schedule, so any other
    /// schedule (another base, another factor, a missing or extra step) fails.
    @Test func serverErrorsAreRetriedOnTheScaledSchedule() throws {
        let api = try SandboxProcess(seed: 4, extra: ["--force-status", "500@1"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig([:]), timeScale: 0.5)
        defer { spool.remove() }
        try spool.generate("down.csv", rows: 6, seed: 3, vertical: "solar")

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 69, "\(run.output)")
        let rows = try spool.resultLines()
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0.outcome == "failed" && $0.reasonCode == "SERVER_ERROR_EXHAUSTED" })
        #expect(rows.allSatisfy { $0.attempts == 5 && $0.httpStatus == 500 })

        let record = try api.record()
        #expect(record.byLead.count == 6)
        let waits = [0.5, 1.0, 2.0, 4.0]
        for (key, attempts) in record.byLead {
            #expect(attempts.count == 5, "\(key): \(attempts.count) attempts")
            let times = attempts.map(\.time)
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            for (index, gap) in gaps.enumerated() {
                // Arrival times have millisecond precision.
                #expect(gap >= waits[index] - 0.001 && gap < waits[index] * 2, "\(key): gaps \(gaps)")
            }
            #expect(Set(attempts.map(\.idempotencyKey)).count == 1, "\(key): one Idempotency-Key on every attempt")
        }
    }

    /// A lead that gets a 5xx and then an answer is retried once and settled by that answer.
    @Test func aServerErrorThenAnAnswerSettlesTheLead() throws {
        let api = try SandboxProcess(seed: 6, extra: ["--error-rate", "0.3"])
        defer { api.stop() }
        let spool = try TempSpool(config: submitConfig([:]), timeScale: 0.01)
        defer { spool.remove() }
        try spool.generate("flaky.csv", rows: 80, seed: 5)

        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let record = try api.record()
        var recovered = 0
        for row in try spool.resultLines() {
            let attempts = try #require(record.byLead[row.leadKey], "row \(row.row) never sent")
            #expect(row.attempts == attempts.count)
            #expect(attempts.dropLast().allSatisfy { ($0.status ?? 0) >= 500 }, "only 5xx are retried")
            if attempts.count > 1, attempts.last?.status == 200 {
                recovered += 1
                #expect(["accepted", "rejected"].contains(row.outcome))
            }
        }
        #expect(recovered > 0, "no lead was retried after a 5xx")
    }
}
