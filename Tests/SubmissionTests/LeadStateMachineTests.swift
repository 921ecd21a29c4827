import LeadModel
import Testing

@testable import Submission

/// Every event of one lead's state machine and the action it leads to: no tasks, no clock.
@Suite("LeadStateMachine")
struct LeadStateMachineTests {
    static let serverError = AttemptResult.response(SubmitFixtures.status(500))
    static let accepted = AttemptResult.response(SubmitFixtures.accepted("ld_1", bid: "12.5"))
    static let notSent = AttemptResult.failure(TransportError(.beforeSending, .connect, detail: "refused"))
    static let noAnswer = AttemptResult.failure(TransportError(.afterSending, .timeout, detail: "no answer"))
    /// 2026-04-27T09:14:22Z.
    static let wallClock: Int64 = 1_777_281_262

    private func machine(
        ambiguous: SubmitConfiguration.AmbiguousPolicy = .retry, mayHaveBeenSent: Bool = false,
        maxRateLimitWaits: Int = 10
    ) -> LeadStateMachine {
        LeadStateMachine(
            row: 7, mayHaveBeenSent: mayHaveBeenSent,
            policy: RetryPolicy(ambiguous: ambiguous, maxRateLimitWaits: maxRateLimitWaits))
    }

    /// Starts the lead and brings it on the wire: its next event is an answer.
    private func onWire(_ machine: inout LeadStateMachine) {
        #expect(machine.start(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { Self.wallClock } == .send(first: true))
    }

    /// The answer of a request that went out `latency` ago.
    private func answer(
        _ machine: inout LeadStateMachine, _ result: AttemptResult, latency: Duration = .milliseconds(40)
    ) -> (AdaptiveConcurrencyLimiter.Feedback, LeadStateMachine.Action) {
        let (feedback, action) = machine.answerReceived(result, latency: latency, now: Self.wallClock)
        return (feedback, action)
    }

    private func finished(_ action: LeadStateMachine.Action) -> SubmitAnswer? {
        switch action {
        case .finish(let answer), .giveUp(let answer, _), .stopRun(_, let answer): return answer
        default: return nil
        }
    }

    @Test func aLeadWaitsForItsTurnThenSendsAndIsSettledByA200() throws {
        var machine = machine()
        #expect(machine.state == .idle)
        #expect(machine.start(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.state == .waitingForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { Self.wallClock } == .send(first: true))
        #expect(machine.state == .onWire)
        let (feedback, action) = answer(&machine, Self.accepted, latency: .milliseconds(40))
        #expect(feedback == .success(rtt: .milliseconds(40)))
        let answer = try #require(finished(action))
        guard case .finish = action else { Issue.record("\(action)"); return }
        #expect(machine.state == .finished)
        #expect(answer.outcome == .accepted)
        #expect(answer.leadID == "ld_1" && answer.bid == 12.5)
        #expect(answer.attempts == 1 && answer.retries == 0 && answer.httpStatus == 200)
        #expect(answer.submittedAt == "2026-04-27T09:14:22Z")
        #expect(answer.latencyMs == 40)
    }

    /// 5xx: retry after 1, 2, 4 and 8 s (timer, turn, send again), then give up.
    @Test func serverErrorsFollowTheScheduleThenGiveUp() throws {
        var machine = machine()
        onWire(&machine)
        for wait in [1, 2, 4, 8] {
            let (feedback, action) = answer(&machine, Self.serverError)
            #expect(feedback == .backpressure)
            #expect(action == .scheduleRetry(after: .seconds(wait)))
            #expect(machine.state == .waitingForRetry)
            #expect(machine.retryTimerFired(stopped: false, draining: false) == .waitForTurn)
            #expect(machine.turnCame(stopped: false, draining: false) { 0 } == .send(first: false))
        }
        let (_, action) = answer(&machine, Self.serverError)
        guard case .giveUp(let answer, .serverErrorExhausted) = action else {
            Issue.record("\(action)")
            return
        }
        #expect(answer.outcome == .failed && answer.attempts == 5 && answer.retries == 4)
        #expect(answer.submittedAt == "2026-04-27T09:14:22Z", "the first attempt's time")
    }

    @Test func aFailureBeforeSendingIsRetriedAndIsNotARequest() throws {
        var machine = machine()
        onWire(&machine)
        let (feedback, action) = answer(&machine, Self.notSent)
        #expect(feedback == .backpressure)
        #expect(action == .scheduleRetry(after: .seconds(1)))
        #expect(machine.retryTimerFired(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { 0 } == .send(first: false))
        let answer = try #require(finished(self.answer(&machine, Self.accepted).1))
        #expect(answer.outcome == .accepted)
        #expect(answer.attempts == 1, "the try that never went out is not counted")
        #expect(answer.retries == 1)
    }

    @Test(arguments: [SubmitConfiguration.AmbiguousPolicy.retry, .hold])
    func noAnswerAfterSendingFollowsTheAmbiguousSetting(_ ambiguous: SubmitConfiguration.AmbiguousPolicy) {
        var machine = machine(ambiguous: ambiguous)
        onWire(&machine)
        let (_, action) = answer(&machine, Self.noAnswer)
        switch (ambiguous, action) {
        case (.retry, .scheduleRetry(after: .seconds(1))):
            break
        case (.hold, .giveUp(let answer, .ambiguousHeld)):
            #expect(answer.outcome == .unknown)
        default:
            Issue.record("\(ambiguous): \(action)")
        }
    }

    /// 429: every sender pauses for `Retry-After` (60 s without it), then the lead tries again; the pauses do
    /// not use up the 5xx schedule, and the waits are capped per lead.
    @Test func aRateLimitPausesEverySenderAndKeepsTheSchedule() throws {
        var machine = machine(maxRateLimitWaits: 2)
        onWire(&machine)
        let (feedback, first) = answer(&machine, .response(SubmitFixtures.status(429, retryAfter: "7")))
        #expect(feedback == .backpressure)
        #expect(first == .pauseEverySender(for: .seconds(7)))
        #expect(machine.state == .idle)
        #expect(machine.tryAgain(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { 0 } == .send(first: false))
        #expect(answer(&machine, .response(SubmitFixtures.status(429))).1 == .pauseEverySender(for: .seconds(60)))
        #expect(machine.tryAgain(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { 0 } == .send(first: false))
        #expect(answer(&machine, Self.serverError).1 == .scheduleRetry(after: .seconds(1)), "first step still")
        #expect(machine.retryTimerFired(stopped: false, draining: false) == .waitForTurn)
        #expect(machine.turnCame(stopped: false, draining: false) { 0 } == .send(first: false))
        let (_, last) = answer(&machine, .response(SubmitFixtures.status(429)))
        guard case .giveUp(let answer, .rateLimitExhausted) = last else {
            Issue.record("\(last)")
            return
        }
        #expect(answer.rateLimitWaits == 2 && answer.retries == 1 && answer.attempts == 4)
    }

    @Test(arguments: [
        (400, Outcome.invalid, ReasonCode.remoteMalformed), (422, .invalid, .remoteTCPAInvalid),
        (403, .failed, .remoteClientError), (404, .failed, .remoteClientError),
    ])
    func otherClientErrorsAreNeverRetried(status: Int, outcome: Outcome, code: ReasonCode) {
        var machine = machine()
        onWire(&machine)
        let (feedback, action) = answer(&machine, .response(SubmitFixtures.status(status)))
        #expect(feedback == .success(rtt: .milliseconds(40)))
        guard case .giveUp(let answer, code) = action else {
            Issue.record("\(status): \(action)")
            return
        }
        #expect(answer.outcome == outcome && answer.httpStatus == status && answer.retries == 0)
        #expect(machine.state == .finished)
    }

    @Test func a401StopsTheRunAndKeepsItsAnswer() throws {
        var machine = machine()
        onWire(&machine)
        let (_, action) = answer(&machine, .response(SubmitFixtures.status(401)))
        guard case .stopRun(.tokenRefused, let answer) = action else {
            Issue.record("\(action)")
            return
        }
        #expect(answer.outcome == .failed && answer.reasonCode == .authFailed && answer.httpStatus == 401)
    }

    @Test func aRefusedTLSHandshakeStopsTheRunAndLeavesTheLeadUnsent() throws {
        var machine = machine()
        onWire(&machine)
        let refused = TransportError(.beforeSending, .tlsRejected, detail: "certificate", explanation: "set tls.ca_file")
        let (feedback, action) = answer(&machine, .failure(refused))
        #expect(feedback == .backpressure)
        guard case .stopRun(.tlsRefused(reason: "set tls.ca_file", kind: .tlsRejected), let answer) = action else {
            Issue.record("\(action)")
            return
        }
        #expect(answer.outcome == nil && answer.reasonCode == .notSubmitted)
        #expect(answer.attempts == 0 && answer.submittedAt == nil && answer.latencyMs == nil)
        #expect(answer.problems.first?.text == "not submitted: certificate; run stopped")
    }

    /// "duplicate" is the API remembering our own earlier try when one may have reached it: this run's 5xx or
    /// lost answer, or an earlier run's.
    @Test(arguments: [(false, false, Outcome.rejected), (true, false, .unknown), (false, true, .unknown)])
    func aDuplicateAfterAnUnansweredTryIsAmbiguous(retriedAfter5xx: Bool, sentBefore: Bool, outcome: Outcome) {
        var machine = machine(mayHaveBeenSent: sentBefore)
        onWire(&machine)
        if retriedAfter5xx {
            _ = answer(&machine, Self.serverError)
            _ = machine.retryTimerFired(stopped: false, draining: false)
            _ = machine.turnCame(stopped: false, draining: false) { 0 }
        }
        let body = #"{"status":"rejected","reason":"duplicate"}"#
        let answer = finished(answer(&machine, .response(SubmitFixtures.status(200, body: body))).1)
        #expect(answer?.outcome == outcome)
        #expect(answer?.reasonCode == (outcome == .unknown ? .ambiguousDuplicate : .remoteRejected))
    }

    @Test func aStopBeforeTheFirstSendLeavesTheLeadUnsent() {
        var stopped = machine()
        #expect(stopped.start(stopped: true, draining: false) == .finish(.notSubmitted(row: 7, trace: LeadTrace())))
        var draining = machine()
        #expect(draining.start(stopped: false, draining: true) == .finish(.notSubmitted(row: 7, trace: LeadTrace())))
        // A stop that came while it waited for its turn: the permit goes back unused.
        var waited = machine()
        #expect(waited.start(stopped: false, draining: false) == .waitForTurn)
        let action = waited.turnCame(stopped: true, draining: false) { 0 }
        #expect(action == .finish(.notSubmitted(row: 7, trace: LeadTrace())))
        #expect(finished(action)?.problems.first?.text == "not submitted: the run stopped before it was sent")
        #expect(waited.state == .finished)
    }

    @Test func aDrainLetsAStartedLeadGoOnButAStopDoesNot() {
        var draining = machine()
        onWire(&draining)
        #expect(answer(&draining, Self.serverError).1 == .scheduleRetry(after: .seconds(1)))
        #expect(draining.retryTimerFired(stopped: false, draining: true) == .waitForTurn)
        #expect(draining.turnCame(stopped: false, draining: true) { 0 } == .send(first: false))

        var stopped = machine()
        onWire(&stopped)
        _ = answer(&stopped, Self.serverError)
        let action = stopped.retryTimerFired(stopped: true, draining: false)
        #expect(finished(action)?.outcome == nil)
        #expect(
            finished(action)?.problems.first?.text
                == "not submitted: the run stopped while it was in flight; it may have reached the API")
        #expect(finished(action)?.attempts == 1)
    }

    @Test func cancelledWaitsAndSendsFinishTheLeadUnsent() {
        var turn = machine()
        _ = turn.start(stopped: false, draining: false)
        #expect(finished(turn.waitFailed())?.attempts == 0)

        var retry = machine()
        onWire(&retry)
        _ = answer(&retry, Self.serverError)
        #expect(finished(retry.waitFailed())?.retries == 1)

        var paused = machine()
        onWire(&paused)
        _ = answer(&paused, .response(SubmitFixtures.status(429)))
        let afterPause = paused.tryAgain(stopped: true, draining: false)
        #expect(
            finished(afterPause)?.problems.first?.text
                == "not submitted: the run stopped while it waited out a rate limit (the API answered 429 only)")

        var wire = machine()
        onWire(&wire)
        let cut = finished(wire.sendCancelled())
        #expect(cut?.outcome == nil && cut?.attempts == 1 && cut?.submittedAt == "2026-04-27T09:14:22Z")
        #expect(wire.state == .finished)
    }
}
