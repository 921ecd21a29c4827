/// One batch's submit loop as events in and actions out: no tasks, no streams, no clock. ``Submitter``
/// carries the actions out (`Submitter.run`); what is started when, how far ahead rows are marked, and
/// how a stop or a drain ends the batch live here, so they can be tested step by step.
///
/// After each event the loop asks ``nextAction(concurrencyLimit:unsent:)`` until it answers
/// ``Action/waitForEvent`` or ``Action/finish``.
struct BatchStateMachine {
    enum Action: Equatable {
        /// Start a task that sends this lead (counted as started and not yet sent until its first try).
        case start(SubmitWork)
        /// A marked row that will not be started (the batch stopped or drains): hand on its not-submitted
        /// answer.
        case answerNotSubmitted(SubmitWork)
        /// Ask to be woken (an event) when the started leads not yet sent come down to this count, then ask
        /// for the next action again with the count read after arming.
        case wakeWhenUnsent(atOrBelow: Int)
        /// Take this many more rows from the work, mark them `sending` and report them with
        /// ``workMarked(_:)`` (or ``inputEnded(_:)``); disarm the wake-up first.
        case requestWork(Int)
        /// Nothing to do until the next event.
        case waitForEvent
        /// Every lead taken is answered and the work ended: the batch is over (see ``ending``).
        case finish

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.start(let a), .start(let b)), (.answerNotSubmitted(let a), .answerNotSubmitted(let b)):
                return a.row == b.row && a.idempotencyKey == b.idempotencyKey
            case (.wakeWhenUnsent(let a), .wakeWhenUnsent(let b)), (.requestWork(let a), .requestWork(let b)):
                return a == b
            case (.waitForEvent, .waitForEvent), (.finish, .finish):
                return true
            default:
                return false
            }
        }
    }

    /// What to do when the batch stops taking work: finish the demand (the puller then ends the work).
    struct HaltIntake: Equatable {
        /// An error of this batch stopped it: its leads not on the wire stop, its requests on the wire are
        /// not cut off (``BatchHalt``).
        var haltBatch: Bool
        /// Cancel every child task (a stop; a drain lets started leads finish). Requests on the wire decide
        /// for themselves whether the cancel cuts them off.
        var cancelLeads: Bool
    }

    /// How the batch ended, once ``Action/finish`` came.
    enum Ending {
        /// Every lead taken was answered and the work ran out.
        case completed
        /// An error of the work, of marking or of handing on an answer (the first one).
        case failed(any Error)
        /// The run was stopped (401, a refused TLS handshake, a hard stop).
        case stoppedByRun
        /// A graceful stop: started leads were answered, the rest of the work was not taken.
        case drained
    }

    /// Leads started and not yet answered, at most (in flight, waiting for a permit, a pause or a retry).
    let maxOutstanding: Int
    /// Rows marked ahead of sending, at most.
    let markLimit: Int

    private var ready = ReadyQueue()
    private(set) var outstanding = 0
    private(set) var inputOpen = true
    /// Rows were asked for and have not come yet.
    private(set) var demandPending = true
    private(set) var stopping = false
    private(set) var drained = false
    private var stoppedByRun = false
    private var failure: (any Error)?
    /// Whether this round (since the last event) looked at the demand, and the lookahead it armed a wake-up for.
    private var demandChecked = false
    private var armedLookahead: Int?

    init(maxInFlight: Int, markBatchSize: Int) {
        self.maxOutstanding = max(maxInFlight * 2, markBatchSize)
        self.markLimit = markBatchSize
    }

    /// Marked rows not yet started.
    var readyCount: Int { ready.count }

    /// Rows to keep marked ahead of sending: twice the concurrency limit, 8 to `markLimit`.
    func lookahead(concurrencyLimit: Int) -> Int { min(markLimit, max(8, 2 * concurrencyLimit)) }

    /// The first demand, asked for before any event (the loop's first request for work).
    func initialDemand(concurrencyLimit: Int) -> Int { lookahead(concurrencyLimit: concurrencyLimit) }

    var ending: Ending {
        if let failure { return .failed(failure) }
        if stoppedByRun { return .stoppedByRun }
        if drained { return .drained }
        return .completed
    }

    // MARK: - Events

    /// Rows came from the work, marked `sending`.
    mutating func workMarked(_ items: [SubmitWork]) {
        newRound()
        demandPending = false
        ready.append(items)
    }

    /// The work ran out, or failed with `error`.
    mutating func inputEnded(_ error: (any Error)?) -> HaltIntake? {
        newRound()
        inputOpen = false
        demandPending = false
        guard let error else { return nil }
        return stop(error)
    }

    /// A started lead made its first request, and the unsent count came down to the armed level.
    mutating func leadSent() {
        newRound()
    }

    /// A started lead's answer came (the loop hands it on, then reports ``answerFailed(_:)`` if that threw).
    mutating func answerReceived() {
        newRound()
        precondition(outstanding > 0, "an answer with no lead outstanding")
        outstanding -= 1
    }

    /// Handing on an answer threw (the ledger cannot record): nothing new is sent; every later answer is
    /// still handed on.
    mutating func answerFailed(_ error: any Error) -> HaltIntake? {
        stop(error)
    }

    /// The run stopped (401, refused TLS handshake, hard stop).
    mutating func stopRequested() -> HaltIntake? {
        newRound()
        stoppedByRun = true
        return stop(nil)
    }

    /// A graceful stop: started leads run to their answer, nothing new starts. The work ends with
    /// ``inputEnded(_:)`` once the puller sees the finished demand; rows it marks meanwhile are answered
    /// not-submitted.
    mutating func drainRequested() -> HaltIntake {
        newRound()
        drained = true
        return HaltIntake(haltBatch: false, cancelLeads: false)
    }

    // MARK: - Actions

    /// What to do next after an event; call again after each action until ``Action/waitForEvent`` or
    /// ``Action/finish``.
    ///
    /// - Parameters:
    ///   - concurrencyLimit: the run's concurrency limit now (the lookahead follows it).
    ///   - unsent: started leads that have not made their first request yet.
    mutating func nextAction(concurrencyLimit: Int, unsent: Int) -> Action {
        if stopping || drained {
            if let item = ready.popFirst() { return .answerNotSubmitted(item) }
        } else {
            if outstanding < maxOutstanding, let item = ready.popFirst() {
                outstanding += 1
                return .start(item)
            }
            if !demandChecked, let action = demand(concurrencyLimit: concurrencyLimit, unsent: unsent) {
                return action
            }
        }
        if !inputOpen, outstanding == 0, ready.count == 0 { return .finish }
        return .waitForEvent
    }

    /// Whether to ask for more rows: when the rows marked ahead (ready, and started but not sent) come down to
    /// half the lookahead, ask for the rest. Above it, arm a wake-up at that level and look again with the count
    /// read after arming: a send in between would not have woken the loop.
    private mutating func demand(concurrencyLimit: Int, unsent: Int) -> Action? {
        guard inputOpen, !demandPending else {
            demandChecked = true
            return nil
        }
        let wanted = armedLookahead ?? lookahead(concurrencyLimit: concurrencyLimit)
        let ahead = ready.count + unsent
        if ahead <= wanted / 2 {
            demandChecked = true
            demandPending = true
            return .requestWork(wanted - ahead)
        }
        if armedLookahead == nil {
            armedLookahead = wanted
            return .wakeWhenUnsent(atOrBelow: wanted / 2 - ready.count)
        }
        demandChecked = true
        return nil
    }

    private mutating func stop(_ error: (any Error)?) -> HaltIntake? {
        if failure == nil, let error { failure = error }
        guard !stopping else { return nil }
        stopping = true
        return HaltIntake(haltBatch: error != nil, cancelLeads: true)
    }

    private mutating func newRound() {
        demandChecked = false
        armedLookahead = nil
    }
}

/// Marked rows not yet started, first in first out.
struct ReadyQueue {
    private var items: [SubmitWork] = []
    private var head = 0

    var count: Int { items.count - head }

    mutating func append(_ more: [SubmitWork]) {
        // Drop what was taken before growing, so the storage stays about two groups long.
        if head > 0, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        items.append(contentsOf: more)
    }

    mutating func popFirst() -> SubmitWork? {
        guard head < items.count else { return nil }
        defer { head += 1 }
        return items[head]
    }
}
