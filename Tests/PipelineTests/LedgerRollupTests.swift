import Foundation
import Testing

@testable import Pipeline

@Suite struct LedgerRollupTests {
    typealias F = LedgerFixture

    /// Batch 1 (publisher acme): rows 1-3 accepted on day 0 (insurance, bids 10, 20) and row 3 rejected;
    /// batch 2 (publisher default): row 1 accepted on day 1 (solar, bid 5), row 2 invalid locally on day 1.
    func ledger(_ dir: LedgerDirectory) throws -> Ledger {
        let ledger = try dir.open()
        let day1 = F.now.days(1)
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        _ = try ledger.reserve([F.lead(1), F.lead(2), F.lead(3)], batch: F.batchID(1), now: F.now)
        try ledger.markSending(batch: F.batchID(1), rows: [1, 2, 3], idempotencyKeys: ["a", "b", "c"], now: F.now)
        try ledger.record(
            [
                LeadOutcomeRecord(row: 1, state: .accepted, bidAmount: 10, answeredAt: F.now, latencyMs: 100),
                LeadOutcomeRecord(row: 2, state: .accepted, bidAmount: 20, answeredAt: F.now, latencyMs: 300),
                LeadOutcomeRecord(row: 3, state: .rejected, answeredAt: F.now),
            ],
            batch: F.batchID(1)
        )
        _ = try ledger.reserve([F.lead(4, .solar)], batch: F.batchID(2), now: day1)
        try ledger.markSending(batch: F.batchID(2), rows: [4], idempotencyKeys: ["d"], now: day1)
        try ledger.record(
            [LeadOutcomeRecord(row: 4, state: .accepted, bidAmount: 5, answeredAt: day1)], batch: F.batchID(2)
        )
        try ledger.recordLocal(
            [LocalOutcomeRecord(row: 5, vertical: nil, state: .invalid, problems: [])], batch: F.batchID(2), now: day1
        )
        return ledger
    }

    @Test func groupsByDayVerticalAndPublisher() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let day0 = String(ISO8601DateFormatter().string(from: F.now).prefix(10))
        let day1 = String(ISO8601DateFormatter().string(from: F.now.days(1)).prefix(10))
        #expect(
            try ledger.rollup(since: nil, until: nil, by: [.day]) == [
                RollupRow(day: day0, counts: [.accepted: 2, .rejected: 1], revenue: 30, meanLatencyMs: 200),
                RollupRow(day: day1, counts: [.accepted: 1, .invalid: 1], revenue: 5),
            ]
        )
        #expect(
            try ledger.rollup(since: nil, until: nil, by: [.publisher, .vertical]) == [
                RollupRow(vertical: "", publisher: "default", counts: [.invalid: 1]),
                RollupRow(vertical: "solar", publisher: "default", counts: [.accepted: 1], revenue: 5),
                RollupRow(vertical: "insurance", publisher: "acme", counts: [.accepted: 2, .rejected: 1], revenue: 30,
                    meanLatencyMs: 200),
            ].sorted { ($0.vertical!, $0.publisher!) < ($1.vertical!, $1.publisher!) }
        )
    }

    @Test func limitsThePeriod() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let rows = try ledger.rollup(since: F.now.days(0.5), until: F.now.days(2), by: [])
        #expect(rows == [RollupRow(counts: [.accepted: 1, .invalid: 1], revenue: 5)])
        #expect(try ledger.rollup(since: F.now.days(3), until: nil, by: [.day]) == [])
    }
}
