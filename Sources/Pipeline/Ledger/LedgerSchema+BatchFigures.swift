import GRDB

extension LedgerSchema {
    /// Migration `batch-figures`: what the passes over a batch (the run, a resume after a stop, `retry`) did
    /// that its rows do not tell, summed over the passes: retried requests, rate-limit waits, and seconds of
    /// work. A batch's summary is rewritten after each pass, and shows the whole batch, not the last pass.
    static func registerBatchFigures(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("batch-figures") { db in
            try db.execute(
                sql: """
                    ALTER TABLE batches ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE batches ADD COLUMN rate_limit_waits INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE batches ADD COLUMN work_seconds REAL NOT NULL DEFAULT 0;
                    """)
        }
    }
}
