/// The final (or, in `check`, predicted) outcome of one input record.
package enum Outcome: String, CaseIterable, Sendable, Hashable, Codable {
    /// `check` only: would be submitted.
    case valid
    case accepted
    case rejected
    case invalid
    case duplicate
    case failed
    case unknown
}
