import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Sandbox

@Suite struct ForcedStatusTests {
    @Test(arguments: [
        ("422@0.1", ForcedStatus(.status(422), share: 0.1)),
        ("400@1", ForcedStatus(.status(400), share: 1)),
        ("503@0", ForcedStatus(.status(503), share: 0)),
        ("nonjson@0.25", ForcedStatus(.notJSON, share: 0.25)),
        ("429@1", ForcedStatus(.status(429), share: 1)),
    ])
    func parsesCodeAtShare(_ text: String, _ expected: ForcedStatus) throws {
        #expect(try SandboxConfiguration.parseForcedStatus(text) == expected)
    }

    @Test(arguments: ["422", "200@0.1", "600@0.1", "422@1.5", "x@0.1", "422@", "@0.1"])
    func refusesWhatItCannotAnswer(_ text: String) {
        #expect(throws: SandboxOptionError.self) { try SandboxConfiguration.parseForcedStatus(text) }
    }

    @Test func sharesMustAddUpToAtMostOne() {
        let configuration = SandboxConfiguration(
            forcedStatuses: [ForcedStatus(.status(422), share: 0.6), ForcedStatus(.notJSON, share: 0.5)])
        #expect(throws: SandboxOptionError.self) { try configuration.validated() }
    }

    /// The answer depends on the seed and the lead only: the same lead gets it on every attempt, and
    /// the shares hold over many leads.
    @Test func planIsPerLeadAndDeterministic() {
        let plan = ForcedStatusPlan(
            seed: 4, forced: [ForcedStatus(.status(422), share: 0.2), ForcedStatus(.notJSON, share: 0.1)])
        let keys = (0..<4000).map { "insurance|+1813\(5_550_000 + $0)" }
        let first = keys.map { plan.answer(leadKey: $0) }
        #expect(keys.map { plan.answer(leadKey: $0) } == first)
        let unprocessable = first.filter { $0 == .status(422) }.count
        let notJSON = first.filter { $0 == .notJSON }.count
        #expect((700...900).contains(unprocessable), "\(unprocessable) of 4000 at 20 %")
        #expect((320...480).contains(notJSON), "\(notJSON) of 4000 at 10 %")
        let other = ForcedStatusPlan(seed: 5, forced: plan.forced)
        #expect(keys.map { other.answer(leadKey: $0) } != first, "another seed picks other leads")
        #expect(ForcedStatusPlan(seed: 4, forced: []).answer(leadKey: keys[0]) == nil)
    }

    @Test func forcedLeadsGetTheStatusOnEveryAttemptAndOthersTheirDecision() async throws {
        let configuration = SandboxConfiguration(seed: 7, forcedStatuses: [ForcedStatus(.status(422), share: 0.5)])
        let plan = ForcedStatusPlan(seed: 7, forced: configuration.forcedStatuses)
        try await Live.withServer(configuration) { server in
            var forcedSeen = 0
            for index in 0..<20 {
                let key = "insurance|+1813\(5_550_000 + index)"
                for _ in 0..<2 {
                    let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
                    if plan.answer(leadKey: key) == .status(422) {
                        forcedSeen += 1
                        #expect(response.status.code == 422)
                        #expect(try Live.object(response).string("error")?.contains("force-status") == true)
                    } else {
                        #expect(response.status == .ok)
                    }
                }
            }
            #expect(forcedSeen > 0 && forcedSeen < 40)
            let stats = try await Live.stats(server)
            #expect(stats.object("by_status")?.number("422") == Double(forcedSeen))
        }
    }

    @Test func nonJSONAnswersA200WithAnHTMLBody() async throws {
        let configuration = SandboxConfiguration(seed: 7, forcedStatuses: [ForcedStatus(.notJSON, share: 1)])
        try await Live.withServer(configuration) { server in
            let response = try await Live.submit(server)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html")
            #expect(Live.text(response).hasPrefix("<html>"))
            let stats = try await Live.stats(server)
            #expect(stats.object("by_status")?.number("200") == 1)
            #expect(stats.number("accepted") == 0, "a forced answer decides nothing")
        }
    }

    @Test func authenticationAndFaultsComeFirst() async throws {
        let configuration = SandboxConfiguration(
            seed: 7, errorRate: 1, forcedStatuses: [ForcedStatus(.status(422), share: 1)])
        try await Live.withServer(configuration) { server in
            let refused = try await Live.submit(server, token: "nope")
            #expect(refused.status == .unauthorized)
            let failed = try await Live.submit(server)
            #expect(failed.status.code >= 500)
        }
    }
}
