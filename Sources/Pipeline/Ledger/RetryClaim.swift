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
