import Ingest
import LeadModel
import Logging
import Synchronization

/// What happened to one lead so far.
struct LeadTrace {
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

extension Submitter {
    /// Sends one lead until the policy settles it; never throws: a stopped run yields a not-submitted
    /// answer. `firstSend` is called once, right before the first try (a request, or a connection attempt
    /// that fails).
    func submit(_ item: SubmitWork, halt: BatchHalt = BatchHalt(), firstSend: () -> Void = {}) async -> SubmitAnswer {
        var trace = LeadTrace()
        trace.mayHaveReachedAPI = item.mayHaveBeenSent
        let request = SubmitRequest(
            body: item.lead.payloadJSON(), idempotencyKey: item.idempotencyKey, timeout: configuration.timeout)
        while true {
            guard !Task.isCancelled, !isStopped, !halt.isSet, trace.attempts > 0 || !isDraining else {
                return .notSubmitted(row: item.row, trace: trace)
            }
            let permit: AdaptiveConcurrencyLimiter.Permit
            do {
                permit = try await limiter.acquire()
            } catch {
                return .notSubmitted(row: item.row, trace: trace)
            }
            do {
                try await rateLimiter?.take()
                try await gate.wait()
            } catch {
                limiter.release(permit, .neutral)
                return .notSubmitted(row: item.row, trace: trace)
            }
            // A 401 or a drain may have come while this one waited; a lead not yet sent stays unsent.
            guard !Task.isCancelled, !isStopped, !halt.isSet, trace.attempts > 0 || !isDraining else {
                limiter.release(permit, .neutral)
                return .notSubmitted(row: item.row, trace: trace)
            }

            trace.attempts += 1
            atomicCounters.attempts.add(1, ordering: .relaxed)
            if trace.attempts == 1 {
                firstSend()
                trace.submittedAt = CivilTime.utcString(wallClock())
            }
            let start = clock.now
            let result: AttemptResult
            do {
                result = .response(try await sendOnWire(request, halt: halt))
            } catch let error as TransportError {
                result = .failure(error)
            } catch {
                if Task.isCancelled || error is CancellationError {
                    limiter.release(permit, .neutral)
                    return .notSubmitted(row: item.row, trace: trace)
                }
                // An error the transport did not classify: the request may have gone out.
                result = .failure(TransportError(.afterSending, .other, detail: String(describing: type(of: error))))
            }
            let rtt = start.duration(to: clock.now)
            trace.latency = rtt
            limiter.release(permit, Self.feedback(for: result, rtt: rtt))
            // Whether this try counts as an earlier attempt for the next one's answer (see `settled`).
            let reachedWithoutAnswer: Bool
            switch result {
            case .response(let response):
                trace.lastStatus = response.status
                reachedWithoutAnswer = response.status >= 500
            case .failure(let error):
                trace.lastStatus = nil
                if error.phase == .beforeSending { trace.notSent += 1 }
                reachedWithoutAnswer = error.phase != .beforeSending
            }
            defer { if reachedWithoutAnswer { trace.mayHaveReachedAPI = true } }

            let decision = policy.decide(
                result, attempt: trace.scheduled + 1, rateLimitWaits: trace.rateLimitWaits, now: wallClock())
            switch decision {
            case .done(let answer):
                trace.scheduled += 1
                return settled(item, trace, answer)

            case .retry(let wait):
                trace.scheduled += 1
                trace.retries += 1
                atomicCounters.retries.add(1, ordering: .relaxed)
                do {
                    try await clock.sleep(for: jittered(wait))
                } catch {
                    return .notSubmitted(row: item.row, trace: trace)
                }

            case .pauseAll(let pause):
                trace.rateLimitWaits += 1
                atomicCounters.rateLimitWaits.add(1, ordering: .relaxed)
                gate.pause(until: clock.now.advanced(by: pause))
                logger.notice(
                    "rate limited: every sender paused",
                    metadata: metadata(item, trace, ["submit.pause_ms": "\(pause.milliseconds)"]))

            case .giveUp(let outcome, let code, let text):
                logger.warning(
                    "lead given up", metadata: metadata(item, trace, ["submit.reason": "\(code.rawValue)"]))
                atomicCounters.answered.add(1, ordering: .relaxed)
                return answer(item, trace, outcome, Problem(code, field: nil, value: nil, text: text))

            case .stopRun:
                logger.error(
                    "API refused the token (401): run stopped",
                    metadata: metadata(item, trace, ["submit.reason": "\(ReasonCode.authFailed.rawValue)"]))
                stopRun(.authFailed)
                atomicCounters.answered.add(1, ordering: .relaxed)
                let problem = Problem(
                    .authFailed, field: nil, value: nil,
                    text: "API answered 401 (token refused); run stopped; the next run sends this lead")
                return answer(item, trace, .failed, problem)

            case .stopRunTLS(let error):
                // A configuration to correct, not an outage: one line says what is wrong, whichever lead met it
                // first; every lead not on the wire stays pending for the run after the fix.
                let reason = error.explanation ?? error.detail
                if stopRun(.tlsFailed(reason: reason)) {
                    logger.error(
                        "\(reason); run stopped, unsent leads stay pending",
                        metadata: metadata(item, trace, ["submit.reason": "\(error.kind.rawValue)"]))
                }
                var unsent = SubmitAnswer.notSubmitted(row: item.row, trace: trace)
                unsent.problems = [
                    Problem(.notSubmitted, field: nil, value: nil, text: "not submitted: \(error.detail); run stopped")
                ]
                if unsent.attempts == 0 {
                    // No request went out: nothing was submitted, and there is no latency of an answer.
                    unsent.submittedAt = nil
                    unsent.latencyMs = nil
                }
                return unsent
            }
        }
    }

    /// One attempt. A 401, a refused TLS handshake, or an error of the batch (`halt`), stops the run, but a request
    /// already on the wire runs to its answer (bounded by its own timeout): cutting it off would not unsend it, and the
    /// answer it brings is kept rather than the lead being sent again by the next run. A hard stop (drain
    /// time over) or the caller's cancel cuts it off.
    private func sendOnWire(_ request: SubmitRequest, halt: BatchHalt) async throws -> TransportResponse {
        let transport = self.transport
        let attempt = Task { try await transport.send(request) }
        return try await withTaskCancellationHandler {
            try await attempt.value
        } onCancel: {
            if !stopKeepsRequestsOnWire && !halt.isSet { attempt.cancel() }
        }
    }

    private static func feedback(for result: AttemptResult, rtt: Duration) -> AdaptiveConcurrencyLimiter.Feedback {
        switch result {
        case .failure: return .backpressure
        case .response(let response):
            return response.status == 429 || response.status >= 500 ? .backpressure : .success(rtt: rtt)
        }
    }

    private func jittered(_ wait: Duration) -> Duration {
        guard configuration.jitter, wait > .zero else { return wait }
        return wait * Double.random(in: 1.0..<1.25)
    }

    private func settled(_ item: SubmitWork, _ trace: LeadTrace, _ remote: RemoteAnswer) -> SubmitAnswer {
        atomicCounters.answered.add(1, ordering: .relaxed)
        switch remote {
        case .accepted(let leadID, let bid):
            var answer = answer(item, trace, .accepted, nil)
            answer.leadID = leadID
            answer.bid = bid
            return answer
        case .rejected(let reason) where trace.mayHaveReachedAPI && reason?.lowercased().contains("duplicate") == true:
            // The API may be remembering our own earlier attempt, which it may have accepted (an API that
            // honours `Idempotency-Key` would have replayed that answer instead).
            let text =
                "the API answered \"duplicate\" to a retry of this lead; an earlier attempt may have been "
                + "accepted: held for review"
            return answer(item, trace, .unknown, Problem(.ambiguousDuplicate, field: nil, value: reason, text: text))
        case .rejected(let reason):
            let text = reason.map { "rejected by the API: \($0)" } ?? "rejected by the API (no reason given)"
            return answer(item, trace, .rejected, Problem(.remoteRejected, field: nil, value: reason, text: text))
        }
    }

    private func answer(_ item: SubmitWork, _ trace: LeadTrace, _ outcome: Outcome, _ problem: Problem?)
        -> SubmitAnswer
    {
        SubmitAnswer(
            row: item.row, outcome: outcome, problems: problem.map { [$0] } ?? [], httpStatus: trace.lastStatus,
            attempts: trace.requests, submittedAt: trace.submittedAt, latencyMs: trace.latencyMs,
            retries: trace.retries, rateLimitWaits: trace.rateLimitWaits)
    }

    private func metadata(_ item: SubmitWork, _ trace: LeadTrace, _ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "lead.row": "\(item.row)",
            // Batch and row (`<first 16 hex of the batch id>-<row>`): names the lead when several files run.
            "lead.idempotency_key": "\(item.idempotencyKey)",
            "submit.attempt": "\(trace.attempts)",
        ]
        if let status = trace.lastStatus { metadata["http.status"] = "\(status)" }
        metadata.merge(extra) { $1 }
        return metadata
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

