import Submission
import Testing

@Suite("AdaptiveConcurrencyLimiter", .timeLimit(.minutes(1)))
struct SubmitLimiterTests {
    private func limiter(max: Int, initial: Int) -> AdaptiveConcurrencyLimiter {
        AdaptiveConcurrencyLimiter(.init(maxLimit: max, initialLimit: initial))
    }

    @Test func waitsAtTheLimitAndGrantsInArrivalOrder() async throws {
        let limiter = limiter(max: 2, initial: 2)
        let a = try await limiter.acquire()
        let b = try await limiter.acquire()
        let order = Box<[Int]>([])
        let third = Task {
            let permit = try await limiter.acquire()
            order.update { $0.append(3) }
            return permit
        }
        while limiter.waiting < 1 { await Task.yield() }
        let fourth = Task {
            let permit = try await limiter.acquire()
            order.update { $0.append(4) }
            return permit
        }
        while limiter.waiting < 2 { await Task.yield() }
        #expect(limiter.inFlight == 2)
        limiter.release(a, .neutral)
        let p3 = try await third.value
        #expect(order.get() == [3])
        limiter.release(b, .neutral)
        let p4 = try await fourth.value
        #expect(order.get() == [3, 4])
        limiter.release(p3, .neutral)
        limiter.release(p4, .neutral)
        #expect(limiter.inFlight == 0)
    }

    @Test func backPressureCutsOncePerWindow() async throws {
        let limiter = limiter(max: 16, initial: 8)
        var permits: [AdaptiveConcurrencyLimiter.Permit] = []
        for _ in 0..<8 { permits.append(try await limiter.acquire()) }
        // Eight answers of the same window, all 503: one cut, not eight.
        for permit in permits { limiter.release(permit, .backpressure) }
        #expect(limiter.limit == 4)
        // A request sent after the cut may cut again.
        let later = try await limiter.acquire()
        limiter.release(later, .backpressure)
        #expect(limiter.limit == 2)
        #expect(limiter.adjustments.cuts == 2)
    }

    @Test func neverGoesBelowOne() async throws {
        let limiter = limiter(max: 4, initial: 1)
        for _ in 0..<3 {
            let permit = try await limiter.acquire()
            limiter.release(permit, .backpressure)
        }
        #expect(limiter.limit == 1)
    }

    @Test func startsSlowlyDoublingPerWindowUntilTheFirstCut() async throws {
        let limiter = limiter(max: 64, initial: 2)
        func window() async throws {
            let limit = limiter.limit
            for _ in 0..<limit { try await saturatedAnswer(limiter, .success(rtt: .milliseconds(10))) }
        }
        try await window()
        #expect(limiter.limit == 4)
        try await window()
        #expect(limiter.limit == 8)
        try await saturatedAnswer(limiter, .backpressure)
        #expect(limiter.limit == 4)
        // After the cut, one per full window.
        try await window()
        #expect(limiter.limit == 5)
    }

    @Test func growsByOnePerFullWindowOfSuccessesUpToTheMaximum() async throws {
        let limiter = limiter(max: 4, initial: 4)
        func window() async throws {
            let limit = limiter.limit
            for _ in 0..<limit { try await saturatedAnswer(limiter, .success(rtt: .milliseconds(10))) }
        }
        // A cut ends the slow start.
        try await saturatedAnswer(limiter, .backpressure)
        #expect(limiter.limit == 2)
        try await window()
        #expect(limiter.limit == 3)
        try await window()
        #expect(limiter.limit == 4)
        try await window()
        #expect(limiter.limit == 4)
    }

    @Test func doesNotGrowWhenTheLimitIsNotTheBottleneck() async throws {
        let limiter = limiter(max: 8, initial: 4)
        for _ in 0..<20 {
            let permit = try await limiter.acquire()
            limiter.release(permit, .success(rtt: .milliseconds(10)))
        }
        #expect(limiter.limit == 4)
    }

    /// Fills the limit, then answers one request with `feedback` (the others neutrally).
    private func saturatedAnswer(_ limiter: AdaptiveConcurrencyLimiter, _ feedback: AdaptiveConcurrencyLimiter.Feedback)
        async throws
    {
        var permits: [AdaptiveConcurrencyLimiter.Permit] = []
        for _ in 0..<limiter.limit { permits.append(try await limiter.acquire()) }
        let last = permits.removeLast()
        for permit in permits { limiter.release(permit, .neutral) }
        limiter.release(last, feedback)
    }

    @Test func doesNotGrowWhileRoundTripsRiseAboveTheBaseline() async throws {
        let limiter = limiter(max: 8, initial: 1)
        try await saturatedAnswer(limiter, .success(rtt: .milliseconds(10)))
        #expect(limiter.limit == 2)
        var rtt = Duration.milliseconds(30)
        for _ in 0..<10 {
            try await saturatedAnswer(limiter, .success(rtt: rtt))
            rtt *= 2
        }
        #expect(limiter.limit == 2)
        // Back near the baseline, growth resumes.
        try await saturatedAnswer(limiter, .success(rtt: .milliseconds(10)))
        try await saturatedAnswer(limiter, .success(rtt: .milliseconds(10)))
        #expect(limiter.limit == 3)
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let limiter = limiter(max: 1, initial: 1)
        let held = try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        while limiter.waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        limiter.release(held, .neutral)
        #expect(limiter.inFlight == 0)
        let next = try await limiter.acquire()
        #expect(limiter.inFlight == 1)
        limiter.release(next, .neutral)
    }
}
