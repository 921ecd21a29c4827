import LeadModel
import Submission
import Testing

@Suite("SubmitConfiguration")
struct SubmitConfigurationTests {
    @Test(arguments: [
        ("https://api.dreamyleads.com/webhook/lead", true),
        ("HTTPS://api.dreamyleads.com/webhook/lead", true),
        ("http://127.0.0.1:8080/webhook/lead", true),
        ("http://127.45.6.7/webhook/lead", true),
        ("http://localhost:9000/webhook/lead", true),
        ("http://LocalHost./webhook/lead", true),
        ("http://[::1]:9000/webhook/lead", true),
        ("http://[0:0:0:0:0:0:0:1]/webhook/lead", true),
        ("http://[::ffff:127.0.0.1]/webhook/lead", true),
        ("http://user:pw@127.0.0.1/webhook/lead", true),
        ("http://api.dreamyleads.com/webhook/lead", false),
        ("http://128.0.0.1/webhook/lead", false),
        ("http://10.0.0.1/webhook/lead", false),
        ("http://127.0.0.1.evil.example/webhook/lead", false),
        ("http://localhost.evil.example/webhook/lead", false),
        ("http://127.0.0.1@evil.example/webhook/lead", false),
        ("http://[::2]/webhook/lead", false),
        ("http://0x7f000001/webhook/lead", false),
    ])
    func aLiveTokenInClearOnlyGoesToLoopback(endpoint: String, allowed: Bool) {
        let configuration = SubmitConfiguration(endpoint: endpoint, token: APIToken("dl_live_0123456789"))
        if allowed {
            #expect(throws: Never.self) { try configuration.check() }
        } else {
            let error = #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
            #expect(error?.code == .liveTokenWithoutTLS)
            #expect(error.map { !"\($0)".contains("0123456789") } == true)
        }
    }

    @Test func aTestTokenMayGoInClearAnywhere() {
        let configuration = SubmitConfiguration(
            endpoint: "http://sandbox.example.com/webhook/lead", token: APIToken("dl_test_abc"))
        #expect(throws: Never.self) { try configuration.check() }
    }

    @Test(arguments: [
        "ftp://api.dreamyleads.com/x", "api.dreamyleads.com/webhook/lead", "https:///path", "http://[::1/x", "",
    ])
    func refusesAnEndpointThatIsNotAnHTTPURL(_ endpoint: String) {
        let configuration = SubmitConfiguration(endpoint: endpoint, token: APIToken("dl_test_abc"))
        let error = #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
        #expect(error?.code == .invalidEndpoint)
    }

    @Test(arguments: ["", "dl_test_a b", "dl_test_a\r\nX-Evil: 1"])
    func refusesATokenAHeaderCannotCarry(_ secret: String) {
        let configuration = SubmitConfiguration(token: APIToken(secret))
        let error = #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
        #expect(error?.code == .invalidToken)
    }

    @Test func refusesSettingsOutOfRange() {
        var configuration = SubmitConfiguration(token: APIToken("dl_test_abc"))
        configuration.maxInFlight = 0
        #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
        configuration.maxInFlight = 1
        configuration.timeoutSeconds = 0
        #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
        configuration.timeoutSeconds = 15
        configuration.rateLimit = 0
        #expect(throws: SubmitConfigurationError.self) { try configuration.check() }
    }

    @Test func defaultsFollowTheAPIPage() {
        let configuration = SubmitConfiguration(token: APIToken("dl_test_abc"))
        #expect(configuration.endpoint == "https://api.dreamyleads.com/webhook/lead")
        #expect(configuration.timeout == .seconds(15))
        #expect(configuration.maxInFlight == 32)
        #expect(configuration.startingConcurrency == 8)
        #expect(configuration.ambiguous == .retry)
        #expect(configuration.retryAfterMaxSeconds == 300)
        #expect(configuration.maxRateLimitWaits == 10)
        #expect(configuration.rateLimit == nil)
        #expect(!configuration.jitter)
        #expect(configuration.backoff == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
        #expect(configuration.userAgent.hasPrefix("leadspool/"))
    }

    @Test func theTokenNeverShowsInDescriptions() {
        let token = APIToken("dl_live_SECRETVALUE")
        let configuration = SubmitConfiguration(token: token)
        #expect(!"\(token)".contains("SECRETVALUE"))
        #expect(!String(reflecting: token).contains("SECRETVALUE"))
        #expect(!"\(configuration)".contains("SECRETVALUE"))
        #expect(!String(reflecting: configuration).contains("SECRETVALUE"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("SECRETVALUE"))
        #expect("\(token)" == "dl_live_<redacted>")
        #expect(token.isLive)
        #expect(!APIToken("dl_test_x").isLive)
    }
}

@Suite("SubmitAnswer")
struct SubmitAnswerTests {
    @Test func aSettledAnswerFillsTheResultRow() {
        var result = LeadResult(row: 3, ref: "r-3", vertical: "insurance", outcome: .valid, phone: "+18135550100")
        result.apply(
            SubmitAnswer(
                row: 3, outcome: .accepted, httpStatus: 200, attempts: 2, leadID: "ld_1", bid: 18.5,
                submittedAt: "2026-04-27T09:14:22Z", latencyMs: 120, retries: 1))
        #expect(result.outcome == .accepted)
        #expect(result.attempts == 2)
        #expect(result.leadID == "ld_1")
        #expect(result.bidAmount == 18.5)
        #expect(result.submittedAt == "2026-04-27T09:14:22Z")
        #expect(result.latencyMs == 120)
        #expect(result.httpStatus == 200)
        #expect(result.ref == "r-3")
        #expect(result.phone == "+18135550100")
    }

    @Test func anUnsettledAnswerLeavesTheRowAlone() {
        var result = LeadResult(row: 3, outcome: .valid)
        result.apply(
            SubmitAnswer(row: 3, outcome: nil, problems: [Problem(.notSubmitted, field: nil, value: nil, text: "x")]))
        #expect(result.outcome == .valid)
        #expect(result.problems.isEmpty)
    }

    @Test func aRowLeftSendingIsHeldUnderHold() {
        let answer = SubmitAnswer.heldAfterInterruption(row: 9)
        #expect(answer.outcome == .unknown)
        #expect(answer.reasonCode == .ambiguousHeld)
        #expect(answer.attempts == 0)
    }
}
