package import Foundation
import GRDB

extension Ledger {
    /// Reserves the phone and email keys of `leads` (rows of `batch`) in one transaction and records each
    /// row: `pending` when it now owns both keys, `duplicate` (`DUPLICATE_IN_LEDGER`, naming the holder)
    /// when another lead holds one. Rows already in the ledger (a resumed or re-dropped batch) are left
    /// as they are and answered `owned` (still `pending`), `wasSending` or `alreadyDone`.
    ///
    /// Taking a key is one statement (`INSERT ... ON CONFLICT DO UPDATE ... WHERE` the holder no longer
    /// blocks), inside a `BEGIN IMMEDIATE` transaction, so two processes never both own a consumer. A lead
    /// that takes its phone key but loses its email key gives the phone key back in the same transaction.
    ///
    /// - Parameters:
    ///   - now: the reference time of the dedupe windows.
    /// - Returns: one result per lead, in order.
    package func reserve(_ leads: [LedgerLead], batch: String, now: Date) throws(LedgerError) -> [ReserveResult] {
        guard !leads.isEmpty else { return [] }
        // Hashing is CPU work: do it before taking the write lock.
        let keys = dedupeKeys(leads)
        let nowSeconds = now.ledgerSeconds
        return try write("cannot reserve leads") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let existing = try Ledger.existingRows(db, seq: seq, rows: leads.map(\.row))
            let take = try db.cachedStatement(
                sql: """
                    INSERT INTO dedupe_keys (key, kind, batch_seq, row) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, batch_seq = excluded.batch_seq,
                        row = excluded.row
                    WHERE NOT EXISTS (
                        SELECT 1 FROM leads l WHERE l.batch_seq = dedupe_keys.batch_seq AND l.row = dedupe_keys.row
                            AND \(LedgerSchema.holderBlocks(cutoff: "?5")))
                    """
            )
            let giveBack = try db.cachedStatement(
                sql: "DELETE FROM dedupe_keys WHERE key = ? AND batch_seq = ? AND row = ?"
            )
            let insertPending = try db.cachedStatement(
                sql: "INSERT INTO leads (batch_seq, row, state, vertical) VALUES (?, ?, 'pending', ?)"
            )
            let insertDuplicate = try db.cachedStatement(
                sql: """
                    INSERT INTO leads (batch_seq, row, state, vertical, reason_code, reason_text, answered_at)
                    VALUES (?, ?, 'duplicate', ?, 'DUPLICATE_IN_LEDGER', ?, ?)
                    """
            )

            func takeKey(_ key: Data?, _ kind: DedupeKind, row: Int, cutoff: Int64) throws -> Bool {
                guard let key else { return true }
                try take.execute(arguments: [key, kind.rawValue, seq, row, cutoff])
                return db.changesCount == 1
            }

            var results: [ReserveResult] = []
            results.reserveCapacity(leads.count)
            for (index, lead) in leads.enumerated() {
                if let stored = existing[lead.row] {
                    results.append(stored)
                    continue
                }
                let cutoff = nowSeconds - Int64(configuration.dedupeDays(for: lead.vertical)) * 86_400
                let (phoneKey, emailKey) = keys[index]
                var lost: (key: Data, kind: DedupeKind)?
                if try !takeKey(phoneKey, .phone, row: lead.row, cutoff: cutoff) {
                    lost = (phoneKey!, .phone)
                } else if try !takeKey(emailKey, .email, row: lead.row, cutoff: cutoff) {
                    lost = (emailKey!, .email)
                    if let phoneKey { try giveBack.execute(arguments: [phoneKey, seq, lead.row]) }
                }
                if let lost {
                    let holder = try Ledger.holder(db, key: lost.key)
                    try insertDuplicate.execute(
                        arguments: [seq, lead.row, lead.vertical.rawValue, holder.text, nowSeconds]
                    )
                    results.append(.duplicate(of: holder))
                } else {
                    try insertPending.execute(arguments: [seq, lead.row, lead.vertical.rawValue])
                    results.append(.owned)
                }
            }
            return results
        }
    }

    /// What `reserve` would answer for `leads`, without writing (`leadspool check`): `owned` means the lead
    /// would be sent, `duplicate` names the lead holding one of its keys.
    package func dedupeCheck(_ leads: [LedgerLead], now: Date) throws(LedgerError) -> [ReserveResult] {
        guard !leads.isEmpty else { return [] }
        let keys = dedupeKeys(leads)
        let nowSeconds = now.ledgerSeconds
        return try read("cannot read dedupe keys") { db in
            let blocking = try db.cachedStatement(
                sql: """
                    SELECT b.id, k.row, k.kind, l.state, l.answered_at
                    FROM dedupe_keys k
                    JOIN batches b ON b.seq = k.batch_seq
                    JOIN leads l ON l.batch_seq = k.batch_seq AND l.row = k.row
                    WHERE k.key = ?1 AND \(LedgerSchema.holderBlocks(cutoff: "?2"))
                    """
            )
            return try leads.enumerated().map { (index, lead) -> ReserveResult in
                let cutoff = nowSeconds - Int64(configuration.dedupeDays(for: lead.vertical)) * 86_400
                for key in [keys[index].phone, keys[index].email] {
                    guard let key,
                        let row = try Row.fetchOne(blocking, arguments: [key, cutoff])
                    else { continue }
                    return .duplicate(of: Ledger.holder(row))
                }
                return .owned
            }
        }
    }

    /// The phone and email keys of each lead (`nil` for an empty value).
    private func dedupeKeys(_ leads: [LedgerLead]) -> [(phone: Data?, email: Data?)] {
        var session = keyer.session()
        return leads.map { lead in
            (
                lead.phone.isEmpty ? nil : session.key(lead.vertical, lead.phone),
                lead.email.isEmpty ? nil : session.key(lead.vertical, lead.email)
            )
        }
    }

    /// Rows of this call already stored for the batch, as `reserve` answers them.
    private static func existingRows(_ db: Database, seq: Int64, rows: [Int]) throws -> [Int: ReserveResult] {
        guard let low = rows.min(), let high = rows.max() else { return [:] }
        let wanted = Set(rows)
        var found: [Int: ReserveResult] = [:]
        let cursor = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT row, state, idempotency_key FROM leads WHERE batch_seq = ? AND row BETWEEN ? AND ?"
            ),
            arguments: [seq, low, high]
        )
        while let row = try cursor.next() {
            let number: Int = row[0]
            guard wanted.contains(number), let state = LeadState(rawValue: row[1]) else { continue }
            found[number] =
                switch state {
                case .pending: .owned
                case .sending: .wasSending(idempotencyKey: row[2])
                default: .alreadyDone(state)
                }
        }
        return found
    }

    private static func holder(_ db: Database, key: Data) throws -> LedgerHolder {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT b.id, k.row, k.kind, l.state, l.answered_at
                    FROM dedupe_keys k
                    JOIN batches b ON b.seq = k.batch_seq
                    LEFT JOIN leads l ON l.batch_seq = k.batch_seq AND l.row = k.row
                    WHERE k.key = ?
                    """
            ),
            arguments: [key]
        )
        guard let row else { throw LedgerError(.misuse, "dedupe key lost its holder") }
        return holder(row)
    }

    private static func holder(_ row: Row) -> LedgerHolder {
        let state: String? = row[3]
        let answeredAt: Int64? = row[4]
        return LedgerHolder(
            batch: row[0], row: row[1], kind: DedupeKind(rawValue: row[2]) ?? .phone,
            state: state.flatMap(LeadState.init(rawValue:)), answeredAt: answeredAt.map(Date.init(ledgerSeconds:))
        )
    }
}
