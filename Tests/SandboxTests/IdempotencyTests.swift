import Hummingbird
import HummingbirdTesting
import Testing

@testable import Sandbox

/// `Idempotency-Key`: a retry with the same key and body gets the first answer again and makes no
/// new decision; the same key with another body gets 422; faults are not stored.
@Suite struct IdempotencyTests {
    /// Indexes of `Sample.lead(phoneIndex:)` that seed 7 accepts, in order.
    static let acceptedLeads: [Int] = {
        let maker = DecisionMaker(seed: 7)
        return (0..<200).filter { index in
            let facts = LeadFacts(vertical: .insurance, phone: "+1813" + String(5_550_000 + index), email: "m@example.com")
            if case .accepted = maker.decide(facts) { return true }
            return false
        }
    }()

    static func leadKey(_ index: Int) -> String { "insurance|+1813" + String(5_550_000 + index) }

    /// The attempts of one lead key in `GET /_sandbox/stats`.
    static func attempts(_ stats: [String: JSONValue], _ leadKey: String) -> [[String: JSONValue]] {
        guard case .array(let list) = stats.object("leads")?.object(leadKey)?["attempts"] else { return [] }
        return list.compactMap { value in
            if case .object(let attempt) = value { return attempt }
            return nil
        }
    }

    @Test func sameKeyAndBodyGetsTheFirstAnswerAgainWithoutANewDecision() async throws {
        let index = try #require(Self.acceptedLeads.first)
        let body = Sample.lead(phoneIndex: index)
        try await Live.withServer { server in
            let first = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            let again = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            #expect(first.status == .ok && again.status == .ok)
            #expect(Live.text(again) == Live.text(first), "the same bytes")
            let answer = try Live.object(again)
            #expect(answer.string("status") == "accepted", "not turned into a duplicate: \(Live.text(again))")
            #expect(answer.string("lead_id") == (try Live.object(first)).string("lead_id"))
            #expect(answer.number("bid_amount") == (try Live.object(first)).number("bid_amount"))

            let stats = try await Live.stats(server)
            #expect(stats.number("accepted") == 1 && stats.number("rejected") == 0)
            #expect(stats.number("idempotent_replays") == 1)
            #expect(stats.number("idempotency_conflicts") == 0)
            #expect(stats.number("total") == 2)
            let attempts = Self.attempts(stats, Self.leadKey(index))
            #expect(attempts.map { $0["replayed"] } == [.bool(false), .bool(true)])
            #expect(attempts.map { $0["decision"] } == [.string("accepted"), .null], "a replay decides nothing")
            #expect(attempts.map { $0.number("status") } == [200, 200])

            // A later request with another key is a new request: the duplicate rule applies.
            let other = try await Live.object(Live.submit(server, body, idempotencyKey: "b2-r1"))
            #expect(other.string("reason") == "duplicate")
            // And that answer is the one replayed under its own key.
            let otherAgain = try await Live.object(Live.submit(server, body, idempotencyKey: "b2-r1"))
            #expect(otherAgain.string("reason") == "duplicate")
            #expect(try await Live.stats(server).number("idempotent_replays") == 2)
        }
    }

    @Test func aRejectionAndA400AreReplayedToo() async throws {
        let maker = DecisionMaker(seed: 7)
        let rejected = try #require((0..<200).first { index in
            let facts = LeadFacts(vertical: .insurance, phone: "+1813" + String(5_550_000 + index), email: "m@example.com")
            if case .rejected = maker.decide(facts) { return true }
            return false
        })
        let malformed = Sample.payload(["zip": .string("ABCDE")])
        try await Live.withServer { server in
            let first = try await Live.text(Live.submit(server, Sample.lead(phoneIndex: rejected), idempotencyKey: "k-rej"))
            let again = try await Live.text(Live.submit(server, Sample.lead(phoneIndex: rejected), idempotencyKey: "k-rej"))
            #expect(first == again && first.contains("rejected"))
            let bad = try await Live.submit(server, malformed, idempotencyKey: "k-400")
            let badAgain = try await Live.submit(server, malformed, idempotencyKey: "k-400")
            #expect(bad.status == .badRequest && badAgain.status == .badRequest)
            #expect(Live.text(bad) == Live.text(badAgain))
            let stats = try await Live.stats(server)
            #expect(stats.number("idempotent_replays") == 2)
            #expect(stats.number("rejected") == 1, "the replayed rejection is not counted twice")
        }
    }

    @Test func sameKeyWithAnotherBodyIs422AndDecidesNothing() async throws {
        let first = try #require(Self.acceptedLeads.first)
        let second = try #require(Self.acceptedLeads.dropFirst().first)
        try await Live.withServer { server in
            let original = try await Live.submit(server, Sample.lead(phoneIndex: first), idempotencyKey: "b1-r1")
            #expect(original.status == .ok)
            let reused = try await Live.submit(server, Sample.lead(phoneIndex: second), idempotencyKey: "b1-r1")
            #expect(reused.status == .unprocessableContent)
            #expect(try Live.object(reused).string("error") == "idempotency key reused with a different request body")

            // The key still holds its first answer, and the other lead was never decided.
            #expect(try await Live.text(Live.submit(server, Sample.lead(phoneIndex: first), idempotencyKey: "b1-r1"))
                == Live.text(original))
            let fresh = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: second), idempotencyKey: "b1-r2"))
            #expect(fresh.string("status") == "accepted")

            let stats = try await Live.stats(server)
            #expect(stats.number("idempotency_conflicts") == 1)
            #expect(stats.number("idempotent_replays") == 1)
            #expect(stats.number("accepted") == 2)
            let attempts = Self.attempts(stats, Self.leadKey(second))
            #expect(attempts.map { $0.number("status") } == [422, 200])
            #expect(attempts.map { $0["decision"] } == [.null, .string("accepted")])
        }
    }

    @Test func withoutTheHeaderARetryIsADuplicateAsBefore() async throws {
        let index = try #require(Self.acceptedLeads.first)
        try await Live.withServer { server in
            let first = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: index)))
            let again = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: index)))
            #expect(first.string("status") == "accepted")
            #expect(again.string("reason") == "duplicate")
            let empty = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: index), idempotencyKey: ""))
            #expect(empty.string("reason") == "duplicate", "an empty key is no key")
            let stats = try await Live.stats(server)
            #expect(stats.number("idempotent_replays") == 0)
            #expect(stats.number("idempotency_conflicts") == 0)
            #expect(stats.object("rejected_by_reason") == ["duplicate": .number(2, isInteger: true)])
        }
    }

    @Test func noIdempotencyIgnoresTheKey() async throws {
        let first = try #require(Self.acceptedLeads.first)
        let second = try #require(Self.acceptedLeads.dropFirst().first)
        let configuration = SandboxConfiguration(seed: 7, honoursIdempotencyKeys: false)
        try await Live.withServer(configuration) { server in
            let original = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: first), idempotencyKey: "b1-r1"))
            let retry = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: first), idempotencyKey: "b1-r1"))
            #expect(original.string("status") == "accepted")
            #expect(retry.string("status") == "rejected" && retry.string("reason") == "duplicate")
            let reused = try await Live.submit(server, Sample.lead(phoneIndex: second), idempotencyKey: "b1-r1")
            #expect(reused.status == .ok, "no conflict either")
            let stats = try await Live.stats(server)
            #expect(stats.number("idempotent_replays") == 0 && stats.number("idempotency_conflicts") == 0)
            #expect(Self.attempts(stats, Self.leadKey(first)).map { $0.string("idempotency_key") } == ["b1-r1", "b1-r1"])
        }
    }

    @Test func faultsAreNotStoredAndTheRetryIsDecidedAfresh() async throws {
        // Request sequence numbers whose injected faults are: a 5xx, a drop, then none twice.
        let plan = FaultPlan(seed: 7, latencyMilliseconds: nil, errorRate: 0.3, dropRate: 0.3)
        let start = try #require((1...2000).first { n in
            guard case .serverError = plan.fault(sequence: n) else { return false }
            return plan.fault(sequence: n + 1) == .drop && plan.fault(sequence: n + 2) == .none
                && plan.fault(sequence: n + 3) == .none
        })
        let index = try #require(Self.acceptedLeads.first)
        let configuration = SandboxConfiguration(seed: 7, errorRate: 0.3, dropRate: 0.3)
        try await Live.withServer(configuration) { server in
            // Fillers without a key (other leads) up to the 5xx; they may fail, that is their part.
            for filler in 0..<(start - 1) {
                _ = try? await Live.submit(server, Sample.lead(phoneIndex: 1000 + filler))
            }
            let body = Sample.lead(phoneIndex: index)
            let failed = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            #expect(failed.status.code >= 500)
            await #expect(throws: TestClient.Error.connectionClosing) {
                _ = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            }
            let decided = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            #expect(decided.status == .ok)
            #expect(try Live.object(decided).string("status") == "accepted")
            let replayed = try await Live.submit(server, body, idempotencyKey: "b1-r1")
            #expect(Live.text(replayed) == Live.text(decided), "the decision, not the fault, is stored")

            let stats = try await Live.stats(server)
            #expect(stats.number("idempotent_replays") == 1)
            let attempts = Self.attempts(stats, Self.leadKey(index))
            #expect(attempts.map { $0["replayed"] } == [.bool(false), .bool(false), .bool(false), .bool(true)])
            #expect(attempts.map { $0["decision"] } == [.null, .null, .string("accepted"), .null])
        }
    }

    @Test(arguments: [503, 429])
    func forcedFaultsAreNotStored(status: Int) async throws {
        let configuration = SandboxConfiguration(seed: 7, forcedStatuses: [ForcedStatus(.status(status), share: 1)])
        try await Live.withServer(configuration) { server in
            for _ in 0..<2 {
                #expect(try await Live.submit(server, idempotencyKey: "b1-r1").status.code == status)
            }
            let stats = try await Live.stats(server)
            #expect(stats.number("idempotent_replays") == 0)
            #expect(Self.attempts(stats, "insurance|+18135550100").map { $0["replayed"] } == [.bool(false), .bool(false)])
        }
    }

    @Test func aRefusedTokenIsNotStored() async throws {
        let index = try #require(Self.acceptedLeads.first)
        try await Live.withServer { server in
            let refused = try await Live.submit(server, Sample.lead(phoneIndex: index), token: "wrong", idempotencyKey: "k")
            #expect(refused.status == .unauthorized)
            let decided = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: index), idempotencyKey: "k"))
            #expect(decided.string("status") == "accepted")
            #expect(try await Live.stats(server).number("idempotent_replays") == 0)
        }
    }

    @Test func concurrentRequestsWithOneKeyMakeOneDecision() async throws {
        let index = try #require(Self.acceptedLeads.first)
        let body = Sample.lead(phoneIndex: index)
        // The same latency for all, so the requests overlap in the sandbox.
        try await Live.withServer(SandboxConfiguration(seed: 7, latencyMilliseconds: 50...50)) { server in
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let response = try await Live.submit(server, body, idempotencyKey: "b1-r1")
                        return Live.text(response)
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers.count == 16)
            #expect(Set(answers).count == 1, "\(Set(answers))")
            #expect(answers.first?.contains("\"accepted\"") == true)
            let stats = try await Live.stats(server)
            #expect(stats.number("accepted") == 1 && stats.number("rejected") == 0)
            #expect(stats.number("idempotent_replays") == 15)
        }
    }

    @Test func resetForgetsStoredAnswers() async throws {
        let first = try #require(Self.acceptedLeads.first)
        let second = try #require(Self.acceptedLeads.dropFirst().first)
        try await Live.withServer { server in
            _ = try await Live.submit(server, Sample.lead(phoneIndex: first), idempotencyKey: "k")
            _ = try await Live.request(server, .post, "/_sandbox/reset")
            let after = try await Live.submit(server, Sample.lead(phoneIndex: second), idempotencyKey: "k")
            #expect(after.status == .ok, "no conflict with a forgotten answer")
            let stats = try await Live.stats(server)
            #expect(stats.number("idempotency_conflicts") == 0 && stats.number("accepted") == 1)
        }
    }

    @Test func bodyDigestTellsBodiesApart() {
        let one = BodyDigest(Array(Sample.lead(phoneIndex: 1).utf8))
        #expect(one == BodyDigest(Array(Sample.lead(phoneIndex: 1).utf8)))
        #expect(one != BodyDigest(Array(Sample.lead(phoneIndex: 2).utf8)))
        #expect(BodyDigest([UInt8]()) != BodyDigest([0]))
    }
}
