import Foundation
import Ingest
import LeadLedger
import LeadModel
import Logging
package import Submission
import Synchronization
import Validation

/// Pass 1 of a batch as the submitter's work: reads the file, validates and dedupes each record,
/// settles the rows that are not sent (`recordLocal`), reserves the leads in the ledger a group at a
/// time, and yields the leads to send.
///
/// With `redrive` (`leadspool retry`) only those rows of the file are settled, taken back from the ledger
/// (`Ledger.reclaim`) and sent, with the `Idempotency-Key` stored for them; every record is still read,
/// validated and deduplicated within the batch, so each row comes out as it did in the run.
///
/// Reading is pulled by the submitter (it asks for the next lead only when it has room), so the file
/// is never read far ahead of the network and memory stays flat.
///
/// Only the submitter's intake task iterates it, one call at a time: that is why the unchecked
/// `Sendable` is sound. The ledger calls block that task for one transaction per group.
final class SendFeed: AsyncSequence, @unchecked Sendable {
    typealias Element = SubmitWork

    struct AsyncIterator: AsyncIteratorProtocol {
        let feed: SendFeed
        mutating func next() async throws -> SubmitWork? { try feed.nextWork() }
    }

    /// Records read, validated and reserved per ledger call. Reserving writes every dedupe key to a random
    /// page of the ledger's B-tree, so a commit costs about one page per key until the keys of one call
    /// outnumber the table's pages: 4 096 rows per call (about 4 MB of leads held) took the ledger from 33k
    /// to 50k leads per CPU-second on a fresh ledger (no change with 10 M keys). The rows stay `pending`
    /// until marked, so a crash leaves nothing ambiguous however many are reserved.
    static let groupSize = 4096

    private var reader: any RecordReader
    private let validator: Validator
    private var deduper = BatchDeduper()
    /// The file's (decompressed) size, to size the deduper after the first group; 0 when unknown.
    private let contentBytes: Int
    private var deduperSized = false
    private let ledger: any LeadStore
    private let batchID: String
    private let ambiguous: SubmitConfiguration.AmbiguousPolicy
    /// Rows to re-drive with the state each was read in; `nil` for the whole file.
    private let redrive: [Int: LeadState]?
    private var ready: [SubmitWork] = []
    private var readyHead = 0
    private var finished = false
    /// Rows re-sent after an interruption whose stored `Idempotency-Key` differs from the derived one.
    private let keyOverrides = Mutex<[Int: String]>([:])
    /// What pass 1 did, for the log and the exit code.
    private(set) var figures = Figures()
    /// Called after each group with the rows and (decompressed) bytes read so far, and how many of
    /// the rows go to the API (progress line).
    var onGroupRead: ((_ rows: Int, _ bytes: Int, _ toSend: Int) -> Void)?
    /// Asked before each group and every `changeCheckInterval` leads handed out: why the batch's claimed
    /// file no longer holds the content being read (`nil` while it does). An answer ends the intake: the
    /// leads handed out run to their answer, nothing more is sent, and ``settleUnsent()`` settles the rest.
    var changeCheck: (() -> String?)?
    static let changeCheckInterval = 64
    /// Why ``changeCheck`` ended the intake.
    private(set) var changed: String?
    /// Where answers go that the ledger cannot record (see ``UnrecordedAnswers``).
    var unrecorded: UnrecordedAnswers?
    /// Rows found `sending` (an interrupted run) and handed out again.
    private var resentRows: Set<Int> = []

    struct Figures {
        var rows = 0
        var toSend = 0
        var resent = 0
        var held = 0
        var alreadyDone = 0
        var ledgerDuplicates = 0
        var local = 0
    }

    init(
        reader: any RecordReader, validator: Validator, ledger: any LeadStore, batchID: String,
        ambiguous: SubmitConfiguration.AmbiguousPolicy, redrive: [Int: LeadState]? = nil, contentBytes: Int = 0
    ) {
        self.reader = reader
        self.contentBytes = contentBytes
        self.validator = validator
        self.ledger = ledger
        self.batchID = batchID
        self.ambiguous = ambiguous
        self.redrive = redrive
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(feed: self) }

    /// The in-batch deduper of the rows read so far, for the reports' pass to replay
    /// (`BatchDeduper.rewind()`) rather than build a second one; the feed keeps an empty one.
    func takeDeduper() -> BatchDeduper {
        var taken = BatchDeduper()
        swap(&taken, &deduper)
        return taken
    }

    /// `<first 16 hex of the batch id>-<row>`: the same on every attempt and in every later run.
    static func idempotencyKey(batchID: String, row: Int) -> String { "\(batchID.prefix(16))-\(row)" }

    /// The key a row is sent with (the stored one for a row re-sent after an interruption).
    func idempotencyKey(row: Int) -> String {
        keyOverrides.withLock { $0[row] } ?? Self.idempotencyKey(batchID: batchID, row: row)
    }

    private func nextWork() throws -> SubmitWork? {
        if changed == nil, let changeCheck, readyHead % Self.changeCheckInterval == 0, let change = changeCheck() {
            changed = change
            finished = true
        }
        if changed != nil { return nil }
        while readyHead == ready.count {
            if finished { return nil }
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
            try fillGroup()
        }
        defer { readyHead += 1 }
        return ready[readyHead]
    }

    /// Reads up to one group of records and turns them into work (or settled rows).
    private func fillGroup() throws {
        defer { onGroupRead?(figures.rows, reader.bytesRead, figures.toSend + figures.resent) }
        var local: [LocalOutcomeRecord] = []
        var leads: [LedgerLead] = []
        var leadWork: [SubmitWork] = []
        while leads.count + local.count < Self.groupSize {
            guard let record = try reader.next() else {
                finished = true
                break
            }
            figures.rows += 1
            var checked = validator.check(record)
            deduper.check(&checked)
            if let redrive, redrive[checked.row] == nil { continue }
            if let lead = checked.lead, checked.problems.isEmpty {
                leads.append(
                    LedgerLead(row: checked.row, vertical: lead.vertical, phone: lead.phone, email: lead.email))
                leadWork.append(
                    SubmitWork(
                        row: checked.row, lead: lead,
                        idempotencyKey: Self.idempotencyKey(batchID: batchID, row: checked.row)))
            } else {
                local.append(Self.localRecord(checked))
            }
        }
        let now = Date()
        figures.local += local.count
        try ledger.recordLocal(local, batch: batchID, now: now)
        if !deduperSized {
            deduperSized = true
            sizeDeduper()
        }
        guard !leads.isEmpty else { return }
        let answers = try redrive == nil ? ledger.reserve(leads, batch: batchID, now: now) : reclaim(leads, now: now)
        var held: [LeadOutcomeRecord] = []
        for (work, answer) in zip(leadWork, answers) {
            switch answer {
            case .owned:
                figures.toSend += 1
                var owned = work
                if let redrive {
                    owned.idempotencyKey = idempotencyKey(row: work.row)
                    // A lead left unknown or failed (or sending) by an earlier pass may have reached the API.
                    owned.mayHaveBeenSent = redrive[work.row].map { $0 != .pending } ?? false
                }
                ready.append(owned)
            case .duplicate:
                // `reserve` stored the row as a duplicate naming the holder; nothing to send.
                figures.ledgerDuplicates += 1
            case .alreadyDone:
                figures.alreadyDone += 1
            case .wasSending(let storedKey):
                switch ambiguous {
                case .retry:
                    figures.resent += 1
                    var again = work
                    again.mayHaveBeenSent = true
                    resentRows.insert(work.row)
                    if let storedKey, storedKey != work.idempotencyKey {
                        again.idempotencyKey = storedKey
                        keyOverrides.withLock { $0[work.row] = storedKey }
                    }
                    ready.append(again)
                case .hold:
                    figures.held += 1
                    let answer = SubmitAnswer.heldAfterInterruption(row: work.row)
                    held.append(LeadOutcomeRecord(answer, answeredAt: now))
                }
            }
        }
        try ledger.record(held, batch: batchID)
    }

    /// After ``changeCheck`` ended the intake: the rows not handed out, and every record not read yet, get
    /// their final state without being sent: leads `failed` / `BATCH_CHANGED` (a lead found `sending` from
    /// an interrupted run is held `unknown`, as it may have reached the API), the others as always.
    func settleUnsent() throws {
        guard changed != nil else { return }
        let problem = Problem(
            .batchChanged, field: nil, value: nil,
            text: "not sent: the file was changed while its batch was being processed")
        var unsent: [LocalOutcomeRecord] = []
        var held: [LeadOutcomeRecord] = []
        let now = Date()
        func settle(_ row: Int, _ vertical: Vertical?) {
            if resentRows.contains(row) {
                held.append(LeadOutcomeRecord(SubmitAnswer.heldAfterInterruption(row: row), answeredAt: now))
            } else {
                unsent.append(LocalOutcomeRecord(row: row, vertical: vertical, state: .failed, problems: [problem]))
            }
        }
        func flush() throws {
            try ledger.recordLocal(unsent, batch: batchID, now: now)
            try ledger.record(held, batch: batchID)
            unsent.removeAll(keepingCapacity: true)
            held.removeAll(keepingCapacity: true)
        }
        for work in ready[readyHead...] { settle(work.row, work.lead.vertical) }
        ready.removeAll()
        readyHead = 0
        while let record = try reader.next() {
            figures.rows += 1
            var checked = validator.check(record)
            deduper.check(&checked)
            if let redrive, redrive[checked.row] == nil { continue }
            if let lead = checked.lead, checked.problems.isEmpty {
                settle(checked.row, lead.vertical)
            } else {
                unsent.append(Self.localRecord(checked))
            }
            if unsent.count + held.count >= Self.groupSize { try flush() }
        }
        try flush()
    }

    /// The ledger's record of a row settled without sending (invalid, or a duplicate in the batch).
    private static func localRecord(_ checked: CheckedRecord) -> LocalOutcomeRecord {
        LocalOutcomeRecord(
            row: checked.row, vertical: checked.vertical,
            state: checked.localResult().outcome == .duplicate ? .duplicate : .invalid, problems: checked.problems)
    }

    /// Sizes the deduper once for the leads the whole file should hold, going by the first group, so
    /// it does not grow by half several times (each growth leaves the old shards to the allocator,
    /// which keeps them); 10 % more leaves room for rows longer at the start than on average.
    private func sizeDeduper() {
        let bytes = reader.bytesRead
        guard contentBytes > bytes, bytes > 0 else { return }
        let leads = Double(deduper.keyCount / 2) * Double(contentBytes) / Double(bytes) * 1.1
        deduper.reserve(leads: Int(leads.rounded(.up)))
    }

    /// `Ledger.reclaim` as `reserve` answers: a row re-driven keeps the key it was first sent with.
    private func reclaim(_ leads: [LedgerLead], now: Date) throws(LedgerError) -> [ReserveResult] {
        let claims = try ledger.reclaim(leads, batch: batchID, expected: redrive ?? [:], now: now)
        return zip(leads, claims).map { lead, claim in
            switch claim {
            case .owned(let storedKey):
                if let storedKey, storedKey != Self.idempotencyKey(batchID: batchID, row: lead.row) {
                    keyOverrides.withLock { $0[lead.row] = storedKey }
                }
                return .owned
            case .duplicate(let holder): return .duplicate(of: holder)
            case .settled(let state): return .alreadyDone(state)
            }
        }
    }
}

extension SendFeed {
    /// Sends what the feed yields through `submitter` and records each answer in the ledger (in groups);
    /// on a stop, keeps what was answered and puts the leads that never left back to `pending`.
    ///
    /// - Throws: `SendFailure` with what was done before the stop.
    func send(
        with submitter: Submitter<ContinuousClock>, observer: (any BatchObserver)? = nil, logger: Logger
    ) async throws -> SendFigures {
        let ledger = self.ledger
        let batchID = self.batchID
        var sent = SendFigures()
        let pending = PendingOutcomes(ledger: ledger, batch: batchID)
        let timer = Task { await pending.flushOnTime() }
        defer { timer.cancel() }
        func settleStop() throws {
            // Leads the API never took (never sent, or answered only 429 or 401) go back to `pending`; the
            // rest stay `sending`, ambiguous. Both keep count of the requests they made.
            let stopped = sent.unsettled.values.sorted { $0.row < $1.row }.map { answer in
                StoppedRow(
                    row: answer.row, attempts: answer.attempts,
                    backToPending: !answer.mayHaveReachedAPI || answer.reasonCode == .authFailed)
            }
            do {
                try pending.flush()
                try ledger.settleStopped(batch: batchID, rows: stopped)
            } catch {
                // The ledger cannot record (a full disk): the answers go beside it, for the next run to record
                // before it sends anything, so no lead whose answer came is sent again.
                throw keep(pending.takeBuffered(), stopped, ledgerError: error, logger: logger)
            }
        }
        do {
            try await submitter.run(
                self,
                markSending: { rows in
                    try ledger.markSending(
                        batch: batchID, rows: rows, idempotencyKeys: rows.map(self.idempotencyKey(row:)), now: Date())
                },
                onAnswer: { answer in
                    // A lead without an outcome (401 stop) and the lead that got the 401 have no final
                    // state: the ones that never reached the API go back to `pending`, the ones cut off
                    // in flight stay `sending` (ambiguous); the next run sends them with the same key.
                    guard answer.outcome != nil, answer.reasonCode != .authFailed else {
                        sent.unsettled[answer.row] = answer
                        return
                    }
                    sent.answered += 1
                    observer?.answered(answer)
                    // The API stayed unavailable for this lead: 5xx, no answer, or 429 until the waits ran out.
                    if [.serverErrorExhausted, .networkErrorExhausted, .rateLimitExhausted].contains(answer.reasonCode) {
                        sent.exhausted += 1
                    }
                    try pending.append(LeadOutcomeRecord(answer, answeredAt: Date()))
                })
        } catch {
            // Keep what was answered before the stop.
            do { try settleStop() } catch { throw SendFailure(error: error, figures: sent) }
            throw SendFailure(error: error, figures: sent)
        }
        try settleStop()
        if changed != nil {
            do { try settleUnsent() } catch { throw SendFailure(error: error, figures: sent) }
        }
        let done = figures
        (sent.resent, sent.held) = (done.resent, done.held)
        logger.debug(
            "batch sent",
            metadata: [
                "batch.rows": "\(done.rows)", "batch.to_send": "\(done.toSend)", "batch.resent": "\(done.resent)",
                "batch.held": "\(done.held)", "batch.already_done": "\(done.alreadyDone)",
                "batch.ledger_duplicates": "\(done.ledgerDuplicates)",
            ])
        return sent
    }
}

/// Answers the ledger could not record, and where they went instead.
struct AnswersKept: Error, CustomStringConvertible {
    var ledgerError: any Error
    var answers: Int
    /// The file they are kept in, or `nil` when that write failed too (then they were logged).
    var path: String?

    var description: String {
        if let path {
            return "the ledger could not record \(answers) answers (\(ledgerError)); they are kept in \(path) and "
                + "recorded by the next run before it sends anything"
        }
        return "the ledger could not record \(answers) answers (\(ledgerError)), nor could they be kept beside it: "
            + "the log lists them; the next run treats their leads as interrupted (api.ambiguous)"
    }
}

extension SendFeed {
    /// Keeps what the ledger could not record in ``unrecorded`` (or, failing that, in the log: rows, states
    /// and the API's lead ids, no PII); answers the error that stops the batch.
    fileprivate func keep(
        _ answers: [LeadOutcomeRecord], _ stopped: [StoppedRow], ledgerError: any Error, logger: Logger
    ) -> AnswersKept {
        var kept = AnswersKept(ledgerError: ledgerError, answers: answers.count, path: nil)
        if let unrecorded {
            do {
                try unrecorded.keep(batch: batchID, answers: answers, unsent: stopped)
                kept.path = unrecorded.path
                logger.error(
                    "the ledger cannot record answers: kept beside it",
                    metadata: ["ledger.unrecorded": "\(unrecorded.path)", "batch.answers": "\(answers.count)"])
                return kept
            } catch {
                logger.error("cannot keep unrecorded answers: \(error)")
            }
        }
        for answer in answers {
            logger.critical(
                "answer not recorded",
                metadata: [
                    "lead.idempotency_key": "\(idempotencyKey(row: answer.row))",
                    "lead.state": "\(answer.state.rawValue)",
                    "lead.id": "\(answer.leadID ?? "")", "http.status": "\(answer.httpStatus.map(String.init) ?? "")",
                ])
        }
        return kept
    }
}

extension LeadOutcomeRecord {
    /// The ledger's record of a settled answer (`answer.outcome` must not be `nil`).
    init(_ answer: SubmitAnswer, answeredAt: Date) {
        let problem = answer.problems.first
        self.init(
            row: answer.row, state: answer.outcome.flatMap(LeadState.init) ?? .unknown, httpStatus: answer.httpStatus,
            attempts: answer.attempts, leadID: answer.leadID, bidAmount: answer.bid, reasonCode: problem?.code,
            reasonText: problem?.text, submittedAt: nil, answeredAt: answeredAt, latencyMs: answer.latencyMs,
            remoteReason: answer.remoteReason)
    }
}

/// What pass 1 of a batch did, for its summary and exit code.
package struct SendFigures: Sendable {
    package init() {}

    /// Leads given a final answer by the API (or the retry policy) in this run.
    package var answered = 0
    /// Of those, the ones that ran out of retries on 5xx or network failures.
    package var exhausted = 0
    /// Leads found `sending` (cut off by an earlier run's crash or stop): sent again, or held.
    package var resent = 0
    package var held = 0
    package var unsettled: [Int: SubmitAnswer] = [:]
}

/// An error that stopped pass 1, with what was done before it.
struct SendFailure: Error {
    var error: any Error
    var figures: SendFigures
}
