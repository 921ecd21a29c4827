import Testing

@testable import Submission

private struct BatchError: Error, Equatable {
    var name: String
}

/// Every event of one batch's submit loop and the actions it leads to: no tasks, no streams, no clock.
@Suite("BatchStateMachine")
struct BatchStateMachineTests {
    /// The actions after one event, up to (and without) the wait for the next; `unsent` is read at each step.
    private func actions(
        _ machine: inout BatchStateMachine, limit: Int = 4, unsent: () -> Int = { 0 }
    ) -> [BatchStateMachine.Action] {
        var actions: [BatchStateMachine.Action] = []
        while true {
            let action = machine.nextAction(concurrencyLimit: limit, unsent: unsent())
            if action == .waitForEvent { return actions }
            actions.append(action)
            if action == .finish { return actions }
        }
    }

    private func rows(_ actions: [BatchStateMachine.Action]) -> (started: [Int], unsent: [Int]) {
        var started: [Int] = []
        var unsent: [Int] = []
        for action in actions {
            if case .start(let item) = action { started.append(item.row) }
            if case .answerNotSubmitted(let item) = action { unsent.append(item.row) }
        }
        return (started, unsent)
    }

    private func name(_ ending: BatchStateMachine.Ending) -> String {
        switch ending {
        case .completed: return "completed"
        case .failed(let error): return "failed: \((error as? BatchError)?.name ?? "\(error)")"
        case .stoppedByRun: return "stoppedByRun"
        case .drained: return "drained"
        }
    }

    /// Twice the concurrency limit, at least 8, at most the mark batch size.
    @Test(arguments: [(1, 64, 8), (4, 64, 8), (20, 64, 40), (100, 64, 64), (100, 16, 16)])
    func theLookaheadFollowsTheConcurrencyLimit(limit: Int, markBatchSize: Int, expected: Int) {
        let machine = BatchStateMachine(maxInFlight: 100, markBatchSize: markBatchSize)
        #expect(machine.initialDemand(concurrencyLimit: limit) == expected)
    }

    @Test func markedRowsAreStartedAndMoreAskedForAtHalfTheLookahead() {
        var machine = BatchStateMachine(maxInFlight: 8, markBatchSize: 64)
        #expect(machine.initialDemand(concurrencyLimit: 4) == 8)
        machine.workMarked(SubmitFixtures.work(1...8))
        // All 8 start; with 8 started and none sent, the rows ahead (8) are above half the lookahead (4):
        // arm a wake-up at 4 unsent, look again, and wait.
        let first = actions(&machine, unsent: { 8 })
        #expect(rows(first).started == Array(1...8))
        #expect(first.last == .wakeWhenUnsent(atOrBelow: 4))
        // Four went out: the loop is woken and asks for the rest of the lookahead.
        machine.leadSent()
        #expect(actions(&machine, unsent: { 4 }) == [.requestWork(4)])
        // Until those come, no more is asked for.
        machine.leadSent()
        #expect(actions(&machine, unsent: { 0 }) == [])
        machine.workMarked(SubmitFixtures.work(9...12))
        #expect(rows(actions(&machine, unsent: { 4 })).started == [9, 10, 11, 12])
    }

    /// A send between arming the wake-up and looking again would wake nobody: the second look asks at once.
    @Test func aSendWhileArmingIsSeenByTheSecondLook() {
        var machine = BatchStateMachine(maxInFlight: 8, markBatchSize: 64)
        machine.workMarked(SubmitFixtures.work(1...6))
        // Six starts and the first look read 6 unsent; by the second look three went out.
        var reads = 0
        let actions = actions(&machine) {
            reads += 1
            return reads <= 7 ? 6 : 3
        }
        #expect(actions.suffix(2) == [.wakeWhenUnsent(atOrBelow: 4), .requestWork(5)])
    }

    /// Rows ahead of the concurrency limit wait in the queue and count for the lookahead.
    @Test func atMostTwiceMaxInFlightLeadsAreOutstanding() {
        var machine = BatchStateMachine(maxInFlight: 2, markBatchSize: 4)
        #expect(machine.maxOutstanding == 4)
        machine.workMarked(SubmitFixtures.work(1...6))
        let first = actions(&machine, unsent: { 4 })
        #expect(rows(first).started == [1, 2, 3, 4])
        #expect(machine.readyCount == 2)
        #expect(first.last == .wakeWhenUnsent(atOrBelow: 0), "2 ready and 4 unsent rows are above half the lookahead")
        machine.answerReceived()
        #expect(actions(&machine) == [.start(SubmitFixtures.work(5...5)[0]), .requestWork(3)])
        #expect(machine.outstanding == 4)
    }

    @Test func theBatchFinishesWhenTheWorkEndedAndEveryLeadIsAnswered() {
        var machine = BatchStateMachine(maxInFlight: 8, markBatchSize: 8)
        machine.workMarked(SubmitFixtures.work(1...2))
        #expect(rows(actions(&machine)).started == [1, 2])
        #expect(machine.inputEnded(nil) == nil)
        #expect(actions(&machine) == [])
        machine.answerReceived()
        #expect(actions(&machine) == [])
        machine.answerReceived()
        #expect(actions(&machine) == [.finish])
        #expect(name(machine.ending) == "completed")
    }

    @Test func anEmptyWorkFinishesAtOnce() {
        var machine = BatchStateMachine(maxInFlight: 8, markBatchSize: 8)
        #expect(machine.inputEnded(nil) == nil)
        #expect(actions(&machine) == [.finish])
    }

    /// An error of the work halts the batch: marked rows not started are answered not-submitted, started
    /// leads still bring their answers, the error is what the batch ends with.
    @Test func anErrorOfTheWorkHaltsTheBatch() {
        var machine = BatchStateMachine(maxInFlight: 1, markBatchSize: 2)
        machine.workMarked(SubmitFixtures.work(1...4))
        #expect(rows(actions(&machine)).started == [1, 2])
        #expect(machine.inputEnded(BatchError(name: "unreadable")) == .init(haltBatch: true, cancelLeads: true))
        #expect(rows(actions(&machine)).unsent == [3, 4])
        machine.answerReceived()
        machine.answerReceived()
        #expect(actions(&machine) == [.finish])
        #expect(name(machine.ending) == "failed: unreadable")
    }

    /// The first error is the batch's; a consumer that fails after a stop of the run keeps the stop's halt.
    @Test func anAnswerThatCannotBeRecordedHaltsTheBatchOnce() {
        var machine = BatchStateMachine(maxInFlight: 4, markBatchSize: 8)
        machine.workMarked(SubmitFixtures.work(1...2))
        _ = actions(&machine)
        machine.answerReceived()
        #expect(machine.answerFailed(BatchError(name: "disk full")) == .init(haltBatch: true, cancelLeads: true))
        machine.answerReceived()
        #expect(machine.answerFailed(BatchError(name: "still full")) == nil)
        #expect(machine.stopRequested() == nil)
        _ = machine.inputEnded(nil)
        #expect(actions(&machine) == [.finish])
        #expect(name(machine.ending) == "failed: disk full")

        var stopped = BatchStateMachine(maxInFlight: 4, markBatchSize: 8)
        #expect(stopped.stopRequested() == .init(haltBatch: false, cancelLeads: true))
        #expect(stopped.answerFailed(BatchError(name: "late")) == nil, "already stopped: no batch halt")
    }

    /// 401, refused TLS or a hard stop: nothing new starts, rows marked and not started are answered
    /// not-submitted, started leads are cancelled (those on the wire may run on) and bring their answers.
    @Test func aStopOfTheRunStartsNothingMore() {
        var machine = BatchStateMachine(maxInFlight: 1, markBatchSize: 2)
        machine.workMarked(SubmitFixtures.work(1...3))
        #expect(rows(actions(&machine)).started == [1, 2])
        #expect(machine.stopRequested() == .init(haltBatch: false, cancelLeads: true))
        #expect(rows(actions(&machine)).unsent == [3])
        machine.workMarked(SubmitFixtures.work(4...4))
        #expect(rows(actions(&machine)).unsent == [4], "rows the puller marked meanwhile")
        machine.answerReceived()
        machine.answerReceived()
        #expect(machine.inputEnded(nil) == nil)
        #expect(actions(&machine) == [.finish])
        #expect(name(machine.ending) == "stoppedByRun")
    }

    /// A drain finishes the intake without cancelling: started leads go on to their answer.
    @Test func aDrainLetsStartedLeadsFinish() {
        var machine = BatchStateMachine(maxInFlight: 1, markBatchSize: 2)
        machine.workMarked(SubmitFixtures.work(1...3))
        #expect(rows(actions(&machine)).started == [1, 2])
        #expect(machine.drainRequested() == .init(haltBatch: false, cancelLeads: false))
        #expect(rows(actions(&machine)).unsent == [3])
        machine.answerReceived()
        #expect(actions(&machine) == [])
        #expect(machine.inputEnded(nil) == nil)
        machine.answerReceived()
        #expect(actions(&machine) == [.finish])
        #expect(name(machine.ending) == "drained")
    }
}
