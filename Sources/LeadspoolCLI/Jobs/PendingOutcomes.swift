import Pipeline
import Synchronization

/// The answers of a batch not yet in the ledger: written when `RunJob.recordGroup` of them wait, and by
/// a timer once the oldest has waited `RunJob.recordDelay`. An answer held in memory is lost to a crash
/// and the lead re-sent by the next run, so answers must not wait for the next one: during a 5xx back-off
/// or a 429 pause no other answer may come for a minute.
///
/// Writes happen under the lock, so the answering task and the timer never write at once. A write that
/// fails keeps its answers for the final `flush()` and fails the next `append` or `flush` with its error.
final class PendingOutcomes: Sendable {
    private struct State {
        var buffered: [LeadOutcomeRecord] = []
        /// When the oldest buffered answer arrived.
        var oldest: ContinuousClock.Instant?
        var failure: LedgerError?
    }

    private let ledger: Ledger
    private let batch: String
    private let group: Int
    private let delay: Duration
    private let state = Mutex(State())

    init(ledger: Ledger, batch: String, group: Int = RunJob.recordGroup, delay: Duration = RunJob.recordDelay) {
        self.ledger = ledger
        self.batch = batch
        self.group = group
        self.delay = delay
    }

    /// Buffers `outcome`; writes the buffer when it holds a group.
    func append(_ outcome: LeadOutcomeRecord) throws(LedgerError) {
        try state.withLock { (state: inout State) throws(LedgerError) in
            if let failure = state.failure { throw failure }
            if state.buffered.isEmpty { state.oldest = .now }
            state.buffered.append(outcome)
            if state.buffered.count >= group { try write(&state) }
        }
    }

    /// Writes every buffered answer.
    func flush() throws(LedgerError) {
        try state.withLock { (state: inout State) throws(LedgerError) in
            try write(&state)
            if let failure = state.failure { throw failure }
        }
    }

    /// Writes the buffer whenever its oldest answer has waited `delay`, until the task is cancelled.
    func flushOnTime() async {
        while !Task.isCancelled {
            let due = state.withLock { state in state.oldest.map { $0 + delay } }
            do {
                if let due {
                    try await Task.sleep(until: due, clock: .continuous)
                } else {
                    try await Task.sleep(for: delay)
                }
            } catch {
                return
            }
            state.withLock { (state: inout State) in
                guard let oldest = state.oldest, ContinuousClock.now - oldest >= delay else { return }
                try? write(&state)
            }
        }
    }

    private func write(_ state: inout State) throws(LedgerError) {
        guard !state.buffered.isEmpty else { return }
        do {
            try ledger.record(state.buffered, batch: batch)
        } catch {
            state.failure = error
            throw error
        }
        state.buffered.removeAll(keepingCapacity: true)
        state.oldest = nil
        state.failure = nil
    }
}
