import GRDB

extension LedgerSchema {
    /// Migration `rollup-index`: the roll-up's covering index replaces `leads_by_answered_at` (which only the
    /// roll-up used), so a report over millions of rows reads the index alone, in its order, with no sort,
    /// and a recorded answer still costs one index entry. Partial as before: rows in flight are not indexed.
    /// `batch_seq` is a primary-key column, so naming it costs nothing; `row` follows implicitly.
    static func registerRollupIndex(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rollup-index") { db in
            try db.execute(
                sql: """
                    DROP INDEX IF EXISTS leads_by_answered_at;
                    CREATE INDEX leads_rollup
                        ON leads (answered_at, vertical, state, batch_seq, reason_code, bid_amount, latency_ms)
                        WHERE answered_at IS NOT NULL;
                    """
            )
        }
    }
}
