package import LeadModel

/// A count per outcome, held inline (no array to allocate or check for uniqueness per row).
package struct OutcomeCounts: Sendable, Equatable {
    private var valid = 0
    private var accepted = 0
    private var rejected = 0
    private var invalid = 0
    private var duplicate = 0
    private var failed = 0
    private var unknown = 0
    private var pending = 0

    package init() {}

    package subscript(outcome: Outcome) -> Int {
        @inline(__always) get {
            switch outcome {
            case .valid: return valid
            case .accepted: return accepted
            case .rejected: return rejected
            case .invalid: return invalid
            case .duplicate: return duplicate
            case .failed: return failed
            case .unknown: return unknown
            case .pending: return pending
            }
        }
        @inline(__always) set {
            switch outcome {
            case .valid: valid = newValue
            case .accepted: accepted = newValue
            case .rejected: rejected = newValue
            case .invalid: invalid = newValue
            case .duplicate: duplicate = newValue
            case .failed: failed = newValue
            case .unknown: unknown = newValue
            case .pending: pending = newValue
            }
        }
    }

    /// Every outcome with its count, in `Outcome.allCases` order.
    package var all: [(outcome: Outcome, count: Int)] {
        Outcome.allCases.map { ($0, self[$0]) }
    }

    /// The sum over all outcomes.
    package var total: Int { valid + accepted + rejected + invalid + duplicate + failed + unknown + pending }
}
