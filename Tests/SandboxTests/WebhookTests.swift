import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Sandbox

@Suite struct WebhookTests {
    @Test func acceptedAnswerHasTheProviderShape() async throws {
        let maker = DecisionMaker(seed: 7)
        let index = try #require((0..<100).first { index in
            if case .accepted = maker.decide(Self.facts(index)) { true } else { false }
        })
        try await Live.withServer { server in
            let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let answer = try Live.object(response)
            #expect(answer.string("status") == "accepted")
            guard case .accepted(let cents, let leadID) = maker.decide(Self.facts(index)) else { return }
            #expect(answer.number("bid_amount") == Double(cents) / 100)
            #expect(answer.string("lead_id") == leadID)
        }
    }

    @Test(arguments: [
        ("{", "body is not valid JSON", [String]()), ("[]", "body is not a JSON object", []),
        (#""lead""#, "body is not a JSON object", []),
        (Sample.payload(["vehicle_year": .string("2021"), "homeowner": .string("yes")]), "missing or malformed fields",
         ["vehicle_year", "homeowner"]),
        (Sample.payload(["loan_amount": .string("$385,000")]), "missing or malformed fields", ["loan_amount"]),
        (Sample.payload(["zip": .string("3360"), "phone": .string("8135550100")]), "missing or malformed fields",
         ["phone", "zip"]),
        (Sample.payload(["vertical": .string("auto")]), "missing or malformed fields", ["vertical"]),
    ])
    func malformedBodiesAre400NamingTheFields(body: String, message: String, fields: [String]) async throws {
        try await Live.withServer { server in
            let response = try await Live.submit(server, body)
            #expect(response.status == .badRequest)
            let answer = try Live.object(response)
            #expect(answer.string("error") == message)
            #expect(answer.strings("fields") == fields)
        }
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded"] as [String?])
    func nonJSONContentTypeIs400(contentType: String?) async throws {
        try await Live.withServer { server in
            var headers: HTTPFields = [.authorization: "Bearer dl_test_abc123"]
            if let contentType { headers[.contentType] = contentType }
            let response = try await Live.request(server, .post, "/webhook/lead", body: Sample.payload, headers: headers)
            #expect(response.status == .badRequest)
            #expect(try Live.object(response).string("error") == "Content-Type must be application/json")
        }
    }

    @Test func jsonContentTypeWithCharsetIsAccepted() async throws {
        try await Live.withServer { server in
            let headers: HTTPFields = [
                .authorization: "Bearer dl_test_abc123", .contentType: "application/json; charset=utf-8",
            ]
            let response = try await Live.request(server, .post, "/webhook/lead", body: Sample.payload, headers: headers)
            #expect(response.status == .ok)
        }
    }

    @Test func invalidConsentIs422NamingTheFields() async throws {
        try await Live.withServer { server in
            let body = Sample.payload(["tcpa_timestamp": .string("27/04/2026"), "tcpa_text": .string(" ")])
            let response = try await Live.submit(server, body)
            #expect(response.status == .unprocessableContent)
            #expect(try Live.object(response).strings("fields") == ["tcpa_timestamp", "tcpa_text"])
        }
    }

    @Test func missingTokenIs401WithChallenge() async throws {
        try await Live.withServer { server in
            let response = try await Live.submit(server, token: nil)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(try Live.object(response).string("error") == "missing bearer token")
        }
    }

    @Test func bodyOverOneMebibyteIs413() async throws {
        try await Live.withServer { server in
            let big = #"{"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#
            let response = try await Live.submit(server, big)
            #expect(response.status == .contentTooLarge)
            #expect(try Live.object(response)["error"] != nil)
            let exactlyTheLimit = #"{"pad":""# + String(repeating: "x", count: (1 << 20) - 10) + #""}"#
            #expect(exactlyTheLimit.utf8.count == 1 << 20)
            #expect(try await Live.submit(server, exactlyTheLimit).status == .badRequest)
        }
    }

    @Test func chunkedBodyOverTheLimitIs413() async throws {
        try await Live.withServer { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-big-\(UUID()).json")
            try Data(repeating: UInt8(ascii: "x"), count: (1 << 20) + 100).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let (exitCode, output) = try await Live.shell(
                "curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer dl_test_abc123' "
                    + "-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' "
                    + "--data-binary @\(file.path) \(server.endpoint)"
            )
            #expect(exitCode == 0)
            #expect(output == "413")
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/nope", HTTPResponse.Status.notFound, nil as String?),
        (.post, "/webhook/lead/", .notFound, nil), (.post, "/webhook", .notFound, nil),
        (.get, "/webhook/lead", .methodNotAllowed, "POST"), (.put, "/webhook/lead", .methodNotAllowed, "POST"),
        (.delete, "/webhook/lead", .methodNotAllowed, "POST"), (.post, "/_sandbox/stats", .methodNotAllowed, "GET"),
        (.get, "/_sandbox/reset", .methodNotAllowed, "POST"),
    ])
    func otherPathsAre404AndOtherMethods405(method: HTTPRequest.Method, path: String, status: HTTPResponse.Status,
                                            allow: String?) async throws {
        try await Live.withServer { server in
            let response = try await Live.request(
                server, method, path, body: method == .get ? nil : "{}",
                headers: [.authorization: "Bearer dl_test_abc123", .contentType: "application/json"]
            )
            #expect(response.status == status)
            #expect(response.headers[.allow] == allow)
            #expect(try Live.object(response)["error"] != nil)
        }
    }

    @Test func sameSeedSameAnswersOtherSeedDiffers() async throws {
        let bodies = (0..<30).map { Sample.lead("mortgage", phoneIndex: $0) }
        func answers(seed: UInt64) async throws -> [String] {
            try await Live.withServer(SandboxConfiguration(seed: seed)) { server in
                var texts: [String] = []
                for body in bodies { texts.append(Live.text(try await Live.submit(server, body))) }
                return texts
            }
        }
        let first = try await answers(seed: 11)
        #expect(try await answers(seed: 11) == first)
        #expect(try await answers(seed: 12) != first)
        #expect(first.contains { $0.contains("accepted") } && first.contains { $0.contains("rejected") })
    }

    @Test func secondAcceptanceOfAVerticalAndPhoneIsADuplicate() async throws {
        let maker = DecisionMaker(seed: 7)
        let accepted = try #require((0..<100).first { index in
            if case .accepted = maker.decide(Self.facts(index)) { true } else { false }
        })
        let rejected = try #require((0..<100).first { index in
            if case .rejected = maker.decide(Self.facts(index)) { true } else { false }
        })
        try await Live.withServer { server in
            #expect(try await Live.object(Live.submit(server, Sample.lead(phoneIndex: accepted))).string("status")
                == "accepted")
            let again = try await Live.object(Live.submit(server, Sample.lead(phoneIndex: accepted)))
            #expect(again.string("status") == "rejected")
            #expect(again.string("reason") == "duplicate")
            let first = try await Live.text(Live.submit(server, Sample.lead(phoneIndex: rejected)))
            let second = try await Live.text(Live.submit(server, Sample.lead(phoneIndex: rejected)))
            #expect(first == second, "a rejected lead is not remembered as accepted")
            #expect(!second.contains("duplicate"))
        }
    }

    @Test func sixtyFourConcurrentClientsAreAllCounted() async throws {
        try await Live.withServer { server in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<64 {
                    group.addTask {
                        for lead in 0..<5 {
                            let response = try await Live.submit(server, Sample.lead(phoneIndex: client * 5 + lead))
                            #expect(response.status == .ok)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stats = try await Live.stats(server)
            #expect(stats.number("total") == 320)
            #expect(stats.object("leads")?.count == 320)
            #expect((stats.number("accepted") ?? 0) + (stats.number("rejected") ?? 0) == 320)
        }
    }

    static func facts(_ index: Int) -> LeadFacts {
        LeadFacts(vertical: .insurance, phone: "+1813" + String(5_550_000 + index), email: "m@example.com")
    }
}
