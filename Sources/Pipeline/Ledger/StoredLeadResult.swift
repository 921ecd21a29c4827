package import Foundation
package import LeadModel

/// One row's outcome as stored, for rebuilding reports of a batch seen before.
package struct StoredLeadResult: Sendable, Hashable {
    package var row: Int
    package var state: LeadState
    package var vertical: Vertical?
    /// Every problem code of the row in order, with its field when known (local problems); for a remote
    /// answer, the one code `record` was given.
    package var problems: [(code: ReasonCode, field: String?)]
    /// Remote reason text (scrubbed) or, for ledger duplicates, which batch and row holds the key.
    package var reasonText: String?
    package var httpStatus: Int?
    package var attempts: Int
    package var leadID: String?
    package var bidAmount: Double?
    package var submittedAt: Date?
    package var answeredAt: Date?
    package var latencyMs: Int?
    package var idempotencyKey: String?
    /// The API's reason for a rejection (a `RemoteReason` token).
    package var remoteReason: String?

    package init(
        row: Int, state: LeadState, vertical: Vertical? = nil, problems: [(code: ReasonCode, field: String?)] = [],
        reasonText: String? = nil, httpStatus: Int? = nil, attempts: Int = 0, leadID: String? = nil,
        bidAmount: Double? = nil, submittedAt: Date? = nil, answeredAt: Date? = nil, latencyMs: Int? = nil,
        idempotencyKey: String? = nil, remoteReason: String? = nil
    ) {
        self.row = row
        self.state = state
        self.vertical = vertical
        self.problems = problems
        self.reasonText = reasonText
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.leadID = leadID
        self.bidAmount = bidAmount
        self.submittedAt = submittedAt
        self.answeredAt = answeredAt
        self.latencyMs = latencyMs
        self.idempotencyKey = idempotencyKey
        self.remoteReason = remoteReason
    }

    package var reasonCode: ReasonCode? { problems.first?.code }

    package static func == (a: StoredLeadResult, b: StoredLeadResult) -> Bool {
        a.row == b.row && a.state == b.state && a.vertical == b.vertical
            && a.problems.map(\.code) == b.problems.map(\.code) && a.problems.map(\.field) == b.problems.map(\.field)
            && a.reasonText == b.reasonText && a.httpStatus == b.httpStatus && a.attempts == b.attempts
            && a.leadID == b.leadID && a.bidAmount == b.bidAmount && a.submittedAt == b.submittedAt
            && a.answeredAt == b.answeredAt && a.latencyMs == b.latencyMs && a.idempotencyKey == b.idempotencyKey
            && a.remoteReason == b.remoteReason
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(row)
        hasher.combine(state)
    }
}
