package import LeadModel
/// Where one row of a batch stands in the ledger.
///
/// `pending → sending → accepted | rejected | invalid | duplicate | failed | unknown`; rows found
/// invalid or duplicate before sending go straight to their final state.
package enum LeadState: String, CaseIterable, Sendable, Hashable, Codable {
    /// Reserved (owns its dedupe keys), not yet sent.
    case pending
    /// Marked durable before its first POST; a crash leaves it here (the ambiguous case).
    case sending
    case accepted
    case rejected
    case invalid
    case duplicate
    case failed
    case unknown

    /// `true` for every state but `pending` and `sending`.
    package var isFinal: Bool { self != .pending && self != .sending }

    /// The report outcome of a final state, `nil` for `pending` and `sending`.
    package var outcome: Outcome? {
        switch self {
        case .pending, .sending: nil
        case .accepted: .accepted
        case .rejected: .rejected
        case .invalid: .invalid
        case .duplicate: .duplicate
        case .failed: .failed
        case .unknown: .unknown
        }
    }

    /// The state of a final outcome; `nil` for `valid` (a `check` prediction, never stored).
    package init?(_ outcome: Outcome) {
        switch outcome {
        case .valid: return nil
        case .accepted: self = .accepted
        case .rejected: self = .rejected
        case .invalid: self = .invalid
        case .duplicate: self = .duplicate
        case .failed: self = .failed
        case .unknown: self = .unknown
        case .pending: self = .pending
        }
    }
}
