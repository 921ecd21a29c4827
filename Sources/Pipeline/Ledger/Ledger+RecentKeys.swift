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
    static func mergeRecentKeys(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO dedupe_keys (key, kind, batch_seq, row)
                    SELECT key, kind, batch_seq, row FROM dedupe_recent ORDER BY key;
                DELETE FROM dedupe_recent;
                """
        )
    }
}
