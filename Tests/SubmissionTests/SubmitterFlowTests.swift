import InMemoryLogging
import LeadModel
import Logging
import Submission
import Synchronization
import Testing

@Suite("Submitter flow", .timeLimit(.minutes(1)))
struct SubmitterFlowTests {
    @Test func concurrencyIsCutOnServerErrorsAndGrowsBackOnSuccess() async throws {
        let clock = ManualClock()
        let limits = Box<[Int]>([])
        let submitterBox = Box<Submitter<ManualClock>?>(nil)
        let transport = MockTransport(clock: clock) { _, call, _ in
            limits.update { $0.append(submitterBox.get()?.counters.concurrencyLimit ?? 0) }
            // Answers take a moment, so requests overlap and the limit, not the test, is the bottleneck.
            try await Task.sleep(for: .milliseconds(1))
            return call <= 8 ? SubmitFixtures.status(503) : SubmitFixtures.accepted()
        }
        var configuration = SubmitFixtures.configuration(maxInFlight: 8, markBatchSize: 16)
        configuration.backoff = []  // a 503 gives up at once, so no clock is needed
        let submitter = Submitter(
            configuration: configuration, transport: transport, clock: clock, logger: SubmitterTests.silent)
        submitterBox.set(submitter)
        let run = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...400)))

        #expect(run.answers.count == 400)
        #expect(run.answers.filter { $0.reasonCode == .serverErrorExhausted }.count == 8)
        #expect(run.answers.filter { $0.outcome == .accepted }.count == 392)
        let seen = limits.get()
        let lowest = try #require(seen.min())
        #expect(lowest < 8)
        #expect(submitter.counters.concurrencyLimit == 8)
        #expect(submitter.limiter.adjustments.cuts >= 1)
        #expect(submitter.limiter.adjustments.growths >= 1)
    }

    /// Rows are marked before their first POST, in groups, and never far ahead of the sends: marked rows not
    /// yet sent stay within the lookahead (twice the concurrency limit, at least 8, at most `markBatchSize`), which
    /// is what a crash can leave `sending` without it having gone out.
    /// Also when no request can go out (connection refused: a try that is not a request).
    @Test(arguments: [8, 64], [false, true])
    func rowsAreMarkedSendingInGroupsBeforeTheirFirstPost(markBatchSize: Int, refused: Bool) async throws {
        let clock = ManualClock()
        let marked = Mutex<Set<Int>>([])
        let sent = Mutex<Set<Int>>([])
        let unmarkedSends = Box(0)
        let transport = MockTransport(clock: clock) { request, _, _ in
            let row = Int(request.idempotencyKey.dropFirst(4))!
            if !marked.withLock({ $0.contains(row) }) { unmarkedSends.update { $0 += 1 } }
            sent.withLock { _ = $0.insert(row) }
            try await Task.sleep(for: .milliseconds(1))
            if refused { throw TransportError(.beforeSending, .connect, detail: "connection refused") }
            return SubmitFixtures.accepted()
        }
        var configuration = SubmitFixtures.configuration(maxInFlight: 4, markBatchSize: markBatchSize)
        configuration.backoff = []  // give up at the first failure: no clock to move
        let submitter = Submitter(
            configuration: configuration, transport: transport, clock: clock, logger: SubmitterTests.silent)
        let groups = Box<[[Int]]>([])
        let aheadAtMark = Box<[Int]>([])
        let answers = Box<[SubmitAnswer]>([])
        try await submitter.run(WorkList(SubmitFixtures.work(1...300))) { rows in
            let ahead = marked.withLock { marked in
                marked.formUnion(rows)
                return marked.count
            } - sent.withLock { $0.count }
            aheadAtMark.update { $0.append(ahead) }
            groups.update { $0.append(rows) }
        } onAnswer: { answer in
            answers.update { $0.append(answer) }
        }
        #expect(unmarkedSends.get() == 0)
        // The limit is 4 at most, so the lookahead is 8 whatever the group limit.
        #expect(groups.get().allSatisfy { (1...8).contains($0.count) })
        // Seen from the transport, a row holding a permit may not have reached it yet: at most 4 more.
        #expect(aheadAtMark.get().allSatisfy { $0 <= 8 + 4 }, "\(aheadAtMark.get().max() ?? 0)")
        #expect(groups.get().flatMap { $0 } == Array(1...300))
        #expect(answers.get().map(\.row).sorted() == Array(1...300))
        if refused {
            #expect(answers.get().allSatisfy { $0.reasonCode == .networkErrorExhausted && $0.attempts == 0 })
        } else {
            #expect(answers.get().allSatisfy { $0.outcome == .accepted && $0.leadID == "ld_0000abcd" && $0.bid == 18.5 })
        }
    }

    @Test func aFailingMarkSendingStopsTheBatchWithItsError() async throws {
        struct LedgerDown: Error {}
        let transport = MockTransport { _, _, _ in SubmitFixtures.accepted() }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(markBatchSize: 2), transport: transport, clock: ManualClock(),
            logger: SubmitterTests.silent)
        let calls = Box(0)
        await #expect(throws: LedgerDown.self) {
            try await submitter.run(WorkList(SubmitFixtures.work(1...10))) { _ in
                let call = calls.update {
                    $0 += 1; return $0
                }
                if call == 2 { throw LedgerDown() }
            } onAnswer: { _ in
            }
        }
        // Only the first group was marked, so only it may have been sent.
        #expect(transport.calls.count <= 2)
        #expect(!submitter.authFailed)
    }

    @Test func aFailingConsumerStopsTheBatchWithItsError() async throws {
        struct DiskFull: Error {}
        let transport = MockTransport { _, _, _ in SubmitFixtures.accepted() }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(markBatchSize: 2), transport: transport, clock: ManualClock(),
            logger: SubmitterTests.silent)
        await #expect(throws: DiskFull.self) {
            try await submitter.run(WorkList(SubmitFixtures.work(1...50))) { _ in
            } onAnswer: { _ in
                throw DiskFull()
            }
        }
        #expect(transport.calls.count < 50)
    }

    @Test func anEmptyBatchSendsNothing() async throws {
        let transport = MockTransport { _, _, _ in SubmitFixtures.accepted() }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(), transport: transport, clock: ManualClock(),
            logger: SubmitterTests.silent)
        let run = await SubmitRun.collect(submitter, WorkList([]))
        #expect(run.error == nil)
        #expect(run.answers.isEmpty)
        #expect(run.marked.isEmpty)
    }

    @Test func answersCarryTimingAndRemoteDetail() async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { request, _, _ in
            // The answer takes 250 ms of (manual) time.
            let deadline = clock.now.advanced(by: .milliseconds(250))
            async let sleep: Void = clock.sleep(until: deadline, tolerance: nil)
            await clock.waitUntil { !$0.isEmpty }
            clock.advance(to: deadline.offset)
            try await sleep
            return request.idempotencyKey == "key-1"
                ? SubmitFixtures.status(200, body: #"{"status":"rejected","reason":"no buyer match"}"#)
                : SubmitFixtures.status(
                    422, body: #"{"error":"TCPA consent fields missing or invalid","fields":["tcpa_url"]}"#)
        }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 1, markBatchSize: 1), transport: transport,
            clock: clock, logger: SubmitterTests.silent, wallClock: { 1_777_281_262 })
        let run = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...2)))

        let rejected = try #require(run.answer(row: 1))
        #expect(rejected.outcome == .rejected)
        #expect(
            rejected.problems == [
                Problem(
                    .remoteRejected, field: nil, value: "no buyer match", text: "rejected by the API: no buyer match")
            ])
        #expect(rejected.submittedAt == "2026-04-27T09:14:22Z")
        #expect(rejected.latencyMs == 250)
        #expect(rejected.httpStatus == 200)
        let invalid = try #require(run.answer(row: 2))
        #expect(invalid.outcome == .invalid)
        #expect(invalid.reasonCode == .remoteTCPAInvalid)
        #expect(invalid.problems.first?.text.contains("(fields: tcpa_url)") == true)
        #expect(invalid.httpStatus == 422)
    }

    @Test func theClientSideRateCapSpacesRequests() async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { _, _, _ in SubmitFixtures.accepted() }
        var configuration = SubmitFixtures.configuration(maxInFlight: 1, markBatchSize: 4)
        configuration.rateLimit = 4  // one request every 250 ms
        let submitter = Submitter(
            configuration: configuration, transport: transport, clock: clock, logger: SubmitterTests.silent)
        _ = await SubmitRun.onManualClock(submitter, clock, SubmitFixtures.work(1...4))
        #expect(transport.calls.map(\.at) == [.zero, .milliseconds(250), .milliseconds(500), .milliseconds(750)])
    }

    @Test func jitterOnlyLengthensTheScheduledWait() async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { _, _, attempt in
            attempt == 1 ? SubmitFixtures.status(500) : SubmitFixtures.accepted()
        }
        var configuration = SubmitFixtures.configuration()
        configuration.jitter = true
        let submitter = Submitter(
            configuration: configuration, transport: transport, clock: clock, logger: SubmitterTests.silent)
        async let run = SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...1)))
        await clock.waitUntil { $0.count == 1 }
        let wait = try #require(clock.sleeperDeadlines.first)
        #expect(wait >= .seconds(1))
        #expect(wait < .milliseconds(1250))
        clock.advance(to: wait)
        #expect(await run.answers.first?.outcome == .accepted)
    }

    @Test func logsGiveUpsAndPausesWithoutPersonalData() async throws {
        let clock = ManualClock()
        let transport = MockTransport(clock: clock) { request, _, attempt in
            switch (request.idempotencyKey, attempt) {
            case ("key-1", 1): return SubmitFixtures.status(429, retryAfter: "3")
            case ("key-1", _): return SubmitFixtures.status(404)
            default: return SubmitFixtures.accepted()
            }
        }
        let logs = InMemoryLogHandler()
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(), transport: transport, clock: clock,
            logger: Logger(label: "test") { _ in logs })
        async let run = SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...1)))
        await clock.waitUntil { $0 == [.seconds(3)] }
        clock.advance(to: .seconds(3))
        _ = await run

        let entries = logs.entries
        #expect(entries.count == 2)
        let pause = try #require(entries.first { $0.metadata["submit.pause_ms"] != nil })
        #expect(pause.metadata["submit.pause_ms"] == "3000")
        #expect(pause.metadata["http.status"] == "429")
        #expect(pause.metadata["lead.row"] == "1")
        let giveUp = try #require(entries.first { $0.level == .warning })
        #expect(giveUp.metadata["submit.reason"] == "REMOTE_CLIENT_ERROR")
        #expect(giveUp.metadata["submit.attempt"] == "2")
        for entry in entries {
            let text = "\(entry.message) \(entry.metadata)"
            #expect(!text.contains("8135550100"))
            #expect(!text.contains("m@example.com"))
            #expect(!text.contains("dl_test_x"))
        }
    }

    @Test func theAnswerStreamFinishesWithTheRunError() async throws {
        let transport = MockTransport { _, _, _ in SubmitFixtures.status(401) }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 1, markBatchSize: 1), transport: transport,
            clock: ManualClock(), logger: SubmitterTests.silent)
        var seen: [SubmitAnswer] = []
        await #expect(throws: SubmitError.authFailed) {
            for try await answer in submitter.answers(for: WorkList(SubmitFixtures.work(1...3)), markSending: { _ in })
            {
                seen.append(answer)
            }
        }
        #expect(seen.first?.reasonCode == .authFailed)
        #expect(transport.calls.count == 1)
    }
}
