package import Foundation

/// A finished batch with leads to re-drive (`leadspool retry`).
package struct RetryBatch: Sendable, Hashable {
    /// Content SHA-256, hex.
    package var id: String
    /// The reports' base name.
    package var name: String
    package var fileName: String
    package var publisher: String
    package var claimedAt: Date
    /// Rows to re-drive by their state now: the asked-for `failed` / `unknown`, plus `pending` or
    /// `sending` rows an interrupted retry left behind.
    package var rows: [LeadState: Int]

    package init(
        id: String, name: String, fileName: String, publisher: String, claimedAt: Date, rows: [LeadState: Int]
    ) {
        self.id = id
        self.name = name
        self.fileName = fileName
        self.publisher = publisher
        self.claimedAt = claimedAt
        self.rows = rows
    }

    package var rowCount: Int { rows.values.reduce(0, +) }
}

/// The answer of `Ledger.reclaim` for one row of a retried batch.
package enum RetryClaim: Sendable, Hashable {
    /// The row is `pending` again and owns its dedupe keys: send it with this `Idempotency-Key`
    /// (the one stored when it was first sent; `nil` when none was stored).
    case owned(idempotencyKey: String?)
    /// Another lead took one of its keys since it failed: the row is now `duplicate` /
    /// `DUPLICATE_IN_LEDGER` naming that lead, and holds nothing.
    case duplicate(of: LedgerHolder)
    /// The row is not in the state it was read in any more (another process re-drove it, or it has an
    /// answer now): send nothing.
    case settled(LeadState)
}
