import GRDB

extension Ledger {
    /// After a stop, records what the rows still `sending` got: the requests each made (a 401, 429s, a
    /// request cut off in flight: they count in `attempts`, as the answers of finished rows do), and puts the
    /// ones that provably never reached the API back to `pending` (`backToPending`): leads a stopped run (401)
    /// cut off before their first request, answered only 429, or refused with 401. Without this they would
    /// look interrupted in flight, and `ambiguous = "hold"` would hold leads that were never sent. The rows
    /// keep their dedupe keys; the next run sends them with the same key.
    ///
    /// Rows that are not `sending` any more are left as they are.
    package func settleStopped(batch: String, rows: [StoppedRow]) throws(LedgerError) {
        guard !rows.isEmpty else { return }
        try write("cannot return unsent rows") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let update = try db.cachedStatement(
                sql: """
                    UPDATE leads SET attempts = attempts + ?1,
                        state = CASE WHEN ?2 THEN 'pending' ELSE state END,
                        submitted_at = CASE WHEN ?2 THEN NULL ELSE submitted_at END
                    WHERE batch_seq = ?3 AND row = ?4 AND state = 'sending'
                    """)
            for row in rows {
                try update.execute(arguments: [row.attempts, row.backToPending, seq, row.row])
            }
        }
    }
}

/// A row a stopped run leaves without a final answer (see `Ledger.settleStopped`).
package struct StoppedRow: Sendable {
    package var row: Int
    /// Requests made for it in the stopped run.
    package var attempts: Int
    /// It never reached the API: back to `pending`, not left `sending` (ambiguous).
    package var backToPending: Bool

    package init(row: Int, attempts: Int, backToPending: Bool) {
        self.row = row
        self.attempts = attempts
        self.backToPending = backToPending
    }
}
