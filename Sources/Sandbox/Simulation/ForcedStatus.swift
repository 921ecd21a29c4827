/// `--force-status CODE@SHARE`: a share of leads answered with a fixed status whatever their payload,
/// so a client can be tested on answers a valid lead never gets (400, 422, 403, a 5xx on every
/// attempt, or a 200 whose body is not JSON).
package struct ForcedStatus: Sendable, Hashable {
    package enum Answer: Sendable, Hashable {
        /// That status with a JSON error body (`{"error":"…"}`).
        case status(Int)
        /// 200 with an HTML body instead of the documented JSON (spelled `nonjson`).
        case notJSON
    }

    package var answer: Answer
    /// Share (0…1) of lead keys that get this answer.
    package var share: Double

    package init(_ answer: Answer, share: Double) {
        self.answer = answer
        self.share = share
    }
}

/// Which leads get a forced answer. Drawn from the seed and the lead key alone, so every attempt of a
/// lead gets the same answer, whatever the order or concurrency of the requests.
struct ForcedStatusPlan: Sendable {
    let seed: UInt64
    let forced: [ForcedStatus]

    func answer(leadKey: String) -> ForcedStatus.Answer? {
        guard !forced.isEmpty else { return nil }
        var state = Mixing.fnvOffset
        Mixing.fnv1a(&state, Mixing.seedBytes(seed ^ 0xF0_2CED))
        Mixing.fnv1a(&state, leadKey.utf8)
        let roll = Mixing.unit(Mixing.splitMix(state))
        var bound = 0.0
        for entry in forced {
            bound += entry.share
            if roll < bound { return entry.answer }
        }
        return nil
    }
}
