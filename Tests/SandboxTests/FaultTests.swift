import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Sandbox

@Suite struct FaultTests {
    @Test func errorRateOneAnswersMixed5xx() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, errorRate: 1)) { server in
            var statuses: Set<Int> = []
            for index in 0..<30 {
                let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
                statuses.insert(response.status.code)
                #expect(try Live.object(response)["error"] != nil)
            }
            #expect(statuses == [500, 502, 503])
            let stats = try await Live.stats(server)
            #expect(stats.number("accepted") == 0, "a failed request decides nothing")
        }
    }

    @Test func errorRateHalfMixesSuccessAndFailure() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, errorRate: 0.5)) { server in
            var codes: [Int] = []
            for index in 0..<40 { codes.append(try await Live.submit(server, Sample.lead(phoneIndex: index)).status.code) }
            #expect(codes.contains(200))
            #expect(codes.contains { $0 >= 500 })
        }
    }

    @Test func faultsSpareUnauthenticatedRequests() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, errorRate: 1)) { server in
            let response = try await Live.submit(server, token: "nope")
            #expect(response.status == .unauthorized)
        }
    }

    @Test func dropClosesTheConnectionWithoutAnAnswer() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, dropRate: 1)) { server in
            await #expect(throws: TestClient.Error.connectionClosing) {
                _ = try await Live.submit(server, idempotencyKey: "batch1-row1")
            }
            let command = "curl -s -X POST \(server.endpoint) -H 'Authorization: Bearer dl_test_abc123' "
                + "-H 'Content-Type: application/json' -d '\(Sample.payload)'"
            let (exitCode, output) = try await Live.shell(command)
            #expect(exitCode == 52, "curl: empty reply from server")
            #expect(output.isEmpty)
            let stats = try await Live.stats(server)
            #expect(stats.number("dropped") == 2)
            #expect(stats.number("total") == 2)
            let attempts = stats.object("leads")?.object("insurance|+18135550100")
            guard case .array(let list) = attempts?["attempts"], case .object(let first) = list.first else {
                Issue.record("no attempts recorded")
                return
            }
            #expect(first["dropped"] == .bool(true))
            #expect(first["status"] == .null)
            #expect(first.string("idempotency_key") == "batch1-row1")
        }
    }

    @Test func rateLimitAnswers429WithRetryAfterSeconds() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, rateLimitPerSecond: 1)) { server in
            var limited: TestClient.Response?
            for index in 0..<50 where limited == nil {
                let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
                if response.status == .tooManyRequests { limited = response }
            }
            let response = try #require(limited)
            let retryAfter = try #require(response.headers[.retryAfter])
            #expect(Int(retryAfter).map { $0 >= 1 } == true, "Retry-After '\(retryAfter)' is whole seconds")
            #expect(try Live.object(response).string("error") == "rate limit exceeded")
        }
    }

    @Test func rateLimitCanSendRetryAfterAsHTTPDate() async throws {
        let configuration = SandboxConfiguration(seed: 7, rateLimitPerSecond: 1, retryAfterAsDate: true)
        try await Live.withServer(configuration) { server in
            var limited: TestClient.Response?
            var sentAt = Date()
            for index in 0..<50 where limited == nil {
                sentAt = Date()
                let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
                if response.status == .tooManyRequests { limited = response }
            }
            let response = try #require(limited)
            let retryAfter = try #require(response.headers[.retryAfter])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = try #require(formatter.date(from: retryAfter), "'\(retryAfter)' is an IMF-fixdate")
            #expect(date > sentAt, "the date lies after the request")
        }
    }

    @Test func rateLimitCanOmitRetryAfter() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, rateLimitPerSecond: 1, omitsRetryAfter: true)) { server in
            var limited: TestClient.Response?
            for index in 0..<50 where limited == nil {
                let response = try await Live.submit(server, Sample.lead(phoneIndex: index))
                if response.status == .tooManyRequests { limited = response }
            }
            let response = try #require(limited)
            #expect(response.headers[.retryAfter] == nil)
        }
    }

    @Test func failAuthAfterAnswers401FromTheNthRequest() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, failAuthAfter: 3)) { server in
            var codes: [Int] = []
            for index in 0..<5 { codes.append(try await Live.submit(server, Sample.lead(phoneIndex: index)).status.code) }
            #expect(codes == [200, 200, 401, 401, 401])
            let answer = try await Live.object(Live.submit(server))
            #expect(answer.string("error")?.contains("revoked") == true)
        }
    }

    @Test func latencyDelaysTheAnswer() async throws {
        try await Live.withServer(SandboxConfiguration(seed: 7, latencyMilliseconds: 80...80)) { server in
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { _ = try await Live.submit(server) }
            // A lower bound only: a sleep never ends early, however loaded the machine.
            #expect(elapsed >= .milliseconds(80))
        }
    }
}

@Suite struct RequestLogTests {
    final class Capture: LogHandler, @unchecked Sendable {
        let lines = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let meta = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            lines.withLock { $0.append("\(event.level) \(event.message) \(meta)") }
        }
    }

    @Test func logsOneLinePerRequestWithoutPII() async throws {
        let capture = Capture()
        let logger = Logger(label: "sandbox-log-test") { _ in capture }
        try await Live.withServer(logger: logger) { server in
            _ = try await Live.submit(server, token: "dl_test_secret42")
            _ = try await Live.request(server, .get, "/private/+18135550100")
        }
        let requestLines = capture.lines.withLock { $0 }.filter { $0.contains("http.status=") }
        #expect(requestLines.count == 2)
        #expect(requestLines.first?.contains("http.method=POST http.path=/webhook/lead http.status=200") == true)
        #expect(requestLines.last?.contains("http.path=(other)") == true)
        let everything = capture.lines.withLock { $0 }.joined(separator: "\n")
        for secret in ["8135550100", "m@example.com", "Maria", "dl_test_secret42"] {
            #expect(!everything.contains(secret), "log carries \(secret)")
        }
    }
}
