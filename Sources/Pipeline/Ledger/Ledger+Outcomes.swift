package import Foundation
import GRDB
import LeadModel

extension Ledger {
    /// Marks `rows` of `batch` `sending`, with the `Idempotency-Key` each will carry, before their POSTs.
    ///
    /// Call it once for a window of rows: it is one transaction, synced to disk when
    /// `Configuration.syncSendMarks` is on (see the type's docs on durability). `submitted_at` keeps its
    /// first value when a row is marked again (a retry after a crash).
    ///
    /// - Throws: `.misuse` when a row is not `pending` or `sending` (never reserved, or already final).
    package func markSending(
        batch: String, rows: [Int], idempotencyKeys: [String], now: Date
    ) throws(LedgerError) {
        guard rows.count == idempotencyKeys.count else {
            throw LedgerError(.misuse, "markSending needs one idempotency key per row")
        }
        guard !rows.isEmpty else { return }
        let nowSeconds = now.ledgerSeconds
        try write("cannot mark rows sending", durable: configuration.syncSendMarks) { db in
            let seq = try Ledger.batchSeq(db, batch)
            // One statement per chunk of rows: SQLite's per-statement cost is paid per chunk, not per row.
            // Bound through the C API (see `LedgerStatement`).
            for chunk in Ledger.chunks(rows.count) {
                let mark = try LedgerStatement(
                    db, chunk.count == Ledger.chunkSize ? Ledger.markFullChunkSQL : Ledger.markSendingSQL(chunk.count)
                )
                mark.bind(1, nowSeconds)
                var parameter: Int32 = 2
                for index in chunk {
                    mark.bind(parameter, rows[index])
                    mark.bind(parameter + 1, idempotencyKeys[index])
                    parameter += 2
                }
                mark.bind(parameter, seq)
                guard try mark.run() == chunk.count else {
                    throw LedgerError(.misuse, "rows of batch \(batch.prefix(12)) are not pending or sending")
                }
            }
        }
    }

    /// Stores the final answers of sent rows of `batch`, in one transaction.
    ///
    /// `attempts` adds to the row's stored count (a row re-driven by `retry` counts every request made for it).
    ///
    /// A `failed` or `invalid` row releases its dedupe keys by this same write (a holder in those states no
    /// longer blocks, see `LedgerSchema`); `accepted`, `rejected` and `unknown` rows keep blocking their
    /// consumer for the dedupe window from `answeredAt`.
    ///
    /// - Throws: `.misuse` for a state that is not final or a row that was never reserved.
    package func record(_ outcomes: [LeadOutcomeRecord], batch: String) throws(LedgerError) {
        guard !outcomes.isEmpty else { return }
        if let bad = outcomes.first(where: { !$0.state.isFinal }) {
            throw LedgerError(.misuse, "row \(bad.row): \(bad.state.rawValue) is not a final state")
        }
        try write("cannot record outcomes") { db in
            let seq = try Ledger.batchSeq(db, batch)
            for chunk in Ledger.chunks(outcomes.count) {
                let update = try LedgerStatement(
                    db, chunk.count == Ledger.chunkSize ? Ledger.recordFullChunkSQL : Ledger.recordSQL(chunk.count)
                )
                var p: Int32 = 1
                for index in chunk {
                    let outcome = outcomes[index]
                    update.bind(p, outcome.row)
                    update.bind(p + 1, outcome.state.rawValue)
                    update.bind(p + 2, outcome.httpStatus)
                    update.bind(p + 3, outcome.attempts)
                    update.bind(p + 4, outcome.leadID)
                    update.bind(p + 5, outcome.bidAmount)
                    update.bind(p + 6, outcome.reasonCode?.rawValue)
                    update.bind(p + 7, outcome.reasonText.map(LedgerText.scrub))
                    update.bind(p + 8, outcome.submittedAt?.ledgerSeconds)
                    update.bind(p + 9, outcome.answeredAt.ledgerSeconds)
                    update.bind(p + 10, outcome.latencyMs)
                    update.bind(p + 11, outcome.remoteReason.flatMap(RemoteReason.token))
                    p += 12
                }
                update.bind(p, seq)
                guard try update.run() == chunk.count else {
                    throw LedgerError(.misuse, "rows of batch \(batch.prefix(12)) were never reserved")
                }
            }
        }
    }

    /// Stores rows of `batch` settled without sending (`invalid`, or `duplicate` within the batch, or
    /// `failed` for a lead the batch stopped before sending), so the ledger knows every row's final state. A
    /// row stored before is overwritten (and, now `invalid`, `duplicate` or `failed`, releases any key it
    /// held). Only the problems' codes and fields are kept.
    ///
    /// - Throws: `.misuse` for a state other than `invalid`, `duplicate` or `failed`.
    package func recordLocal(_ rows: [LocalOutcomeRecord], batch: String, now: Date) throws(LedgerError) {
        guard !rows.isEmpty else { return }
        if let bad = rows.first(where: { ![.invalid, .duplicate, .failed].contains($0.state) }) {
            throw LedgerError(
                .misuse, "row \(bad.row): recordLocal takes invalid, duplicate or failed, not \(bad.state)")
        }
        let nowSeconds = now.ledgerSeconds
        try write("cannot record local outcomes") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO leads (batch_seq, row, state, vertical, reason_code, problems, answered_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    ON CONFLICT (batch_seq, row) DO UPDATE SET state = ?3, vertical = ?4, reason_code = ?5,
                        problems = ?6, reason_text = NULL, remote_reason = NULL, answered_at = ?7
                    """
            )
            for row in rows {
                try upsert.execute(
                    arguments: [
                        seq, row.row, row.state.rawValue, row.vertical?.rawValue, row.problems.first?.code.rawValue,
                        LedgerProblems.encode(row.problems), nowSeconds,
                    ]
                )
            }
        }
    }
}

extension Ledger {
    /// Rows per multi-row statement (well under SQLite's 32 766 parameters at 12 per row).
    static let chunkSize = 128

    /// `0..<count` cut into ranges of at most `chunkSize`.
    static func chunks(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: chunkSize).map { $0..<min($0 + chunkSize, count) }
    }

    static let markFullChunkSQL = markSendingSQL(chunkSize)
    static let recordFullChunkSQL = recordSQL(chunkSize)

    /// Marks `count` rows sending: parameters `now`, then `(row, idempotency key)` per row, then the seq.
    static func markSendingSQL(_ count: Int) -> String {
        """
        UPDATE leads SET state = 'sending', idempotency_key = v.column2, submitted_at = coalesce(leads.submitted_at, ?)
        FROM (VALUES \(tuples(count, width: 2))) AS v
        WHERE leads.batch_seq = ? AND leads.row = v.column1 AND leads.state IN ('pending', 'sending')
        """
    }

    /// Records `count` outcomes: 12 parameters per row (see `record`), then the seq.
    static func recordSQL(_ count: Int) -> String {
        """
        UPDATE leads SET state = v.column2, http_status = v.column3, attempts = leads.attempts + v.column4,
            lead_id = v.column5,
            bid_amount = v.column6, reason_code = v.column7, problems = NULL, reason_text = v.column8,
            submitted_at = coalesce(v.column9, leads.submitted_at), answered_at = v.column10, latency_ms = v.column11,
            remote_reason = v.column12
        FROM (VALUES \(tuples(count, width: 12))) AS v
        WHERE leads.batch_seq = ? AND leads.row = v.column1
        """
    }

    /// `(?, ?), (?, ?)` for `count` tuples of `width` parameters.
    static func tuples(_ count: Int, width: Int) -> String {
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        return Array(repeating: tuple, count: count).joined(separator: ", ")
    }

    /// `(?6, ?7), (?8, ?9)` for `count` tuples of `width` numbered parameters from `first` on.
    static func tuples(_ count: Int, width: Int, from first: Int) -> String {
        (0..<count).map { i in
            "(" + (0..<width).map { "?\(first + i * width + $0)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }
}

/// Local problems as stored: `CODE:field` tokens (`CODE` alone for record-level problems), space-separated.
enum LedgerProblems {
    static func encode(_ problems: [Problem]) -> String? {
        guard !problems.isEmpty else { return nil }
        return problems.map { problem in
            problem.field.map { "\(problem.code.rawValue):\(sanitised($0))" } ?? problem.code.rawValue
        }.joined(separator: " ")
    }

    static func decode(_ text: String?) -> [(code: ReasonCode, field: String?)] {
        guard let text else { return [] }
        return text.split(separator: " ").compactMap { token in
            let parts = token.split(separator: ":", maxSplits: 1)
            guard let code = ReasonCode(rawValue: String(parts[0])) else { return nil }
            return (code, parts.count > 1 ? String(parts[1]) : nil)
        }
    }

    /// Field names are canonical (`phone`, `vehicle_year`); anything else is cut to the characters a field
    /// name may have, so no value can slip in through this column.
    private static func sanitised(_ field: String) -> String {
        let kept = field.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }
        return String(String.UnicodeScalarView(kept.prefix(40)))
    }
}
