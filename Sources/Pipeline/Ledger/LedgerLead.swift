package import LeadModel
/// What the ledger needs of a lead to deduplicate it: the row and the normalised phone and email.
///
/// The phone and email are only hashed (HMAC-SHA256 with `ledger.key`, cut to 16 bytes); they are never stored.
package struct LedgerLead: Sendable, Hashable {
    package var row: Int
    package var vertical: Vertical
    /// E.164 (`+18135550100`).
    package var phone: String
    /// Normalised email; empty when the lead has none (then only the phone is a dedupe key).
    package var email: String

    package init(row: Int, vertical: Vertical, phone: String, email: String) {
        self.row = row
        self.vertical = vertical
        self.phone = phone
        self.email = email
    }
}

/// Which normalised value a dedupe key was made from.
package enum DedupeKind: Int, Sendable, Hashable, CaseIterable {
    case phone = 0
    case email = 1
}
