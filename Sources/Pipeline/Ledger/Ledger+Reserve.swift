package import Foundation
import GRDB
import LeadModel
import Logging

extension Ledger {
    /// Reserves the phone and email keys of `leads` (rows of `batch`) in one transaction and records each
    /// row: `pending` when it now owns both keys, `duplicate` (`DUPLICATE_IN_LEDGER`, naming the holder)
    /// when another lead holds one. Rows already in the ledger (a resumed or re-dropped batch) are left
    /// as they are and answered `owned` (still `pending`), `wasSending` or `alreadyDone`.
    ///
    /// Taking a key is one statement (`INSERT ... ON CONFLICT DO UPDATE ... WHERE` the holder no longer
    /// blocks), inside a `BEGIN IMMEDIATE` transaction, so two processes never both own a consumer. A lead
    /// that takes its phone key but loses its email key gives the phone key back in the same transaction.
    /// Keys are taken into `dedupe_recent`; once it is full, this call then merges it into `dedupe_keys` in
    /// transactions of their own (`mergeRecentKeys`).
    ///
    /// - Parameters:
    ///   - now: the reference time of the dedupe windows.
    /// - Returns: one result per lead, in order.
    package func reserve(_ leads: [LedgerLead], batch: String, now: Date) throws(LedgerError) -> [ReserveResult] {
        guard !leads.isEmpty else { return [] }
        // Hashing and ordering are CPU work: do them before taking the write lock.
        let keys = dedupeKeys(leads)
        let plan = ReservePlan(keys)
        let nowSeconds = now.ledgerSeconds
        let (results, full) = try write("cannot reserve leads") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let existing = try Ledger.existingRows(db, seq: seq, rows: leads.map(\.row))
            let giveBack = try db.cachedStatement(
                sql: "DELETE FROM dedupe_recent WHERE key = ? AND batch_seq = ? AND row = ?"
            )
            let insertDuplicate = try db.cachedStatement(
                sql: """
                    INSERT INTO leads (batch_seq, row, state, vertical, reason_code, reason_text, answered_at)
                    VALUES (?, ?, 'duplicate', ?, 'DUPLICATE_IN_LEDGER', ?, ?)
                    """
            )

            let cutoffs = Vertical.allCases.map { nowSeconds - Int64(configuration.dedupeDays(for: $0)) * 86_400 }

            /// Takes `refs` (lead index, kind) in one statement per chunk; returns the ones won, as
            /// `index * 2 + kind`. A key is won when it was free or its holder no longer blocks (see
            /// `LedgerSchema.holderBlocks`); `RETURNING` names exactly the rows inserted or taken over.
            func take(_ refs: [(lead: Int, kind: DedupeKind)]) throws -> [Bool] {
                var won = [Bool](repeating: false, count: leads.count * 2)
                var indexOfRow: [Int: Int] = [:]
                indexOfRow.reserveCapacity(refs.count)
                for ref in refs { indexOfRow[leads[ref.lead].row] = ref.lead }
                var start = 0
                while start < refs.count {
                    let chunk = refs[start..<min(start + Ledger.chunkSize, refs.count)]
                    let statement = try LedgerStatement(
                        db, chunk.count == Ledger.chunkSize ? Ledger.takeFullChunkSQL : Ledger.takeKeysSQL(chunk.count)
                    )
                    statement.bind(1, seq)
                    for (i, cutoff) in cutoffs.enumerated() { statement.bind(Int32(2 + i), cutoff) }
                    var parameter: Int32 = 6
                    for ref in chunk {
                        statement.bind(parameter, key: keys[ref.lead].key(ref.kind))
                        statement.bind(parameter + 1, ref.kind.rawValue)
                        statement.bind(parameter + 2, leads[ref.lead].row)
                        parameter += 3
                    }
                    try statement.run { taken in
                        let code = Int(taken)
                        if let index = indexOfRow[code >> 1] { won[index * 2 + (code & 1)] = true }
                    }
                    start += Ledger.chunkSize
                }
                return won
            }

            // Pass 1: the keys of leads that share no key with another lead of this call, in key order (the
            // B-tree is then walked forward instead of at random), many per statement.
            let won = try take(
                plan.sortedKeys.filter { !plan.collides[$0.lead] && existing[leads[$0.lead].row] == nil }
                    .map { (lead: $0.lead, kind: $0.kind) }
            )
            func takeKey(_ index: Int, _ kind: DedupeKind) throws -> Bool {
                if keys[index].key(kind) == nil { return true }
                return try take([(index, kind)])[index * 2 + kind.rawValue]
            }

            // Pass 2, in row order: settle each lead; leads sharing a key within the call go one by one, so
            // the earlier row wins as if the rows came in separate calls.
            var results: [ReserveResult] = []
            results.reserveCapacity(leads.count)
            var pending: [Int] = []
            pending.reserveCapacity(leads.count)
            for (index, lead) in leads.enumerated() {
                if let stored = existing[lead.row] {
                    results.append(stored)
                    continue
                }
                let (phoneKey, emailKey) = (keys[index].phone, keys[index].email)
                let phoneWon: Bool
                var emailWon: Bool
                if plan.collides[index] {
                    phoneWon = try takeKey(index, .phone)
                    emailWon = false
                    if phoneWon { emailWon = try takeKey(index, .email) }
                } else {
                    phoneWon = phoneKey == nil || won[index * 2]
                    emailWon = emailKey == nil || won[index * 2 + 1]
                }
                if phoneWon && emailWon {
                    if plan.collides[index] {
                        // A later lead of this call may collide with this one: its row must exist now, or the
                        // key would look free (a holder without a row holds nothing).
                        try db.cachedStatement(
                            sql: "INSERT INTO leads (batch_seq, row, state, vertical) VALUES (?, ?, 'pending', ?)"
                        ).execute(arguments: [seq, lead.row, lead.vertical.rawValue])
                    } else {
                        pending.append(index)
                    }
                    results.append(.owned)
                    continue
                }
                // Lost one key: give back the other (taken in this transaction), name the holder of the lost one.
                if phoneWon, let phoneKey { try giveBack.execute(arguments: [phoneKey.data, seq, lead.row]) }
                if emailWon, let emailKey { try giveBack.execute(arguments: [emailKey.data, seq, lead.row]) }
                let holder = try Ledger.holder(db, key: phoneWon ? emailKey! : phoneKey!)
                try insertDuplicate.execute(arguments: [seq, lead.row, lead.vertical.rawValue, holder.text, nowSeconds])
                results.append(.duplicate(of: holder))
            }
            for chunk in Ledger.chunks(pending.count) {
                let insertPending = try LedgerStatement(
                    db, chunk.count == Ledger.chunkSize ? Ledger.insertFullChunkSQL : Ledger.insertPendingSQL(chunk.count)
                )
                var parameter: Int32 = 1
                for index in pending[chunk] {
                    insertPending.bind(parameter, seq)
                    insertPending.bind(parameter + 1, leads[index].row)
                    insertPending.bind(parameter + 2, leads[index].vertical.rawValue)
                    parameter += 3
                }
                try insertPending.run()
            }
            return (results, try recentKeysFull(db))
        }
        // The reservation is committed: a merge that fails (another process holding the lock past the busy
        // timeout, a full disk) leaves every key in a place readers look, and the next reserve tries again; a
        // full disk also fails the run's next write, which reports it.
        if full {
            do {
                try mergeRecentKeys()
            } catch {
                logger.warning(
                    "merging the recent dedupe keys failed; the next reservation tries again",
                    metadata: ["error": "\(error)"])
            }
        }
        return results
    }

    /// What `reserve` would answer for `leads`, without writing (`leadspool check`): `owned` means the lead
    /// would be sent, `duplicate` names the lead holding one of its keys.
    package func dedupeCheck(_ leads: [LedgerLead], now: Date) throws(LedgerError) -> [ReserveResult] {
        guard !leads.isEmpty else { return [] }
        let keys = dedupeKeys(leads)
        let nowSeconds = now.ledgerSeconds
        let cutoffs = Vertical.allCases.map { nowSeconds - Int64(configuration.dedupeDays(for: $0)) * 86_400 }
        return try read("cannot read dedupe keys") { db in
            let blocking = try db.cachedStatement(
                sql: """
                    SELECT b.id, k.row, k.kind, l.state, l.answered_at
                    FROM \(LedgerSchema.holderOf(keyParameter: 1)) k
                    JOIN batches b ON b.seq = k.batch_seq
                    JOIN leads l ON l.batch_seq = k.batch_seq AND l.row = k.row
                    WHERE \(LedgerSchema.holderBlocks(firstCutoff: 2))
                    """
            )
            return try keys.map { pair -> ReserveResult in
                for key in [pair.phone, pair.email] {
                    guard let key,
                        let row = try Row.fetchOne(blocking, arguments: [key.data] + StatementArguments(cutoffs))
                    else { continue }
                    return .duplicate(of: Ledger.holder(row))
                }
                return .owned
            }
        }
    }

    static let takeFullChunkSQL = takeKeysSQL(chunkSize)
    static let insertFullChunkSQL = insertPendingSQL(chunkSize)

    /// Inserts `count` rows `pending`: `(seq, row, vertical)` per row.
    static func insertPendingSQL(_ count: Int) -> String {
        "INSERT INTO leads (batch_seq, row, state, vertical) VALUES "
            + Array(repeating: "(?, ?, 'pending', ?)", count: count).joined(separator: ", ")
    }

    /// Takes `count` keys (see `LedgerSchema.takeKeysSQL`): parameter 1 is the batch's seq, 2-5 the cutoffs
    /// per vertical, then `(key, kind, row)` per key.
    static func takeKeysSQL(_ count: Int) -> String {
        LedgerSchema.takeKeysSQL(source: "(VALUES \(tuples(count, width: 3, from: 6)))")
    }

    /// The phone and email keys of each lead (`nil` for an empty value).
    private func dedupeKeys(_ leads: [LedgerLead]) -> [LeadKeys] {
        var session = keyer.session()
        return leads.map { lead in
            LeadKeys(
                phone: lead.phone.isEmpty ? nil : session.key(lead.vertical, lead.phone),
                email: lead.email.isEmpty ? nil : session.key(lead.vertical, lead.email)
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

    static func holder(_ db: Database, key: DedupeKey) throws -> LedgerHolder {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT b.id, k.row, k.kind, l.state, l.answered_at
                    FROM \(LedgerSchema.holderOf(keyParameter: 1)) k
                    JOIN batches b ON b.seq = k.batch_seq
                    LEFT JOIN leads l ON l.batch_seq = k.batch_seq AND l.row = k.row
                    """
            ),
            arguments: [key.data]
        )
        guard let row else { throw LedgerError(.misuse, "dedupe key lost its holder") }
        return holder(row)
    }

    static func holder(_ row: Row) -> LedgerHolder {
        let state: String? = row[3]
        let answeredAt: Int64? = row[4]
        return LedgerHolder(
            batch: row[0], row: row[1], kind: DedupeKind(rawValue: row[2]) ?? .phone,
            state: state.flatMap(LeadState.init(rawValue:)), answeredAt: answeredAt.map(Date.init(ledgerSeconds:))
        )
    }
}

/// The dedupe keys of one lead.
struct LeadKeys {
    var phone: DedupeKey?
    var email: DedupeKey?

    func key(_ kind: DedupeKind) -> DedupeKey? { kind == .phone ? phone : email }
}

/// The order in which `reserve` takes keys: every key sorted (the B-tree's order), and which leads share a
/// key with another lead of the same call.
struct ReservePlan {
    struct KeyRef {
        var key: DedupeKey
        var lead: Int
        var kind: DedupeKind
    }

    var sortedKeys: [KeyRef] = []
    var collides: [Bool]

    init(_ keys: [LeadKeys]) {
        collides = [Bool](repeating: false, count: keys.count)
        sortedKeys.reserveCapacity(keys.count * 2)
        for (lead, pair) in keys.enumerated() {
            for kind in DedupeKind.allCases {
                guard let key = pair.key(kind) else { continue }
                sortedKeys.append(KeyRef(key: key, lead: lead, kind: kind))
            }
        }
        sortedKeys.sort { $0.key < $1.key }
        // Equal keys sit next to each other in the sorted list.
        for i in sortedKeys.indices.dropFirst() where sortedKeys[i].key == sortedKeys[i - 1].key {
            collides[sortedKeys[i].lead] = true
            collides[sortedKeys[i - 1].lead] = true
        }
    }
}
