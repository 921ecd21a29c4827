import GRDB

extension LedgerSchema {
    /// Migration `remote-reason`: the API's reason for a rejected lead as a `RemoteReason` token (PII-free,
    /// at most 40 characters), so reports can break `REMOTE_REJECTED` down. The roll-up's covering index is
    /// rebuilt with it just after `reason_code`, so a roll-up by remote reason still reads the index alone and
    /// streams `GROUP BY` in index order. Rows answered before the migration have none.
    static func registerRemoteReason(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("remote-reason") { db in
            try db.execute(
                sql: """
                    ALTER TABLE leads ADD COLUMN remote_reason TEXT;
                    DROP INDEX IF EXISTS leads_rollup;
                    CREATE INDEX leads_rollup
                        ON leads (answered_at / 86400, vertical, state, batch_seq, reason_code, remote_reason,
                            answered_at, bid_amount, latency_ms)
                        WHERE answered_at IS NOT NULL;
                    """
            )
        }
    }
}
