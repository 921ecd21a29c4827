package import Submission

/// How a batch ended, as the metrics count it (`leadspool_batches_total{result}`).
package enum BatchEnd: String, Sendable, CaseIterable {
    case done, stopped, quarantined, failed, busy, checked, retried
}

/// What the batch run tells whoever shows its progress (the CLI's status line and metrics). Batches are
/// observed one at a time; every method may be called from any task.
package protocol BatchObserver: Sendable {
    func batchStarted(file: String, contentBytes: Int)
    /// Rows and (decompressed) bytes read so far in the current batch, and how many of those rows go to the API.
    func read(rows: Int, bytes: Int, toSend: Int)
    /// A lead got its final answer from the API (or the retry policy).
    func answered(_ answer: SubmitAnswer)
    /// The batch's reports are written: `tally` counts every row's outcome and reason.
    func batchFinished(_ tally: OutcomeTally, result: BatchEnd)
    /// The batch ended without reports (quarantined, failed, left to another process).
    func batchEnded(result: BatchEnd)
}
