import Testing

@testable import Sandbox

@Suite struct FaultPlanTests {
    @Test func noRatesNoFaults() {
        let plan = FaultPlan(seed: 1, latencyMilliseconds: nil, errorRate: 0, dropRate: 0)
        #expect((1...500).allSatisfy { plan.fault(sequence: $0) == .none })
        #expect(plan.latency(sequence: 1) == nil)
    }

    @Test func ratesHoldAndStatusesAreMixed() {
        let plan = FaultPlan(seed: 1, latencyMilliseconds: nil, errorRate: 0.2, dropRate: 0.1)
        let faults = (1...5000).map(plan.fault)
        let errors = faults.compactMap { fault -> Int? in
            if case .serverError(let status) = fault { return status }
            return nil
        }
        let drops = faults.filter { $0 == .drop }.count
        #expect((850...1150).contains(errors.count))
        #expect((400...600).contains(drops))
        #expect(Set(errors) == [500, 502, 503])
    }

    @Test func fullRatesAlwaysFault() {
        #expect((1...100).allSatisfy {
            FaultPlan(seed: 2, latencyMilliseconds: nil, errorRate: 0, dropRate: 1).fault(sequence: $0) == .drop
        })
        #expect((1...100).allSatisfy {
            if case .serverError = FaultPlan(seed: 2, latencyMilliseconds: nil, errorRate: 1, dropRate: 0)
                .fault(sequence: $0) { true } else { false }
        })
    }

    @Test func faultsAreDeterministicPerSeedAndSequence() {
        let one = FaultPlan(seed: 4, latencyMilliseconds: 0...100, errorRate: 0.3, dropRate: 0.2)
        let again = FaultPlan(seed: 4, latencyMilliseconds: 0...100, errorRate: 0.3, dropRate: 0.2)
        let other = FaultPlan(seed: 5, latencyMilliseconds: 0...100, errorRate: 0.3, dropRate: 0.2)
        #expect((1...200).map(one.fault) == (1...200).map(again.fault))
        #expect((1...200).map(one.latency) == (1...200).map(again.latency))
        #expect((1...200).map(one.fault) != (1...200).map(other.fault))
    }

    @Test func latencyIsUniformInRange() {
        let plan = FaultPlan(seed: 6, latencyMilliseconds: 20...40, errorRate: 0, dropRate: 0)
        let values = (1...2000).compactMap(plan.latency)
        #expect(values.count == 2000)
        #expect(Set(values) == Set(20...40))
    }
}

@Suite struct TokenBucketTests {
    @Test func allowsABurstThenRefillsAtTheRate() {
        var bucket = TokenBucket(perSecond: 2, now: 0)
        let takes = [0, 0.1, 0.1, 0.5, 0.5, 10, 10, 10].map { bucket.take(now: $0) }
        #expect(takes.map { $0 == nil } == [true, true, false, true, false, true, true, false])
        #expect(abs((takes[2] ?? 0) - 0.4) < 1e-9, "the wait until the next token")
    }
}

@Suite struct SandboxAuthTests {
    @Test(arguments: [
        ("Bearer dl_test_abc", nil, SandboxAuth.accepted), ("bearer dl_test_abc", nil, .accepted),
        ("Bearer dl_test_", nil, .invalid), ("Bearer dl_live_abc", nil, .liveToken), (nil, nil, .missing),
        ("Basic dl_test_abc", nil, .invalid), ("dl_test_abc", nil, .invalid), ("Bearer xyz", nil, .invalid),
        ("Bearer dl_test_abc", "dl_test_abc", .accepted), ("Bearer dl_test_other", "dl_test_abc", .invalid),
        ("Bearer dl_live_abc", "dl_test_abc", .liveToken), ("Bearer secret", "secret", .accepted),
    ] as [(String?, String?, SandboxAuth)])
    func checksBearerTokens(header: String?, expected: String?, result: SandboxAuth) {
        #expect(SandboxAuth.check(header: header, expected: expected) == result)
    }
}

@Suite struct SandboxOptionTests {
    @Test(arguments: [("10..50", 10...50), ("0..0", 0...0), ("25", 25...25)])
    func parsesLatency(text: String, range: ClosedRange<Int>) throws {
        #expect(try SandboxConfiguration.parseLatency(text) == range)
    }

    @Test(arguments: ["50..10", "-1..5", "a..b", "10...50", "", "10..", "..10"])
    func refusesBadLatency(text: String) {
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration.parseLatency(text) }
    }

    @Test(arguments: [("50", 50), ("50/s", 50), ("1", 1)])
    func parsesRateLimit(text: String, value: Int) throws {
        #expect(try SandboxConfiguration.parseRateLimit(text) == value)
    }

    @Test(arguments: ["0", "-5", "50/m", "fast", "/s", "5.5"])
    func refusesBadRateLimit(text: String) {
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration.parseRateLimit(text) }
    }

    @Test func parsesRates() throws {
        #expect(try SandboxConfiguration.parseRate("0.25", name: "error rate") == 0.25)
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration.parseRate("1.5", name: "error rate") }
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration.parseRate("x", name: "drop rate") }
    }

    @Test func validatesCombinations() throws {
        _ = try SandboxConfiguration(errorRate: 0.5, dropRate: 0.5).validated()
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration(errorRate: 0.6, dropRate: 0.5).validated() }
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration(failAuthAfter: 0).validated() }
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration(port: 70_000).validated() }
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration(token: "dl_live_x").validated() }
    }
}
