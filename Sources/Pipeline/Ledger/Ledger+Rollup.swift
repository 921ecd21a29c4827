package import Foundation
import GRDB

/// What `leadspool report` groups by.
package enum RollupDimension: String, CaseIterable, Sendable, Hashable {
    /// UTC day of the answer (`YYYY-MM-DD`).
    case day
    case vertical
    case publisher
}

/// One group of a roll-up: the dimension values asked for (others `nil`) and its figures.
package struct RollupRow: Sendable, Hashable {
    package var day: String?
    package var vertical: String?
    package var publisher: String?
    /// Rows that reached each final state (answered or settled locally) in the period.
    package var counts: [LeadState: Int]
    /// Sum of `bid_amount` over accepted rows.
    package var revenue: Double
    /// Mean `latency_ms` over rows that have one, `nil` when none.
    package var meanLatencyMs: Double?

    package init(
        day: String? = nil, vertical: String? = nil, publisher: String? = nil, counts: [LeadState: Int] = [:],
        revenue: Double = 0, meanLatencyMs: Double? = nil
    ) {
        self.day = day
        self.vertical = vertical
        self.publisher = publisher
        self.counts = counts
        self.revenue = revenue
        self.meanLatencyMs = meanLatencyMs
    }
}

extension Ledger {
    /// Figures of every row that reached its final state in `[since, until)`, grouped by `dimensions`, ordered
    /// by the groups' values. Uses the `answered_at` index.
    package func rollup(
        since: Date?, until: Date?, by dimensions: [RollupDimension]
    ) throws(LedgerError) -> [RollupRow] {
        let expressions: [RollupDimension: String] = [
            .day: "date(l.answered_at, 'unixepoch')", .vertical: "coalesce(l.vertical, '')", .publisher: "b.publisher",
        ]
        let unique = RollupDimension.allCases.filter(dimensions.contains)
        let groupColumns = unique.map { "\(expressions[$0]!) AS \($0.rawValue)" }
        let groupBy = (unique.map(\.rawValue) + ["l.state"]).joined(separator: ", ")
        let sql = """
            SELECT \((groupColumns + ["l.state AS state"]).joined(separator: ", ")),
                count(*) AS rows, total(CASE WHEN l.state = 'accepted' THEN l.bid_amount END) AS revenue,
                total(l.latency_ms) AS latency_sum, count(l.latency_ms) AS latency_count
            FROM leads l JOIN batches b ON b.seq = l.batch_seq
            WHERE l.answered_at IS NOT NULL AND l.answered_at >= ? AND l.answered_at < ?
            GROUP BY \(groupBy)
            ORDER BY \(groupBy)
            """
        let low = since?.ledgerSeconds ?? Int64.min
        let high = until?.ledgerSeconds ?? Int64.max
        return try read("cannot read roll-up") { db in
            var groups: [RollupRow] = []
            var latency: [(sum: Double, count: Int)] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [low, high])
            while let row = try rows.next() {
                let key = RollupRow(
                    day: unique.contains(.day) ? row["day"] : nil,
                    vertical: unique.contains(.vertical) ? row["vertical"] : nil,
                    publisher: unique.contains(.publisher) ? row["publisher"] : nil
                )
                let sameGroup = groups.last.map {
                    $0.day == key.day && $0.vertical == key.vertical && $0.publisher == key.publisher
                }
                if sameGroup != true {
                    groups.append(key)
                    latency.append((0, 0))
                }
                guard let state = LeadState(rawValue: row["state"]) else { continue }
                groups[groups.count - 1].counts[state, default: 0] += row["rows"] as Int
                groups[groups.count - 1].revenue += row["revenue"] as Double
                latency[latency.count - 1].sum += row["latency_sum"] as Double
                latency[latency.count - 1].count += row["latency_count"] as Int
            }
            for index in groups.indices where latency[index].count > 0 {
                groups[index].meanLatencyMs = latency[index].sum / Double(latency[index].count)
            }
            return groups
        }
    }
}
