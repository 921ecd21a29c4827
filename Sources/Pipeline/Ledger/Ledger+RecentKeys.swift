import Foundation
import GRDB

extension Ledger {
    /// Merges `dedupe_recent` into `dedupe_keys` once it holds `Configuration.recentKeysLimit` keys or more,
    /// inside the caller's write transaction (see `LedgerSchema.registerRecentKeys`).
    func mergeRecentKeysIfFull(_ db: Database) throws {
        let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM dedupe_recent")) ?? 0
        guard count >= configuration.recentKeysLimit else { return }
        try Ledger.mergeRecentKeys(db)
    }

    /// Moves every key of `dedupe_recent` into `dedupe_keys` in key order (the large B-tree is walked forward
    /// once, each leaf written once), replacing the older holder of a key found in both: the recent one is
    /// the key's holder.
    ///
    /// One statement per `mergeChunk` keys: a statement inside a transaction keeps the original of every page
    /// it changes (its statement journal, in memory under `temp_store = MEMORY`), and one statement moving
    /// every key touched nearly every leaf of a large table (60 MB more peak memory in a 1 M-lead `run`).
    static func mergeRecentKeys(_ db: Database) throws {
        let bound = try db.cachedStatement(
            sql: "SELECT key FROM dedupe_recent WHERE key > ? ORDER BY key LIMIT 1 OFFSET \(mergeChunk - 1)")
        let move = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO dedupe_keys (key, kind, batch_seq, row)
                    SELECT key, kind, batch_seq, row FROM dedupe_recent WHERE key > ?1 AND key <= ?2 ORDER BY key
                """)
        // The empty BLOB sorts before every key; the last bound is one past every key (a key has 16 bytes).
        var low = Data()
        while true {
            let high = try Data.fetchOne(bound, arguments: [low]) ?? Data(repeating: 0xFF, count: DedupeKey.size + 1)
            try move.execute(arguments: [low, high])
            if high.count > DedupeKey.size { break }
            low = high
        }
        try db.execute(sql: "DELETE FROM dedupe_recent")
    }

    /// Keys per statement of a merge.
    static let mergeChunk = 1_024
}
