import Foundation
import GRDB
package import LeadLedger

/// The buyer's own ledger (`receive/ledger.sqlite`): every answered lead id with its answer (replays get it
/// again), the outbox batch it was answered in (for the batch's summary), and the dedupe keys of the leads
/// bought.
///
/// No PII: a lead's phone and email are kept only as dedupe keys, HMAC-SHA256 of `vertical|value` keyed with
/// the 32 random bytes of `ledger.key` beside the file and cut to 16 bytes: the publisher ledger's scheme
/// (`DedupeKeyer`). Answers carry reason codes and field names, never values.
///
/// Durability: every commit is synced (`synchronous = FULL`) before it returns, so an answer given is an
/// answer kept. Only ``DeliveryDesk``'s writer thread writes; answers are read from any thread.
package final class ReceiveStore: Sendable {
    private let pool: DatabasePool
    package let keyer: DedupeKeyer

    /// One answered lead.
    package struct Row: Sendable, Hashable {
        package var leadID: String
        package var answer: ReceiveAnswer
        package var vertical: String?
        /// Days since 1970 in the zone daily caps count in.
        package var day: Int64
        package var segment: Int
        package var answeredAt: Int64
        package var bidCents: Int?

        package init(
            leadID: String, answer: ReceiveAnswer, vertical: String?, day: Int64, segment: Int, answeredAt: Int64,
            bidCents: Int?
        ) {
            self.leadID = leadID
            self.answer = answer
            self.vertical = vertical
            self.day = day
            self.segment = segment
            self.answeredAt = answeredAt
            self.bidCents = bidCents
        }
    }

    /// Opens (creating) the ledger at `path` and its key at `keyPath` (0600).
    package init(path: String, keyPath: String) throws(ReceiveError) {
        do {
            keyer = DedupeKeyer(key: try LedgerKeyFile.loadOrCreate(path: keyPath))
        } catch {
            throw ReceiveError(.store, error.description)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try Self.mapErrors("cannot open \(path)") { try DatabasePool(path: path, configuration: configuration) }
        try Self.mapErrors("cannot set up \(path)") { try Self.migrator.migrate(pool) }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("receive-1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE deliveries (
                        lead_id TEXT PRIMARY KEY NOT NULL,
                        accepted INTEGER NOT NULL,
                        reason TEXT,
                        detail TEXT,
                        vertical TEXT,
                        day INTEGER NOT NULL,
                        segment INTEGER NOT NULL,
                        answered_at INTEGER NOT NULL,
                        bid_cents INTEGER
                    ) WITHOUT ROWID;
                    CREATE INDEX deliveries_by_segment ON deliveries(segment);
                    CREATE INDEX deliveries_by_day ON deliveries(day, vertical) WHERE accepted = 1;
                    CREATE TABLE dedupe_keys (key BLOB PRIMARY KEY NOT NULL, seen_at INTEGER NOT NULL) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    /// The stored answer of `leadID`, or `nil` when it was never answered.
    package func answer(leadID: String) throws(ReceiveError) -> ReceiveAnswer? {
        try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in
                let row = try GRDB.Row.fetchOne(
                    db.cachedStatement(sql: "SELECT accepted, reason, detail FROM deliveries WHERE lead_id = ?"),
                    arguments: [leadID])
                guard let row else { return nil }
                if row[0] as Int == 1 { return .accepted }
                let reason = RejectReason(rawValue: row[1] as String? ?? "") ?? .invalid
                return .rejected(reason, row[2])
            }
        }
    }

    /// When each of `keys` was last bought (unix seconds); keys never bought are absent.
    package func lastSeen(_ keys: [DedupeKey]) throws(ReceiveError) -> [DedupeKey: Int64] {
        guard !keys.isEmpty else { return [:] }
        return try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in
                let statement = try db.cachedStatement(sql: "SELECT seen_at FROM dedupe_keys WHERE key = ?")
                var seen: [DedupeKey: Int64] = [:]
                for key in keys {
                    if let at = try Int64.fetchOne(statement, arguments: [key.data]) { seen[key] = at }
                }
                return seen
            }
        }
    }

    /// Leads of `vertical` accepted on `day`.
    package func acceptedCount(day: Int64, vertical: String) throws(ReceiveError) -> Int {
        try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM deliveries WHERE day = ? AND vertical = ? AND accepted = 1",
                    arguments: [day, vertical]) ?? 0
            }
        }
    }

    /// The highest outbox batch any answer was given in (0 before the first).
    package func lastSegment() throws(ReceiveError) -> Int {
        try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in try Int.fetchOne(db, sql: "SELECT max(segment) FROM deliveries") ?? 0 }
        }
    }

    /// Records `rows` (a lead id answered already keeps its first answer) and stamps `keys` as bought at
    /// `seenAt`, in one synced transaction.
    package func commit(_ rows: [Row], keys: [DedupeKey], seenAt: Int64) throws(ReceiveError) {
        try Self.mapErrors("cannot write the receive ledger") {
            try pool.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO deliveries (lead_id, accepted, reason, detail, vertical, day, segment, answered_at,
                            bid_cents)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(lead_id) DO NOTHING
                        """)
                for row in rows {
                    try insert.execute(arguments: [
                        row.leadID, row.answer.isAccepted ? 1 : 0, row.answer.reason?.rawValue, row.answer.detail,
                        row.vertical, row.day, row.segment, row.answeredAt, row.bidCents,
                    ])
                }
                let stamp = try db.cachedStatement(
                    sql: "INSERT INTO dedupe_keys (key, seen_at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET seen_at = excluded.seen_at")
                for key in keys { try stamp.execute(arguments: [key.data, seenAt]) }
            }
        }
    }

    /// The lead ids of `ids` this ledger holds.
    package func known(_ ids: [String]) throws(ReceiveError) -> Set<String> {
        try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in
                let statement = try db.cachedStatement(sql: "SELECT 1 FROM deliveries WHERE lead_id = ?")
                return Set(try ids.filter { try Bool.fetchOne(statement, arguments: [$0]) != nil })
            }
        }
    }

    /// The answers given in outbox batch `segment`, for its summary.
    package func figures(segment: Int) throws(ReceiveError) -> SegmentFigures {
        try Self.mapErrors("cannot read the receive ledger") {
            try pool.read { db in
                var figures = SegmentFigures()
                let rows = try GRDB.Row.fetchCursor(
                    db,
                    sql: """
                        SELECT accepted, reason, coalesce(vertical, ''), count(*), sum(bid_cents), count(bid_cents)
                        FROM deliveries WHERE segment = ? GROUP BY 1, 2, 3
                        """,
                    arguments: [segment])
                while let row = try rows.next() {
                    let accepted = (row[0] as Int) == 1
                    figures.add(
                        accepted: accepted, reason: row[1], vertical: row[2], count: row[3], bidCents: row[4] ?? 0,
                        bids: row[5])
                }
                return figures
            }
        }
    }

    static func mapErrors<T>(_ what: String, _ body: () throws -> T) throws(ReceiveError) -> T {
        do {
            return try body()
        } catch let error as ReceiveError {
            throw error
        } catch let error as DatabaseError {
            // SQLite's message only, never statement arguments.
            throw ReceiveError(.store, "\(what): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        } catch {
            throw ReceiveError(.store, "\(what): \(type(of: error))")
        }
    }
}

/// The counts of one outbox batch's answers: what its summary shows.
package struct SegmentFigures: Sendable, Equatable {
    package var accepted = 0
    package var rejected = 0
    package var rejectedByReason: [String: Int] = [:]
    /// vertical ("" when unknown) → (accepted, rejected)
    package var byVertical: [String: (accepted: Int, rejected: Int)] = [:]
    package var bids = 0
    package var bidCents = 0

    package init() {}

    mutating func add(accepted: Bool, reason: String?, vertical: String, count: Int, bidCents: Int, bids: Int) {
        var slot = byVertical[vertical] ?? (0, 0)
        if accepted {
            self.accepted += count
            slot.accepted += count
            self.bids += bids
            self.bidCents += bidCents
        } else {
            rejected += count
            slot.rejected += count
            rejectedByReason[reason ?? "", default: 0] += count
        }
        byVertical[vertical] = slot
    }

    package static func == (a: SegmentFigures, b: SegmentFigures) -> Bool {
        a.accepted == b.accepted && a.rejected == b.rejected && a.rejectedByReason == b.rejectedByReason
            && a.bids == b.bids && a.bidCents == b.bidCents
            && a.byVertical.mapValues { [$0.accepted, $0.rejected] } == b.byVertical.mapValues { [$0.accepted, $0.rejected] }
    }
}
