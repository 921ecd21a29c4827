import GRDB

extension LedgerSchema {
    /// Migration `rollup-index`: the roll-up's covering index replaces `leads_by_answered_at` (which only the
    /// roll-up used), so a recorded answer still costs one index entry. It leads with the UTC day number
    /// (`answered_at / 86400`, an index on an expression), then the other group columns, so `GROUP BY` day,
    /// vertical, state, batch and reason streams in index order: a report over millions of rows reads the
    /// index alone, with no sort and one partial group per day, vertical, state, batch and reason. Partial as
    /// before: rows in flight are not indexed. `batch_seq` is a primary-key column, so naming it costs nothing;
    /// `row` follows implicitly.
    static func registerRollupIndex(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rollup-index") { db in
            try db.execute(
                sql: """
                    DROP INDEX IF EXISTS leads_by_answered_at;
                    CREATE INDEX leads_rollup
                        ON leads (answered_at / 86400, vertical, state, batch_seq, reason_code, answered_at, bid_amount,
                            latency_ms)
                        WHERE answered_at IS NOT NULL;
                    """
            )
        }
    }
}
