import Ingest
import LeadModel

/// What happened to one lead so far.
struct LeadTrace: Hashable {
    /// Tries, counting the ones that failed before the request went out.
    var attempts = 0
    /// Tries that failed before the request went out (no connection): nothing reached the API.
    var notSent = 0
    /// Requests that went out, or may have: what an answer reports as its `attempts`.
    var requests: Int { attempts - notSent }
    /// Sends not answered 429: the position in the backoff schedule.
    var scheduled = 0
    var retries = 0
    var rateLimitWaits = 0
    var submittedAt: String?
    var latency: Duration?
    var lastStatus: Int?
    /// A request for this lead may have been processed without a definitive answer reaching us: an
    /// earlier run or pass left it unsettled, or a try here got a 5xx or no answer after sending.
    var mayHaveReachedAPI = false

    var latencyMs: Int? { latency.map { Int($0.milliseconds) } }
}

/// One lead's way through the retry policy, as events in and actions out: no tasks, no clock, no
/// logger. ``Submitter`` carries the actions out (`Submitter+Lead.swift`); the rules of what follows
/// what live here, so they can be tested step by step.
///
/// A lead goes `idle → waitingForTurn → onWire → (waitingForRetry | idle after a 429 | finished)`; a
/// stop (401, drain before the first send, an error of the batch, cancellation) finishes it with a
/// not-submitted answer wherever it waits, but never while it is on the wire.
struct LeadStateMachine {
    enum State: Hashable {
        /// About to try (first, or after a 429 pause).
        case idle
        /// Waiting for a concurrency permit, the client-side rate cap and the pause gate.
        case waitingForTurn
        /// A request is out; its answer (or failure) comes next.
        case onWire
        /// Sleeping out a backoff wait after a 5xx or a network failure.
        case waitingForRetry
        case finished
    }

    /// Why the run stops because of this lead's answer.
    enum StopCause: Hashable {
        /// 401: the token is refused.
        case tokenRefused
        /// The TLS handshake was refused in a way sending again cannot fix.
        case tlsRefused(reason: String, kind: TransportError.Kind)
    }

    enum Action: Hashable {
        /// Take a concurrency permit, then wait for the rate cap and the pause gate; then report
        /// ``turnCame(stopped:draining:now:)``, or ``waitFailed()`` when a wait was cancelled.
        case waitForTurn
        /// Send the request (`first`: the lead's first try; mark it sent); report
        /// ``answerReceived(_:latency:now:)`` or ``sendCancelled()``.
        case send(first: Bool)
        /// Sleep out a backoff wait (jitter may lengthen it), then report ``retryTimerFired(stopped:draining:)``
        /// or ``waitFailed()``.
        case scheduleRetry(after: Duration)
        /// 429: close the pause gate for every sender for this long, then report ``tryAgain(stopped:draining:)``.
        case pauseEverySender(for: Duration)
        /// The lead is done: hand on this answer.
        case finish(SubmitAnswer)
        /// The lead is given up (a 4xx, the schedule ran out, ambiguous held...): log it, hand on this answer.
        case giveUp(SubmitAnswer, ReasonCode)
        /// Stop intake and every lead not on the wire in the whole run, then hand on this answer.
        case stopRun(StopCause, SubmitAnswer)
    }

    private(set) var state: State = .idle
    private(set) var trace = LeadTrace()
    let row: Int
    let policy: RetryPolicy

    init(row: Int, mayHaveBeenSent: Bool, policy: RetryPolicy) {
        self.row = row
        self.policy = policy
        trace.mayHaveReachedAPI = mayHaveBeenSent
    }

    // MARK: - Events

    /// The lead may start (its task began). `stopped`: the run or the batch stopped, or the task was
    /// cancelled; `draining`: a graceful stop began (a lead never sent stays unsent, a started one goes on).
    mutating func start(stopped: Bool, draining: Bool) -> Action {
        precondition(state == .idle, "start in \(state)")
        return nextTry(stopped: stopped, draining: draining)
    }

    /// Its turn came (permit taken, rate cap and pause gate passed). A stop may have come while it
    /// waited: a lead not yet sent stays unsent (and gives its permit back unused).
    mutating func turnCame(stopped: Bool, draining: Bool, now: () -> Int64) -> Action {
        precondition(state == .waitingForTurn, "turn in \(state)")
        guard !isStopped(stopped: stopped, draining: draining) else { return finishNotSubmitted() }
        trace.attempts += 1
        state = .onWire
        let first = trace.attempts == 1
        if first { trace.submittedAt = CivilTime.utcString(now()) }
        return .send(first: first)
    }

    /// A wait (permit, rate cap, pause gate or backoff) ended by cancellation.
    mutating func waitFailed() -> Action {
        precondition(state == .waitingForTurn || state == .waitingForRetry, "wait failed in \(state)")
        return finishNotSubmitted()
    }

    /// The request was cancelled (a hard stop or the caller's cancel): no answer to learn from.
    mutating func sendCancelled() -> Action {
        precondition(state == .onWire, "send cancelled in \(state)")
        return finishNotSubmitted()
    }

    /// The answer (or failure) of the request on the wire, `latency` after it was sent; `now` is wall-clock
    /// seconds for an HTTP-date `Retry-After`. Gives the feedback for the concurrency limiter and what follows.
    mutating func answerReceived(_ result: AttemptResult, latency: Duration, now: Int64)
        -> (feedback: AdaptiveConcurrencyLimiter.Feedback, action: Action)
    {
        precondition(state == .onWire, "answer in \(state)")
        trace.latency = latency
        // Whether this try counts as an earlier attempt for the next one's answer (see `settled`); the
        // answer to this very try is judged without it.
        let reachedWithoutAnswer: Bool
        let feedback: AdaptiveConcurrencyLimiter.Feedback
        switch result {
        case .response(let response):
            trace.lastStatus = response.status
            reachedWithoutAnswer = response.status >= 500
            feedback = response.status == 429 || response.status >= 500 ? .backpressure : .success(rtt: latency)
        case .failure(let error):
            trace.lastStatus = nil
            if error.phase == .beforeSending { trace.notSent += 1 }
            reachedWithoutAnswer = error.phase != .beforeSending
            feedback = .backpressure
        }
        defer { if reachedWithoutAnswer { trace.mayHaveReachedAPI = true } }

        let decision = policy.decide(
            result, attempt: trace.scheduled + 1, rateLimitWaits: trace.rateLimitWaits, now: now)
        switch decision {
        case .done(let remote):
            trace.scheduled += 1
            state = .finished
            return (feedback, .finish(settled(remote)))

        case .retry(let wait):
            trace.scheduled += 1
            trace.retries += 1
            state = .waitingForRetry
            return (feedback, .scheduleRetry(after: wait))

        case .pauseAll(let pause):
            trace.rateLimitWaits += 1
            state = .idle
            return (feedback, .pauseEverySender(for: pause))

        case .giveUp(let outcome, let code, let text):
            state = .finished
            return (feedback, .giveUp(answer(outcome, Problem(code, field: nil, value: nil, text: text)), code))

        case .stopRun:
            state = .finished
            let problem = Problem(
                .authFailed, field: nil, value: nil,
                text: "API answered 401 (token refused); run stopped; the next run sends this lead")
            return (feedback, .stopRun(.tokenRefused, answer(.failed, problem)))

        case .stopRunTLS(let error):
            // A configuration to correct, not an outage: every lead not on the wire stays pending for the run
            // after the fix.
            state = .finished
            var unsent = SubmitAnswer.notSubmitted(row: row, trace: trace)
            unsent.problems = [
                Problem(.notSubmitted, field: nil, value: nil, text: "not submitted: \(error.detail); run stopped")
            ]
            if unsent.attempts == 0 {
                // No request went out: nothing was submitted, and there is no latency of an answer.
                unsent.submittedAt = nil
                unsent.latencyMs = nil
            }
            let cause = StopCause.tlsRefused(reason: error.explanation ?? error.detail, kind: error.kind)
            return (feedback, .stopRun(cause, unsent))
        }
    }

    /// The backoff wait is over: send again unless the run stopped meanwhile.
    mutating func retryTimerFired(stopped: Bool, draining: Bool) -> Action {
        precondition(state == .waitingForRetry, "retry timer in \(state)")
        return nextTry(stopped: stopped, draining: draining)
    }

    /// The pause gate was closed after a 429: try again (the turn waits for the gate to open).
    mutating func tryAgain(stopped: Bool, draining: Bool) -> Action {
        precondition(state == .idle, "try again in \(state)")
        return nextTry(stopped: stopped, draining: draining)
    }

    // MARK: - Helpers

    private func isStopped(stopped: Bool, draining: Bool) -> Bool {
        stopped || (trace.attempts == 0 && draining)
    }

    private mutating func nextTry(stopped: Bool, draining: Bool) -> Action {
        guard !isStopped(stopped: stopped, draining: draining) else { return finishNotSubmitted() }
        state = .waitingForTurn
        return .waitForTurn
    }

    private mutating func finishNotSubmitted() -> Action {
        state = .finished
        return .finish(.notSubmitted(row: row, trace: trace))
    }

    private func settled(_ remote: RemoteAnswer) -> SubmitAnswer {
        switch remote {
        case .accepted(let leadID, let bid):
            var answer = answer(.accepted, nil)
            answer.leadID = leadID
            answer.bid = bid
            return answer
        case .rejected(let reason) where trace.mayHaveReachedAPI && reason?.lowercased().contains("duplicate") == true:
            // The API may be remembering our own earlier attempt, which it may have accepted (an API that
            // honours `Idempotency-Key` would have replayed that answer instead).
            let text =
                "the API answered \"duplicate\" to a retry of this lead; an earlier attempt may have been "
                + "accepted: held for review"
            return answer(.unknown, Problem(.ambiguousDuplicate, field: nil, value: reason, text: text))
        case .rejected(let reason):
            let text = reason.map { "rejected by the API: \($0)" } ?? "rejected by the API (no reason given)"
            return answer(.rejected, Problem(.remoteRejected, field: nil, value: reason, text: text))
        }
    }

    private func answer(_ outcome: Outcome, _ problem: Problem?) -> SubmitAnswer {
        SubmitAnswer(
            row: row, outcome: outcome, problems: problem.map { [$0] } ?? [], httpStatus: trace.lastStatus,
            attempts: trace.requests, submittedAt: trace.submittedAt, latencyMs: trace.latencyMs,
            retries: trace.retries, rateLimitWaits: trace.rateLimitWaits)
    }
}

extension SubmitAnswer {
    /// The answer of a lead a stopped run did not finish.
    static func notSubmitted(row: Int, trace: LeadTrace) -> SubmitAnswer {
        let text =
            if trace.requests == 0 {
                "not submitted: the run stopped before it was sent"
            } else if trace.requests == trace.rateLimitWaits {
                "not submitted: the run stopped while it waited out a rate limit (the API answered 429 only)"
            } else {
                "not submitted: the run stopped while it was in flight; it may have reached the API"
            }
        return SubmitAnswer(
            row: row, outcome: nil, problems: [Problem(.notSubmitted, field: nil, value: nil, text: text)],
            httpStatus: trace.lastStatus, attempts: trace.requests, submittedAt: trace.submittedAt,
            latencyMs: trace.latencyMs, retries: trace.retries, rateLimitWaits: trace.rateLimitWaits)
    }
}
