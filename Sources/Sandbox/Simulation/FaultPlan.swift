/// What a request that passed authentication suffers besides its normal answer.
enum Fault: Equatable, Sendable {
    case none
    case serverError(status: Int)
    case drop
}

/// Injected faults, drawn per request from the seed and the request's sequence number: a
/// sequential client sees the same faults on every run with the same seed.
struct FaultPlan: Sendable {
    static let serverErrorStatuses = [500, 502, 503]

    let seed: UInt64
    let latencyMilliseconds: ClosedRange<Int>?
    let errorRate: Double
    let dropRate: Double

    /// One draw decides both, so each rate holds exactly (`errorRate + dropRate` must not exceed 1).
    func fault(sequence: Int) -> Fault {
        guard errorRate > 0 || dropRate > 0 else { return .none }
        let roll = Mixing.unit(draw(sequence, stream: 11))
        if roll < errorRate {
            let pick = Int(draw(sequence, stream: 12) % UInt64(Self.serverErrorStatuses.count))
            return .serverError(status: Self.serverErrorStatuses[pick])
        }
        return roll < errorRate + dropRate ? .drop : .none
    }

    func latency(sequence: Int) -> Int? {
        guard let range = latencyMilliseconds else { return nil }
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(draw(sequence, stream: 13) % span)
    }

    private func draw(_ sequence: Int, stream: UInt64) -> UInt64 {
        Mixing.derive(Mixing.splitMix(seed ^ 0x5EED_FA17) ^ UInt64(truncatingIfNeeded: sequence), stream: stream)
    }
}
