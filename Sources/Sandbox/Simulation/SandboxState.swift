import Synchronization

/// One arrival of a lead at `POST /webhook/lead`, as the stats report it.
struct Attempt: Sendable {
    /// Microseconds since the sandbox started, at arrival.
    var arrivalMicroseconds: Int64
    /// The answer's status, nil when the connection was dropped.
    var status: Int?
    var idempotencyKey: String?
    var decision: LeadDecision?
    /// The answer was the one stored for its `Idempotency-Key`, sent again (no new decision).
    var replayed = false
}

/// What the first look at a request decided (under the lock, before any waiting).
enum Admission: Equatable, Sendable {
    case unauthorized
    /// `--fail-auth-after` reached.
    case revoked
    case rateLimited(retryAfterSeconds: Double)
    case admitted(sequence: Int)
}

/// Everything the sandbox remembers, behind one short lock: request counters for faults and
/// `--fail-auth-after`, the rate-limit bucket, the accepted lead keys of the duplicate rule, the
/// answers stored per `Idempotency-Key` and the statistics.
final class SandboxState: Sendable {
    struct LeadHistory: Sendable {
        var attempts: [Attempt] = []
    }

    struct Storage: Sendable {
        var webhookRequests = 0
        var total = 0
        var dropped = 0
        var byStatus: [Int: Int] = [:]
        var accepted = 0
        var rejectedByReason: [RejectReason: Int] = [:]
        var bidCents = 0
        var acceptedKeys: Set<String> = []
        var leads: [String: LeadHistory] = [:]
        var bucket: TokenBucket?
        /// The first definitive answer per `Idempotency-Key`. Unbounded (one small entry per key,
        /// until `reset()`): sandbox runs are short.
        var answers: [String: StoredAnswer] = [:]
        var idempotentReplays = 0
        var idempotencyConflicts = 0
    }

    let start: ContinuousClock.Instant
    private let rateLimitPerSecond: Int?
    private let failAuthAfter: Int?
    private let storage: Mutex<Storage>

    init(rateLimitPerSecond: Int?, failAuthAfter: Int?, start: ContinuousClock.Instant = .now) {
        self.start = start
        self.rateLimitPerSecond = rateLimitPerSecond
        self.failAuthAfter = failAuthAfter
        storage = Mutex(Self.fresh(rateLimitPerSecond: rateLimitPerSecond))
    }

    private static func fresh(rateLimitPerSecond: Int?) -> Storage {
        var storage = Storage()
        storage.bucket = rateLimitPerSecond.map { TokenBucket(perSecond: $0, now: 0) }
        return storage
    }

    /// Microseconds since the sandbox started.
    func elapsedMicroseconds(at instant: ContinuousClock.Instant = .now) -> Int64 {
        let (seconds, attoseconds) = (instant - start).components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Counts a `POST /webhook/lead` and decides whether it gets past authentication and the
    /// rate limit. Only requests that passed authentication spend a token.
    func admit(authenticated: Bool, atMicroseconds now: Int64) -> Admission {
        storage.withLock { storage in
            storage.webhookRequests += 1
            guard authenticated else { return .unauthorized }
            if let failAuthAfter, storage.webhookRequests >= failAuthAfter { return .revoked }
            if storage.bucket != nil, let wait = storage.bucket?.take(now: Double(now) / 1_000_000) {
                return .rateLimited(retryAfterSeconds: wait)
            }
            return .admitted(sequence: storage.webhookRequests)
        }
    }

    /// Records the answer to a request (nil status: dropped) and, for a lead, its attempt. A
    /// proposed acceptance of a lead key accepted before becomes a `duplicate` rejection here,
    /// atomically with recording it. Returns the final decision.
    @discardableResult
    func finish(status: Int?, leadKey: String?, attempt: Attempt?, proposed: LeadDecision?) -> LeadDecision? {
        storage.withLock { storage in
            Self.record(&storage, status: status, leadKey: leadKey, attempt: attempt, proposed: proposed)
        }
    }

    /// Records a lead's outcome, as `finish` does, and returns the answer to send. With a `claim`
    /// (the request's `Idempotency-Key` and body digest):
    /// - a key answered before with the same body gets that answer again, byte for byte, counted as
    ///   a replay and not as a decision (the duplicate rule never sees it);
    /// - a key answered before with another body gets 422 (``Reply/idempotencyConflict``);
    /// - otherwise the outcome is decided, and its answer stored under the key if it is definitive
    ///   (not a 429 or 5xx).
    ///
    /// Concurrency: the lookup, the duplicate rule and the storing happen under the one lock with
    /// no suspension between them, so a request whose key another request is deciding at that
    /// moment waits for that decision and then gets it replayed; it never makes a second one.
    /// (Both may have waited out their injected latency side by side: whichever comes here first
    /// decides.)
    func settle(_ outcome: LeadOutcome, leadKey: String?, attempt: Attempt, claim: IdempotencyClaim?) -> Reply {
        storage.withLock { storage in
            if let claim, let stored = storage.answers[claim.key] {
                var attempt = attempt
                if stored.digest == claim.digest {
                    storage.idempotentReplays += 1
                    attempt.replayed = true
                    let reply = stored.reply
                    Self.record(&storage, status: reply.statusCode, leadKey: leadKey, attempt: attempt, proposed: nil)
                    return reply
                }
                storage.idempotencyConflicts += 1
                let reply = Reply.idempotencyConflict
                Self.record(&storage, status: reply.statusCode, leadKey: leadKey, attempt: attempt, proposed: nil)
                return reply
            }
            let reply: Reply
            switch outcome {
            case .reply(let answer):
                Self.record(&storage, status: answer.statusCode, leadKey: leadKey, attempt: attempt, proposed: nil)
                reply = answer
            case .decision(let proposed):
                let decision = Self.record(&storage, status: 200, leadKey: leadKey, attempt: attempt, proposed: proposed)
                reply = .decided(decision ?? proposed)
            }
            if let claim, reply.isDefinitive {
                storage.answers[claim.key] = StoredAnswer(digest: claim.digest, reply: reply)
            }
            return reply
        }
    }

    @discardableResult
    private static func record(
        _ storage: inout Storage,
        status: Int?,
        leadKey: String?,
        attempt: Attempt?,
        proposed: LeadDecision?
    ) -> LeadDecision? {
        var decision = proposed
        if case .accepted(let cents, _) = proposed, let leadKey {
            if storage.acceptedKeys.insert(leadKey).inserted {
                storage.accepted += 1
                storage.bidCents += cents
            } else {
                decision = .rejected(.duplicate)
            }
        }
        if case .rejected(let reason) = decision { storage.rejectedByReason[reason, default: 0] += 1 }
        storage.total += 1
        if let status { storage.byStatus[status, default: 0] += 1 } else { storage.dropped += 1 }
        if let leadKey, var attempt {
            attempt.status = status
            attempt.decision = decision
            storage.leads[leadKey, default: LeadHistory()].attempts.append(attempt)
        }
        return decision
    }

    /// Forgets every counter, lead, accepted key and stored answer, and refills the rate-limit bucket. Times keep
    /// counting from the sandbox's start.
    func reset() {
        storage.withLock { $0 = Self.fresh(rateLimitPerSecond: rateLimitPerSecond) }
    }

    func snapshot() -> Storage {
        storage.withLock { $0 }
    }
}
