import Foundation
import Testing

@testable import Pipeline

/// The benchmark's own correctness (figures come from `leadspool bench` in release, never from a test).
@Suite struct LedgerBenchmarkTests {
    @Test func recordsEveryLeadOnTopOfThePreloadedKeys() throws {
        let dir = try LedgerDirectory()
        let result = try LedgerBenchmark.run(
            path: dir.path, leads: 2_500, preloadKeys: 1_001, reserveWindow: 700, sendWindow: 300
        )
        #expect(result.leads == 2_500 && result.preloadKeys == 1_001)
        #expect(result.seconds > 0 && result.fileBytes > 0)
        let ledger = try Ledger(path: dir.path, keyPath: dir.path + ".key")
        let info = try ledger.info()
        #expect(info.batches == 2 && info.batchesProcessing == 0)
        #expect(info.leads == 2_500 + 501)
        #expect(info.dedupeKeys == 1_001 + 2 * 2_500)
    }

    @Test func marksAndRecordsInTheGroupsItIsGiven() throws {
        let dir = try LedgerDirectory()
        let result = try LedgerBenchmark.run(
            path: dir.path, leads: 2_500, preloadKeys: 0, reserveWindow: 700, sendWindow: 300, recordWindow: 128
        )
        // Reserve calls of 700, 700, 700 and 400 rows, each marked 300 at a time: 3 + 3 + 3 + 2 calls.
        #expect(result.markCalls == 11)
        #expect(result.recordWindow == 128)
        let ledger = try Ledger(path: dir.path, keyPath: dir.path + ".key")
        #expect(try ledger.info().leads == 2_500)
    }

    @Test func aKeptPreloadIsReusedAndLeftAsItWas() throws {
        let dir = try LedgerDirectory()
        let kept = "\(dir.path).preload-1001-\(Ledger.Configuration().newFilePageSize)-\(DedupeKey.size)"
        _ = try LedgerBenchmark.run(path: dir.path, leads: 300, preloadKeys: 1_001, keepPreload: true)
        #expect(FileManager.default.fileExists(atPath: kept) && FileManager.default.fileExists(atPath: kept + ".key"))
        // The kept file holds the preload only; the next run starts from a copy and adds its own leads.
        let template = try #require(try Ledger.openReadOnly(path: kept, keyPath: kept + ".key"))
        #expect(try template.info().dedupeKeys == 1_001 && template.info().leads == 501)
        let keptKey = try Data(contentsOf: URL(fileURLWithPath: kept + ".key"))
        try FileManager.default.removeItem(atPath: dir.path + ".key")
        _ = try LedgerBenchmark.run(path: dir.path, leads: 400, preloadKeys: 1_001, keepPreload: true)
        // Reused: the run's key file is the kept one, not a new random key (the ledger would refuse that).
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + ".key")) == keptKey)
        let ledger = try Ledger(path: dir.path, keyPath: dir.path + ".key")
        #expect(try ledger.info().dedupeKeys == 1_001 + 2 * 400 && ledger.info().leads == 501 + 400)
    }
}
