import LeadLedger
import Synchronization

/// The answers of a batch not yet in the ledger: written when `recordGroup` of them wait, and by
/// a timer once the oldest has waited `recordDelay`. An answer held in memory is lost to a crash
/// and the lead re-sent by the next run, so answers must not wait for the next one: during a 5xx back-off
/// or a 429 pause no other answer may come for a minute.
///
/// Every answer is buffered before any write is tried, and stays buffered until a write of it succeeds:
/// a failed write (the write lock held past the busy timeout, a full disk) loses nothing, and the final
/// `flush()` tries again. Writes happen under the lock, so the answering task and the timer never write at
/// once; the timer only takes the lock when it is free, so it never holds a thread waiting for a write.
final class PendingOutcomes: Sendable {
    private struct State {
        var buffered: [LeadOutcomeRecord] = []
        /// When the oldest buffered answer arrived, or when the timer's last write failed.
        var oldest: ContinuousClock.Instant?
    }

    /// Answers recorded in the ledger in groups of this many, or once the oldest has waited `recordDelay`
    /// (and at the end). An answer not yet recorded when the process dies is
    /// ambiguous to the next run, so the groups stay small; recording does not sync to disk, so they are
    /// cheap.
    static let recordGroup = 64
    static let recordDelay: Duration = .milliseconds(50)

    private let ledger: any LeadStore
    private let batch: String
    private let group: Int
    private let delay: Duration
    private let state = Mutex(State())

    init(ledger: any LeadStore, batch: String, group: Int = recordGroup, delay: Duration = recordDelay) {
        self.ledger = ledger
        self.batch = batch
        self.group = group
        self.delay = delay
    }

    /// Buffers `outcome`; writes the buffer when it holds a group.
    ///
    /// - Throws: the ledger's error when that write fails (the answers stay buffered).
    func append(_ outcome: LeadOutcomeRecord) throws(LedgerError) {
        try state.withLock { (state: inout State) throws(LedgerError) in
            if state.buffered.isEmpty { state.oldest = .now }
            state.buffered.append(outcome)
            if state.buffered.count >= group { try write(&state) }
        }
    }

    /// Writes every buffered answer.
    func flush() throws(LedgerError) {
        try state.withLock { (state: inout State) throws(LedgerError) in try write(&state) }
    }

    /// Hands over the answers not written (after a write failed for good), leaving the buffer empty.
    func takeBuffered() -> [LeadOutcomeRecord] {
        state.withLock { state in
            defer {
                state.buffered = []
                state.oldest = nil
            }
            return state.buffered
        }
    }

    /// Writes the buffer whenever its oldest answer has waited `delay`, until the task is cancelled. A write
    /// that fails is tried again `delay` later, not at once.
    func flushOnTime() async {
        while !Task.isCancelled {
            let due = state.withLockIfAvailable { state in state.oldest.map { $0 + delay } } ?? nil
            do {
                if let due {
                    try await Task.sleep(until: due, clock: .continuous)
                } else {
                    try await Task.sleep(for: delay)
                }
            } catch {
                return
            }
            _ = state.withLockIfAvailable { (state: inout State) in
                guard let oldest = state.oldest, ContinuousClock.now - oldest >= delay else { return }
                do {
                    try write(&state)
                } catch {
                    state.oldest = .now
                }
            }
        }
    }

    private func write(_ state: inout State) throws(LedgerError) {
        guard !state.buffered.isEmpty else { return }
        try ledger.record(state.buffered, batch: batch)
        state.buffered.removeAll(keepingCapacity: true)
        state.oldest = nil
    }
}
