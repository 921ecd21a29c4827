import LeadModel
import Submission
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    enum Expect: Sendable {
        case decision(RetryDecision)
        case giveUp(Outcome, ReasonCode, containing: String)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var result: AttemptResult
        var attempt = 1
        var rateLimitWaits = 0
        var ambiguous: SubmitConfiguration.AmbiguousPolicy = .retry
        var expect: Expect
        var testDescription: String { name }
    }

    static func body(_ status: Int, _ json: String, truncated: Bool = false) -> AttemptResult {
        .response(TransportResponse(status: status, body: Array(json.utf8), bodyTruncated: truncated))
    }

    static let before = AttemptResult.failure(TransportError(.beforeSending, .connect, detail: "refused"))
    static let after = AttemptResult.failure(TransportError(.afterSending, .timeout, detail: "no answer"))
    static let tlsRefused = AttemptResult.failure(TransportError(.beforeSending, .tlsRejected, detail: "certificate"))

    static let rows: [Row] = [
        Row(
            name: "200 accepted",
            result: body(200, #"{"status":"accepted","bid_amount":18.5,"lead_id":"ld_1a2b3c4d"}"#),
            expect: .decision(.done(.accepted(leadID: "ld_1a2b3c4d", bid: 18.5)))),
        Row(
            name: "200 accepted without lead_id and bid", result: body(200, #"{"status":"accepted"}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: nil)))),
        Row(
            name: "200 accepted, bid as a string", result: body(200, #"{"status":"accepted","bid_amount":"12.50"}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: 12.5)))),
        Row(
            name: "200 accepted, bid out of range", result: body(200, #"{"status":"accepted","bid_amount":1e999}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: nil)))),
        Row(
            name: "200 accepted, negative bid", result: body(200, #"{"status":"accepted","bid_amount":-5}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: nil)))),
        Row(
            name: "200 accepted, bid a hex float", result: body(200, #"{"status":"accepted","bid_amount":"0x1p4"}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: nil)))),
        Row(
            name: "200 accepted, bid infinite", result: body(200, #"{"status":"accepted","bid_amount":"inf"}"#),
            expect: .decision(.done(.accepted(leadID: nil, bid: nil)))),
        Row(
            name: "200 rejected with reason", result: body(200, #"{"status":"rejected","reason":"low score"}"#),
            expect: .decision(.done(.rejected(reason: "low score")))),
        Row(
            name: "200 rejected with message", result: body(200, #"{"status":"rejected","message":"no buyer match"}"#),
            expect: .decision(.done(.rejected(reason: "no buyer match")))),
        Row(
            name: "200 rejected with error", result: body(200, #"{"status":"rejected","error":"filter mismatch"}"#),
            expect: .decision(.done(.rejected(reason: "filter mismatch")))),
        Row(
            name: "200 rejected, reason first",
            result: body(200, #"{"error":"e","message":"m","reason":"r","status":"rejected"}"#),
            expect: .decision(.done(.rejected(reason: "r")))),
        Row(
            name: "200 rejected without detail", result: body(200, #"{"status":"rejected"}"#),
            expect: .decision(.done(.rejected(reason: nil)))),
        Row(
            name: "200 not JSON", result: body(200, "OK"),
            expect: .giveUp(.failed, .badResponse, containing: "not the documented JSON")),
        Row(name: "200 empty", result: body(200, ""), expect: .giveUp(.failed, .badResponse, containing: "200")),
        Row(name: "200 JSON array", result: body(200, "[1]"), expect: .giveUp(.failed, .badResponse, containing: "")),
        Row(
            name: "200 JSON without status", result: body(200, #"{"lead_id":"ld_1"}"#),
            expect: .giveUp(.failed, .badResponse, containing: "")),
        Row(
            name: "200 unknown status", result: body(200, #"{"status":"pending"}"#),
            expect: .giveUp(.failed, .badResponse, containing: "")),
        Row(
            name: "200 body cut at the cap", result: body(200, #"{"status":"accepted"}"#, truncated: true),
            expect: .giveUp(.failed, .badResponse, containing: "")),
        Row(
            name: "400", result: body(400, #"{"error":"missing or malformed fields","fields":["email","zip"]}"#),
            expect: .giveUp(
                .invalid, .remoteMalformed,
                containing: "API answered 400 (malformed request): missing or malformed fields (fields: email, zip)")),
        Row(
            name: "422",
            result: body(422, #"{"error":"TCPA consent fields missing or invalid","fields":["tcpa_url"]}"#),
            expect: .giveUp(
                .invalid, .remoteTCPAInvalid,
                containing:
                    "API answered 422 (TCPA fields invalid): TCPA consent fields missing or invalid (fields: tcpa_url)"
            )),
        Row(
            name: "422 plain text body", result: body(422, "tcpa_timestamp\n too old"),
            expect: .giveUp(.invalid, .remoteTCPAInvalid, containing: "invalid): tcpa_timestamp too old")),
        Row(name: "401", result: body(401, ""), expect: .decision(.stopRun)),
        Row(name: "401 on a late attempt", result: body(401, ""), attempt: 4, expect: .decision(.stopRun)),
        Row(
            name: "403", result: body(403, #"{"message":"forbidden"}"#),
            expect: .giveUp(.failed, .remoteClientError, containing: "API answered 403: forbidden")),
        Row(name: "404", result: body(404, ""), expect: .giveUp(.failed, .remoteClientError, containing: "404")),
        Row(name: "408", result: body(408, ""), expect: .giveUp(.failed, .remoteClientError, containing: "408")),
        Row(name: "413", result: body(413, ""), expect: .giveUp(.failed, .remoteClientError, containing: "413")),
        Row(name: "500 attempt 1", result: body(500, ""), attempt: 1, expect: .decision(.retry(after: .seconds(1)))),
        Row(name: "502 attempt 2", result: body(502, ""), attempt: 2, expect: .decision(.retry(after: .seconds(2)))),
        Row(name: "503 attempt 3", result: body(503, ""), attempt: 3, expect: .decision(.retry(after: .seconds(4)))),
        Row(name: "504 attempt 4", result: body(504, ""), attempt: 4, expect: .decision(.retry(after: .seconds(8)))),
        Row(
            name: "500 attempt 5", result: body(500, ""), attempt: 5,
            expect: .giveUp(.failed, .serverErrorExhausted, containing: "500")),
        Row(
            name: "599 attempt 5", result: body(599, ""), attempt: 5,
            expect: .giveUp(.failed, .serverErrorExhausted, containing: "")),
        Row(name: "before sending attempt 1", result: before, expect: .decision(.retry(after: .seconds(1)))),
        Row(
            name: "before sending attempt 4", result: before, attempt: 4,
            expect: .decision(.retry(after: .seconds(8)))),
        Row(
            name: "before sending attempt 5", result: before, attempt: 5,
            expect: .giveUp(.failed, .networkErrorExhausted, containing: "refused")),
        Row(
            name: "before sending under hold is still retried", result: before, attempt: 2, ambiguous: .hold,
            expect: .decision(.retry(after: .seconds(2)))),
        Row(
            name: "before sending attempt 5 under hold", result: before, attempt: 5, ambiguous: .hold,
            expect: .giveUp(.failed, .networkErrorExhausted, containing: "")),
        Row(
            name: "after sending, retry, attempt 1", result: after, ambiguous: .retry,
            expect: .decision(.retry(after: .seconds(1)))),
        Row(
            name: "after sending, retry, attempt 4", result: after, attempt: 4, ambiguous: .retry,
            expect: .decision(.retry(after: .seconds(8)))),
        Row(
            name: "after sending, retry, attempt 5", result: after, attempt: 5, ambiguous: .retry,
            expect: .giveUp(
                .failed, .networkErrorExhausted, containing: "no answer after 5 attempts; last: no answer")),
        Row(
            name: "TLS refused stops the run, never retried", result: tlsRefused,
            expect: .decision(.stopRunTLS(TransportError(.beforeSending, .tlsRejected, detail: "certificate")))),
        Row(
            name: "TLS refused under hold still stops the run", result: tlsRefused, attempt: 3, ambiguous: .hold,
            expect: .decision(.stopRunTLS(TransportError(.beforeSending, .tlsRejected, detail: "certificate")))),
        Row(
            name: "a TLS failure that may pass is retried",
            result: .failure(TransportError(.beforeSending, .tls, detail: "TLS handshake timed out")),
            expect: .decision(.retry(after: .seconds(1)))),
        Row(
            name: "after sending, hold", result: after, ambiguous: .hold,
            expect: .giveUp(.unknown, .ambiguousHeld, containing: "held for review")),
        Row(
            name: "after sending, hold, late attempt", result: after, attempt: 3, ambiguous: .hold,
            expect: .giveUp(.unknown, .ambiguousHeld, containing: "")),
        Row(
            name: "429 first", result: .response(TransportResponse(status: 429, retryAfter: "5")),
            expect: .decision(.pauseAll(for: .seconds(5)))),
        Row(
            name: "429 does not use up the 5xx schedule",
            result: .response(TransportResponse(status: 429, retryAfter: "5")), attempt: 9,
            expect: .decision(.pauseAll(for: .seconds(5)))),
        Row(
            name: "429 after 9 waits", result: .response(TransportResponse(status: 429, retryAfter: "5")),
            rateLimitWaits: 9, expect: .decision(.pauseAll(for: .seconds(5)))),
        Row(
            name: "429 after 10 waits", result: .response(TransportResponse(status: 429, retryAfter: "5")),
            rateLimitWaits: 10, expect: .giveUp(.failed, .rateLimitExhausted, containing: "11 times")),
        Row(name: "302", result: body(302, ""), expect: .giveUp(.failed, .badResponse, containing: "302")),
        Row(name: "204", result: body(204, ""), expect: .giveUp(.failed, .badResponse, containing: "204")),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        var policy = RetryPolicy()
        policy.ambiguous = row.ambiguous
        let decision = policy.decide(row.result, attempt: row.attempt, rateLimitWaits: row.rateLimitWaits)
        switch row.expect {
        case .decision(let expected):
            #expect(decision == expected)
        case .giveUp(let outcome, let code, let fragment):
            guard case .giveUp(let gotOutcome, let gotCode, let text) = decision else {
                Issue.record("expected giveUp(\(outcome), \(code)), got \(decision)")
                return
            }
            #expect(gotOutcome == outcome)
            #expect(gotCode == code)
            #expect(text.contains(fragment), "\(text)")
        }
    }

    @Test func aCustomScheduleAndRateLimitMaximumAreHonoured() {
        let policy = RetryPolicy(backoff: [.milliseconds(10)], maxRateLimitWaits: 0)
        #expect(policy.decide(Self.body(500, ""), attempt: 1, rateLimitWaits: 0) == .retry(after: .milliseconds(10)))
        guard
            case .giveUp(.failed, .serverErrorExhausted, _) = policy.decide(
                Self.body(500, ""), attempt: 2, rateLimitWaits: 0)
        else {
            Issue.record("schedule of one wait not honoured")
            return
        }
        guard
            case .giveUp(.failed, .rateLimitExhausted, _) = policy.decide(
                Self.body(429, ""), attempt: 1, rateLimitWaits: 0)
        else {
            Issue.record("maxRateLimitWaits 0 not honoured")
            return
        }
    }

    struct RetryAfterRow: Sendable, CustomTestStringConvertible {
        var header: String?
        var date: String? = nil
        var now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
        var expected: Duration
        var testDescription: String { "\(header ?? "nil") date=\(date ?? "nil") → \(expected)" }
    }

    @Test(arguments: [
        RetryAfterRow(header: "5", expected: .seconds(5)),
        RetryAfterRow(header: " 7 ", expected: .seconds(7)),
        RetryAfterRow(header: "0", expected: .zero),
        RetryAfterRow(header: "300", expected: .seconds(300)),
        RetryAfterRow(header: "301", expected: .seconds(300)),
        RetryAfterRow(header: "99999999999999999999999", expected: .seconds(300)),
        RetryAfterRow(header: nil, expected: .seconds(60)),
        RetryAfterRow(header: "", expected: .seconds(60)),
        RetryAfterRow(header: "soon", expected: .seconds(60)),
        RetryAfterRow(header: "-5", expected: .seconds(60)),
        RetryAfterRow(header: "1.5", expected: .seconds(60)),
        RetryAfterRow(header: "Sun, 06 Nov 1994 08:50:07 GMT", expected: .seconds(30)),
        RetryAfterRow(header: "Sun, 06 Nov 1994 08:49:00 GMT", expected: .zero),
        RetryAfterRow(header: "Sun, 06 Nov 1994 10:49:37 GMT", expected: .seconds(300)),
        RetryAfterRow(header: "Sunday, 06-Nov-94 08:50:17 GMT", expected: .seconds(40)),
        RetryAfterRow(header: "Sun Nov  6 08:49:47 1994", expected: .seconds(10)),
        RetryAfterRow(header: "Sun, 06 Nov 1994 08:49:37 PST", expected: .seconds(60)),
        RetryAfterRow(header: "Sun, 31 Nov 1994 08:49:37 GMT", expected: .seconds(60)),
        // An HTTP-date is measured from the answer's Date header when there is one (clock skew).
        RetryAfterRow(
            header: "Sun, 06 Nov 1994 08:50:07 GMT", date: "Sun, 06 Nov 1994 08:50:00 GMT", now: 0,
            expected: .seconds(7)),
        RetryAfterRow(header: "Sun, 06 Nov 1994 08:50:07 GMT", date: "garbage", expected: .seconds(30)),
    ])
    func retryAfter(_ row: RetryAfterRow) {
        let response = TransportResponse(status: 429, retryAfter: row.header, date: row.date)
        let decision = RetryPolicy().decide(.response(response), attempt: 1, rateLimitWaits: 0, now: row.now)
        #expect(decision == .pauseAll(for: row.expected))
    }

    @Test func retryAfterIsCappedByTheSetting() {
        var configuration = SubmitFixtures.configuration()
        configuration.retryAfterMaxSeconds = 20
        let policy = configuration.retryPolicy
        #expect(policy.decide(Self.body(429, ""), attempt: 1, rateLimitWaits: 0) == .pauseAll(for: .seconds(20)))
        let response = TransportResponse(status: 429, retryAfter: "45")
        #expect(policy.decide(.response(response), attempt: 1, rateLimitWaits: 0) == .pauseAll(for: .seconds(20)))
    }
}
