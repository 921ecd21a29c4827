package import Foundation
import GRDB

/// Sizes of a ledger, for `leadspool status`.
package struct LedgerInfo: Sendable, Hashable {
    /// Applied schema migrations, oldest first.
    package var migrations: [String]
    package var batches: Int
    package var batchesProcessing: Int
    package var leads: Int
    /// Distinct dedupe keys (a key taken again since the last merge sits in both key tables; it counts once).
    package var dedupeKeys: Int
    /// The SQLite file plus its WAL, in bytes.
    package var fileBytes: Int64
    /// Claim time of the latest batch.
    package var lastClaimedAt: Date?
}

extension Ledger {
    /// Counts and sizes of the ledger.
    package func info() throws(LedgerError) -> LedgerInfo {
        var info = try read("cannot read ledger") { db in
            let lastClaimed = try Int64.fetchOne(db, sql: "SELECT max(claimed_at) FROM batches")
            return LedgerInfo(
                migrations: try LedgerSchema.migrator.appliedMigrations(db),
                batches: try Int.fetchOne(db, sql: "SELECT count(*) FROM batches") ?? 0,
                batchesProcessing: try Int.fetchOne(db, sql: "SELECT count(*) FROM batches WHERE state = 'processing'")
                    ?? 0,
                leads: try Int.fetchOne(db, sql: "SELECT count(*) FROM leads") ?? 0,
                dedupeKeys: try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT count(*) FROM dedupe_keys) + (SELECT count(*) FROM dedupe_recent r
                            WHERE NOT EXISTS (SELECT 1 FROM dedupe_keys k WHERE k.key = r.key))
                        """) ?? 0,
                fileBytes: 0,
                lastClaimedAt: lastClaimed.map(Date.init(ledgerSeconds:))
            )
        }
        info.fileBytes = [path, path + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.int64Value
        }.reduce(0, +)
        return info
    }

    /// Tables of the file (schema checks in tests and `status`).
    package func tableNames() throws(LedgerError) -> [String] {
        try read("cannot read schema") { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
    }
}
