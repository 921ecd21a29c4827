import Foundation
import LeadModel
import Testing

import Ingest
@testable import Pipeline
@testable import LeadLedger

/// `leadspool retry`'s part of the ledger: which rows it may re-drive, and taking them back for sending.
@Suite struct LedgerRetryTests {
    typealias F = LedgerFixture

    /// Batch 1, finished: row 1 accepted, row 2 failed, row 3 unknown, row 4 rejected.
    func finishedBatch(_ ledger: Ledger) throws {
        try F.begin(ledger, 1)
        for (row, state) in [(1, LeadState.accepted), (2, .failed), (3, .unknown), (4, .rejected)] {
            _ = try F.settle(ledger, batch: 1, [F.lead(row)], as: state)
        }
        try ledger.finishBatch(
            id: F.batchID(1), counts: BatchCounts(rowStates: ledger.stateCounts(batch: F.batchID(1))),
            finishedAt: F.now)
    }

    @Test func onlyFinishedBatchesWithFailedOrUnknownRowsAreSelected() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try finishedBatch(ledger)
        // Batch 2 is still processing (a run owns it); batch 3 is finished with nothing to re-drive.
        try F.begin(ledger, 2)
        _ = try F.settle(ledger, batch: 2, [F.lead(20)], as: .failed)
        try F.begin(ledger, 3)
        _ = try F.settle(ledger, batch: 3, [F.lead(30)], as: .accepted)
        try ledger.finishBatch(id: F.batchID(3), counts: BatchCounts(total: 1, accepted: 1))

        let both = try ledger.retryBatches(states: [.failed, .unknown])
        #expect(both.map(\.id) == [F.batchID(1)])
        #expect(both.first?.rows == [.failed: 1, .unknown: 1])
        #expect(both.first?.fileName == "batch1.csv")
        #expect(try ledger.retryBatches(states: [.failed]).first?.rows == [.failed: 1])
        #expect(try ledger.retryRows(batch: F.batchID(1), states: [.failed, .unknown]) == [2: .failed, 3: .unknown])
        // Definitive answers are never selected, whatever is asked.
        #expect(try ledger.retryBatches(states: [.accepted, .rejected, .invalid, .duplicate]).isEmpty)
        #expect(try ledger.retryRows(batch: F.batchID(1), states: [.accepted, .rejected]).isEmpty)
        #expect(try ledger.retryBatches(states: [.failed], since: F.now.days(1)).isEmpty)
        #expect(try ledger.retryBatches(states: [.failed], since: F.now.days(-1)).count == 1)
        #expect(try ledger.retryBatches(states: [.failed], batch: F.batchID(3)).isEmpty)
    }

    @Test func reclaimTakesBackOnlyRowsStillInTheStateRead() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try finishedBatch(ledger)
        let rows = try ledger.retryRows(batch: F.batchID(1), states: [.failed, .unknown])

        // The unknown lead still holds its own keys: that does not make it a duplicate of itself.
        let claims = try ledger.reclaim([F.lead(2), F.lead(3)], batch: F.batchID(1), expected: rows, now: F.now)
        #expect(claims == [.owned(idempotencyKey: "k-1-2"), .owned(idempotencyKey: "k-1-3")])
        #expect(try ledger.rowsInState(batch: F.batchID(1), states: [.pending]) == [2, 3])
        // A second taker (another process that read the same states) gets nothing to send.
        let again = try ledger.reclaim([F.lead(2), F.lead(3)], batch: F.batchID(1), expected: rows, now: F.now)
        #expect(again == [.settled(.pending), .settled(.pending)])
        // A row whose state is not the one read (accepted) is never taken.
        let accepted = try ledger.reclaim([F.lead(1)], batch: F.batchID(1), expected: [1: .failed], now: F.now)
        #expect(accepted == [.settled(.accepted)])
        // A reclaimed failed lead blocks its consumer again.
        try F.begin(ledger, 5)
        let other = try ledger.reserve([F.lead(50, phone: F.lead(2).phone)], batch: F.batchID(5), now: F.now)
        guard case .duplicate(let holder) = other.first else {
            Issue.record("expected a duplicate, got \(other)")
            return
        }
        #expect(holder.batch == F.batchID(1) && holder.row == 2)
    }

    @Test func aFailedLeadWhoseConsumerWasTakenSinceBecomesALedgerDuplicate() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try finishedBatch(ledger)
        // Batch 2 took row 2's phone after row 2 failed (a failed lead releases its keys).
        try F.begin(ledger, 2)
        let taken = try F.settle(
            ledger, batch: 2, [F.lead(7, phone: F.lead(2).phone, email: "someone@example.com")], as: .accepted)
        #expect(taken == [.owned])

        let rows = try ledger.retryRows(batch: F.batchID(1), states: [.failed])
        let claims = try ledger.reclaim([F.lead(2)], batch: F.batchID(1), expected: rows, now: F.now)
        guard case .duplicate(let holder) = claims.first else {
            Issue.record("expected a duplicate, got \(claims)")
            return
        }
        #expect(holder.batch == F.batchID(2) && holder.row == 7 && holder.kind == .phone)
        let stored = try #require(try ledger.results(batch: F.batchID(1)).first { $0.row == 2 })
        #expect(stored.state == .duplicate)
        #expect(stored.reasonCode == .duplicateInLedger)
        #expect(stored.reasonText == holder.text)
        // It holds nothing: its email is free for another lead.
        try F.begin(ledger, 3)
        let free = try ledger.reserve(
            [F.lead(9, phone: "+18135559999", email: F.lead(2).email)], batch: F.batchID(3), now: F.now)
        #expect(free == [.owned])
    }

    /// Two processes (two connections to one file) taking back the same rows at once: each row is owned
    /// by exactly one of them.
    @Test func concurrentReclaimsNeverBothOwnARow() async throws {
        let dir = try LedgerDirectory()
        let setup = try dir.open()
        try F.begin(setup, 1)
        let leads = (1...300).map { F.lead($0) }
        _ = try F.settle(setup, batch: 1, leads, as: .failed)
        try setup.finishBatch(id: F.batchID(1), counts: BatchCounts(total: 300, failed: 300))
        let rows = try setup.retryRows(batch: F.batchID(1), states: [.failed])
        #expect(rows.count == 300)

        let ledgers = [try dir.open(), try dir.open()]
        let owned = try await withThrowingTaskGroup(of: [Int].self) { group in
            for ledger in ledgers {
                group.addTask {
                    var mine: [Int] = []
                    for chunk in stride(from: 0, to: leads.count, by: 10) {
                        let part = Array(leads[chunk..<chunk + 10])
                        let claims = try ledger.reclaim(part, batch: F.batchID(1), expected: rows, now: F.now)
                        for (lead, claim) in zip(part, claims) {
                            if claim == .owned(idempotencyKey: "k-1-\(lead.row)") { mine.append(lead.row) }
                        }
                    }
                    return mine
                }
            }
            var all: [[Int]] = []
            for try await mine in group { all.append(mine) }
            return all
        }
        #expect(owned.flatMap { $0 }.sorted() == Array(1...300))
    }

    @Test func restoreUnsentPutsBackOnlyRowsNeverSent() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try finishedBatch(ledger)
        let rows = try ledger.retryRows(batch: F.batchID(1), states: [.failed, .unknown])
        _ = try ledger.reclaim([F.lead(2), F.lead(3)], batch: F.batchID(1), expected: rows, now: F.now)
        // Row 3 left for the API (then the run stopped); row 2 never did.
        try ledger.markSending(batch: F.batchID(1), rows: [3], idempotencyKeys: ["k-1-3"], now: F.now)
        try ledger.restoreUnsent(batch: F.batchID(1), previous: rows)
        let stored = try ledger.results(batch: F.batchID(1))
        let states = Dictionary(uniqueKeysWithValues: stored.map { ($0.row, $0.state) })
        #expect(states == [1: .accepted, 2: .failed, 3: .sending, 4: .rejected])
        // Failed again, row 2 released its keys once more.
        try F.begin(ledger, 2)
        #expect(try ledger.reserve([F.lead(8, phone: F.lead(2).phone)], batch: F.batchID(2), now: F.now) == [.owned])
        // The next retry finds the row the stopped one left in flight.
        #expect(try ledger.retryRows(batch: F.batchID(1), states: [.failed]) == [2: .failed, 3: .sending])
        #expect(try ledger.retryBatches(states: [.failed]).first?.rows == [.failed: 1, .sending: 1])
    }

    @Test func updateCountsChangesOnlyFinishedBatches() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try finishedBatch(ledger)
        let counts = BatchCounts(total: 4, accepted: 3, rejected: 1)
        try ledger.updateCounts(batch: F.batchID(1), counts: counts)
        let status = try #require(try ledger.batchStatus(id: F.batchID(1)))
        #expect(status.counts == counts)
        #expect(status.finishedAt == Date(ledgerSeconds: F.now.ledgerSeconds), "the finish time stays")
        try F.begin(ledger, 2)
        #expect(throws: LedgerError.self) { try ledger.updateCounts(batch: F.batchID(2), counts: counts) }
    }

    @Test func batchesMatchByNameOrHashPrefix() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        try F.begin(ledger, 0x12)
        let name = "20260101T000000Z-\(F.batchID(1).prefix(12))"
        #expect(try ledger.batches(matching: name).map(\.id) == [F.batchID(1)])
        #expect(try ledger.batches(matching: "0101").map(\.id) == [F.batchID(1)])
        #expect(try ledger.batches(matching: "1212").map(\.id) == [F.batchID(0x12)])
        #expect(try ledger.batches(matching: "0").map(\.id) == [F.batchID(1)])
        #expect(try ledger.batches(matching: "1").map(\.id) == [F.batchID(0x12)])
        #expect(try ledger.batches(matching: "ff").isEmpty)
        #expect(try ledger.batches(matching: "not hex").isEmpty)
    }

    @Test(arguments: [
        ("leads.csv", ["leads.csv", "other.csv", "leads.2.csv.gz", "leads.csv.gz", "leads.1.csv", "leads.x.csv"],
            ["leads.csv", "leads.csv.gz", "leads.1.csv", "leads.2.csv.gz"]),
        ("in.jsonl.gz", ["in.jsonl.gz", "in.3.jsonl.gz", "in.jsonl", "in.gz"], ["in.jsonl.gz", "in.3.jsonl.gz"]),
    ])
    func archiveNameCandidates(_ fileName: String, _ names: [String], _ expected: [String]) {
        #expect(ArchivedOriginal.candidates(of: fileName, in: names) == expected)
    }

    /// The original is found by content, whatever its name says: a numbered plain copy with other content
    /// is passed over, the `archive_gzip` copy matches by its decompressed bytes.
    @Test func archivedOriginalIsVerifiedByContent() throws {
        let dir = try LedgerDirectory()
        let folder = dir.url.path
        let original = Data("first_name,phone\nAda,+18135550100\n".utf8)
        try Data("first_name,phone\nBob,+18135550101\n".utf8).write(to: URL(fileURLWithPath: folder + "/leads.csv"))
        try original.write(to: URL(fileURLWithPath: folder + "/leads.1.csv"))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", folder + "/leads.1.csv"]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let id = try BatchFile.inspect(path: try writeTemp(original, dir)).sha256

        let found = try #require(try ArchivedOriginal.find(batchID: id, fileName: "leads.csv", folder: folder))
        #expect(found.path == folder + "/leads.1.csv.gz")
        #expect(found.facts.gzip)
        #expect(try ArchivedOriginal.find(batchID: String(repeating: "0", count: 64), fileName: "leads.csv",
            folder: folder) == nil)
        #expect(try ArchivedOriginal.find(batchID: id, fileName: "leads.csv", folder: folder + "/missing") == nil)
    }

    private func writeTemp(_ data: Data, _ dir: LedgerDirectory) throws -> String {
        let path = dir.url.path + "/tmp/probe.csv"
        try FileManager.default.createDirectory(atPath: dir.url.path + "/tmp", withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
