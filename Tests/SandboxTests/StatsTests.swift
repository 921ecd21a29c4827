import Hummingbird
import HummingbirdTesting
import Testing

@testable import Sandbox

@Suite struct StatsTests {
    @Test func countsStatusesOutcomesAndAttemptsPerLead() async throws {
        try await Live.withServer { server in
            let decided = try await Live.object(Live.submit(server, idempotencyKey: "b1-r1"))
            _ = try await Live.submit(server, Sample.payload(["phone": nil]))
            _ = try await Live.submit(server, token: "wrong", idempotencyKey: "b1-r1")
            _ = try await Live.request(server, .get, "/nope")
            _ = try await Live.submit(server, Sample.payload(["tcpa_url": nil]), idempotencyKey: "b1-r2")

            let stats = try await Live.stats(server)
            #expect(stats.number("total") == 5)
            #expect(stats["by_status"] == .object([
                "200": .number(1, isInteger: true), "400": .number(1, isInteger: true),
                "401": .number(1, isInteger: true), "404": .number(1, isInteger: true),
                "422": .number(1, isInteger: true),
            ]))
            #expect(stats.number("dropped") == 0)
            let wasAccepted = decided.string("status") == "accepted"
            #expect(stats.number("accepted") == (wasAccepted ? 1 : 0))
            #expect(stats.number("rejected") == (wasAccepted ? 0 : 1))
            #expect(stats.number("bid_total") == (wasAccepted ? decided.number("bid_amount") : 0))

            let lead = try #require(stats.object("leads")?.object("insurance|+18135550100"))
            #expect(lead.number("submissions") == 3)
            guard case .array(let list) = lead["attempts"] else {
                Issue.record("attempts missing")
                return
            }
            let attempts = list.compactMap { value -> [String: JSONValue]? in
                if case .object(let attempt) = value { return attempt }
                return nil
            }
            #expect(attempts.map { $0.number("status") } == [200, 401, 422])
            #expect(attempts.map { $0.string("idempotency_key") } == ["b1-r1", "b1-r1", "b1-r2"])
            #expect(attempts.map { $0["dropped"] } == Array(repeating: .bool(false), count: 3))
            #expect(attempts.first?.string("decision") == decided.string("status") ?? "x"
                || attempts.first?.string("decision") == decided.string("reason"))
            #expect(attempts.dropFirst().allSatisfy { $0["decision"] == .null })
            let times = attempts.compactMap { $0.number("t") }
            #expect(times.count == 3 && times.first! >= 0 && times == times.sorted())
            #expect((stats.number("uptime") ?? -1) >= times.last!)
            #expect(stats.object("leads")?.count == 1, "a body without phone has no lead key")
        }
    }

    @Test func timesHaveMillisecondPrecision() async throws {
        try await Live.withServer { server in
            _ = try await Live.submit(server)
            let text = Live.text(try await Live.request(server, .get, "/_sandbox/stats"))
            let match = try #require(text.firstRange(of: #""t":"#))
            let number = text[match.upperBound...].prefix { $0 != "," }
            #expect(number.split(separator: ".").last?.count == 3, "\(number)")
        }
    }

    @Test func statsRequestsAreNotCountedAndResetClears() async throws {
        try await Live.withServer { server in
            _ = try await Live.submit(server)
            _ = try await Live.stats(server)
            #expect(try await Live.stats(server).number("total") == 1)

            let reset = try await Live.request(server, .post, "/_sandbox/reset")
            #expect(reset.status == .ok)
            let stats = try await Live.stats(server)
            #expect(stats.number("total") == 0)
            #expect(stats.object("leads")?.isEmpty == true)
            #expect(stats.object("by_status")?.isEmpty == true)
            #expect(stats.number("accepted") == 0 && stats.number("bid_total") == 0)

            let first = try await Live.text(Live.submit(server))
            #expect(!first.contains("duplicate"), "reset forgets accepted leads")
        }
    }
}
