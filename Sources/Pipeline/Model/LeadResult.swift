/// The one outcome of one input record, as the reports show it (CONTRACT §6).
package struct LeadResult: Sendable {
    package var row: Int
    package var ref: String
    /// The vertical's name, or empty when unknown.
    package var vertical: String
    package var outcome: Outcome
    /// Every problem of the row in order; the first one is the row's `reason_code`.
    package var problems: [Problem]
    package var httpStatus: Int?
    package var attempts: Int
    package var leadID: String?
    package var bidAmount: Double?
    package var phone: String
    package var zip: String
    package var email: String
    /// UTC `YYYY-MM-DDTHH:MM:SSZ` of the first attempt.
    package var submittedAt: String?
    package var latencyMs: Int?
    package var publisher: String
    /// The API's reason for a `rejected` lead as a ``RemoteReason`` token (`low_score`), else `nil`.
    package var remoteReason: String?

    package init(
        row: Int, ref: String = "", vertical: String = "", outcome: Outcome, problems: [Problem] = [],
        httpStatus: Int? = nil, attempts: Int = 0, leadID: String? = nil, bidAmount: Double? = nil,
        phone: String = "", zip: String = "", email: String = "", submittedAt: String? = nil,
        latencyMs: Int? = nil, publisher: String = "default", remoteReason: String? = nil
    ) {
        self.row = row
        self.ref = ref
        self.vertical = vertical
        self.outcome = outcome
        self.problems = problems
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.leadID = leadID
        self.bidAmount = bidAmount
        self.phone = phone
        self.zip = zip
        self.email = email
        self.submittedAt = submittedAt
        self.latencyMs = latencyMs
        self.publisher = publisher
        self.remoteReason = remoteReason
    }

    package var reasonCode: ReasonCode? { problems.first?.code }
    package var reason: String { problems.map(\.text).joined(separator: "; ") }
}
