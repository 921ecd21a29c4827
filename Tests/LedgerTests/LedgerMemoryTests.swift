import Foundation
import LeadModel
import Testing

@testable import LeadLedger

@Suite struct LedgerMemoryTests {
    typealias F = LedgerFixture

    @Test func releasingTheLedgersMemoryEmptiesTheWritersCacheAndKeepsTheLedgerWorking() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        let leads = (1...3_000).map { F.lead($0) }
        _ = try F.settle(ledger, batch: 1, Array(leads.prefix(2_000)), as: .accepted)
        let filled = ledger.writerCacheBytes()
        #expect(filled > 100_000)
        ledger.releaseMemory()
        #expect(ledger.writerCacheBytes() < filled / 4)
        // Still the same ledger: the leads stored are duplicates now, the new ones are taken.
        let again = try ledger.reserve(Array(leads.suffix(1_001)), batch: F.batchID(1), now: F.now)
        #expect(again.first == .alreadyDone(.accepted))
        #expect(again.dropFirst().allSatisfy { $0 == .owned })
        var rows = 0
        try ledger.forEachResult(batch: F.batchID(1)) { _ in rows += 1 }
        #expect(rows == 3_000)
    }
}
