package import Foundation
import GRDB
import Ingest
import LeadModel

/// What `leadspool report` groups by.
package enum RollupDimension: String, CaseIterable, Sendable, Hashable {
    /// UTC day of the answer (`YYYY-MM-DD`).
    case day
    case vertical
    case publisher
    /// The batch (its name `<yyyyMMddTHHmmssZ>-<12 hex>` and the file's name).
    case batch
}

/// One group of a roll-up: the dimension values asked for (others `nil`) and its figures.
package struct RollupRow: Sendable, Hashable {
    package var day: String?
    package var vertical: String?
    package var publisher: String?
    /// The batch's name, when grouped by batch.
    package var batch: String?
    /// The batch's file name, when grouped by batch.
    package var fileName: String?
    /// Rows that reached each final state (answered or settled locally) in the period.
    package var counts: [LeadState: Int]
    /// Sum of `bid_amount` over accepted rows.
    package var revenue: Double
    /// Mean `latency_ms` over rows that have one, `nil` when none.
    package var meanLatencyMs: Double?
    /// How many non-accepted rows have each reason code (a row's first code).
    package var reasons: [String: Int]

    package init(
        day: String? = nil, vertical: String? = nil, publisher: String? = nil, batch: String? = nil,
        fileName: String? = nil, counts: [LeadState: Int] = [:], revenue: Double = 0, meanLatencyMs: Double? = nil,
        reasons: [String: Int] = [:]
    ) {
        self.day = day
        self.vertical = vertical
        self.publisher = publisher
        self.batch = batch
        self.fileName = fileName
        self.counts = counts
        self.revenue = revenue
        self.meanLatencyMs = meanLatencyMs
        self.reasons = reasons
    }

    /// The `limit` most frequent reason codes, most frequent first (ties by code).
    package func topReasons(_ limit: Int) -> [(code: String, count: Int)] {
        reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            .map { (code: $0.key, count: $0.value) }
    }
}

extension Ledger {
    /// Figures of every row that reached its final state in `[since, until)`, grouped by `dimensions`, ordered
    /// by the groups' values (day, vertical, publisher, batch name).
    ///
    /// SQLite aggregates while it walks the covering index `leads_rollup` in its own order (answer day,
    /// vertical, state, batch, reason), so nothing is sorted and no table row is read; the few partial groups
    /// that gives (one per day, vertical, state, batch and reason) are folded here by the dimensions asked for.
    package func rollup(
        since: Date?, until: Date?, by dimensions: [RollupDimension]
    ) throws(LedgerError) -> [RollupRow] {
        let low = since?.ledgerSeconds ?? 0
        let high = until?.ledgerSeconds ?? Int64.max
        let days = [low, high].map { CivilTime.floorDiv($0, CivilTime.secondsPerDay) }
        let wanted = Set(dimensions)
        return try read("cannot read roll-up") { db in
            var batches: [Int64: (name: String, fileName: String, publisher: String)] = [:]
            let batchRows = try Row.fetchCursor(db, sql: "SELECT seq, name, file_name, publisher FROM batches")
            while let row = try batchRows.next() {
                batches[row[0]] = (row[1], row[2], row[3])
            }

            var groups: [RollupGroupKey: RollupFold] = [:]
            var dayCache: (days: Int64, text: String) = (Int64.min, "")
            let partials = try Row.fetchCursor(db, sql: Self.rollupSQL, arguments: [low, high, days[0], days[1]])
            while let row = try partials.next() {
                var key = RollupGroupKey()
                if wanted.contains(.day) {
                    let day: Int64 = row[0]
                    if day != dayCache.days { dayCache = (day, Self.dayText(day)) }
                    key.day = dayCache.text
                }
                if wanted.contains(.vertical) { key.vertical = row[1] as String? ?? "" }
                let seq: Int64 = row[3]
                if wanted.contains(.publisher) { key.publisher = batches[seq]?.publisher ?? "" }
                if wanted.contains(.batch) { key.batchSeq = seq }
                guard let state = LeadState(rawValue: row[2]) else { continue }
                let count: Int = row[5]
                groups[key, default: RollupFold()].add(
                    state: state, reason: row[4], count: count, bids: row[6], latencySum: row[7], latencyCount: row[8])
            }

            var result = groups.map { key, fold in
                var out = RollupRow(day: key.day, vertical: key.vertical, publisher: key.publisher)
                if let seq = key.batchSeq {
                    out.batch = batches[seq]?.name ?? ""
                    out.fileName = batches[seq]?.fileName ?? ""
                }
                out.counts = fold.counts
                out.revenue = fold.revenue
                out.reasons = fold.reasons
                out.meanLatencyMs = fold.latencyCount > 0 ? fold.latencySum / Double(fold.latencyCount) : nil
                return out
            }
            result.sort { a, b in
                for (x, y) in [(a.day, b.day), (a.vertical, b.vertical), (a.publisher, b.publisher), (a.batch, b.batch)]
                where x != y {
                    return (x ?? "") < (y ?? "")
                }
                return false
            }
            return result
        }
    }

    /// Partial groups in the covering index's order: `GROUP BY` on the index's leading terms streams, so
    /// SQLite needs no temporary B-tree (`LedgerRollupTests` checks the plan). The day bounds (`?3`, `?4`, the
    /// days of `?1` and `?2`) make the index's leading term a range; `?1`, `?2` then cut to the second. Times
    /// are after 1970, so SQLite's truncating division is the floor.
    static let rollupSQL = """
        SELECT answered_at / 86400, vertical, state, batch_seq, reason_code, count(*), total(bid_amount),
            total(latency_ms), count(latency_ms)
        FROM leads
        WHERE answered_at IS NOT NULL AND answered_at / 86400 BETWEEN ?3 AND ?4
            AND answered_at >= ?1 AND answered_at < ?2
        GROUP BY answered_at / 86400, vertical, state, batch_seq, reason_code
        """

    private static func dayText(_ days: Int64) -> String {
        let (year, month, day) = CivilTime.date(days: days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}

private struct RollupGroupKey: Hashable {
    var day: String?
    var vertical: String?
    var publisher: String?
    var batchSeq: Int64?
}

private struct RollupFold {
    var counts: [LeadState: Int] = [:]
    var revenue = 0.0
    var reasons: [String: Int] = [:]
    var latencySum = 0.0
    var latencyCount = 0

    mutating func add(
        state: LeadState, reason: String?, count: Int, bids: Double, latencySum: Double, latencyCount: Int
    ) {
        counts[state, default: 0] += count
        if state == .accepted {
            revenue += bids
        } else if let reason {
            reasons[reason, default: 0] += count
        }
        self.latencySum += latencySum
        self.latencyCount += latencyCount
    }
}
