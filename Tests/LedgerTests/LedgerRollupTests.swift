import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing


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

    @Test func groupsByBatchWithItsNameAndFile() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let rows = try ledger.rollup(since: nil, until: nil, by: [.batch])
        #expect(rows.map(\.batch) == [1, 2].map { "20260101T000000Z-\(F.batchID($0).prefix(12))" })
        #expect(rows.map(\.fileName) == ["batch1.csv", "batch2.csv"])
        #expect(rows.map { $0.counts } == [[.accepted: 2, .rejected: 1], [.accepted: 1, .invalid: 1]])
        #expect(rows.allSatisfy { $0.day == nil && $0.vertical == nil && $0.publisher == nil })
        let byDayAndBatch = try ledger.rollup(since: nil, until: nil, by: [.batch, .day])
        #expect(byDayAndBatch.count == 2)
        #expect(byDayAndBatch.allSatisfy { $0.day != nil && $0.batch != nil })
    }

    /// Reasons count among rows that were not accepted, by each row's first code; accepted rows never count.
    @Test func countsReasonsOfRowsNotAccepted() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        let leads = (1...6).map { F.lead($0) }
        _ = try ledger.reserve(leads, batch: F.batchID(1), now: F.now)
        try ledger.markSending(batch: F.batchID(1), rows: Array(1...6), idempotencyKeys: (1...6).map { "k\($0)" },
            now: F.now)
        try ledger.record(
            [
                LeadOutcomeRecord(row: 1, state: .accepted, bidAmount: 10, answeredAt: F.now),
                LeadOutcomeRecord(row: 2, state: .rejected, reasonCode: .remoteRejected, answeredAt: F.now),
                LeadOutcomeRecord(row: 3, state: .rejected, reasonCode: .remoteRejected, answeredAt: F.now),
                LeadOutcomeRecord(row: 4, state: .failed, reasonCode: .serverErrorExhausted, answeredAt: F.now),
                LeadOutcomeRecord(row: 5, state: .invalid, reasonCode: .remoteMalformed, answeredAt: F.now),
                LeadOutcomeRecord(row: 6, state: .rejected, reasonCode: .remoteRejected, answeredAt: F.now),
            ],
            batch: F.batchID(1)
        )
        try ledger.recordLocal(
            [
                LocalOutcomeRecord(
                    row: 7, vertical: .insurance, state: .invalid,
                    problems: [Problem(.zipInvalid, field: "zip", value: "1", text: "zip"),
                        Problem(.emailInvalid, field: "email", value: "x", text: "email")]),
                LocalOutcomeRecord(
                    row: 8, vertical: .insurance, state: .invalid,
                    problems: [Problem(.zipInvalid, field: "zip", value: "2", text: "zip")]),
            ],
            batch: F.batchID(1), now: F.now
        )
        // A lead already in the ledger: `DUPLICATE_IN_LEDGER` from the reservation itself.
        try F.begin(ledger, 3)
        _ = try ledger.reserve([F.lead(1)], batch: F.batchID(3), now: F.now)

        let rows = try ledger.rollup(since: nil, until: nil, by: [])
        let all = try #require(rows.first)
        #expect(
            all.reasons == [
                "REMOTE_REJECTED": 3, "ZIP_INVALID": 2, "SERVER_ERROR_EXHAUSTED": 1, "REMOTE_MALFORMED": 1,
                "DUPLICATE_IN_LEDGER": 1,
            ])
        #expect(all.topReasons(3).map(\.code) == ["REMOTE_REJECTED", "ZIP_INVALID", "DUPLICATE_IN_LEDGER"])
        #expect(all.topReasons(3).map(\.count) == [3, 2, 1])
        let perBatch = try ledger.rollup(since: nil, until: nil, by: [.batch])
        #expect(perBatch.map(\.reasons) == [
            ["REMOTE_REJECTED": 3, "ZIP_INVALID": 2, "SERVER_ERROR_EXHAUSTED": 1, "REMOTE_MALFORMED": 1],
            ["DUPLICATE_IN_LEDGER": 1],
        ])
    }

    /// The roll-up reads only the covering index, in its order: no table lookup and no sort, whatever the
    /// period, so a report over millions of rows stays a single index scan.
    @Test(arguments: [(Int64(0), Int64.max), (1_780_000_000, 1_780_086_400)])
    func readsOnlyTheCoveringIndexWithoutSorting(low: Int64, high: Int64) throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let details = try ledger.rollupPlan(low: low, high: high)
        #expect(details.contains { $0.contains("USING COVERING INDEX leads_rollup") }, "\(details)")
        #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(details)")
    }

    @Test func migrationReplacesTheAnswerTimeIndex() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let indexes = try ledger.indexNames(table: "leads")
        #expect(indexes.contains("leads_rollup"))
        #expect(!indexes.contains("leads_by_answered_at"))
    }
}
