package import Foundation
package import LeadModel

/// The final answer for one sent row, as `Ledger.record` stores it.
package struct LeadOutcomeRecord: Sendable, Hashable {
    package var row: Int
    /// `accepted`, `rejected`, `invalid` (remote 400/422), `failed` or `unknown`.
    package var state: LeadState
    package var httpStatus: Int?
    package var attempts: Int
    package var leadID: String?
    package var bidAmount: Double?
    package var reasonCode: ReasonCode?
    /// The remote reason text (rejected body's `reason`, a 4xx body's message). Stored scrubbed of anything
    /// that looks like a phone or an email, and cut to 240 characters.
    package var reasonText: String?
    /// First attempt; `nil` keeps the time `markSending` stored.
    package var submittedAt: Date?
    package var answeredAt: Date
    package var latencyMs: Int?
    /// The API's reason for a rejection as a `RemoteReason` token (stored as given, re-tokenised when not one).
    package var remoteReason: String?

    package init(
        row: Int, state: LeadState, httpStatus: Int? = nil, attempts: Int = 1, leadID: String? = nil,
        bidAmount: Double? = nil, reasonCode: ReasonCode? = nil, reasonText: String? = nil,
        submittedAt: Date? = nil, answeredAt: Date, latencyMs: Int? = nil, remoteReason: String? = nil
    ) {
        self.row = row
        self.state = state
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.leadID = leadID
        self.bidAmount = bidAmount
        self.reasonCode = reasonCode
        self.reasonText = reasonText
        self.submittedAt = submittedAt
        self.answeredAt = answeredAt
        self.latencyMs = latencyMs
        self.remoteReason = remoteReason
    }
}

/// A row settled without sending (`invalid` locally, or `duplicate` in the batch), for `Ledger.recordLocal`.
///
/// Only the problems' codes and field names are stored, never their texts: those quote the offending value,
/// which may be a phone or an email. Reports for a re-dropped batch re-read the file for the texts.
package struct LocalOutcomeRecord: Sendable, Hashable {
    package var row: Int
    package var vertical: Vertical?
    /// `invalid` or `duplicate`.
    package var state: LeadState
    package var problems: [Problem]

    package init(row: Int, vertical: Vertical?, state: LeadState, problems: [Problem]) {
        self.row = row
        self.vertical = vertical
        self.state = state
        self.problems = problems
    }
}
