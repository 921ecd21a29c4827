import GRDB

extension LedgerSchema {
    /// Migration `dedupe-recent`: new dedupe keys go into a small table, `dedupe_recent`, merged into the large
    /// `dedupe_keys` in key order once it holds `Ledger.Configuration.recentKeysLimit` keys (see
    /// `Ledger.mergeRecentKeys`).
    ///
    /// Dedupe keys are random, so each key `reserve` adds to a large B-tree lands on its own leaf page, and a
    /// commit writes every page it dirtied whole to the WAL: with 10 M keys that was about one 4 KiB page per
    /// key, twice (WAL, then checkpoint). Inserts into the small table dirty at most its few thousand pages
    /// per commit; a merge walks the large table once in key order, writing each leaf it touches about once
    /// for hundreds of thousands of keys.
    ///
    /// A key's holder is the one in `dedupe_recent` when the key is there, else the one in `dedupe_keys`
    /// (`dedupe_holders` orders them so). A key is only ever taken into `dedupe_recent`, and only when that
    /// holder no longer blocks, so the rules are those of one table.
    static func registerRecentKeys(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dedupe-recent") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dedupe_recent (
                        key BLOB NOT NULL PRIMARY KEY,
                        kind INTEGER NOT NULL,
                        batch_seq INTEGER NOT NULL,
                        row INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE VIEW dedupe_holders (key, kind, batch_seq, row, level) AS
                        SELECT key, kind, batch_seq, row, 0 FROM dedupe_recent
                        UNION ALL SELECT key, kind, batch_seq, row, 1 FROM dedupe_keys;
                    """
            )
        }
    }

    /// The holder of key `?keyParameter` (`dedupe_recent`'s when the key is there): a subquery yielding at most
    /// one row `(kind, batch_seq, row)`, to use as `FROM \(...) k`.
    static func holderOf(keyParameter: Int) -> String {
        """
        (SELECT kind, batch_seq, row FROM dedupe_holders WHERE key = ?\(keyParameter) ORDER BY level LIMIT 1)
        """
    }

    /// `INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING row * 2 + kind` taking the keys of
    /// `source` into `dedupe_recent`. `source` yields `(key, kind, row)` as `v.column1` to `v.column3` (a
    /// `VALUES` list, or one `SELECT`); parameter 1 is the batch's seq and 2-5 the cutoffs per vertical.
    ///
    /// A key is taken when its holder (see `holderOf`) is this same row, or does not block
    /// (`holderBlocks`): a key missing from `dedupe_recent` is inserted unless `dedupe_keys` names a blocking
    /// holder; a key in `dedupe_recent` is taken over unless its holder there blocks. `RETURNING` names
    /// exactly the keys taken.
    static func takeKeysSQL(source: String) -> String {
        let own = "k.batch_seq = ?1 AND k.row = v.column3"
        let ownRecent = "dedupe_recent.batch_seq = ?1 AND dedupe_recent.row = excluded.row"
        return """
            INSERT INTO dedupe_recent (key, kind, batch_seq, row)
            SELECT v.column1, v.column2, ?1, v.column3 FROM \(source) AS v
            WHERE EXISTS (SELECT 1 FROM dedupe_recent r WHERE r.key = v.column1) OR NOT EXISTS (
                SELECT 1 FROM dedupe_keys k JOIN leads l ON l.batch_seq = k.batch_seq AND l.row = k.row
                WHERE k.key = v.column1 AND NOT (\(own)) AND \(holderBlocks(firstCutoff: 2)))
            ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, batch_seq = excluded.batch_seq, row = excluded.row
            WHERE (\(ownRecent)) OR NOT EXISTS (
                SELECT 1 FROM leads l WHERE l.batch_seq = dedupe_recent.batch_seq AND l.row = dedupe_recent.row
                    AND \(holderBlocks(firstCutoff: 2)))
            RETURNING row * 2 + kind
            """
    }
}
