import Foundation
package import Logging
import Synchronization

/// Sends leads to the API under the documented policy and reports each lead's final answer.
///
/// Make one per run and call ``run(_:markSending:onAnswer:)`` once per batch, from as many tasks
/// as batches run at once: the concurrency limit, the 429 pause, the client-side rate cap, the
/// counters and the 401 stop are shared by all of them.
///
/// Generic over the clock so backoff and pauses can be tested on a manual clock.
package final class Submitter<C: Clock>: Sendable where C.Duration == Duration {
    #if DEBUG
    /// The clock of the waits: `C` itself, except in a debug build run with
    /// `LEADSPOOL_DEBUG_TIME_SCALE` (end-to-end tests of the schedule), where it runs faster (``ScaledClock``).
    typealias WaitClock = ScaledClock<C>
    #else
    typealias WaitClock = C
    #endif

    /// Marks rows `sending` durably before their first POST (one ledger transaction per call).
    package typealias MarkSending = @Sendable ([Int]) async throws -> Void

    let configuration: SubmitConfiguration
    let policy: RetryPolicy
    let transport: any LeadTransport
    /// Measures round trips and spaces requests under the rate cap.
    let clock: C
    /// Sleeps out backoff waits and 429 pauses.
    let timer: WaitClock
    let logger: Logger
    let wallClock: @Sendable () -> Int64
    /// The run-wide concurrency limiter (read it for figures; it is adapted by the senders).
    package let limiter: AdaptiveConcurrencyLimiter
    let gate: PauseGate<WaitClock>
    let rateLimiter: RequestRateLimiter<C>?
    let atomicCounters = AtomicSubmitCounters()
    private let stopState = Mutex(StopState())

    private struct StopState {
        var reason: SubmitError?
        var draining = false
        var nextID: UInt64 = 0
        var listeners: [UInt64: @Sendable (StopKind) -> Void] = [:]
    }

    private enum StopKind {
        /// Take no more work; let started leads finish.
        case drain
        /// Cancel everything now.
        case stop
    }

    /// - Parameters:
    ///   - logger: gets one line per give-up, 429 pause and 401 stop; never a token, phone or email.
    ///   - wallClock: seconds since 1970, for `submitted_at` and HTTP-date `Retry-After`.
    package init(
        configuration: SubmitConfiguration, transport: any LeadTransport, clock: C, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.configuration = configuration
        self.policy = configuration.retryPolicy
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.wallClock = wallClock
        self.limiter = AdaptiveConcurrencyLimiter(
            .init(maxLimit: configuration.maxInFlight, initialLimit: configuration.startingConcurrency))
        #if DEBUG
        self.timer = ScaledClock.fromEnvironment(clock)
        #else
        self.timer = clock
        #endif
        self.gate = PauseGate(clock: timer)
        self.rateLimiter = configuration.rateLimit.map { RequestRateLimiter(clock: clock, requestsPerSecond: $0) }
    }

    /// The run-wide figures now.
    package var counters: SubmitCounters {
        var counters = SubmitCounters()
        counters.attempts = atomicCounters.attempts.load(ordering: .relaxed)
        counters.retries = atomicCounters.retries.load(ordering: .relaxed)
        counters.rateLimitWaits = atomicCounters.rateLimitWaits.load(ordering: .relaxed)
        counters.answered = atomicCounters.answered.load(ordering: .relaxed)
        counters.inFlight = limiter.inFlight
        counters.concurrencyLimit = limiter.limit
        counters.pauseRemaining = gate.pausedUntil.map { timer.now.duration(to: $0) }
        return counters
    }

    /// `true` once the API answered 401; every later ``run(_:markSending:onAnswer:)`` throws
    /// ``SubmitError/authFailed`` at once.
    package var authFailed: Bool { stopState.withLock { $0.reason == .authFailed } }

    /// Sends every lead of `work` and hands each answer to `onAnswer`, one at a time, in completion
    /// order (not input order).
    ///
    /// Before rows are first sent they are passed to `markSending` in groups, while earlier rows are
    /// still being sent, so a slow ledger transaction does not stall the senders (`markSending` may run
    /// while `onAnswer` runs). Every row passed to `markSending` gets exactly one answer, unless the task
    /// is cancelled or a callback throws.
    ///
    /// Rows marked and not yet sent are kept to a lookahead of twice the current concurrency limit (at least
    /// 8, at most `configuration.markBatchSize`): a new group is marked when half of it is left, so a
    /// crash leaves at most that many rows `sending` that never went out (the next run re-sends them
    /// with the same key, or holds them), beside the requests really in flight. At most about
    /// `2 × maxInFlight` leads are started and not yet answered (in flight, waiting for a permit, or
    /// waiting for a retry), and `onAnswer` is awaited, so a slow consumer slows the intake instead of
    /// piling up answers.
    ///
    /// - Throws: ``SubmitError/authFailed`` after the last answer when the API answered 401 (here or
    ///   in another batch of the run), ``SubmitError/tlsFailed(reason:)`` likewise after a refused TLS
    ///   handshake: intake stopped, requests on the wire ran to their answer (kept),
    ///   leads waiting for a permit, a pause or a retry were answered with `outcome == nil`
    ///   (NOT_SUBMITTED); rows never taken from `work` get no answer. An error of `work`, `markSending` or
    ///   `onAnswer` stops the batch the same way (nothing new is sent, requests on the wire run to their
    ///   answer, and every answer is still handed to `onAnswer`, which may keep what it cannot record) and is
    ///   rethrown. `CancellationError` when the calling task is cancelled.
    package func run<Work: AsyncSequence & Sendable>(
        _ work: Work, markSending: @escaping MarkSending, onAnswer: (SubmitAnswer) async throws -> Void
    ) async throws where Work.Element == SubmitWork {
        let (events, eventSink) = AsyncStream<BatchEvent>.makeStream()
        let (demand, demandSink) = AsyncStream<Int>.makeStream()
        // Started leads that have not made their first request yet (waiting for a permit, the pause gate
        // or the rate cap): marked, not sent.
        let unsent = UnsentCount()
        let listenerID = try addStopListener { kind in eventSink.yield(kind == .stop ? .stop : .drain) }
        defer { removeStopListener(listenerID) }

        // An error of this batch (its answers cannot be recorded, its file cannot be read) stops every lead not
        // on the wire; requests on the wire run to their answer, which is still handed to `onAnswer`.
        let halt = BatchHalt()
        let limiter = self.limiter
        var machine = BatchStateMachine(
            maxInFlight: configuration.maxInFlight, markBatchSize: configuration.markBatchSize)
        // A discarding group: a plain task group keeps every finished child (and the lead it captured)
        // until it is awaited, so memory grew with the batch (~11 KB a lead measured).
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await self.pull(work, demand: demand, markSending: markSending, events: eventSink)
            }
            demandSink.yield(machine.initialDemand(concurrencyLimit: limiter.limit))

            func haltIntake(_ action: BatchStateMachine.HaltIntake?) {
                guard let action else { return }
                if action.haltBatch { halt.set() }
                demandSink.finish()
                if action.cancelLeads { group.cancelAll() }
            }
            func deliver(_ answer: SubmitAnswer) async {
                // Every answer is handed on, also after `onAnswer` failed: the caller keeps what it cannot
                // record rather than lose an answer the API gave.
                do {
                    try await onAnswer(answer)
                } catch {
                    haltIntake(machine.answerFailed(error))
                }
            }

            events: for await event in events {
                switch event {
                case .marked(let items):
                    machine.workMarked(items)
                case .inputEnded(let error):
                    haltIntake(machine.inputEnded(error))
                case .answer(let answer):
                    machine.answerReceived()
                    await deliver(answer)
                case .sent:
                    machine.leadSent()
                case .stop:
                    haltIntake(machine.stopRequested())
                case .drain:
                    haltIntake(machine.drainRequested())
                }
                // The limit is read once a round: the lookahead armed for a wake-up is the one asked for.
                let concurrencyLimit = limiter.limit
                while true {
                    switch machine.nextAction(concurrencyLimit: concurrencyLimit, unsent: unsent.value) {
                    case .start(let item):
                        unsent.add(1)
                        group.addTask {
                            var tried = false
                            let answer = await self.submit(item, halt: halt) {
                                tried = true
                                // Wake the loop when it waits for the sends to come down to its low-water mark.
                                if unsent.sentOne() { eventSink.yield(.sent) }
                            }
                            // Stopped before its first try: no longer waiting to be sent either.
                            if !tried { unsent.add(-1) }
                            eventSink.yield(.answer(answer))
                        }
                    case .answerNotSubmitted(let item):
                        await deliver(SubmitAnswer.notSubmitted(row: item.row, trace: LeadTrace()))
                    case .wakeWhenUnsent(let level):
                        unsent.wake(atOrBelow: level)
                    case .requestWork(let count):
                        unsent.wake(atOrBelow: nil)
                        demandSink.yield(count)
                    case .waitForEvent:
                        continue events
                    case .finish:
                        break events
                    }
                }
            }
            demandSink.finish()
            eventSink.finish()
        }
        switch machine.ending {
        case .failed(let error): throw error
        case .completed, .stoppedByRun, .drained: break
        }
        try Task.checkCancellation()
        switch machine.ending {
        case .stoppedByRun: throw stopState.withLock { $0.reason } ?? SubmitError.shutDown
        case .drained: throw SubmitError.drained
        case .completed, .failed: return
        }
    }

    /// ``run(_:markSending:onAnswer:)`` as a stream of answers that finishes by throwing what `run`
    /// throws (``SubmitError/authFailed`` after a 401). Answers are buffered without bound: prefer
    /// `run` when the consumer can be slower than the API.
    package func answers<Work: AsyncSequence & Sendable>(
        for work: Work, markSending: @escaping MarkSending
    ) -> AsyncThrowingStream<SubmitAnswer, any Error> where Work.Element == SubmitWork {
        let (stream, continuation) = AsyncThrowingStream<SubmitAnswer, any Error>.makeStream()
        let task = Task {
            do {
                try await self.run(work, markSending: markSending) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Stops intake and every lead not on the wire, in every batch of the run; requests on the wire run to
    /// their answer after a 401 or a refused TLS handshake and are cut off by a hard stop (see `sendOnWire`).
    /// Answers `false` when the run was stopped already (the first reason stays).
    @discardableResult
    func stopRun(_ reason: SubmitError) -> Bool {
        let listeners = stopState.withLock { state -> [@Sendable (StopKind) -> Void]? in
            guard state.reason == nil else { return nil }
            state.reason = reason
            return Array(state.listeners.values)
        }
        guard let listeners else { return false }
        for listener in listeners { listener(.stop) }
        return true
    }

    /// A 401 or a refused TLS handshake stopped the run: requests already on the wire run to their answer.
    var stopKeepsRequestsOnWire: Bool {
        stopState.withLock { state in
            switch state.reason {
            case .authFailed, .tlsFailed: return true
            case .drained, .shutDown, nil: return false
            }
        }
    }

    /// Graceful stop (first SIGTERM): every batch stops taking work; leads already started (in
    /// flight, or waiting for a retry) go on to their answer, marked rows not yet started are
    /// answered not-submitted. Each ``run(_:markSending:onAnswer:)`` then throws
    /// ``SubmitError/drained``, and later calls throw it at once.
    package func drain() {
        let listeners = stopState.withLock { state -> [@Sendable (StopKind) -> Void] in
            guard state.reason == nil, !state.draining else { return [] }
            state.draining = true
            return Array(state.listeners.values)
        }
        for listener in listeners { listener(.drain) }
    }

    /// Hard stop (the drain time ran out): requests in flight are cancelled, as after a 401, and
    /// each ``run(_:markSending:onAnswer:)`` throws ``SubmitError/shutDown``.
    package func shutDown() { stopRun(.shutDown) }

    /// A 401 or a hard stop ended the run's submissions.
    package var isStopped: Bool { stopState.withLock { $0.reason != nil } }

    /// A graceful stop began: nothing new starts.
    package var isDraining: Bool { stopState.withLock { $0.draining } }

    private func addStopListener(_ listener: @escaping @Sendable (StopKind) -> Void) throws(SubmitError) -> UInt64 {
        let id = stopState.withLock { state -> Result<UInt64, SubmitError> in
            if let reason = state.reason { return .failure(reason) }
            if state.draining { return .failure(.drained) }
            state.nextID += 1
            state.listeners[state.nextID] = listener
            return .success(state.nextID)
        }
        return try id.get()
    }

    private func removeStopListener(_ id: UInt64) {
        _ = stopState.withLock { $0.listeners.removeValue(forKey: id) }
    }

    /// Takes work in groups of the size each demand asks for, marks each group and hands it on.
    private func pull<Work: AsyncSequence & Sendable>(
        _ work: Work, demand: AsyncStream<Int>, markSending: MarkSending, events: AsyncStream<BatchEvent>.Continuation
    ) async where Work.Element == SubmitWork {
        var iterator = work.makeAsyncIterator()
        do {
            for await size in demand {
                var chunk: [SubmitWork] = []
                chunk.reserveCapacity(size)
                while chunk.count < size, let item = try await iterator.next() {
                    chunk.append(item)
                }
                if !chunk.isEmpty {
                    do {
                        try await markSending(chunk.map(\.row))
                    } catch {
                        // Cancelled mid-transaction: the rows may be marked, so they get answers.
                        if Task.isCancelled { events.yield(.marked(chunk)) }
                        throw error
                    }
                    events.yield(.marked(chunk))
                }
                if chunk.count < size { break }
            }
            events.yield(.inputEnded(nil))
        } catch {
            events.yield(.inputEnded(Task.isCancelled ? nil : error))
        }
    }
}

/// Set when an error stops one ``Submitter/run(_:markSending:onAnswer:)``: its leads not on the wire stop,
/// its requests on the wire are not cut off.
final class BatchHalt: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }
}

enum BatchEvent: Sendable {
    case marked([SubmitWork])
    /// A started lead made its first request.
    case sent
    case inputEnded((any Error)?)
    case answer(SubmitAnswer)
    case stop
    case drain
}

/// Leads of one batch started and not yet sent, and the count at which the batch's loop wants to hear of a
/// send (to mark more rows).
final class UnsentCount: Sendable {
    private let count = Atomic<Int>(0)
    private let threshold = Atomic<Int>(Int.min)

    func add(_ n: Int) { count.add(n, ordering: .sequentiallyConsistent) }

    var value: Int { count.load(ordering: .sequentiallyConsistent) }

    /// Counts one lead's first request; `true` when that brought the count to the threshold (which is
    /// then cleared, so one send wakes the loop).
    func sentOne() -> Bool {
        let now = count.subtract(1, ordering: .sequentiallyConsistent).newValue
        let wanted = threshold.load(ordering: .sequentiallyConsistent)
        guard now <= wanted else { return false }
        return threshold.compareExchange(expected: wanted, desired: Int.min, ordering: .sequentiallyConsistent)
            .exchanged
    }

    /// Sets (or with `nil` clears) the count at or below which `sentOne` answers `true`.
    func wake(atOrBelow level: Int?) { threshold.store(level ?? Int.min, ordering: .sequentiallyConsistent) }
}
