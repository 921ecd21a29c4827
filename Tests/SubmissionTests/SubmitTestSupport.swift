import LeadModel
import Submission
import Synchronization

/// A clock that only moves when a test moves it, and lets the test wait until the code under test
/// has gone to sleep (no polling, no real time).
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private enum SleeperState {
        case pending(Instant)
        case sleeping(Instant, CheckedContinuation<Void, any Error>)
        case cancelled
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [UInt64: SleeperState] = [:]
        var watchers:
            [(id: UInt64, predicate: @Sendable ([Duration]) -> Bool, continuation: CheckedContinuation<Void, Never>)] =
                []
        var pokes = 0

        var deadlines: [Duration] {
            sleepers.values.compactMap { if case .sleeping(let at, _) = $0 { return at.offset } else { return nil } }
                .sorted()
        }

        /// Watchers whose predicate now holds, removed.
        mutating func satisfiedWatchers() -> [CheckedContinuation<Void, Never>] {
            let current = deadlines
            var ready: [CheckedContinuation<Void, Never>] = []
            watchers.removeAll { watcher in
                guard watcher.predicate(current) else { return false }
                ready.append(watcher.continuation)
                return true
            }
            return ready
        }
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    /// Deadlines (offsets from the start) of the tasks asleep now, earliest first.
    var sleeperDeadlines: [Duration] { state.withLock { $0.deadlines } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id: UInt64? = state.withLock { state in
            guard deadline > state.now else { return nil }
            state.nextID += 1
            state.sleepers[state.nextID] = .pending(deadline)
            return state.nextID
        }
        guard let id else {
            try Task.checkCancellation()
            return
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    guard case .pending(let at) = state.sleepers[id] else {
                        state.sleepers[id] = nil
                        return (true, [])
                    }
                    state.sleepers[id] = .sleeping(at, continuation)
                    return (false, state.satisfiedWatchers())
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                for watcher in ready { watcher.resume() }
            }
        } onCancel: {
            let (continuation, ready) = state.withLock {
                state -> (CheckedContinuation<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                switch state.sleepers[id] {
                case .pending:
                    state.sleepers[id] = .cancelled
                    return (nil, [])
                case .sleeping(_, let continuation):
                    state.sleepers[id] = nil
                    return (continuation, state.satisfiedWatchers())
                case .cancelled, nil:
                    return (nil, [])
                }
            }
            continuation?.resume(throwing: CancellationError())
            for watcher in ready { watcher.resume() }
        }
    }

    /// Moves time to `offset` (from the start) and wakes every sleeper due by then.
    func advance(to offset: Duration) {
        let (due, ready) = state.withLock {
            state -> ([CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>]) in
            state.now = Instant(offset: max(state.now.offset, offset))
            var due: [CheckedContinuation<Void, any Error>] = []
            for (id, sleeper) in state.sleepers {
                if case .sleeping(let at, let continuation) = sleeper, at <= state.now {
                    state.sleepers[id] = nil
                    due.append(continuation)
                }
            }
            return (due, state.satisfiedWatchers())
        }
        for continuation in due { continuation.resume() }
        for watcher in ready { watcher.resume() }
    }

    /// Returns once `predicate` holds for the deadlines of the sleeping tasks (re-checked whenever
    /// a task goes to sleep, wakes, or ``poke()`` is called), or when the task is cancelled (so a
    /// test's time limit ends a wait that never comes true).
    func waitUntil(_ predicate: @escaping @Sendable ([Duration]) -> Bool) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let holds = state.withLock { state in
                    if predicate(state.deadlines) || Task.isCancelled { return true }
                    state.watchers.append((id, predicate, continuation))
                    return false
                }
                if holds { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.watchers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.watchers.remove(at: index).continuation
            }
            continuation?.resume()
        }
    }

    /// Re-checks the watchers' predicates (they may read outside state).
    func poke() {
        let ready = state.withLock { state in
            state.pokes += 1
            return state.satisfiedWatchers()
        }
        for watcher in ready { watcher.resume() }
    }
}

/// A `LeadTransport` that answers from a script and records every call.
final class MockTransport: LeadTransport {
    typealias Handler =
        @Sendable (_ request: SubmitRequest, _ call: Int, _ attemptOfKey: Int) async throws ->
        TransportResponse

    struct Call: Sendable {
        var key: String
        var body: [UInt8]
        /// Time on the manual clock when the request went out (zero without a clock).
        var at: Duration
        var attemptOfKey: Int
    }

    private let handler: Handler
    private let clock: ManualClock?
    private let state = Mutex<[Call]>([])
    /// Called after every call is recorded (lets a test poke its clock's watchers).
    private let onCall: (@Sendable () -> Void)?

    init(clock: ManualClock? = nil, onCall: (@Sendable () -> Void)? = nil, handler: @escaping Handler) {
        self.clock = clock
        self.handler = handler
        self.onCall = onCall ?? { clock?.poke() }
    }

    var calls: [Call] { state.withLock { $0 } }

    func send(_ request: SubmitRequest) async throws -> TransportResponse {
        let at = clock?.now.offset ?? .zero
        let (index, attempt) = state.withLock { calls in
            let attempt = calls.filter { $0.key == request.idempotencyKey }.count + 1
            calls.append(Call(key: request.idempotencyKey, body: request.body, at: at, attemptOfKey: attempt))
            return (calls.count, attempt)
        }
        onCall?()
        return try await handler(request, index, attempt)
    }
}

/// Values shared between a test and the closures it hands out.
final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    func get() -> Value { value.withLock { $0 } }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    @discardableResult
    func update<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

enum SubmitFixtures {
    static func lead(_ firstName: String = "Maria") -> Lead {
        Lead(
            vertical: .insurance, firstName: firstName, lastName: "G.", email: "m@example.com",
            phone: "+18135550100", zip: "33601", tcpaTimestamp: "2026-04-27T09:14:22Z",
            tcpaText: "By submitting this form you consent.", tcpaURL: "https://seo.example.com/page")
    }

    static func work(_ rows: ClosedRange<Int>) -> [SubmitWork] {
        rows.map { SubmitWork(row: $0, lead: lead("Lead\($0)"), idempotencyKey: "key-\($0)") }
    }

    static func accepted(_ id: String = "ld_0000abcd", bid: String = "18.5") -> TransportResponse {
        TransportResponse(
            status: 200, body: Array(#"{"status":"accepted","bid_amount":\#(bid),"lead_id":"\#(id)"}"#.utf8))
    }

    static func status(_ code: Int, retryAfter: String? = nil, body: String = "") -> TransportResponse {
        TransportResponse(status: code, retryAfter: retryAfter, body: Array(body.utf8))
    }

    static func configuration(
        maxInFlight: Int = 8, initial: Int? = nil, ambiguous: SubmitConfiguration.AmbiguousPolicy = .retry,
        markBatchSize: Int = 4
    ) -> SubmitConfiguration {
        var configuration = SubmitConfiguration(
            endpoint: "http://127.0.0.1:1/webhook/lead", token: APIToken("dl_test_x"))
        configuration.maxInFlight = maxInFlight
        configuration.initialConcurrency = initial ?? maxInFlight
        configuration.ambiguous = ambiguous
        configuration.markBatchSize = markBatchSize
        return configuration
    }
}

/// Runs `submitter` over `work` collecting answers, marked rows and the error it ended with.
struct SubmitRun: Sendable {
    var answers: [SubmitAnswer]
    var marked: [[Int]]
    var error: (any Error)?

    static func collect<Work: AsyncSequence & Sendable>(
        _ submitter: Submitter<some Clock<Duration>>, _ work: Work, onDone: @escaping @Sendable () -> Void = {}
    ) async -> SubmitRun where Work.Element == SubmitWork {
        let marked = Box<[[Int]]>([])
        let answers = Box<[SubmitAnswer]>([])
        var failure: (any Error)?
        do {
            try await submitter.run(work, markSending: { rows in marked.update { $0.append(rows) } }) { answer in
                answers.update { $0.append(answer) }
            }
        } catch {
            failure = error
        }
        onDone()
        return SubmitRun(answers: answers.get(), marked: marked.get(), error: failure)
    }

    func answer(row: Int) -> SubmitAnswer? { answers.first { $0.row == row } }

    /// Runs `submitter` over `work` on the manual `clock`, moving the clock to each sleeper's deadline as soon
    /// as one waits, until the run ends: every backoff, pause and rate-cap wait passes without real time.
    static func onManualClock(
        _ submitter: Submitter<ManualClock>, _ clock: ManualClock, _ work: [SubmitWork]
    ) async -> SubmitRun {
        let done = Box(false)
        async let run = collect(submitter, WorkList(work)) {
            done.set(true)
            clock.poke()
        }
        while true {
            await clock.waitUntil { !$0.isEmpty || done.get() }
            guard let deadline = clock.sleeperDeadlines.first, !done.get() else { break }
            clock.advance(to: deadline)
        }
        return await run
    }
}

/// An `AsyncSequence` over an array (Sendable, finite).
struct WorkList: AsyncSequence, Sendable {
    typealias Element = SubmitWork
    var items: [SubmitWork]

    init(_ items: [SubmitWork]) {
        self.items = items
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[SubmitWork]>
        mutating func next() async -> SubmitWork? { base.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: items.makeIterator()) }
}
