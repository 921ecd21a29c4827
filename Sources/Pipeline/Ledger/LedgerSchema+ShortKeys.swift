import GRDB

extension LedgerSchema {
    /// Migration `dedupe-key-16`: dedupe keys become the first 16 bytes of their HMAC (`DedupeKey`), so a key
    /// row takes 28 bytes of a page instead of 44. Every random key a `reserve` adds dirties a page of the
    /// B-tree; with fewer, fuller pages, fewer of them are written per commit and more of the tree stays in
    /// the page cache.
    ///
    /// The table is rebuilt: a WITHOUT ROWID table's primary key cannot be rewritten in place without SQLite
    /// collecting every row first. Reading the old table in key order yields the cut keys in order too (a
    /// prefix of sorted keys is sorted), so the new B-tree is filled by appends. A key cut to the same 16
    /// bytes as an earlier one (about n² / 2¹²⁹) keeps the earlier holder, which blocks the same leads.
    static func registerShortKeys(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dedupe-key-16") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dedupe_keys_16 (
                        key BLOB NOT NULL PRIMARY KEY,
                        kind INTEGER NOT NULL,
                        batch_seq INTEGER NOT NULL,
                        row INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO dedupe_keys_16 (key, kind, batch_seq, row)
                        SELECT substr(key, 1, 16), kind, batch_seq, row FROM dedupe_keys ORDER BY key;
                    DROP TABLE dedupe_keys;
                    ALTER TABLE dedupe_keys_16 RENAME TO dedupe_keys;
                    """
            )
        }
    }
}
