import Foundation
import LeadLedger
import Testing


/// `retry --batch` finds a batch by its name, by the name of the file it was claimed from, or by a prefix
/// of its hash.
@Suite struct LedgerBatchMatchTests {
    typealias F = LedgerFixture

    @Test func batchesMatchByUploadName() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        // The same upload name dropped again with other content: two batches.
        _ = try ledger.beginBatch(
            id: F.batchID(3), name: "20260102T000000Z-batch1-\(F.batchID(3).prefix(12))", fileName: "batch1.csv",
            publisher: "acme", claimedAt: F.now)
        #expect(try ledger.batches(matching: "batch2.csv").map(\.id) == [F.batchID(2)])
        #expect(try ledger.batches(matching: "batch1.csv").map(\.id) == [F.batchID(1), F.batchID(3)])
        #expect(try ledger.batches(matching: "20260102T000000Z-batch1-\(F.batchID(3).prefix(12))").map(\.id)
            == [F.batchID(3)])
        #expect(try ledger.batches(matching: String(F.batchID(3).prefix(12))).map(\.id) == [F.batchID(3)])
        #expect(try ledger.batches(matching: "batch9.csv").isEmpty)
    }
}
