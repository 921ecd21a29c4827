#if DEBUG
import Foundation

/// A clock that runs `1 / scale` times as fast as its base, for end-to-end tests of the retry schedule and
/// the 429 pause: with scale 0.01 the 1-2-4-8 s schedule takes 150 ms of real time. Debug builds only; a
/// release binary has neither this type nor the environment variable that installs it.
struct ScaledClock<Base: Clock>: Clock where Base.Duration == Duration {
    typealias Instant = Base.Instant

    /// Read by ``Submitter`` at creation: a factor from 0.001 to 1 (anything else is ignored).
    static var environmentVariable: String { "LEADSPOOL_DEBUG_TIME_SCALE" }

    let base: Base
    let scale: Double
    private let origin: Base.Instant

    init(_ base: Base, scale: Double) {
        self.base = base
        self.scale = scale
        self.origin = base.now
    }

    /// The base clock scaled by the factor in ``environmentVariable``, or by 1.
    static func fromEnvironment(_ base: Base) -> ScaledClock {
        let value = ProcessInfo.processInfo.environment[environmentVariable].flatMap(Double.init)
        guard let value, value >= 0.001, value <= 1 else { return ScaledClock(base, scale: 1) }
        return ScaledClock(base, scale: value)
    }

    var now: Instant {
        let now = base.now
        return scale == 1 ? now : origin.advanced(by: origin.duration(to: now) * (1 / scale))
    }

    var minimumResolution: Duration { base.minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let real = scale == 1 ? deadline : origin.advanced(by: origin.duration(to: deadline) * scale)
        try await base.sleep(until: real, tolerance: tolerance)
    }
}
#endif
