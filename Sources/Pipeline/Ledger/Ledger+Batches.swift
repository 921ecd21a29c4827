package import Foundation
import GRDB

extension Ledger {
    /// Records batch `id` (content SHA-256, hex) as `processing`, or returns it as stored when it was seen
    /// before (`isNew == false`): a `done` batch re-dropped, or a `processing` one to resume after a crash.
    package func beginBatch(
        id: String, name: String, fileName: String, publisher: String, claimedAt: Date
    ) throws(LedgerError) -> BatchStatus {
        try write("cannot begin batch") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO batches (id, name, file_name, publisher, claimed_at, state)
                    VALUES (?, ?, ?, ?, ?, 'processing') ON CONFLICT (id) DO NOTHING
                    """
            ).execute(arguments: [id, name, fileName, publisher, claimedAt.ledgerSeconds])
            let isNew = db.changesCount == 1
            return try Ledger.fetchBatch(db, id: id, isNew: isNew)!
        }
    }

    /// The stored batch, or `nil` when the ledger never saw it.
    package func batchStatus(id: String) throws(LedgerError) -> BatchStatus? {
        try read("cannot read batch") { db in try Ledger.fetchBatch(db, id: id, isNew: false) }
    }

    /// The batch finished last: the latest `finished_at`, and of batches finished in the same second the one
    /// recorded last; `nil` while no batch has finished. (Batch names start with the claim time, so the
    /// last name is not the last batch finished when a long batch ends after a later one.)
    package func lastFinishedBatch() throws(LedgerError) -> BatchStatus? {
        try read("cannot read batch") { db in
            guard
                let id = try String.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM batches WHERE state = 'done' AND finished_at IS NOT NULL
                        ORDER BY finished_at DESC, seq DESC LIMIT 1
                        """)
            else { return nil }
            return try Ledger.fetchBatch(db, id: id, isNew: false)
        }
    }

    /// Marks the batch `done` with its final counts.
    package func finishBatch(id: String, counts: BatchCounts, finishedAt: Date = Date()) throws(LedgerError) {
        try write("cannot finish batch") { db in
            try db.execute(
                sql: """
                    UPDATE batches SET state = 'done', finished_at = ?, total = ?, accepted = ?, rejected = ?,
                        invalid = ?, duplicate = ?, failed = ?, unknown = ?
                    WHERE id = ?
                    """,
                arguments: [
                    finishedAt.ledgerSeconds, counts.total, counts.accepted, counts.rejected, counts.invalid,
                    counts.duplicate, counts.failed, counts.unknown, id,
                ]
            )
            guard db.changesCount == 1 else {
                throw LedgerError(.misuse, "batch \(id.prefix(12)) was never begun in this ledger")
            }
        }
    }

    /// Adds what one pass over batch `id` did to its stored figures.
    package func addFigures(_ figures: BatchFigures, batch id: String) throws(LedgerError) {
        try write("cannot store batch figures") { db in
            try db.execute(
                sql: """
                    UPDATE batches SET retries = retries + ?, rate_limit_waits = rate_limit_waits + ?,
                        work_seconds = work_seconds + ?
                    WHERE id = ?
                    """,
                arguments: [figures.retries, figures.rateLimitWaits, figures.workSeconds, id])
        }
    }

    /// How many rows of the batch are in each state.
    package func stateCounts(batch: String) throws(LedgerError) -> [LeadState: Int] {
        try read("cannot count rows") { db in try Ledger.fetchStateCounts(db, seq: Ledger.batchSeq(db, batch)) }
    }

    private static func fetchBatch(_ db: Database, id: String, isNew: Bool) throws -> BatchStatus? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT seq, name, file_name, publisher, claimed_at, state, finished_at, total, accepted,
                            rejected, invalid, duplicate, failed, unknown, retries, rate_limit_waits, work_seconds
                        FROM batches WHERE id = ?
                        """
                ),
                arguments: [id]
            )
        else { return nil }
        let finishedAt: Int64? = row["finished_at"]
        let rowStates: [LeadState: Int] = try isNew ? [:] : fetchStateCounts(db, seq: row["seq"])
        return BatchStatus(
            id: id, name: row["name"], fileName: row["file_name"], publisher: row["publisher"],
            claimedAt: Date(ledgerSeconds: row["claimed_at"]),
            state: BatchStatus.State(rawValue: row["state"]) ?? .processing, isNew: isNew,
            finishedAt: finishedAt.map(Date.init(ledgerSeconds:)),
            counts: BatchCounts(
                total: row["total"], accepted: row["accepted"], rejected: row["rejected"], invalid: row["invalid"],
                duplicate: row["duplicate"], failed: row["failed"], unknown: row["unknown"]
            ),
            rowStates: rowStates,
            figures: BatchFigures(
                retries: row["retries"], rateLimitWaits: row["rate_limit_waits"], workSeconds: row["work_seconds"])
        )
    }

    private static func fetchStateCounts(_ db: Database, seq: Int64) throws -> [LeadState: Int] {
        var counts: [LeadState: Int] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT state, count(*) FROM leads WHERE batch_seq = ? GROUP BY state"),
            arguments: [seq]
        )
        while let row = try rows.next() {
            if let state = LeadState(rawValue: row[0]) { counts[state] = row[1] }
        }
        return counts
    }
}
