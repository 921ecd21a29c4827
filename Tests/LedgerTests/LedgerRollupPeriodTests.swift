import Foundation
import Ingest
import Testing

@testable import LeadLedger
@testable import LeadModel

/// `leadspool report`'s periods: days, ISO weeks and months in the reporting zone, the named starts of
/// `--since`/`--until`, and the API's reasons as a breakdown and a dimension.
@Suite struct LedgerRollupPeriodTests {
    typealias F = LedgerFixture
    static let newYork = ReportCalendar(zone: TimeZone(identifier: "America/New_York")!)
    static let tokyo = ReportCalendar(zone: TimeZone(identifier: "Asia/Tokyo")!)
    /// 2026-11-21T02:00:00Z (20 Nov 21:00 in New York, 21 Nov 11:00 in Tokyo).
    static let early = Date(timeIntervalSince1970: 1_795_226_400)
    /// 2026-11-21T15:00:00Z (21 Nov 10:00 in New York, 22 Nov 00:00 in Tokyo).
    static let late = Date(timeIntervalSince1970: 1_795_273_200)

    static func day(_ y: Int64, _ m: Int64, _ d: Int64) -> Int64 { CivilTime.days(year: y, month: m, day: d) }

    @Test func isoWeeksAndMonthsAreNamedAsISO8601Does() {
        #expect(ReportCalendar.weekName(Self.day(2026, 1, 1)) == "2026-W01")
        #expect(ReportCalendar.weekName(Self.day(2027, 1, 1)) == "2026-W53")
        #expect(ReportCalendar.weekName(Self.day(2024, 12, 30)) == "2025-W01")
        #expect(ReportCalendar.weekName(Self.day(2026, 11, 22)) == "2026-W47")
        #expect(ReportCalendar.weekName(Self.day(2026, 11, 23)) == "2026-W48")
        #expect(ReportCalendar.weekStart(Self.day(2026, 11, 22)) == Self.day(2026, 11, 16))
        #expect(ReportCalendar.monthName(Self.day(2026, 11, 30)) == "2026-11")
        #expect(ReportCalendar.dayName(Self.day(2026, 2, 3)) == "2026-02-03")
    }

    /// 2026-12-08T02:00:00Z is Monday 7 December, 21:00, in New York; 1 November 2026 is the day its clocks
    /// go back, so last month started at 04:00Z (EDT) and this month at 05:00Z (EST).
    @Test(arguments: [
        ("today", Int64(1_796_619_600)), ("yesterday", 1_796_533_200), ("this-week", 1_796_619_600),
        ("last-week", 1_796_014_800), ("this-month", 1_796_101_200), ("last-month", 1_793_505_600),
        ("2026-11-21", 1_795_237_200), ("2d", 1_796_522_400),
    ])
    func namedStartsAreLocalMidnights(name: String, expected: Int64) {
        #expect(Self.newYork.instant(named: name, now: 1_796_695_200) == expected)
    }

    @Test(arguments: ["tomorrow", "2026-02-30", "26-11-01", "-1d", "last-year", ""])
    func otherNamesAreRefused(name: String) {
        #expect(Self.newYork.instant(named: name, now: 1_796_695_200) == nil)
    }

    /// Batch 1: two leads answered early (accepted, bid 10; rejected `low_score`), three late (accepted, bid
    /// 20; rejected `no_buyer_match` and `low_score`).
    func ledger(_ dir: LedgerDirectory) throws -> Ledger {
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        _ = try ledger.reserve((1...5).map { F.lead($0) }, batch: F.batchID(1), now: Self.early)
        try ledger.markSending(
            batch: F.batchID(1), rows: Array(1...5), idempotencyKeys: (1...5).map { "k\($0)" }, now: Self.early)
        func rejected(_ row: Int, _ at: Date, _ reason: String) -> LeadOutcomeRecord {
            LeadOutcomeRecord(
                row: row, state: .rejected, reasonCode: .remoteRejected, answeredAt: at, latencyMs: 50,
                remoteReason: reason)
        }
        try ledger.record(
            [
                LeadOutcomeRecord(row: 1, state: .accepted, bidAmount: 10, answeredAt: Self.early, latencyMs: 100),
                rejected(2, Self.early, "Low Score"),
                LeadOutcomeRecord(row: 3, state: .accepted, bidAmount: 20, answeredAt: Self.late, latencyMs: 300),
                rejected(4, Self.late, "no_buyer_match"), rejected(5, Self.late, "low_score"),
            ],
            batch: F.batchID(1))
        return ledger
    }

    @Test func daysFollowTheReportingZone() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        #expect(
            try ledger.rollup(since: nil, until: nil, by: [.day]) == [
                RollupRow(
                    day: "2026-11-21", counts: [.accepted: 2, .rejected: 3], revenue: 30, meanLatencyMs: 110,
                    reasons: ["REMOTE_REJECTED": 3], remoteReasons: ["low_score": 2, "no_buyer_match": 1])
            ])
        // West of UTC the early answers fall on the day before.
        #expect(
            try ledger.rollup(since: nil, until: nil, by: [.day], calendar: Self.newYork) == [
                RollupRow(
                    day: "2026-11-20", counts: [.accepted: 1, .rejected: 1], revenue: 10, meanLatencyMs: 75,
                    reasons: ["REMOTE_REJECTED": 1], remoteReasons: ["low_score": 1]),
                RollupRow(
                    day: "2026-11-21", counts: [.accepted: 1, .rejected: 2], revenue: 20,
                    meanLatencyMs: 400.0 / 3, reasons: ["REMOTE_REJECTED": 2],
                    remoteReasons: ["low_score": 1, "no_buyer_match": 1]),
            ])
        // East of it the late ones fall on the day after.
        let tokyo = try ledger.rollup(since: nil, until: nil, by: [.day], calendar: Self.tokyo)
        #expect(tokyo.map(\.day) == ["2026-11-21", "2026-11-22"])
        #expect(tokyo.map { $0.counts[.accepted] } == [1, 1])
        #expect(tokyo.map(\.revenue) == [10, 20])
        // The whole of it is one ISO week and one month in either zone.
        for calendar in [Self.newYork, Self.tokyo] {
            #expect(try ledger.rollup(since: nil, until: nil, by: [.week], calendar: calendar).map(\.day) == ["2026-W47"])
            #expect(try ledger.rollup(since: nil, until: nil, by: [.month], calendar: calendar).map(\.day) == ["2026-11"])
        }
    }

    @Test func theAPIsReasonsAreADimension() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let rows = try ledger.rollup(since: nil, until: nil, by: [.remoteReason])
        #expect(rows.map(\.remoteReason) == ["", "low_score", "no_buyer_match"])
        #expect(rows.map { $0.counts[.rejected] } == [nil, 2, 1])
        #expect(rows[0].counts[.accepted] == 2)
    }

    /// Stored as a token, read back with the batch's results for its reports.
    @Test func theAPIsReasonIsStoredAsAToken() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let stored = try ledger.results(batch: F.batchID(1))
        #expect(stored.map(\.remoteReason) == [nil, "low_score", nil, "no_buyer_match", "low_score"])
    }

    /// In a zone with an offset the roll-up still reads the covering index alone, in its order.
    @Test func aZonedRollupReadsOnlyTheCoveringIndexWithoutSorting() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir)
        let details = try ledger.rollupPlan(low: 0, high: Int64.max, calendar: Self.newYork)
        #expect(details.contains { $0.contains("USING COVERING INDEX leads_rollup") }, "\(details)")
        #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(details)")
    }
}
