/// The final (or, in `check`, predicted) outcome of one input record.
package enum Outcome: String, CaseIterable, Sendable, Hashable, Codable {
    /// `check` only: would be submitted.
    case valid
    case accepted
    case rejected
    case invalid
    case duplicate
    case failed
    /// May have reached the API, answer not known: held for review (or re-sent under `ambiguous = "retry"`).
    case unknown
    /// Never sent: a stop (401, TLS, a signal, drain time over) came first; the next run sends it.
    case pending
}
