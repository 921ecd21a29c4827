/// Everything the submission engine needs to know; defaults follow `api/dreamy-leads-api.md`.
package struct SubmitConfiguration: Sendable {
    /// What to do when a request may have reached the server but no answer came.
    package enum AmbiguousPolicy: String, Sendable, Hashable, CaseIterable {
        /// Send again on the 5xx schedule with the same `Idempotency-Key`; `failed` /
        /// `NETWORK_ERROR_EXHAUSTED` when the schedule runs out.
        case retry
        /// Stop and report `unknown` / `AMBIGUOUS_HELD` for a person to look at.
        case hold
    }

    package static let defaultEndpoint = "https://api.dreamyleads.com/webhook/lead"

    package var endpoint: String
    package var token: APIToken
    /// Per-request deadline, from queueing to the last byte of the answer.
    package var timeoutSeconds: Double = 15
    /// Requests in flight at most, shared by every batch of the run.
    package var maxInFlight: Int = 32
    /// Where the adaptive concurrency starts; `nil` is `max(1, maxInFlight / 4)`.
    package var initialConcurrency: Int? = nil
    package var ambiguous: AmbiguousPolicy = .retry
    /// A `Retry-After` longer than this is cut to it.
    package var retryAfterMaxSeconds: Int = 300
    /// 429 answers one lead may get before it is given up (`RATE_LIMIT_EXHAUSTED`).
    package var maxRateLimitWaits: Int = 10
    /// Client-side cap in requests per second, `nil` for none.
    package var rateLimit: Double? = nil
    /// Adds up to 25 % random extra to each backoff wait (never less than the schedule).
    package var jitter: Bool = false
    /// Waits before the 2nd, 3rd, ... attempt after a 5xx or a network failure.
    package var backoff: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8)]
    package var userAgent: String = "leadspool/0.1.0"
    /// Rows marked `sending` per call of the caller's `markSending` hook.
    package var markBatchSize: Int = 64
    /// Bytes of an answer body kept; the rest is read and dropped.
    package var responseBodyCap: Int = 64 * 1024
    /// Trust roots and client certificate for an `https` endpoint.
    package var tls = TLSFiles()

    package init(endpoint: String = SubmitConfiguration.defaultEndpoint, token: APIToken) {
        self.endpoint = endpoint
        self.token = token
    }

    package var timeout: Duration { .milliseconds(Int64((timeoutSeconds * 1000).rounded())) }

    package var startingConcurrency: Int {
        min(maxInFlight, max(1, initialConcurrency ?? maxInFlight / 4))
    }

    package var retryPolicy: RetryPolicy {
        RetryPolicy(
            backoff: backoff, ambiguous: ambiguous, retryAfterMax: .seconds(retryAfterMaxSeconds),
            maxRateLimitWaits: maxRateLimitWaits
        )
    }
}

/// The API token. Its descriptions never show the secret, so it can sit in configurations that get
/// printed or logged.
package struct APIToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token as the `Authorization` header needs it.
    package let secret: String

    package init(_ secret: String) {
        self.secret = secret
    }

    /// A production token (billed): `dl_live_...`.
    package var isLive: Bool { secret.hasPrefix("dl_live_") }

    package var description: String {
        if secret.hasPrefix("dl_live_") { return "dl_live_<redacted>" }
        if secret.hasPrefix("dl_test_") { return "dl_test_<redacted>" }
        return "<redacted>"
    }

    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
