import Ingest
package import LeadLedger

/// `leadspool report --compare previous`: each group's figures (by the dimensions other than the period) in
/// the period asked for and in the previous period of the same length, with the change in acceptance (in
/// percentage points), revenue and revenue per submitted lead (in percent).
package struct RollupComparison: Sendable {
    /// The dimensions compared by: the report's, without `day`, `week` or `month`.
    package var dimensions: [RollupDimension]
    /// `[since, until)` of the period and of the one before it, in Unix seconds.
    package var period: (since: Int64, until: Int64)
    package var previousPeriod: (since: Int64, until: Int64)
    /// One per group seen in either period, in the groups' order.
    package var changes: [RollupChange]
    /// Everything together.
    package var total: RollupChange

    /// `current` and `previous` are roll-ups by any dimensions that include `dimensions`; they are added up
    /// by `dimensions`.
    package init(
        dimensions: [RollupDimension], current: [RollupRow], previous: [RollupRow],
        period: (since: Int64, until: Int64), previousPeriod: (since: Int64, until: Int64)
    ) {
        self.dimensions = RollupDimension.allCases.filter { dimensions.contains($0) && !$0.isPeriod }
        self.period = period
        self.previousPeriod = previousPeriod
        var now: [[String]: [RollupRow]] = [:]
        var before: [[String]: [RollupRow]] = [:]
        for row in current { now[RollupReport.values(of: row, self.dimensions), default: []].append(row) }
        for row in previous { before[RollupReport.values(of: row, self.dimensions), default: []].append(row) }
        let keys = Set(now.keys).union(before.keys).sorted { $0.lexicographicallyPrecedes($1) }
        changes = keys.map { key in
            RollupChange(values: key, current: .sum(now[key] ?? []), previous: .sum(before[key] ?? []))
        }
        total = RollupChange(values: [], current: .sum(current), previous: .sum(previous))
    }

    /// The change of `values` whose group values are `values` (the values of ``dimensions``), if any.
    package func change(for values: [String]) -> RollupChange? {
        changes.first { $0.values == values }
    }

    package var header: [String] {
        RollupReport.header(of: dimensions) + Self.figureHeader
    }

    package static let figureHeader = [
        "submitted", "previous_submitted", "acceptance_pct", "previous_acceptance_pct", "acceptance_change_pts",
        "revenue", "previous_revenue", "revenue_change_pct", "revenue_per_submitted",
        "previous_revenue_per_submitted", "revenue_per_submitted_change_pct",
    ]

    /// The figures as text, in ``figureHeader`` order: changes signed (`+2.5`), empty where undefined.
    package static func figureValues(_ change: RollupChange) -> [String] {
        func fixed(_ value: Double?, _ decimals: Int) -> String {
            value.map { NumberText.fixed($0, decimals: decimals) } ?? ""
        }
        func signed(_ value: Double?) -> String {
            guard let value else { return "" }
            let text = NumberText.fixed(value, decimals: 1)
            // No sign on a change that rounds to nothing.
            return text.hasPrefix("-") || text.allSatisfy({ $0 == "0" || $0 == "." }) ? text : "+" + text
        }
        let (c, p) = (change.current, change.previous)
        return [
            "\(c.submitted)", "\(p.submitted)", fixed(c.acceptance.map { $0 * 100 }, 1),
            fixed(p.acceptance.map { $0 * 100 }, 1), signed(change.acceptanceChangePoints), fixed(c.revenue, 2),
            fixed(p.revenue, 2), signed(change.revenueChangePercent), fixed(c.revenuePerSubmitted, 2),
            fixed(p.revenuePerSubmitted, 2), signed(change.revenuePerSubmittedChangePercent),
        ]
    }
}

/// One group in both periods.
package struct RollupChange: Sendable {
    /// The group's values, in ``RollupComparison/dimensions`` order.
    package var values: [String]
    package var current: RollupLine
    package var previous: RollupLine

    /// Acceptance now minus before, in percentage points; `nil` when either period submitted nothing.
    package var acceptanceChangePoints: Double? {
        guard let now = current.acceptance, let before = previous.acceptance else { return nil }
        return (now - before) * 100
    }

    /// Revenue's change in percent of the previous period's; `nil` when that was 0.
    package var revenueChangePercent: Double? {
        Self.percentChange(current.revenue, previous.revenue)
    }

    /// Revenue per submitted lead's change in percent; `nil` when either is undefined or the previous is 0.
    package var revenuePerSubmittedChangePercent: Double? {
        guard let now = current.revenuePerSubmitted, let before = previous.revenuePerSubmitted else { return nil }
        return Self.percentChange(now, before)
    }

    static func percentChange(_ now: Double, _ before: Double) -> Double? {
        before > 0 ? (now - before) / before * 100 : nil
    }
}
