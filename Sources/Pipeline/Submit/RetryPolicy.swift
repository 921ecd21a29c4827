import Ingest
package import LeadModel
/// What one attempt came to: an HTTP answer, or a classified failure to get one.
package enum AttemptResult: Sendable, Hashable {
    case response(TransportResponse)
    case failure(TransportError)
}

/// The API's final word on a lead (a 200 with the documented body).
package enum RemoteAnswer: Sendable, Hashable {
    case accepted(leadID: String?, bid: Double?)
    /// `reason` is the rejected body's `reason`, `message` or `error`, when it has one.
    case rejected(reason: String?)
}

/// What to do after an attempt.
package enum RetryDecision: Sendable, Hashable {
    /// The lead is answered.
    case done(RemoteAnswer)
    /// Send the same request again after this wait.
    case retry(after: Duration)
    /// 429: hold every sender for this long, then send this lead again.
    case pauseAll(for: Duration)
    /// Stop trying this lead: its outcome, reason code and human text.
    case giveUp(Outcome, ReasonCode, String)
    /// 401: the token is refused, so every lead would fail; stop the run.
    case stopRun
    /// The TLS handshake was refused in a way sending again cannot fix (``TransportError/Kind/tlsRejected``):
    /// every lead would fail the same way, so stop the run; nothing of this lead reached the API.
    case stopRunTLS(TransportError)
}

/// The documented retry rules (`api/dreamy-leads-api.md`), as a pure function of one attempt's result.
/// The loop that sleeps and sends is ``Submitter``.
package struct RetryPolicy: Sendable, Hashable {
    /// Waits before the 2nd, 3rd, ... send after a 5xx or a network failure.
    package var backoff: [Duration]
    package var ambiguous: SubmitConfiguration.AmbiguousPolicy
    /// Longest pause a `Retry-After` may ask for.
    package var retryAfterMax: Duration
    /// How many 429 pauses one lead may go through; the next 429 gives it up.
    package var maxRateLimitWaits: Int
    /// The pause after a 429 without a usable `Retry-After`.
    package var defaultRetryAfter: Duration

    package init(
        backoff: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8)],
        ambiguous: SubmitConfiguration.AmbiguousPolicy = .retry, retryAfterMax: Duration = .seconds(300),
        maxRateLimitWaits: Int = 10, defaultRetryAfter: Duration = .seconds(60)
    ) {
        self.backoff = backoff
        self.ambiguous = ambiguous
        self.retryAfterMax = retryAfterMax
        self.maxRateLimitWaits = maxRateLimitWaits
        self.defaultRetryAfter = defaultRetryAfter
    }

    /// Decides what follows `result`.
    ///
    /// - Parameters:
    ///   - attempt: 1-based number of this send among the lead's sends that were not answered 429
    ///     (429s are counted apart, by `rateLimitWaits`), so 429 pauses do not use up the 5xx schedule.
    ///   - rateLimitWaits: 429 pauses this lead already went through (this result not counted).
    ///   - now: wall-clock seconds since 1970 when the answer came, for an HTTP-date `Retry-After`
    ///     when the answer has no `Date` header.
    package func decide(
        _ result: AttemptResult, attempt: Int, rateLimitWaits: Int, now: Int64 = 0
    ) -> RetryDecision {
        switch result {
        case .failure(let error):
            if error.kind == .tlsRejected { return .stopRunTLS(error) }
            if error.phase == .afterSending, ambiguous == .hold {
                return .giveUp(
                    .unknown, .ambiguousHeld, "no answer after the request was sent (\(error.detail)); held for review")
            }
            if let wait = scheduledWait(after: attempt) { return .retry(after: wait) }
            let what = error.phase == .beforeSending ? "not sent (no connection) after" : "no answer after"
            return .giveUp(.failed, .networkErrorExhausted, "\(what) \(attempt) attempts; last: \(error.detail)")

        case .response(let response):
            return decide(response, attempt: attempt, rateLimitWaits: rateLimitWaits, now: now)
        }
    }

    private func decide(_ response: TransportResponse, attempt: Int, rateLimitWaits: Int, now: Int64) -> RetryDecision {
        let status = response.status
        switch status {
        case 200..<300:
            if let answer = RemoteAnswerBody.parse(response) { return .done(answer) }
            return .giveUp(.failed, .badResponse, "API answered \(status) with a body that is not the documented JSON")
        case 400:
            return .giveUp(.invalid, .remoteMalformed, Self.text("API answered 400 (malformed request)", response))
        case 401:
            return .stopRun
        case 422:
            return .giveUp(.invalid, .remoteTCPAInvalid, Self.text("API answered 422 (TCPA fields invalid)", response))
        case 429:
            guard rateLimitWaits < maxRateLimitWaits else {
                return .giveUp(
                    .failed, .rateLimitExhausted, "API answered 429 (rate limited) \(rateLimitWaits + 1) times")
            }
            return .pauseAll(for: retryAfter(response, now: now))
        case 402..<500:
            return .giveUp(.failed, .remoteClientError, Self.text("API answered \(status)", response))
        case 500..<600:
            if let wait = scheduledWait(after: attempt) { return .retry(after: wait) }
            return .giveUp(.failed, .serverErrorExhausted, "API answered \(status) on attempt \(attempt), the last one")
        default:
            return .giveUp(.failed, .badResponse, "API answered unexpected HTTP status \(status)")
        }
    }

    /// The wait before the next send after the `attempt`-th failed one, `nil` when the schedule is over.
    private func scheduledWait(after attempt: Int) -> Duration? {
        attempt >= 1 && attempt <= backoff.count ? backoff[attempt - 1] : nil
    }

    /// The pause a 429 asks for: `Retry-After` in delta-seconds or as an HTTP-date (measured from
    /// the answer's `Date` header, else from `now`), `defaultRetryAfter` when absent or unreadable,
    /// never more than `retryAfterMax`.
    package func retryAfter(_ response: TransportResponse, now: Int64) -> Duration {
        let wait: Duration
        if let value = response.retryAfter?.trimmingASCIIWhitespace(), !value.isEmpty {
            if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                // A number too long for Int64 is far beyond any cap.
                wait = Int64(value).map { .seconds($0) } ?? retryAfterMax
            } else if let until = HTTPDate.epochSeconds(value) {
                let reference = response.date.flatMap { HTTPDate.epochSeconds($0.trimmingASCIIWhitespace()) } ?? now
                wait = .seconds(max(0, until - reference))
            } else {
                wait = defaultRetryAfter
            }
        } else {
            wait = defaultRetryAfter
        }
        return min(wait, retryAfterMax)
    }

    private static func text(_ prefix: String, _ response: TransportResponse) -> String {
        guard let remote = RemoteAnswerBody.message(response.body) else { return prefix }
        return "\(prefix): \(remote)"
    }
}
