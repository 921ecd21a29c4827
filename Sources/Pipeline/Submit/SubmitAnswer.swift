package import LeadModel
/// One lead to send: its row in the batch, the lead, and the `Idempotency-Key` sent on every attempt
/// (derived by the caller from batch and row, so a later run re-sends with the same key).
package struct SubmitWork: Sendable {
    package var row: Int
    package var lead: Lead
    package var idempotencyKey: String
    /// An earlier run or pass may have sent this lead already (it was left `sending`, `unknown` or
    /// `failed`): a "duplicate" rejection may then be the API remembering that attempt.
    package var mayHaveBeenSent: Bool

    package init(row: Int, lead: Lead, idempotencyKey: String, mayHaveBeenSent: Bool = false) {
        self.row = row
        self.lead = lead
        self.idempotencyKey = idempotencyKey
        self.mayHaveBeenSent = mayHaveBeenSent
    }
}

/// What became of one lead handed to ``Submitter``.
package struct SubmitAnswer: Sendable, Hashable {
    package var row: Int
    /// The final outcome, or `nil` when the lead got none because the run stopped (401, cancellation)
    /// before or while it was sent: the caller leaves it pending; `problems` then holds
    /// `NOT_SUBMITTED`. When ``mayHaveReachedAPI`` its request may have been processed, so the next run
    /// must treat it as ambiguous (same `Idempotency-Key`).
    package var outcome: Outcome?
    /// Empty for `accepted`; otherwise one problem with the reason code and human text.
    package var problems: [Problem]
    /// Status of the last answer, `nil` when the last attempt got none.
    package var httpStatus: Int?
    /// Requests that went out (or may have) for this lead, 429s included; a try that failed before the request
    /// went out (no connection) is not one.
    package var attempts: Int
    package var leadID: String?
    package var bid: Double?
    /// UTC `YYYY-MM-DDTHH:MM:SSZ` of the first attempt, `nil` when never sent.
    package var submittedAt: String?
    /// Duration of the last attempt in milliseconds, `nil` when never sent.
    package var latencyMs: Int?
    /// Sends after a 5xx or a network failure.
    package var retries: Int
    /// 429 pauses this lead went through.
    package var rateLimitWaits: Int

    /// Whether the API may have processed this lead: some attempt got an answer other than 429, or no
    /// answer at all. A lead the API only ever answered 429 (or never saw) was not taken.
    package var mayHaveReachedAPI: Bool { attempts > rateLimitWaits }

    package init(
        row: Int, outcome: Outcome?, problems: [Problem] = [], httpStatus: Int? = nil, attempts: Int = 0,
        leadID: String? = nil, bid: Double? = nil, submittedAt: String? = nil, latencyMs: Int? = nil,
        retries: Int = 0, rateLimitWaits: Int = 0
    ) {
        self.row = row
        self.outcome = outcome
        self.problems = problems
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.leadID = leadID
        self.bid = bid
        self.submittedAt = submittedAt
        self.latencyMs = latencyMs
        self.retries = retries
        self.rateLimitWaits = rateLimitWaits
    }

    /// `false` for a lead left unsubmitted by a stopped run.
    package var isSettled: Bool { outcome != nil }
    package var reasonCode: ReasonCode? { problems.first?.code }
}

/// Run-level failures of the submission engine.
package enum SubmitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The API answered 401: the token is refused, the run stopped (exit 77). Unsent leads stay
    /// pending.
    case authFailed
    /// The TLS handshake was refused in a way sending again cannot fix (the server's certificate is not
    /// trusted or not for this host, or the server refused ours): a configuration to correct, not an outage.
    /// The run stopped (exit 78); unsent leads stay pending. `reason` says what is wrong and what to set.
    case tlsFailed(reason: String)
    /// ``Submitter/drain()`` stopped the intake (a stop signal): leads already started were answered,
    /// the rest of the batch was not read and stays for the next run.
    case drained
    /// ``Submitter/shutDown()`` cut off requests in flight (the drain time ran out): leads that never
    /// reached the API stay pending, the ones cut off follow the `ambiguous` setting next time.
    case shutDown

    package var description: String {
        switch self {
        case .authFailed: return "the API refused the token (HTTP 401); run stopped, unsent leads stay pending"
        case .tlsFailed(let reason): return "\(reason); run stopped, unsent leads stay pending"
        case .drained: return "stopped by a signal after the leads in flight were answered"
        case .shutDown: return "stopped by a signal; leads cut off in flight follow the ambiguous setting next time"
        }
    }
}

extension SubmitAnswer {
    /// The answer for a row an earlier run left marked `sending` (it crashed or was killed while the
    /// request was in flight) when `ambiguous = "hold"`: `unknown` / `AMBIGUOUS_HELD`. Under
    /// `ambiguous = "retry"` such a row is simply submitted again with the same `Idempotency-Key`.
    package static func heldAfterInterruption(row: Int) -> SubmitAnswer {
        let text = "was being sent when an earlier run stopped; it may have reached the API; held for review"
        return SubmitAnswer(
            row: row, outcome: .unknown, problems: [Problem(.ambiguousHeld, field: nil, value: nil, text: text)])
    }
}
