package import Foundation

/// The answer of `Ledger.reserve` (or `Ledger.dedupeCheck`) for one lead.
package enum ReserveResult: Sendable, Hashable {
    /// The lead owns its phone and email keys: send it. For a resumed batch, also a row still `pending`.
    case owned
    /// Another lead holds one of the keys (answered within the dedupe window, or still in flight):
    /// this lead is `duplicate` / `DUPLICATE_IN_LEDGER` and holds nothing.
    case duplicate(of: LedgerHolder)
    /// A row of a resumed batch that already reached a final state: send nothing, report the stored outcome.
    case alreadyDone(LeadState)
    /// A row of a resumed batch left `sending` by a crash: the ambiguous case (`ambiguous = retry | hold`).
    case wasSending(idempotencyKey: String?)
}

/// The earlier lead that holds a dedupe key.
package struct LedgerHolder: Sendable, Hashable {
    /// The holder's batch id (content SHA-256, hex).
    package var batch: String
    package var row: Int
    /// Which of this lead's values matched.
    package var kind: DedupeKind
    /// The holder's state (`pending`/`sending` while in flight).
    package var state: LeadState?
    package var answeredAt: Date?

    package init(batch: String, row: Int, kind: DedupeKind, state: LeadState?, answeredAt: Date?) {
        self.batch = batch
        self.row = row
        self.kind = kind
        self.state = state
        self.answeredAt = answeredAt
    }

    /// PII-free report text, e.g. `phone already in ledger: batch 3f2a9c1b0d4e row 17 (accepted)`.
    package var text: String {
        let state = self.state.map { " (\($0.rawValue))" } ?? ""
        return "\(kind == .phone ? "phone" : "email") already in ledger: batch \(batch.prefix(12)) row \(row)\(state)"
    }
}
