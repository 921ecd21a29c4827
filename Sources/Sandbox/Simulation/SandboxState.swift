import Synchronization

/// One arrival of a lead at `POST /webhook/lead`, as the stats report it.
struct Attempt: Sendable {
    /// Microseconds since the sandbox started, at arrival.
    var arrivalMicroseconds: Int64
    /// The answer's status, nil when the connection was dropped.
    var status: Int?
    var idempotencyKey: String?
    var decision: LeadDecision?
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
/// `--fail-auth-after`, the rate-limit bucket, the accepted lead keys of the duplicate rule and
/// the statistics.
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
    }

    /// Forgets every counter, lead and accepted key, and refills the rate-limit bucket. Times keep
    /// counting from the sandbox's start.
    func reset() {
        storage.withLock { $0 = Self.fresh(rateLimitPerSecond: rateLimitPerSecond) }
    }

    func snapshot() -> Storage {
        storage.withLock { $0 }
    }
}
