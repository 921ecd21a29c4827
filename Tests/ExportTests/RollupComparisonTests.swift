import Foundation
import Testing

@testable import Export
@testable import LeadLedger

/// `report --compare previous` and the roll-up page's trend, subtotals and reasons.
@Suite struct RollupComparisonTests {
    static let current = [
        RollupRow(
            day: "2026-W46", publisher: "acme", counts: [.accepted: 6, .rejected: 4], revenue: 120,
            reasons: ["REMOTE_REJECTED": 4], remoteReasons: ["low_score": 3, "no_buyer_match": 1]),
        RollupRow(
            day: "2026-W47", publisher: "acme", counts: [.accepted: 9, .rejected: 1, .invalid: 2], revenue: 180,
            reasons: ["REMOTE_REJECTED": 1, "ZIP_INVALID": 2], remoteReasons: ["low_score": 1]),
        RollupRow(day: "2026-W47", publisher: "zenith", counts: [.accepted: 1, .rejected: 1], revenue: 50),
    ]
    static let previous = [
        RollupRow(publisher: "acme", counts: [.accepted: 10, .rejected: 10], revenue: 200),
        RollupRow(publisher: "default", counts: [.accepted: 1], revenue: 10),
    ]

    func report() -> RollupReport {
        let comparison = RollupComparison(
            dimensions: [.week, .publisher], current: Self.current, previous: Self.previous,
            period: (1_794_700_800, 1_796_000_000), previousPeriod: (1_793_401_600, 1_794_700_800))
        return RollupReport(
            dimensions: [.week, .publisher], rows: Self.current, period: ("last-month", nil), generatedAt: 1_796_000_000,
            comparison: comparison)
    }

    /// acme: 15 of 20 accepted (75 %) for $300 against 10 of 20 (50 %) for $200; zenith is new; default is gone.
    @Test func comparesEachGroupWithThePreviousPeriod() throws {
        let comparison = try #require(report().comparison)
        #expect(comparison.dimensions == [.publisher])
        #expect(comparison.changes.map(\.values) == [["acme"], ["default"], ["zenith"]])
        let acme = comparison.changes[0]
        #expect(acme.current.submitted == 20 && acme.previous.submitted == 20)
        #expect(abs((acme.acceptanceChangePoints ?? 0) - 25) < 1e-9)
        #expect(abs((acme.revenueChangePercent ?? 0) - 50) < 1e-9)
        #expect(abs((acme.revenuePerSubmittedChangePercent ?? 0) - 50) < 1e-9)
        #expect(comparison.changes[2].revenueChangePercent == nil, "nothing to compare a new publisher with")
        #expect(comparison.changes[1].current.submitted == 0)
        #expect(comparison.total.current.revenue == 350 && comparison.total.previous.revenue == 210)
    }

    @Test func tableAddsTheComparisonAfterTheGroups() {
        let lines = report().aligned().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let at = lines.firstIndex { $0.hasPrefix("compared with the previous period (") } ?? -1
        #expect(at == 5, "\(lines)")
        #expect(lines[at + 1].hasPrefix("publisher  submitted  previous_submitted  acceptance_pct"))
        #expect(lines[at + 2].hasPrefix("acme"))
        #expect(lines[at + 2].contains("+25.0"))
        #expect(lines[at + 2].contains("+50.0"))
        #expect(lines[at + 5].hasPrefix("(total)"))
        #expect(lines[1].hasSuffix("low_score 3, no_buyer_match 1"), "\(lines[1])")
    }

    @Test func jsonHoldsGroupsAndComparison() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report().json().utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.count == 3)
        #expect(groups[0]["week"] as? String == "2026-W46")
        let remote = try #require(groups[0]["top_remote_reasons"] as? [[String: Any]])
        #expect(remote.map { $0["code"] as? String } == ["low_score", "no_buyer_match"])
        let comparison = try #require(object["comparison"] as? [String: Any])
        let changes = try #require(comparison["groups"] as? [[String: Any]])
        #expect(changes[0]["publisher"] as? String == "acme")
        #expect((changes[0]["acceptance_change_pts"] as? NSNumber)?.doubleValue == 25)
        let previous = try #require(changes[0]["previous"] as? [String: Any])
        #expect((previous["revenue"] as? NSNumber)?.doubleValue == 200)
    }

    @Test func csvWithAComparisonIsTheComparisonTable() {
        let lines = report().csv().split(separator: "\n").map(String.init)
        #expect(lines[0] == "publisher," + RollupComparison.figureHeader.joined(separator: ","))
        #expect(lines[1] == "acme,20,20,75.0,50.0,+25.0,300.00,200.00,+50.0,15.00,10.00,+50.0")
        #expect(lines.last?.hasPrefix("(total),") == true)
    }

    @Test func htmlHasTheTrendSubtotalsChangesAndReasons() {
        let html = report().html()
        for forbidden in ["<script", "<link", "@import", "url(", "src=", "http://", "https://"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("<svg class=\"trend\""))
        #expect(html.contains("<title>2026-W46: 10 submitted</title>"))
        #expect(html.contains("<title>2026-W47: $230.00 revenue</title>"))
        #expect(html.contains("<th colspan=\"2\">Subtotal acme</th><td class=\"n\">22</td><td class=\"n\">20</td>"))
        #expect(html.contains("<th colspan=\"2\">Subtotal zenith</th>"))
        #expect(html.contains("<td class=\"n\">+25.0 pts</td><td class=\"n\">+50.0 %</td>"))
        #expect(html.contains("Lead scored too low<br><code>low_score</code>"))
        #expect(html.contains("Buyer rejected the lead<br><code>REMOTE_REJECTED</code>"))
        #expect(html.contains("<div class=\"d\">+66.7 % vs previous period</div>"), "revenue's change on its card")
    }

    @Test func withoutAPeriodThereIsNoTrendButASuggestion() {
        let html = RollupReport(dimensions: [.publisher], rows: Self.current).html()
        #expect(!html.contains("<svg"))
        #expect(html.contains("Group by day, week or month"))
    }

    @Test(arguments: [(0.0, [0.0, 1]), (9, [0, 5, 10]), (230, [0, 100, 200, 300]), (1234, [0, 500, 1000, 1500])] as [(Double, [Double])])
    func chartTicksAreRound(max: Double, ticks: [Double]) {
        #expect(RollupTrendChart.ticks(max) == ticks)
    }
}
