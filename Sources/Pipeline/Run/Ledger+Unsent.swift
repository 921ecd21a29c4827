import GRDB

extension Ledger {
    /// Puts rows marked `sending` that provably never reached the API back to `pending`: leads a stopped
    /// run (401) cut off before their first request, and the lead the API refused with 401. Without
    /// this they would look interrupted in flight, and `ambiguous = "hold"` would hold leads that were
    /// never sent. The rows keep their dedupe keys; the next run sends them with the same key.
    ///
    /// Rows that are not `sending` any more are left as they are.
    package func returnUnsent(batch: String, rows: [Int]) throws(LedgerError) {
        guard !rows.isEmpty else { return }
        try write("cannot return unsent rows") { db in
            let seq = try Ledger.batchSeq(db, batch)
            for chunk in Ledger.chunks(rows.count) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                var arguments: [(any DatabaseValueConvertible)?] = [seq]
                for index in chunk { arguments.append(rows[index]) }
                try db.execute(
                    sql: """
                        UPDATE leads SET state = 'pending', submitted_at = NULL
                        WHERE batch_seq = ? AND state = 'sending' AND row IN (\(placeholders))
                        """,
                    arguments: StatementArguments(arguments))
            }
        }
    }
}
