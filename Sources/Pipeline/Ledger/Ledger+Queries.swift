package import Foundation
import GRDB
import LeadModel

/// A row left `sending`: its POST may or may not have reached the API.
package struct SendingRow: Sendable, Hashable {
    package var row: Int
    package var idempotencyKey: String?
    package var submittedAt: Date?

    package init(row: Int, idempotencyKey: String?, submittedAt: Date?) {
        self.row = row
        self.idempotencyKey = idempotencyKey
        self.submittedAt = submittedAt
    }
}

extension Ledger {
    /// Rows of `batch` in any of `states`, ascending.
    package func rowsInState(batch: String, states: Set<LeadState>) throws(LedgerError) -> [Int] {
        guard !states.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ", ")
        return try read("cannot read rows") { db in
            let seq = try Ledger.batchSeq(db, batch)
            var arguments: StatementArguments = [seq]
            arguments += StatementArguments(states.map(\.rawValue).sorted())
            return try Int.fetchAll(
                db,
                sql: "SELECT row FROM leads WHERE batch_seq = ? AND state IN (\(placeholders)) ORDER BY row",
                arguments: arguments
            )
        }
    }

    /// Rows of `batch` left `sending` by a crash (the ambiguous ones), ascending.
    package func sendingRows(batch: String) throws(LedgerError) -> [SendingRow] {
        try read("cannot read rows") { db in
            let seq = try Ledger.batchSeq(db, batch)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT row, idempotency_key, submitted_at FROM leads
                    WHERE batch_seq = ? AND state = 'sending' ORDER BY row
                    """,
                arguments: [seq]
            ).map { row in
                let submittedAt: Int64? = row[2]
                return SendingRow(
                    row: row[0], idempotencyKey: row[1], submittedAt: submittedAt.map(Date.init(ledgerSeconds:))
                )
            }
        }
    }

    /// Every stored row of `batch` with its outcome, in row order (to rewrite the reports of a batch seen
    /// before).
    package func results(batch: String) throws(LedgerError) -> [StoredLeadResult] {
        var results: [StoredLeadResult] = []
        try forEachResult(batch: batch) { results.append($0) }
        return results
    }

    /// Calls `body` with every stored row of `batch` in row order, without holding them all in memory.
    package func forEachResult(batch: String, _ body: (StoredLeadResult) throws -> Void) throws(LedgerError) {
        try read("cannot read results") { db in
            let seq = try Ledger.batchSeq(db, batch)
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT row, state, vertical, reason_code, problems, reason_text, http_status, attempts,
                            lead_id, bid_amount, submitted_at, answered_at, latency_ms, idempotency_key, remote_reason
                        FROM leads WHERE batch_seq = ? ORDER BY row
                        """
                ),
                arguments: [seq]
            )
            while let row = try rows.next() {
                try body(Ledger.storedResult(row))
            }
        }
    }

    private static func storedResult(_ row: Row) -> StoredLeadResult {
        let vertical: String? = row["vertical"]
        let reasonCode: String? = row["reason_code"]
        var problems = LedgerProblems.decode(row["problems"])
        if problems.isEmpty, let code = reasonCode.flatMap(ReasonCode.init(rawValue:)) {
            problems = [(code, nil)]
        }
        let submittedAt: Int64? = row["submitted_at"]
        let answeredAt: Int64? = row["answered_at"]
        return StoredLeadResult(
            row: row["row"], state: LeadState(rawValue: row["state"]) ?? .unknown,
            vertical: vertical.flatMap(Vertical.init(rawValue:)), problems: problems, reasonText: row["reason_text"],
            httpStatus: row["http_status"], attempts: row["attempts"], leadID: row["lead_id"],
            bidAmount: row["bid_amount"], submittedAt: submittedAt.map(Date.init(ledgerSeconds:)),
            answeredAt: answeredAt.map(Date.init(ledgerSeconds:)), latencyMs: row["latency_ms"],
            idempotencyKey: row["idempotency_key"], remoteReason: row["remote_reason"]
        )
    }
}
