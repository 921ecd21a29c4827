import Export
import Foundation
import Ingest
import LeadLedger
import LeadModel
import Submission
import Validation

/// Pass 2 of a batch: re-reads the file in input order and writes one result per record, merging
/// what the ledger stored for the row (its sent outcome) with the record re-validated (the
/// normalised values and the local problems' texts, which the ledger does not keep).
///
/// The validator must have the `now` of pass 1 (the batch's claim time) so local results come out
/// the same.
struct ReportPass {
    let ledger: any LeadStore
    let batchID: String
    let validator: Validator
    /// Answers of this run the ledger does not hold as final: leads a 401 stop left unsent or cut
    /// off in flight, and the lead that got the 401 itself.
    let unsettled: [Int: SubmitAnswer]
    /// Pass 1's in-batch deduper (the rows it read): replayed rather than built again, so the run never
    /// holds two tables. Taken by the first `write`.
    var firstPass: BatchDeduper? = nil
    /// One line per required field the header has no column for (see ``ColumnLines``), from the first
    /// record written; for the batch's log.
    var missingColumns: [String] = []
    var sawColumns = false

    /// Writes every row through `writer`, counting into `tally`.
    mutating func write(reader: inout any RecordReader, to writer: some ResultSink, tally: inout OutcomeTally) throws {
        var deduper = firstPass.take() ?? BatchDeduper()
        deduper.rewind()
        var lookahead: RawRecord?
        var exhausted = false
        var failure: (any Error)?

        func nextRecord() throws -> RawRecord? {
            if let record = lookahead {
                lookahead = nil
                return record
            }
            if exhausted { return nil }
            let record = try reader.next()
            if record == nil { exhausted = true }
            return record
        }
        func emit(_ raw: RawRecord, _ stored: StoredLeadResult?) throws {
            if !sawColumns {
                sawColumns = true
                missingColumns = ColumnLines.missingColumnMessages(raw.columns)
            }
            var checked = validator.check(raw)
            deduper.check(&checked)
            let result = merge(consume checked, stored)
            tally.add(result)
            try writer.add(result, raw: raw)
        }

        do {
            try ledger.forEachResult(batch: batchID) { stored in
                do {
                    while let raw = try nextRecord() {
                        if raw.row < stored.row {
                            try emit(raw, nil)
                            continue
                        }
                        if raw.row == stored.row { try emit(raw, stored) } else { lookahead = raw }
                        break
                    }
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            // The ledger wraps what the body threw; hand on the original (a report write failure).
            throw failure ?? error
        }
        while let raw = try nextRecord() { try emit(raw, nil) }
    }

    /// One row's result: the local verdict for rows that were never sendable, the ledger's outcome
    /// for the rest, and for leads without a final outcome yet (a stopped run): `pending` when they never
    /// reached the API (the next run sends them), `unknown` when they may have.
    func merge(_ checked: consuming CheckedRecord, _ stored: StoredLeadResult?) -> LeadResult {
        var result = checked.takeLocalResult()
        guard result.outcome == .valid else { return result }
        guard let stored, let outcome = stored.state.outcome else {
            if let answer = unsettled[checked.row] {
                result.apply(answer)
                // The lead the API answered 401 is sent again by the next run, like the leads never sent.
                let neverTaken = !answer.mayHaveReachedAPI || answer.reasonCode == .authFailed
                if answer.outcome == nil || neverTaken {
                    result.outcome = neverTaken ? .pending : .unknown
                    result.problems = answer.problems
                    result.attempts = answer.attempts
                    result.httpStatus = answer.httpStatus
                    result.submittedAt = answer.submittedAt
                    result.latencyMs = answer.latencyMs
                }
            } else if stored?.state == .sending {
                // Marked before a stop cut it off, or left so by an earlier run: it may have gone out.
                result.outcome = .unknown
                result.problems = [Self.mayHaveBeenSent]
            } else {
                result.outcome = .pending
                result.problems = [Self.notSubmitted]
            }
            return result
        }
        result.outcome = outcome
        result.problems = stored.problems.map { problem in
            Problem(problem.code, field: problem.field, value: nil, text: stored.reasonText ?? Self.text(problem.code))
        }
        result.httpStatus = stored.httpStatus
        result.attempts = stored.attempts
        result.leadID = stored.leadID
        result.bidAmount = stored.bidAmount
        result.submittedAt = stored.submittedAt.map { CivilTime.utcString(Int64($0.timeIntervalSince1970)) }
        result.latencyMs = stored.latencyMs
        result.remoteReason = stored.remoteReason
        return result
    }

    static let notSubmitted = Problem(
        .notSubmitted, field: nil, value: nil,
        text: "not submitted yet: the run stopped before this lead was sent; the next run sends it")
    static let mayHaveBeenSent = Problem(
        .notSubmitted, field: nil, value: nil,
        text: "the run stopped while this lead was being sent; it may have reached the API; the next run "
            + "follows api.ambiguous")

    private static func text(_ code: ReasonCode) -> String {
        switch code {
        case .duplicateInLedger: "already in the ledger"
        case .ambiguousHeld: "was being sent when an earlier run stopped; held for review"
        default: code.rawValue
        }
    }
}

extension ReportPass {
    /// Pass 2 and the summary: re-reads the original at `path` and writes every row to `writer`, the sink of
    /// the batch (the reports of a batch seen before are replaced); answers their paths and the counts. On a
    /// failure the reports written so far are abandoned and the old ones stay.
    ///
    /// - Parameter summary: the summary's inputs, given the time the results were all written.
    mutating func writeReports(
        path: String, facts: BatchFacts, readerConfiguration: ReaderConfiguration, to writer: some ResultSink,
        summary: (_ finished: ContinuousClock.Instant) -> SummaryInputs
    ) throws -> (paths: ReportPaths, tally: OutcomeTally) {
        var tally = OutcomeTally()
        do {
            var reader = try BatchFile.reader(path: path, facts: facts, configuration: readerConfiguration)
            try write(reader: &reader, to: writer, tally: &tally)
        } catch {
            writer.abandon()
            throw error
        }
        let finished = ContinuousClock.now
        return (try writer.finish(summary: summary(finished)), tally)
    }
}
