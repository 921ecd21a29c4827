/// A request body's fingerprint: tells a retry (the same bytes) from a reuse of its `Idempotency-Key`
/// with another body.
///
/// 64-bit FNV-1a of the raw bytes with the SplitMix64 finaliser, and the byte count. Two different
/// bodies sent under one key match by accident with odds near 2⁻⁶⁴; the hash is not meant to resist
/// a client crafting collisions, which a local simulator need not fear.
struct BodyDigest: Hashable, Sendable {
    let hash: UInt64
    let byteCount: Int

    init(_ bytes: some Collection<UInt8>) {
        var state = Mixing.fnvOffset
        Mixing.fnv1a(&state, bytes)
        hash = Mixing.splitMix(state)
        byteCount = bytes.count
    }
}

/// A request's `Idempotency-Key` and the digest of its body, when the sandbox honours the key.
struct IdempotencyClaim: Sendable {
    let key: String
    let digest: BodyDigest
}

/// The first definitive answer given under an `Idempotency-Key`, kept to be sent again byte for byte.
struct StoredAnswer: Sendable {
    let digest: BodyDigest
    let reply: Reply
}

/// What a lead's request comes to before the state records it: a finished answer (an error, a forced
/// status), or a decision the duplicate rule may still turn into a rejection.
enum LeadOutcome: Sendable {
    case reply(Reply)
    case decision(LeadDecision)
}

extension Reply {
    /// An answer worth replaying to a retry under the same key: one about the request itself (200,
    /// 400, 422, another forced 4xx). Not 429 nor 5xx, nor a dropped connection: those are faults, and
    /// the retry is decided afresh.
    var isDefinitive: Bool {
        guard let status = statusCode else { return false }
        return status < 500 && status != 429
    }
}
