import InMemoryLogging
import LeadModel
import Logging
import Submission
import Synchronization
import Testing

@Suite("Submitter", .timeLimit(.minutes(1)))
struct SubmitterTests {
    static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Runs one lead and moves the manual clock to each sleeper's deadline until the run is over
    /// (one lead, so the one sleeper is always the one to wake).
    private func runOneLead(
        configuration: SubmitConfiguration, logger: Logger = silent, handler: @escaping MockTransport.Handler
    ) async -> (SubmitRun, [MockTransport.Call]) {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock, handler: handler)
        let submitter = Submitter(configuration: configuration, transport: transport, clock: clock, logger: logger)
        return (await SubmitRun.onManualClock(submitter, clock, SubmitFixtures.work(1...1)), transport.calls)
    }

    /// `status` 503: a 5xx; 0: failure before sending; -1: timeout after sending (ambiguous = retry).
    @Test(arguments: [503, 0, -1])
    func retriesFollowTheOneTwoFourEightSchedule(status: Int) async throws {
        let code: ReasonCode = status > 0 ? .serverErrorExhausted : .networkErrorExhausted
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration()) { _, _, _ in
            switch status {
            case 0: throw TransportError(.beforeSending, .connect, detail: "connection refused")
            case -1: throw TransportError(.afterSending, .timeout, detail: "no answer before the deadline")
            default: return SubmitFixtures.status(status)
            }
        }
        #expect(calls.map(\.at) == [.zero, .seconds(1), .seconds(3), .seconds(7), .seconds(15)])
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == .failed)
        #expect(answer.reasonCode == code)
        // A try that failed before the request went out is not a request: nothing reached the API.
        #expect(answer.attempts == (status == 0 ? 0 : 5))
        #expect(answer.retries == 4)
        #expect(answer.httpStatus == (status > 0 ? status : nil))
        #expect(run.error == nil)
    }

    @Test func ambiguousRetryKeepsTheSameIdempotencyKeyAndBody() async throws {
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration()) { _, _, attempt in
            if attempt < 3 { throw TransportError(.afterSending, .connectionClosed, detail: "reset") }
            return SubmitFixtures.accepted("ld_12345678", bid: "21.25")
        }
        #expect(calls.count == 3)
        #expect(Set(calls.map(\.key)) == ["key-1"])
        #expect(Set(calls.map(\.body)).count == 1)
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == .accepted)
        #expect(answer.leadID == "ld_12345678")
        #expect(answer.bid == 21.25)
        #expect(answer.attempts == 3)
        #expect(answer.retries == 2)
        #expect(answer.httpStatus == 200)
        #expect(answer.problems.isEmpty)
    }

    /// "duplicate" answering a retry after a try that may have reached the API (no answer, or a 5xx) may be
    /// the API remembering that try: `unknown` / AMBIGUOUS_DUPLICATE. After a try that surely did not reach it
    /// (no connection), or on the first try, it is a plain rejection.
    @Test(arguments: [(-1, true), (503, true), (0, false), (nil, false)] as [(Int?, Bool)])
    func duplicateAfterAnUnansweredTryIsAmbiguous(firstTry: Int?, ambiguous: Bool) async throws {
        let rejected = TransportResponse(status: 200, body: Array(#"{"status":"rejected","reason":"duplicate"}"#.utf8))
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration()) { _, _, attempt in
            if attempt == 1, let firstTry {
                switch firstTry {
                case 0: throw TransportError(.beforeSending, .connect, detail: "connection refused")
                case -1: throw TransportError(.afterSending, .timeout, detail: "no answer before the deadline")
                default: return SubmitFixtures.status(firstTry)
                }
            }
            return rejected
        }
        #expect(calls.count == (firstTry == nil ? 1 : 2))
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == (ambiguous ? .unknown : .rejected))
        #expect(answer.reasonCode == (ambiguous ? .ambiguousDuplicate : .remoteRejected))
    }

    /// A lead an earlier run may have sent (left `sending`, re-driven) answered "duplicate" on its first try
    /// here is ambiguous too; another reason is a plain rejection.
    @Test(arguments: ["duplicate", "low_score"])
    func duplicateForALeadSentBeforeIsAmbiguous(reason: String) async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { _, _, _ in
            TransportResponse(status: 200, body: Array(#"{"status":"rejected","reason":"\#(reason)"}"#.utf8))
        }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(), transport: transport, clock: clock, logger: Self.silent)
        var work = SubmitFixtures.work(1...1)
        work[0].mayHaveBeenSent = true
        let run = await SubmitRun.collect(submitter, WorkList(work)) {}
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == (reason == "duplicate" ? .unknown : .rejected))
        #expect(answer.reasonCode == (reason == "duplicate" ? .ambiguousDuplicate : .remoteRejected))
    }

    @Test func ambiguousHoldStopsAtTheFirstUnansweredSend() async throws {
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration(ambiguous: .hold)) { _, _, _ in
            throw TransportError(.afterSending, .timeout, detail: "no answer")
        }
        #expect(calls.count == 1)
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == .unknown)
        #expect(answer.reasonCode == .ambiguousHeld)
    }

    @Test func anErrorTheTransportDidNotClassifyIsTreatedAsAmbiguous() async throws {
        struct Odd: Error {}
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration(ambiguous: .hold)) { _, _, _ in
            throw Odd()
        }
        #expect(calls.count == 1)
        #expect(run.answer(row: 1)?.reasonCode == .ambiguousHeld)
    }

    @Test func rateLimitWaitsAreCappedPerLead() async throws {
        var configuration = SubmitFixtures.configuration()
        configuration.maxRateLimitWaits = 3
        let (run, calls) = await runOneLead(configuration: configuration) { _, _, _ in
            SubmitFixtures.status(429, retryAfter: "2")
        }
        #expect(calls.map(\.at) == [.zero, .seconds(2), .seconds(4), .seconds(6)])
        let answer = try #require(run.answer(row: 1))
        #expect(answer.outcome == .failed)
        #expect(answer.reasonCode == .rateLimitExhausted)
        #expect(answer.rateLimitWaits == 3)
        #expect(answer.attempts == 4)
        #expect(answer.retries == 0)
    }

    @Test func rateLimitPausesDoNotUseUpTheServerErrorSchedule() async throws {
        let (run, calls) = await runOneLead(configuration: SubmitFixtures.configuration()) { _, _, attempt in
            // 503, 429, 503, 429, 503, 503 → retried 4 times on 5xx, paused twice, then accepted.
            let script = [503, 429, 503, 429, 503, 503, 503]
            return attempt <= script.count
                ? SubmitFixtures.status(script[attempt - 1], retryAfter: "10")
                : SubmitFixtures.accepted()
        }
        #expect(
            calls.map(\.at) == [
                .zero, .seconds(1), .seconds(11), .seconds(13), .seconds(23), .seconds(27), .seconds(35),
            ])
        let answer = try #require(run.answer(row: 1))
        #expect(answer.reasonCode == .serverErrorExhausted)
        #expect(answer.rateLimitWaits == 2)
        #expect(answer.retries == 4)
        #expect(answer.attempts == 7)
    }

    @Test func aRateLimitPausesEverySender() async throws {
        let clock = ManualClock()
        let arrived = Box(0)
        let transport = MockTransport(
            clock: clock,
            onCall: {
                arrived.update { $0 += 1 }; clock.poke()
            }
        ) {
            request, _, attempt in
            switch (request.idempotencyKey, attempt) {
            case ("key-1", 1):
                // Both leads are in flight before the 429 comes back.
                await clock.waitUntil { _ in arrived.get() >= 2 }
                return SubmitFixtures.status(429, retryAfter: "5")
            case ("key-2", 1): return SubmitFixtures.status(503)
            default: return SubmitFixtures.accepted()
            }
        }
        var configuration = SubmitFixtures.configuration(maxInFlight: 8, markBatchSize: 1)
        configuration.initialConcurrency = 8
        let submitter = Submitter(configuration: configuration, transport: transport, clock: clock, logger: Self.silent)
        let (input, feed) = AsyncStream<SubmitWork>.makeStream()
        let work = SubmitFixtures.work(1...3)
        async let run = SubmitRun.collect(submitter, input)

        feed.yield(work[0])
        feed.yield(work[1])
        // Lead 1 waits at the gate until 5 s, lead 2 backs off until 1 s.
        await clock.waitUntil { $0 == [.seconds(1), .seconds(5)] }
        #expect(transport.calls.count == 2)
        // A lead arriving during the pause waits too.
        feed.yield(work[2])
        feed.finish()
        await clock.waitUntil { $0 == [.seconds(1), .seconds(5), .seconds(5)] }
        // Lead 2's backoff ends inside the pause: it goes back to the gate instead of sending.
        clock.advance(to: .seconds(1))
        await clock.waitUntil { $0 == [.seconds(5), .seconds(5), .seconds(5)] }
        #expect(transport.calls.count == 2)
        clock.advance(to: .seconds(5))
        let result = await run

        #expect(transport.calls.map(\.at) == [.zero, .zero, .seconds(5), .seconds(5), .seconds(5)])
        #expect(result.answers.count == 3)
        #expect(result.answers.allSatisfy { $0.outcome == .accepted })
        #expect(result.answer(row: 1)?.rateLimitWaits == 1)
        #expect(result.answer(row: 2)?.retries == 1)
        #expect(result.answer(row: 3)?.attempts == 1)
        #expect(submitter.counters.rateLimitWaits == 1)
        #expect(submitter.counters.retries == 1)
        #expect(submitter.counters.attempts == 5)
    }

    @Test func aRateLimitInOneBatchPausesAnotherBatchOfTheSameRun() async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { request, _, attempt in
            request.idempotencyKey == "a-1" && attempt == 1
                ? SubmitFixtures.status(429, retryAfter: "5") : SubmitFixtures.accepted()
        }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(markBatchSize: 1), transport: transport, clock: clock,
            logger: Self.silent)
        let first = [SubmitWork(row: 1, lead: SubmitFixtures.lead(), idempotencyKey: "a-1")]
        async let runA = SubmitRun.collect(submitter, WorkList(first))
        await clock.waitUntil { $0 == [.seconds(5)] }
        let second = [SubmitWork(row: 1, lead: SubmitFixtures.lead(), idempotencyKey: "b-1")]
        async let runB = SubmitRun.collect(submitter, WorkList(second))
        await clock.waitUntil { $0 == [.seconds(5), .seconds(5)] }
        #expect(transport.calls.count == 1)
        clock.advance(to: .seconds(5))
        let (a, b) = await (runA, runB)
        #expect(a.answers.map(\.outcome) == [.accepted])
        #expect(b.answers.map(\.outcome) == [.accepted])
        #expect(transport.calls.map(\.at) == [.zero, .seconds(5), .seconds(5)])
    }

    /// A 401 stops the run: nothing new is sent, but requests already on the wire run to their answer, which
    /// is kept (cutting them off would not unsend them, and the next run would send them again).
    @Test func unauthorizedStopsTheRunAndKeepsTheAnswersOfRequestsOnTheWire() async throws {
        let clock = ManualClock()
        let release = AsyncStream<Void>.makeStream()
        let stopped = Atomic<Bool>(false)
        let transport = MockTransport(clock: clock) { request, _, _ in
            if request.idempotencyKey == "key-1" {
                for await _ in release.stream { break }
                return SubmitFixtures.status(401, body: #"{"error":"invalid token"}"#)
            }
            // Answered only after the 401 stopped the run.
            while !stopped.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(2)) }
            return request.idempotencyKey == "key-4"
                ? SubmitFixtures.status(503, body: "{}") : SubmitFixtures.accepted()
        }
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test") { _ in logs }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 8, markBatchSize: 2), transport: transport,
            clock: clock, logger: logger)
        let (input, feed) = AsyncStream<SubmitWork>.makeStream()
        for item in SubmitFixtures.work(1...4) { feed.yield(item) }
        async let run = SubmitRun.collect(submitter, input)
        // Answer 401 only once the other leads are in flight.
        await clock.waitUntil { _ in transport.calls.count >= 4 }
        release.continuation.yield(())
        while !submitter.authFailed { try await Task.sleep(for: .milliseconds(1)) }
        stopped.store(true, ordering: .releasing)
        let result = await run

        #expect(result.error as? SubmitError == .authFailed)
        #expect(result.marked.flatMap { $0 }.sorted() == [1, 2, 3, 4])
        #expect(result.answers.map(\.row).sorted() == [1, 2, 3, 4])
        let refused = try #require(result.answer(row: 1))
        #expect(refused.outcome == .failed)
        #expect(refused.reasonCode == .authFailed)
        #expect(refused.httpStatus == 401)
        for row in 2...3 {
            let answer = try #require(result.answer(row: row))
            #expect(answer.outcome == .accepted)
            #expect(answer.attempts == 1)
        }
        // A 5xx after the stop is not retried: the lead is left for the next run.
        let unavailable = try #require(result.answer(row: 4))
        #expect(unavailable.outcome == nil)
        #expect(unavailable.reasonCode == .notSubmitted)
        #expect(unavailable.httpStatus == 503)
        #expect(transport.calls.count == 4)
        let stop = logs.entries.first { $0.level == .error }
        #expect(stop?.metadata["lead.row"] == "1")
        #expect(stop?.metadata["http.status"] == "401")

        // The run is over for every later batch too, before anything is marked.
        let later = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(5...6)))
        #expect(later.error as? SubmitError == .authFailed)
        #expect(later.marked.isEmpty)
        #expect(transport.calls.count == 4)
        feed.finish()
    }
}
