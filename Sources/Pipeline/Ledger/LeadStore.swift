package import Foundation

/// What the batch run asks of the store that keeps every lead's fate: the contract a second store (say
/// PostgreSQL, for several hosts on one spool) must keep so that the run needs no change. `Ledger` (SQLite)
/// is the one implementation today.
///
/// ## The life of a row
/// A batch is a claimed file, named by the SHA-256 of its bytes (`batch`), and its rows by their number in
/// the file (`row`, from 1). Each row of a batch has at most one stored state:
///
///     pending → sending → accepted | rejected | failed | unknown
///     (before sending)  → invalid | duplicate
///
/// The store holds no PII: a lead is known by keyed hashes of its phone and email (`LedgerLead`), never by
/// the values, so reports re-read the batch file for names and numbers (the run's second pass).
///
/// ## What must hold, whatever the store
/// - **Durability before the wire.** `markSending` returns only once the marks are durable (synced): a
///   crash after a POST left can never make the store forget that the row may have reached the API.
/// - **One owner per key.** Between `reserve` and the row's final state, its phone and email keys belong to
///   that row alone: a second lead with either key, in any batch, on any host, is a duplicate of it. Within
///   the dedupe window (`Ledger.Configuration.dedupeDays`, per vertical) an answered lead keeps its keys.
/// - **Idempotent resumption.** Reserving the rows of a batch again (a restart after a crash) gives each row
///   the answer of its stored state (`alreadyDone`, `wasSending`) and never a second reservation.
/// - **Atomic groups.** Each call that takes a list (`reserve`, `markSending`, `record`, `recordLocal`,
///   `settleStopped`) stores all of it or nothing.
/// - **The store's own upkeep is not the run's.** Opening, closing, checkpoints, backups and cache memory
///   belong to the concrete store; the run is handed a store that is open and works through these verbs only.
/// - **One runner per batch.** `leaseBatch` hands out at most one live lease per batch across processes;
///   the lease ends with the process that holds it.
package protocol LeadStore: AnyObject, Sendable {
    // MARK: Batches

    /// Starts (or resumes) the batch `id`: the status says whether it is new.
    func beginBatch(
        id: String, name: String, fileName: String, publisher: String, claimedAt: Date
    ) throws(LedgerError) -> BatchStatus

    /// The only runner of batch `id` until the lease is released (or its process ends); `nil` when another
    /// process holds it.
    func leaseBatch(id: String) throws(LedgerError) -> BatchLease?

    /// The stored batch `id` (its counts and figures so far), or `nil` when the store never saw it.
    func batchStatus(id: String) throws(LedgerError) -> BatchStatus?

    /// Ends the batch with its final counts.
    func finishBatch(id: String, counts: BatchCounts, finishedAt: Date) throws(LedgerError)

    /// Replaces a finished batch's counts (after a retry changed some of its rows).
    func updateCounts(batch: String, counts: BatchCounts) throws(LedgerError)

    /// Stores the batch's figures for the roll-ups (revenue, stage times).
    func addFigures(_ figures: BatchFigures, batch id: String) throws(LedgerError)

    // MARK: Rows, in the order the run uses them

    /// Takes the dedupe keys of each lead for `batch`, in order: `owned` (send it), `duplicate(of:)` (another
    /// lead holds a key), or, for a resumed batch, the stored fate (`alreadyDone`, `wasSending`). A lead
    /// that repeats a key of an earlier lead in the same call is a duplicate of that one.
    func reserve(_ leads: [LedgerLead], batch: String, now: Date) throws(LedgerError) -> [ReserveResult]

    /// What `reserve` would answer, taking nothing (`check`).
    func dedupeCheck(_ leads: [LedgerLead], now: Date) throws(LedgerError) -> [ReserveResult]

    /// Moves `rows` from `pending` to `sending` with their idempotency keys, durably, before their first POST.
    func markSending(batch: String, rows: [Int], idempotencyKeys: [String], now: Date) throws(LedgerError)

    /// Stores the API's answers (a final state each). A row answered and recorded is never sent again.
    func record(_ outcomes: [LeadOutcomeRecord], batch: String) throws(LedgerError)

    /// Stores the outcomes decided before sending (`invalid`, `duplicate`) for rows that were never reserved.
    func recordLocal(_ rows: [LocalOutcomeRecord], batch: String, now: Date) throws(LedgerError)

    /// Settles the rows a stopped batch did not send (`pending` again, or `failed` with the reason), so that
    /// their keys are free or held as the reason says.
    func settleStopped(batch: String, rows: [StoppedRow]) throws(LedgerError)

    /// Every stored row of the batch, in row order (the report's second pass).
    func forEachResult(batch: String, _ body: (StoredLeadResult) throws -> Void) throws(LedgerError)

    // MARK: Retry

    /// The batches `text` names, newest first: a batch's name, the name of the file it was uploaded as, or a
    /// prefix of its id (hex digits). `retry --batch` refuses a text that names several.
    func batches(matching text: String) throws(LedgerError) -> [BatchStatus]

    /// Batches with rows in `states`, newest first.
    func retryBatches(states: Set<LeadState>, since: Date?, batch: String?) throws(LedgerError) -> [RetryBatch]

    /// The rows of `batch` in `states`, with their state.
    func retryRows(batch: String, states: Set<LeadState>) throws(LedgerError) -> [Int: LeadState]

    /// Takes rows back for a retry if they are still in the `expected` state (a compare-and-set per row).
    func reclaim(
        _ leads: [LedgerLead], batch: String, expected: [Int: LeadState], now: Date
    ) throws(LedgerError) -> [RetryClaim]

    /// Puts rows a retry could not send back to the final state they had.
    func restoreUnsent(batch: String, previous: [Int: LeadState]) throws(LedgerError)
}

extension Ledger: LeadStore {}
