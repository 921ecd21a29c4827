import LeadModel
import Submission
import Synchronization
import Testing

/// A gate requests wait at until the test opens it.
private final class RequestGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

@Suite("Submitter drain and shut-down", .timeLimit(.minutes(1)))
struct SubmitterDrainTests {
    /// Starts a 100-lead batch (4 in flight, groups of 8) and returns once 4 requests have started.
    private func startWithFourInFlight(_ transport: MockTransport) async
        -> (Submitter<ManualClock>, Task<SubmitRun, Never>)
    {
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 4, markBatchSize: 8), transport: transport,
            clock: ManualClock(), logger: SubmitterTests.silent)
        let run = Task { await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(1...100))) }
        await started(transport, count: 4)
        return (submitter, run)
    }

    /// Waits (yielding) until `count` requests have started.
    private func started(_ transport: MockTransport, count: Int) async {
        while transport.calls.count < count { try? await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func drainLetsStartedLeadsFinishAndStartsNoMore() async throws {
        let gate = RequestGate()
        let transport = MockTransport { _, _, _ in
            await gate.wait()
            return SubmitFixtures.accepted()
        }
        let (submitter, run) = await startWithFourInFlight(transport)
        submitter.drain()
        gate.open()
        let result = await run.value

        #expect(result.error as? SubmitError == .drained)
        #expect(transport.calls.count == 4)
        let accepted = result.answers.filter { $0.outcome == .accepted }
        #expect(accepted.count == 4)
        // Every marked row has exactly one answer; the ones never started are not submitted.
        let marked = result.marked.flatMap { $0 }
        #expect(result.answers.map(\.row).sorted() == marked.sorted())
        #expect(result.answers.filter { $0.outcome == nil }.allSatisfy { $0.attempts == 0 })
        #expect(marked.count < 100)

        // A batch started after the drain sends nothing.
        let later = await SubmitRun.collect(submitter, WorkList(SubmitFixtures.work(101...110)))
        #expect(later.error as? SubmitError == .drained)
        #expect(later.answers.isEmpty)
        #expect(transport.calls.count == 4)
    }

    /// An answer that cannot be recorded (a full disk under the ledger) stops the batch: nothing new is sent,
    /// requests on the wire are not cut off, and their answers are still handed over to be kept.
    @Test func anAnswerThatCannotBeRecordedStopsNewSendsButNotTheWire() async throws {
        struct CannotRecord: Error {}
        let gate = RequestGate()
        let transport = MockTransport { _, call, _ in
            if call > 1 { await gate.wait() }
            return SubmitFixtures.accepted()
        }
        let submitter = Submitter(
            configuration: SubmitFixtures.configuration(maxInFlight: 4, markBatchSize: 8), transport: transport,
            clock: ManualClock(), logger: SubmitterTests.silent)
        let failed = Box(false)
        let callsAtFailure = Box(0)
        let answers = Box<[SubmitAnswer]>([])
        let run = Task {
            try await submitter.run(WorkList(SubmitFixtures.work(1...100)), markSending: { _ in }) { answer in
                answers.update { $0.append(answer) }
                if !failed.get() {
                    callsAtFailure.set(transport.calls.count)
                    failed.set(true)
                    throw CannotRecord()
                }
            }
        }
        while !failed.get() || transport.calls.count < 4 { try? await Task.sleep(for: .milliseconds(1)) }
        gate.open()
        let result = await run.result
        #expect(throws: CannotRecord.self) { try result.get() }
        // At most the lead that took the permit the failing answer freed can have gone out beside it.
        #expect(transport.calls.count <= callsAtFailure.get() + 1, "leads were sent after answers could not be recorded")
        let delivered = answers.get()
        #expect(
            delivered.filter { $0.outcome == .accepted }.count == transport.calls.count, "an answer from the wire was lost")
        #expect(delivered.filter { $0.outcome == nil }.allSatisfy { $0.attempts == 0 })
    }

    @Test func shutDownCancelsRequestsInFlight() async throws {
        let transport = MockTransport { _, _, _ in
            try await Task.sleep(for: .seconds(3600))
            return SubmitFixtures.accepted()
        }
        let (submitter, run) = await startWithFourInFlight(transport)
        submitter.drain()
        submitter.shutDown()
        let result = await run.value

        #expect(result.error as? SubmitError == .shutDown)
        #expect(transport.calls.count == 4)
        #expect(result.answers.allSatisfy { $0.outcome == nil })
        // The four cut off in flight were sent once (ambiguous); the others never were.
        #expect(result.answers.filter { $0.attempts == 1 }.count == 4)
        let marked = result.marked.flatMap { $0 }
        #expect(result.answers.map(\.row).sorted() == marked.sorted())
    }
}
