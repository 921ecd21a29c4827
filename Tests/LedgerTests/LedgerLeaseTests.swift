import Foundation
import LeadLedger
import Testing

@Suite("Ledger batch lease")
struct LedgerLeaseTests {
    @Test func oneHolderPerBatchUntilReleased() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lease-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/ledger.sqlite"
        let first = try Ledger(path: path, keyPath: directory + "/ledger.key")
        // A second ledger value stands in for a second process: leases are per open file, not per process.
        let second = try Ledger(path: path, keyPath: directory + "/ledger.key")
        let batch = String(repeating: "ab", count: 32)
        let other = String(repeating: "cd", count: 32)

        var lease = try first.leaseBatch(id: batch)
        #expect(lease != nil)
        #expect(try second.leaseBatch(id: batch) == nil)
        #expect(try first.leaseBatch(id: batch) == nil)
        let otherLease = try second.leaseBatch(id: other)
        #expect(otherLease != nil)

        lease = nil
        #expect(try second.leaseBatch(id: batch) != nil)
        withExtendedLifetime(otherLease) {}
    }
}
