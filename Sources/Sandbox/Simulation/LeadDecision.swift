/// Why the simulated ping-tree turned a lead down (the `reason` of a rejected answer).
enum RejectReason: String, CaseIterable, Sendable {
    case lowScore = "low_score"
    case noBuyerMatch = "no_buyer_match"
    case filterMismatch = "filter_mismatch"
    case duplicate
}

/// The simulated ping-tree's answer to one valid lead.
enum LeadDecision: Equatable, Sendable {
    case accepted(bidCents: Int, leadID: String)
    case rejected(RejectReason)
}

/// Decides a lead from the seed and the lead alone (seed, vertical, phone, email), so a run is
/// reproducible whatever the order or concurrency of the requests. The duplicate rule needs
/// memory and lives in the state, not here.
struct DecisionMaker: Sendable {
    /// Share of leads accepted before the duplicate rule.
    static let acceptPercent: UInt64 = 65

    let seed: UInt64

    func decide(_ lead: LeadFacts) -> LeadDecision {
        var state = Mixing.fnvOffset
        Mixing.fnv1a(&state, Mixing.seedBytes(seed))
        Mixing.fnv1a(&state, lead.vertical.rawValue.utf8)
        Mixing.fnv1a(&state, CollectionOfOne(0x1F))
        Mixing.fnv1a(&state, lead.phone.utf8)
        Mixing.fnv1a(&state, CollectionOfOne(0x1F))
        Mixing.fnv1a(&state, lead.email.utf8)
        let base = Mixing.splitMix(state)

        guard Mixing.derive(base, stream: 1) % 100 < Self.acceptPercent else {
            let roll = Mixing.derive(base, stream: 2) % 10
            return .rejected(roll < 5 ? .lowScore : roll < 8 ? .noBuyerMatch : .filterMismatch)
        }
        let range = Self.bidRange(lead.vertical)
        let span = UInt64((range.upperBound - range.lowerBound) * 100 + 1)
        let cents = range.lowerBound * 100 + Int(Mixing.derive(base, stream: 3) % span)
        return .accepted(bidCents: cents, leadID: Self.leadID(Mixing.derive(base, stream: 4)))
    }

    /// Bids in whole dollars per vertical, from what such leads fetch.
    static func bidRange(_ vertical: SandboxVertical) -> ClosedRange<Int> {
        switch vertical {
        case .insurance: 8...30
        case .mortgage: 20...90
        case .solar: 15...60
        case .debt: 10...45
        }
    }

    /// `ld_` and 8 lowercase hex digits.
    static func leadID(_ bits: UInt64) -> String {
        let hex = String(bits >> 32, radix: 16)
        return "ld_" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
