/// How a sandbox behaves: where it listens, what it accepts and which faults it injects.
package struct SandboxConfiguration: Sendable {
    /// Address to bind; loopback by default.
    package var host: String
    /// Port to bind; 0 picks a free one (learn it from `SandboxServer.port` or `onServerRunning`).
    package var port: Int
    /// Seeds the accept/reject decisions, bids, lead ids and injected faults.
    package var seed: UInt64
    /// When set, only this exact bearer token is accepted; otherwise any `dl_test_…` token.
    package var token: String?
    /// Uniform delay before answering a request that passed authentication, in milliseconds.
    package var latencyMilliseconds: ClosedRange<Int>?
    /// Share (0…1) of authenticated requests answered 500, 502 or 503.
    package var errorRate: Double
    /// Share (0…1) of authenticated requests whose connection is closed, after the body was read,
    /// without an answer. `errorRate + dropRate` must not exceed 1.
    package var dropRate: Double
    /// Requests per second allowed (token bucket, burst of one second's worth); 429 beyond.
    package var rateLimitPerSecond: Int?
    /// Send `Retry-After` as an HTTP-date instead of seconds.
    package var retryAfterAsDate: Bool
    /// Answer 429 with no `Retry-After` at all (the client then waits its own default).
    package var omitsRetryAfter: Bool
    /// Answer 401 to every `POST /webhook/lead` from the N-th (1-based) on, as if the token were
    /// revoked mid-run.
    package var failAuthAfter: Int?
    /// Largest request body read; larger ones get 413.
    package var maximumBodyBytes: Int
    /// Shares of leads answered with a fixed status (after injected faults, before the payload is
    /// checked); their shares must add up to at most 1.
    package var forcedStatuses: [ForcedStatus]
    /// Answer a repeated `Idempotency-Key` with the first answer it got (422 when the body differs).
    /// Off (`--no-idempotency`), the key is ignored, as by an API that does not honour it: a retry
    /// of an accepted lead is then rejected as a duplicate.
    package var honoursIdempotencyKeys: Bool
    /// Serve HTTPS with these files; plain HTTP when `nil`.
    package var tls: SandboxTLS?

    package init(
        host: String = "127.0.0.1",
        port: Int = 0,
        seed: UInt64 = 0,
        token: String? = nil,
        latencyMilliseconds: ClosedRange<Int>? = nil,
        errorRate: Double = 0,
        dropRate: Double = 0,
        rateLimitPerSecond: Int? = nil,
        retryAfterAsDate: Bool = false,
        omitsRetryAfter: Bool = false,
        failAuthAfter: Int? = nil,
        maximumBodyBytes: Int = 1 << 20,
        forcedStatuses: [ForcedStatus] = [],
        honoursIdempotencyKeys: Bool = true,
        tls: SandboxTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.token = token
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.dropRate = dropRate
        self.rateLimitPerSecond = rateLimitPerSecond
        self.retryAfterAsDate = retryAfterAsDate
        self.omitsRetryAfter = omitsRetryAfter
        self.failAuthAfter = failAuthAfter
        self.maximumBodyBytes = maximumBodyBytes
        self.forcedStatuses = forcedStatuses
        self.honoursIdempotencyKeys = honoursIdempotencyKeys
        self.tls = tls
    }

    /// `http` or `https`.
    package var scheme: String { tls == nil ? "http" : "https" }
}
