import Foundation
import LeadModel
import Logging
import Testing

@testable import Pipeline
@testable import LeadLedger

/// Answers kept beside the ledger when it cannot record them: written once, recorded by the next opener
/// (or by the same process before it sends again), never while the process that wrote them lives.
@Suite struct UnrecordedAnswersTests {
    typealias F = LedgerFixture
    static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Batch 1 with rows 1...4 marked `sending`.
    private func sendingBatch(_ ledger: Ledger) throws -> String {
        try F.begin(ledger, 1)
        let batch = F.batchID(1)
        _ = try ledger.reserve((1...4).map { F.lead($0) }, batch: batch, now: F.now)
        try ledger.markSending(batch: batch, rows: [1, 2, 3, 4], idempotencyKeys: ["k1", "k2", "k3", "k4"], now: F.now)
        return batch
    }

    private func kept(_ batch: String) -> [LeadOutcomeRecord] {
        [
            LeadOutcomeRecord(
                row: 1, state: .accepted, httpStatus: 200, attempts: 1, leadID: "ld_0000abcd", bidAmount: 18.5,
                answeredAt: F.now, latencyMs: 40),
            LeadOutcomeRecord(
                row: 2, state: .rejected, httpStatus: 200, attempts: 2, reasonCode: .remoteRejected,
                reasonText: "low score for +18135550100", answeredAt: F.now),
        ]
    }

    @Test func theNextOpenerRecordsWhatAStoppedProcessKept() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let batch = try sendingBatch(ledger)
        let path: String
        do {
            let (answers, replayed) = try UnrecordedAnswers.open(beside: ledger, logger: Self.silent)
            #expect(replayed == 0)
            try answers.keep(
                batch: batch, answers: kept(batch), unsent: [StoppedRow(row: 3, attempts: 0, backToPending: true)])
            path = answers.path
            // While its process holds it, another opener leaves it alone.
            let (other, seen) = try UnrecordedAnswers.open(beside: ledger, logger: Self.silent)
            #expect(seen == 0)
            other.finish()
            #expect(try ledger.results(batch: batch).first { $0.row == 1 }?.state == .sending)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!text.contains("+18135550100"), "the file holds no phone")
        }
        // The writer is gone (its lock with it): the next opener records and removes the file.
        #expect(FileManager.default.fileExists(atPath: path))
        let (next, replayed) = try UnrecordedAnswers.open(beside: ledger, logger: Self.silent)
        defer { next.finish() }
        #expect(replayed == 2)
        #expect(!FileManager.default.fileExists(atPath: path))
        let rows = Dictionary(uniqueKeysWithValues: try ledger.results(batch: batch).map { ($0.row, $0) })
        #expect(rows[1]?.state == .accepted && rows[1]?.leadID == "ld_0000abcd" && rows[1]?.bidAmount == 18.5)
        #expect(rows[2]?.state == .rejected)
        #expect(rows[3]?.state == .pending, "a row that never went out goes back to pending")
        #expect(rows[4]?.state == .sending, "a row the file does not name stays as it was")
    }

    @Test func theSameProcessRecordsWhatItKeptBeforeItSendsAgain() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let batch = try sendingBatch(ledger)
        let (answers, _) = try UnrecordedAnswers.open(beside: ledger, logger: Self.silent)
        try answers.keep(batch: batch, answers: kept(batch), unsent: [])
        try answers.recordKept(into: ledger, logger: Self.silent)
        #expect(try ledger.results(batch: batch).first { $0.row == 1 }?.state == .accepted)
        // Recorded once: the file is empty again, and goes at the end.
        try answers.recordKept(into: ledger, logger: Self.silent)
        let path = answers.path
        answers.finish()
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
