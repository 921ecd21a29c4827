package import Foundation
import GRDB
import Ingest
import LeadModel

/// What `leadspool report` groups by.
package enum RollupDimension: String, CaseIterable, Sendable, Hashable {
    /// The local day of the answer in the reporting zone (`YYYY-MM-DD`).
    case day
    /// The ISO week of the answer's local day (`2026-W47`).
    case week
    /// The month of the answer's local day (`2026-11`).
    case month
    case vertical
    case publisher
    /// The batch (its name `<yyyyMMddTHHmmssZ>-<12 hex>` and the file's name).
    case batch
    /// The API's reason for a rejected lead (`low_score`); empty for leads the API did not reject.
    case remoteReason = "remote_reason"

    /// `day`, `week` or `month`: the dimensions that name a period (a roll-up takes one of them at most).
    package var isPeriod: Bool { self == .day || self == .week || self == .month }
}

/// One group of a roll-up: the dimension values asked for (others `nil`) and its figures.
package struct RollupRow: Sendable, Hashable {
    /// The period's name when grouped by `day`, `week` or `month` (`2026-11-21`, `2026-W47`, `2026-11`).
    package var day: String?
    package var vertical: String?
    package var publisher: String?
    /// The batch's name, when grouped by batch.
    package var batch: String?
    /// The batch's file name, when grouped by batch.
    package var fileName: String?
    /// The API's reason, when grouped by remote reason (empty for leads it did not reject).
    package var remoteReason: String?
    /// Rows that reached each final state (answered or settled locally) in the period.
    package var counts: [LeadState: Int]
    /// Sum of `bid_amount` over accepted rows.
    package var revenue: Double
    /// Mean `latency_ms` over rows that have one, `nil` when none.
    package var meanLatencyMs: Double?
    /// How many non-accepted rows have each reason code (a row's first code).
    package var reasons: [String: Int]
    /// How many rejected rows have each remote reason (the breakdown of `REMOTE_REJECTED`); rows the API
    /// rejected without a reason are not counted here.
    package var remoteReasons: [String: Int]

    package init(
        day: String? = nil, vertical: String? = nil, publisher: String? = nil, batch: String? = nil,
        fileName: String? = nil, remoteReason: String? = nil, counts: [LeadState: Int] = [:], revenue: Double = 0,
        meanLatencyMs: Double? = nil, reasons: [String: Int] = [:], remoteReasons: [String: Int] = [:]
    ) {
        self.day = day
        self.vertical = vertical
        self.publisher = publisher
        self.batch = batch
        self.fileName = fileName
        self.remoteReason = remoteReason
        self.counts = counts
        self.revenue = revenue
        self.meanLatencyMs = meanLatencyMs
        self.reasons = reasons
        self.remoteReasons = remoteReasons
    }

    /// The `limit` most frequent reason codes, most frequent first (ties by code).
    package func topReasons(_ limit: Int) -> [(code: String, count: Int)] {
        Self.top(reasons, limit)
    }

    /// The `limit` most frequent remote reasons, most frequent first (ties by reason).
    package func topRemoteReasons(_ limit: Int) -> [(code: String, count: Int)] {
        Self.top(remoteReasons, limit)
    }

    private static func top(_ counts: [String: Int], _ limit: Int) -> [(code: String, count: Int)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            .map { (code: $0.key, count: $0.value) }
    }
}

extension Ledger {
    /// Figures of every row that reached its final state in `[since, until)`, grouped by `dimensions` (days,
    /// weeks and months in `calendar`'s zone), ordered by the groups' values (period, vertical, publisher,
    /// batch name, remote reason).
    ///
    /// SQLite aggregates while it walks the covering index `leads_rollup` in its own order (UTC answer day,
    /// vertical, state, batch, reason, remote reason), so nothing is sorted and no table row is read; the few
    /// partial groups that gives are folded here by the dimensions asked for. In a zone whose offset is not 0,
    /// each partial also sums its rows whose local day is not their UTC day (``RollupSQL``), and those go to
    /// the neighbouring local day.
    package func rollup(
        since: Date?, until: Date?, by dimensions: [RollupDimension], calendar: ReportCalendar = ReportCalendar()
    ) throws(LedgerError) -> [RollupRow] {
        let low = since?.ledgerSeconds ?? 0
        let high = until?.ledgerSeconds ?? Int64.max
        let days = [low, high].map { CivilTime.floorDiv($0, CivilTime.secondsPerDay) }
        let wanted = Set(dimensions)
        let period = dimensions.first(where: \.isPeriod)
        return try read("cannot read roll-up") { db in
            var batches: [Int64: (name: String, fileName: String, publisher: String)] = [:]
            let batchRows = try Row.fetchCursor(db, sql: "SELECT seq, name, file_name, publisher FROM batches")
            while let row = try batchRows.next() {
                batches[row[0]] = (row[1], row[2], row[3])
            }
            let sql = try Self.rollupSQL(db, calendar: calendar, low: low, high: high)

            var groups: [RollupGroupKey: RollupFold] = [:]
            var names = RollupPeriodNames(period: period)
            let partials = try Row.fetchCursor(db, sql: sql.text, arguments: [low, high, days[0], days[1]])
            while let row = try partials.next() {
                guard let state = LeadState(rawValue: row[2]) else { continue }
                var key = RollupGroupKey()
                if wanted.contains(.vertical) { key.vertical = row[1] as String? ?? "" }
                let seq: Int64 = row[3]
                if wanted.contains(.publisher) { key.publisher = batches[seq]?.publisher ?? "" }
                if wanted.contains(.batch) { key.batchSeq = seq }
                let remote: String? = row[5]
                if wanted.contains(.remoteReason) { key.remoteReason = remote ?? "" }
                let utcDay: Int64 = row[0]
                var part = RollupPart(count: row[6], bids: row[7], latencySum: row[8], latencyCount: row[9])
                if sql.splitsDays {
                    let moved = RollupPart(count: row[10], bids: row[11], latencySum: row[12], latencyCount: row[13])
                    if moved.count > 0 {
                        part.subtract(moved)
                        // Rows whose local day differs from their UTC day: the next one east of UTC, the
                        // previous one west of it.
                        let step: Int64 = calendar.offset(at: utcDay * CivilTime.secondsPerDay + 43_200) > 0 ? 1 : -1
                        key.day = names.name(utcDay + step)
                        groups[key, default: RollupFold()].add(state: state, reason: row[4], remote: remote, moved)
                    }
                    if part.count == 0 { continue }
                }
                key.day = names.name(utcDay)
                groups[key, default: RollupFold()].add(state: state, reason: row[4], remote: remote, part)
            }

            var result = groups.map { key, fold in
                var out = RollupRow(
                    day: key.day, vertical: key.vertical, publisher: key.publisher, remoteReason: key.remoteReason)
                if let seq = key.batchSeq {
                    out.batch = batches[seq]?.name ?? ""
                    out.fileName = batches[seq]?.fileName ?? ""
                }
                out.counts = fold.counts
                out.revenue = fold.revenue
                out.reasons = fold.reasons
                out.remoteReasons = fold.remoteReasons
                out.meanLatencyMs = fold.latencyCount > 0 ? fold.latencySum / Double(fold.latencyCount) : nil
                return out
            }
            result.sort { a, b in
                for (x, y) in [
                    (a.day, b.day), (a.vertical, b.vertical), (a.publisher, b.publisher), (a.batch, b.batch),
                    (a.remoteReason, b.remoteReason),
                ]
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
    static let rollupSQL = rollupSQL(movedRows: nil)

    /// ``rollupSQL``, with four more columns when `movedRows` is an SQL condition on a row: the count, bids,
    /// latency sum and latency count of the partial's rows for which it holds.
    static func rollupSQL(movedRows: String?) -> String {
        var moved = ""
        if let m = movedRows {
            moved = """
                , sum(\(m)), total(CASE WHEN \(m) THEN bid_amount END), total(CASE WHEN \(m) THEN latency_ms END),
                    count(CASE WHEN \(m) THEN latency_ms END)
                """
        }
        return """
            SELECT answered_at / 86400, vertical, state, batch_seq, reason_code, remote_reason, count(*),
                total(bid_amount), total(latency_ms), count(latency_ms)\(moved)
            FROM leads
            WHERE answered_at IS NOT NULL AND answered_at / 86400 BETWEEN ?3 AND ?4
                AND answered_at >= ?1 AND answered_at < ?2
            GROUP BY answered_at / 86400, vertical, state, batch_seq, reason_code, remote_reason
            """
    }

    /// The roll-up's SQL for `calendar`'s zone over `[low, high)`: ``rollupSQL`` where local days are UTC days;
    /// elsewhere it also sums the rows whose local day is not their UTC day, with the zone's offsets over the
    /// answers' span written into the statement as a `CASE` on `answered_at` (integers only).
    static func rollupSQL(
        _ db: Database, calendar: ReportCalendar, low: Int64, high: Int64
    ) throws -> (text: String, splitsDays: Bool) {
        guard calendar.zone.secondsFromGMT() != 0 || calendar.zone.nextDaylightSavingTimeTransition != nil else {
            return (rollupSQL, false)
        }
        // The answers' first and last day: each one step down the index (two queries, so SQLite's min/max
        // shortcut applies to both).
        let answered = "FROM leads WHERE answered_at IS NOT NULL"
        guard let first = try Int64.fetchOne(db, sql: "SELECT min(answered_at / 86400) \(answered)"),
            let last = try Int64.fetchOne(db, sql: "SELECT max(answered_at / 86400) \(answered)")
        else { return (rollupSQL, false) }
        let from = max(low, first * CivilTime.secondsPerDay)
        let to = min(high, (last + 1) * CivilTime.secondsPerDay)
        let offsets = calendar.transitions(from: from, to: max(to, from + 1))
        guard offsets.contains(where: { $0.offset != 0 }) else { return (rollupSQL, false) }
        var offset = "\(offsets.last!.offset)"
        if offsets.count > 1 {
            let whens = zip(offsets, offsets.dropFirst()).map { "WHEN answered_at < \($1.from) THEN \($0.offset)" }
            offset = "CASE \(whens.joined(separator: " ")) ELSE \(offset) END"
        }
        return (rollupSQL(movedRows: "(answered_at + \(offset)) / 86400 != answered_at / 86400"), true)
    }
}

/// Names of local days as the period asked for (a day, its ISO week or its month), cached by day.
private struct RollupPeriodNames {
    let period: RollupDimension?
    private var cache: (day: Int64, name: String?) = (Int64.min, nil)

    init(period: RollupDimension?) {
        self.period = period
    }

    mutating func name(_ day: Int64) -> String? {
        if day == cache.day { return cache.name }
        let name: String? =
            switch period {
            case .day: ReportCalendar.dayName(day)
            case .week: ReportCalendar.weekName(day)
            case .month: ReportCalendar.monthName(day)
            default: nil
            }
        cache = (day, name)
        return name
    }
}

private struct RollupGroupKey: Hashable {
    var day: String?
    var vertical: String?
    var publisher: String?
    var batchSeq: Int64?
    var remoteReason: String?
}

/// The sums of some rows of one partial group.
private struct RollupPart {
    var count: Int
    var bids: Double
    var latencySum: Double
    var latencyCount: Int

    mutating func subtract(_ other: RollupPart) {
        count -= other.count
        bids -= other.bids
        latencySum -= other.latencySum
        latencyCount -= other.latencyCount
    }
}

private struct RollupFold {
    var counts: [LeadState: Int] = [:]
    var revenue = 0.0
    var reasons: [String: Int] = [:]
    var remoteReasons: [String: Int] = [:]
    var latencySum = 0.0
    var latencyCount = 0

    mutating func add(state: LeadState, reason: String?, remote: String?, _ part: RollupPart) {
        counts[state, default: 0] += part.count
        if state == .accepted {
            revenue += part.bids
        } else if let reason {
            reasons[reason, default: 0] += part.count
            if state == .rejected, let remote { remoteReasons[remote, default: 0] += part.count }
        }
        latencySum += part.latencySum
        latencyCount += part.latencyCount
    }
}
