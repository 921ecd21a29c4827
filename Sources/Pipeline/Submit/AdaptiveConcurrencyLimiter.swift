import Synchronization

/// How many requests may be in flight, adapted AIMD-style (after Vector's Adaptive Request
/// Concurrency): the limit is cut multiplicatively on back-pressure (429, 5xx, timeouts) and grows by
/// one per full window of successes while round-trip time stays near its baseline, up to a maximum.
/// Until the first back-pressure or rise of the round-trip time it starts slowly, as TCP does: one
/// more per success at capacity, so the limit doubles per round trip instead of creeping up (a run
/// against a 100 ms API otherwise spent seconds below its `max_in_flight`).
///
/// One limiter is shared by every sender of a run, so all batches together stay under the maximum.
package final class AdaptiveConcurrencyLimiter: Sendable {
    package struct Settings: Sendable, Hashable {
        package var maxLimit: Int
        package var initialLimit: Int
        /// The limit is multiplied by this on back-pressure.
        package var decreaseRatio: Double = 0.5
        /// Growth stops while the round-trip time exceeds the baseline times this.
        package var rttTolerance: Double = 1.5

        package init(maxLimit: Int, initialLimit: Int) {
            self.maxLimit = max(1, maxLimit)
            self.initialLimit = min(self.maxLimit, max(1, initialLimit))
        }
    }

    /// Held while a request is in flight; give it back with ``release(_:_:)``.
    package struct Permit: Sendable {
        /// The cut generation when the permit was taken: answers of requests that were already in
        /// flight at a cut do not cut again (one cut per window, as TCP does).
        fileprivate let generation: UInt64
        /// Whether taking it filled the limit; only then is the limit a bottleneck worth growing.
        fileprivate let atCapacity: Bool
    }

    package enum Feedback: Sendable, Hashable {
        /// An answer the server gave without distress, with the request's round-trip time.
        case success(rtt: Duration)
        /// 429, 5xx, timeout or a failed connection.
        case backpressure
        /// Nothing to learn (e.g. cancelled).
        case neutral
    }

    private enum WaiterState {
        case pending
        case waiting(CheckedContinuation<Permit, any Error>)
        case cancelled
    }

    private struct State {
        var limit: Int
        var inFlight = 0
        var generation: UInt64 = 0
        var successesInWindow = 0
        /// Growing one per success (doubling per round trip) until the first sign of distress.
        var slowStart = true
        /// Seconds; tracks the low envelope of round-trip times.
        var baselineRTT: Double?
        var nextWaiterID: UInt64 = 0
        var queue: [UInt64] = []
        var queueHead = 0
        var waiters: [UInt64: WaiterState] = [:]
        var cuts = 0
        var growths = 0

        mutating func takePermit() -> Permit {
            inFlight += 1
            return Permit(generation: generation, atCapacity: inFlight >= limit)
        }

        /// Waiters that can run now, removed from the queue.
        mutating func grantable() -> [(CheckedContinuation<Permit, any Error>, Permit)] {
            var granted: [(CheckedContinuation<Permit, any Error>, Permit)] = []
            while inFlight < limit, queueHead < queue.count {
                let id = queue[queueHead]
                queueHead += 1
                if case .waiting(let continuation) = waiters.removeValue(forKey: id) {
                    granted.append((continuation, takePermit()))
                }
            }
            if queueHead > 64, queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            return granted
        }
    }

    package let settings: Settings
    private let state: Mutex<State>

    package init(_ settings: Settings) {
        self.settings = settings
        self.state = Mutex(State(limit: settings.initialLimit))
    }

    /// The current limit.
    package var limit: Int { state.withLock { $0.limit } }
    /// Requests holding a permit now.
    package var inFlight: Int { state.withLock { $0.inFlight } }
    /// Senders waiting for a permit now.
    package var waiting: Int {
        state.withLock { state in
            state.waiters.values.reduce(0) { count, waiter in
                if case .waiting = waiter { return count + 1 }
                return count
            }
        }
    }
    /// How often the limit was cut and grown so far.
    package var adjustments: (cuts: Int, growths: Int) { state.withLock { ($0.cuts, $0.growths) } }

    /// Waits (first come, first served) until a request may go out. Throws `CancellationError` when
    /// the task is cancelled while waiting.
    package func acquire() async throws -> Permit {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            state.waiters[state.nextWaiterID] = .pending
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Permit, any Error>) in
                let granted = state.withLock { state -> [(CheckedContinuation<Permit, any Error>, Permit)]? in
                    if case .cancelled = state.waiters[id] {
                        state.waiters[id] = nil
                        return nil
                    }
                    state.waiters[id] = .waiting(continuation)
                    state.queue.append(id)
                    return state.grantable()
                }
                guard let granted else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                for (waiter, permit) in granted { waiter.resume(returning: permit) }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Permit, any Error>? = state.withLock { state in
                switch state.waiters[id] {
                case .pending:
                    state.waiters[id] = .cancelled
                    return nil
                case .waiting(let continuation):
                    state.waiters[id] = nil  // its queue entry is skipped when reached
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Gives a permit back and adapts the limit to what the request taught.
    package func release(_ permit: Permit, _ feedback: Feedback) {
        let granted = state.withLock { state in
            state.inFlight -= 1
            switch feedback {
            case .backpressure:
                if permit.generation == state.generation {
                    state.limit = max(1, Int((Double(state.limit) * settings.decreaseRatio).rounded(.down)))
                    state.generation &+= 1
                    state.successesInWindow = 0
                    state.cuts += 1
                }
                state.slowStart = false
            case .success(let rtt):
                let seconds = Double(rtt.components.seconds) + Double(rtt.components.attoseconds) * 1e-18
                let baseline = state.baselineRTT ?? seconds
                if seconds > baseline * settings.rttTolerance { state.slowStart = false }
                if seconds <= baseline * settings.rttTolerance, permit.atCapacity, state.limit < settings.maxLimit {
                    state.successesInWindow += 1
                    if state.slowStart {
                        state.limit += 1
                        state.successesInWindow = 0
                        state.growths += 1
                    } else if state.successesInWindow >= state.limit {
                        state.limit += 1
                        state.successesInWindow = 0
                        state.growths += 1
                    }
                }
                // Falls fast and rises slowly, so a queue building up at the server shows as a rise.
                let alpha = seconds < baseline ? 0.5 : 0.05
                state.baselineRTT = baseline + (seconds - baseline) * alpha
            case .neutral:
                break
            }
            return state.grantable()
        }
        for (continuation, permit) in granted { continuation.resume(returning: permit) }
    }
}
