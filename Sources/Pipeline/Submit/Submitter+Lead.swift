import Ingest
import LeadModel
import Logging
import Synchronization

extension Submitter {
    /// Sends one lead until the policy settles it (carrying out ``LeadStateMachine``'s actions); never
    /// throws: a stopped run yields a not-submitted answer. `firstSend` is called once, right before the first
    /// try (a request, or a connection attempt that fails).
    func submit(_ item: SubmitWork, halt: BatchHalt = BatchHalt(), firstSend: () -> Void = {}) async -> SubmitAnswer {
        var machine = LeadStateMachine(row: item.row, mayHaveBeenSent: item.mayHaveBeenSent, policy: policy)
        let request = SubmitRequest(
            body: item.lead.payloadJSON(), idempotencyKey: item.idempotencyKey, timeout: configuration.timeout)
        var permit: AdaptiveConcurrencyLimiter.Permit?
        var action = machine.start(stopped: isHalted(halt), draining: isDraining)
        while true {
            switch action {
            case .waitForTurn:
                do {
                    permit = try await limiter.acquire()
                    try await rateLimiter?.take()
                    try await gate.wait()
                } catch {
                    action = machine.waitFailed()
                    continue
                }
                action = machine.turnCame(stopped: isHalted(halt), draining: isDraining, now: wallClock)

            case .send(let first):
                atomicCounters.attempts.add(1, ordering: .relaxed)
                if first { firstSend() }
                let start = clock.now
                let result: AttemptResult
                do {
                    result = .response(try await sendOnWire(request, halt: halt))
                } catch let error as TransportError {
                    result = .failure(error)
                } catch {
                    if Task.isCancelled || error is CancellationError {
                        action = machine.sendCancelled()
                        continue
                    }
                    // An error the transport did not classify: the request may have gone out.
                    result = .failure(TransportError(.afterSending, .other, detail: String(describing: type(of: error))))
                }
                let (feedback, next) = machine.answerReceived(
                    result, latency: start.duration(to: clock.now), now: wallClock())
                if let taken = permit { limiter.release(taken, feedback) }
                permit = nil
                action = next

            case .scheduleRetry(let wait):
                atomicCounters.retries.add(1, ordering: .relaxed)
                do {
                    try await timer.sleep(for: jittered(wait))
                } catch {
                    action = machine.waitFailed()
                    continue
                }
                action = machine.retryTimerFired(stopped: isHalted(halt), draining: isDraining)

            case .pauseEverySender(let pause):
                atomicCounters.rateLimitWaits.add(1, ordering: .relaxed)
                gate.pause(until: timer.now.advanced(by: pause))
                logger.notice(
                    "rate limited: every sender paused",
                    metadata: metadata(item, machine.trace, ["submit.pause_ms": "\(pause.milliseconds)"]))
                action = machine.tryAgain(stopped: isHalted(halt), draining: isDraining)

            case .finish(let answer):
                // A lead that stops between its turn and its request gives the permit back unused.
                if let taken = permit { limiter.release(taken, .neutral) }
                if answer.outcome != nil { atomicCounters.answered.add(1, ordering: .relaxed) }
                return answer

            case .giveUp(let answer, let code):
                logger.warning(
                    "lead given up", metadata: metadata(item, machine.trace, ["submit.reason": "\(code.rawValue)"]))
                atomicCounters.answered.add(1, ordering: .relaxed)
                return answer

            case .stopRun(.tokenRefused, let answer):
                logger.error(
                    "API refused the token (401): run stopped",
                    metadata: metadata(item, machine.trace, ["submit.reason": "\(ReasonCode.authFailed.rawValue)"]))
                stopRun(.authFailed)
                atomicCounters.answered.add(1, ordering: .relaxed)
                return answer

            case .stopRun(.tlsRefused(let reason, let kind), let answer):
                // One line says what is wrong, whichever lead met it first.
                if stopRun(.tlsFailed(reason: reason)) {
                    logger.error(
                        "\(reason); run stopped, unsent leads stay pending",
                        metadata: metadata(item, machine.trace, ["submit.reason": "\(kind.rawValue)"]))
                }
                return answer
            }
        }
    }

    /// The run or this batch stopped, or the task was cancelled: a lead not on the wire goes no further.
    private func isHalted(_ halt: BatchHalt) -> Bool {
        Task.isCancelled || isStopped || halt.isSet
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

    private func jittered(_ wait: Duration) -> Duration {
        guard configuration.jitter, wait > .zero else { return wait }
        return wait * Double.random(in: 1.0..<1.25)
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
