package import Foundation
import GRDB
import LeadModel

/// `leadspool retry`: finding the leads of finished batches to re-drive, and taking them back for sending.
///
/// Rows of a `done` batch are only ever `pending` or `sending` while a retry re-drives them (a run finishes a
/// batch only once every row has a final state). The CLI runs one retry at a time per ledger (a lock file),
/// so such rows found when a retry starts were left by an interrupted one and are re-driven too.
extension Ledger {
    /// Finished batches with rows in `states`, or left `pending` / `sending` by an interrupted retry, oldest
    /// claim first.
    ///
    /// - Parameters:
    ///   - since: only batches claimed at or after this time.
    ///   - batch: only this batch (content SHA-256).
    package func retryBatches(
        states: Set<LeadState>, since: Date? = nil, batch: String? = nil
    ) throws(LedgerError) -> [RetryBatch] {
        let wanted = Ledger.retryStates(states)
        return try read("cannot read batches to retry") { db in
            // The stored counts find the candidates without reading every lead: a batch with leads to
            // re-drive counts at least one `failed` or `unknown` (also while a retry of it is interrupted,
            // as counts are only updated once its reports are rewritten).
            var sql = """
                SELECT seq, id, name, file_name, publisher, claimed_at FROM batches
                WHERE state = 'done' AND (failed > 0 OR unknown > 0) AND claimed_at >= ?
                """
            var arguments: StatementArguments = [since?.ledgerSeconds ?? Int64.min]
            if let batch {
                sql += " AND id = ?"
                arguments += [batch]
            }
            sql += " ORDER BY claimed_at, seq"
            let count = try db.cachedStatement(
                sql: "SELECT state, count(*) FROM leads WHERE batch_seq = ? GROUP BY state"
            )
            var found: [RetryBatch] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                var rows: [LeadState: Int] = [:]
                let counts = try Row.fetchCursor(count, arguments: [row["seq"] as Int64])
                while let stateRow = try counts.next() {
                    guard let state = LeadState(rawValue: stateRow[0]), wanted.contains(state) else { continue }
                    rows[state] = stateRow[1]
                }
                guard !rows.isEmpty else { continue }
                found.append(
                    RetryBatch(
                        id: row["id"], name: row["name"], fileName: row["file_name"], publisher: row["publisher"],
                        claimedAt: Date(ledgerSeconds: row["claimed_at"]), rows: rows))
            }
            return found
        }
    }

    /// Batches whose report name is `text`; else those claimed from a file named `text` (the upload name,
    /// which several batches may share: a file dropped again with other content), in claim order; else those
    /// whose content hash starts with `text` (lowercase hex).
    package func batches(matching text: String) throws(LedgerError) -> [BatchStatus] {
        let hex = text.lowercased()
        let isHex = !hex.isEmpty && hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        let ids = try read("cannot find batches") { db in
            let named = try String.fetchAll(db, sql: "SELECT id FROM batches WHERE name = ?", arguments: [text])
            guard named.isEmpty else { return named }
            let uploaded = try String.fetchAll(
                db, sql: "SELECT id FROM batches WHERE file_name = ? ORDER BY seq", arguments: [text])
            guard uploaded.isEmpty && isHex else { return uploaded }
            // `id >= prefix AND id < prefix + 'g'` is the prefix as a range over the unique index.
            return try String.fetchAll(
                db, sql: "SELECT id FROM batches WHERE id >= ? AND id < ? ORDER BY id", arguments: [hex, hex + "g"])
        }
        var found: [BatchStatus] = []
        for id in ids {
            if let status = try batchStatus(id: id) { found.append(status) }
        }
        return found
    }

    /// The rows of `batch` to re-drive, with the state each is in now: those in `states`, and those an
    /// interrupted retry left `pending` or `sending`.
    package func retryRows(batch: String, states: Set<LeadState>) throws(LedgerError) -> [Int: LeadState] {
        let wanted = Ledger.retryStates(states)
        return try read("cannot read rows to retry") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let placeholders = Array(repeating: "?", count: wanted.count).joined(separator: ", ")
            var arguments: StatementArguments = [seq]
            arguments += StatementArguments(wanted.map(\.rawValue).sorted())
            var rows: [Int: LeadState] = [:]
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT row, state FROM leads WHERE batch_seq = ? AND state IN (\(placeholders))",
                arguments: arguments)
            while let row = try cursor.next() {
                if let state = LeadState(rawValue: row[1]) { rows[row[0]] = state }
            }
            return rows
        }
    }

    /// Takes rows of `batch` back for sending, in one `BEGIN IMMEDIATE` transaction: a row still in the
    /// state `expected` names for it takes its phone and email keys again (a `failed` lead released them;
    /// an `unknown` one may have outlived its dedupe window) and becomes `pending`; when another lead
    /// holds one of them it becomes `duplicate` / `DUPLICATE_IN_LEDGER` instead. A row in any other state
    /// is left alone (`settled`), so two processes never both send a row.
    ///
    /// - Parameters:
    ///   - leads: the rows re-validated from the original, with their normalised phone and email.
    ///   - expected: the state each row was read in (`retryRows`).
    ///   - now: the reference time of the dedupe windows, and the answer time of new duplicates.
    /// - Returns: one claim per lead, in order.
    package func reclaim(
        _ leads: [LedgerLead], batch: String, expected: [Int: LeadState], now: Date
    ) throws(LedgerError) -> [RetryClaim] {
        guard !leads.isEmpty else { return [] }
        var session = keyer.session()
        let keys = leads.map { lead in
            LeadKeys(
                phone: lead.phone.isEmpty ? nil : session.key(lead.vertical, lead.phone),
                email: lead.email.isEmpty ? nil : session.key(lead.vertical, lead.email))
        }
        let nowSeconds = now.ledgerSeconds
        let cutoffs = Vertical.allCases.map { nowSeconds - Int64(configuration.dedupeDays(for: $0)) * 86_400 }
        return try write("cannot take rows back for retry") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let current = try db.cachedStatement(
                sql: "SELECT state, idempotency_key FROM leads WHERE batch_seq = ? AND row = ?")
            // A key is taken when it is free, already this row's, or held by a lead that no longer blocks.
            let take = try db.cachedStatement(sql: LedgerSchema.takeKeysSQL(source: "(VALUES (?6, ?7, ?8))"))
            let giveBack = try db.cachedStatement(
                sql: "DELETE FROM dedupe_recent WHERE key = ? AND batch_seq = ? AND row = ?")
            let toPending = try db.cachedStatement(
                sql: "UPDATE leads SET state = 'pending' WHERE batch_seq = ? AND row = ? AND state = ?")
            let toDuplicate = try db.cachedStatement(
                sql: """
                    UPDATE leads SET state = 'duplicate', reason_code = 'DUPLICATE_IN_LEDGER', reason_text = ?,
                        problems = NULL, http_status = NULL, lead_id = NULL, bid_amount = NULL, latency_ms = NULL,
                        answered_at = ?
                    WHERE batch_seq = ? AND row = ? AND state = ?
                    """)
            var claims: [RetryClaim] = []
            claims.reserveCapacity(leads.count)
            for (index, lead) in leads.enumerated() {
                guard let row = try Row.fetchOne(current, arguments: [seq, lead.row]),
                    let state = LeadState(rawValue: row[0])
                else { throw LedgerError(.misuse, "row \(lead.row) of batch \(batch.prefix(12)) is not in the ledger") }
                guard let wanted = expected[lead.row], state == wanted else {
                    claims.append(.settled(state))
                    continue
                }
                var won: [DedupeKey] = []
                var lost: DedupeKey?
                for kind in DedupeKind.allCases {
                    guard let key = keys[index].key(kind) else { continue }
                    var arguments: [(any DatabaseValueConvertible)?] = [seq]
                    for cutoff in cutoffs { arguments.append(cutoff) }
                    arguments += [key.data, kind.rawValue, lead.row]
                    if try Int.fetchOne(take, arguments: StatementArguments(arguments)) != nil {
                        won.append(key)
                    } else {
                        lost = key
                        break
                    }
                }
                guard let lost else {
                    try toPending.execute(arguments: [seq, lead.row, state.rawValue])
                    claims.append(.owned(idempotencyKey: row[1]))
                    continue
                }
                for key in won { try giveBack.execute(arguments: [key.data, seq, lead.row]) }
                let holder = try Ledger.holder(db, key: lost)
                try toDuplicate.execute(arguments: [holder.text, nowSeconds, seq, lead.row, state.rawValue])
                claims.append(.duplicate(of: holder))
            }
            return claims
        }
    }

    /// Puts rows a retry took back but never sent (still `pending`) into the state they were in before
    /// (`failed` releases its keys again), for a retry stopped by a 401 or an error.
    package func restoreUnsent(batch: String, previous: [Int: LeadState]) throws(LedgerError) {
        let restorable = previous.filter { $0.value.isFinal }
        guard !restorable.isEmpty else { return }
        try write("cannot restore rows") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let restore = try db.cachedStatement(
                sql: "UPDATE leads SET state = ? WHERE batch_seq = ? AND row = ? AND state = 'pending'")
            for (row, state) in restorable.sorted(by: { $0.key < $1.key }) {
                try restore.execute(arguments: [state.rawValue, seq, row])
            }
        }
    }

    /// Replaces the stored counts of a finished batch (after a retry changed outcomes); its finish time stays.
    package func updateCounts(batch: String, counts: BatchCounts) throws(LedgerError) {
        try write("cannot update batch counts") { db in
            try db.execute(
                sql: """
                    UPDATE batches SET total = ?, accepted = ?, rejected = ?, invalid = ?, duplicate = ?, failed = ?,
                        unknown = ?
                    WHERE id = ? AND state = 'done'
                    """,
                arguments: [
                    counts.total, counts.accepted, counts.rejected, counts.invalid, counts.duplicate, counts.failed,
                    counts.unknown, batch,
                ])
            guard db.changesCount == 1 else {
                throw LedgerError(.misuse, "batch \(batch.prefix(12)) is not a finished batch of this ledger")
            }
        }
    }

    /// The states `retry` may re-drive: only `failed` and `unknown` of `states` (every other final state is
    /// a definitive answer or a local verdict), plus `pending` and `sending` left by an interrupted retry.
    static func retryStates(_ states: Set<LeadState>) -> Set<LeadState> {
        states.intersection([.failed, .unknown]).union([.pending, .sending])
    }
}
