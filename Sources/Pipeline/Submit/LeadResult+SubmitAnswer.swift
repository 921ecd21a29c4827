import LeadModel

extension SubmitAnswer {
    /// The ``RemoteReason`` token of the API's reason, for a lead it rejected (`REMOTE_REJECTED`).
    package var remoteReason: String? {
        problems.first { $0.code == .remoteRejected }?.value.flatMap(RemoteReason.token)
    }
}

extension LeadResult {
    /// Copies what the submission engine found into the result row. An answer without an outcome
    /// (the run stopped before the lead was answered) changes nothing: the lead stays pending.
    package mutating func apply(_ answer: SubmitAnswer) {
        guard let outcome = answer.outcome else { return }
        self.outcome = outcome
        problems = answer.problems
        httpStatus = answer.httpStatus
        attempts = answer.attempts
        leadID = answer.leadID
        bidAmount = answer.bid
        submittedAt = answer.submittedAt
        latencyMs = answer.latencyMs
        remoteReason = answer.remoteReason
    }
}
