import Foundation
@testable import LeadLedger
import Testing


@Suite struct LedgerConcurrencyTests {
    typealias F = LedgerFixture

    /// `racers` reserve the same `count` consumers, each in its own batch, in windows of `window` rows and in
    /// opposite orders, at the same time; returns each racer's owned rows.
    static func race(_ ledgers: [Ledger], count: Int, window: Int) async throws -> [Set<Int>] {
        for (index, ledger) in ledgers.enumerated() { try F.begin(ledger, index + 1) }
        return try await withThrowingTaskGroup(of: (Int, Set<Int>).self) { group in
            for (index, ledger) in ledgers.enumerated() {
                group.addTask {
                    var rows = Array(1...count)
                    if index % 2 == 1 { rows.reverse() }
                    var owned: Set<Int> = []
                    var start = 0
                    while start < rows.count {
                        let slice = rows[start..<min(start + window, rows.count)]
                        let results = try ledger.reserve(slice.map { F.lead($0) }, batch: F.batchID(index + 1),
                            now: F.now)
                        for (row, result) in zip(slice, results) where result == .owned { owned.insert(row) }
                        start += window
                        await Task.yield()
                    }
                    return (index, owned)
                }
            }
            var owned = Array(repeating: Set<Int>(), count: ledgers.count)
            for try await (index, rows) in group { owned[index] = rows }
            return owned
        }
    }

    static func expectExactlyOneOwner(_ owned: [Set<Int>], count: Int) {
        var owners = Array(repeating: 0, count: count + 1)
        for rows in owned { for row in rows { owners[row] += 1 } }
        #expect(owners.dropFirst().allSatisfy { $0 == 1 }, "every consumer has exactly one owner")
    }

    /// Also with a recent-keys table so small that both sides merge it after nearly every reserve, while the
    /// other side reserves.
    @Test(arguments: [Ledger.Configuration().recentKeysLimit, 40])
    func twoLedgersOnOneFileNeverBothOwnAConsumer(recentKeysLimit: Int) async throws {
        let dir = try LedgerDirectory()
        let configuration = Ledger.Configuration(recentKeysLimit: recentKeysLimit)
        let ledgers = [try dir.open(configuration), try dir.open(configuration)]
        let owned = try await Self.race(ledgers, count: 600, window: 25)
        Self.expectExactlyOneOwner(owned, count: 600)
        // Both sides recorded every row: as owned or as a duplicate of the other side.
        for (index, ledger) in ledgers.enumerated() {
            let counts = try ledger.stateCounts(batch: F.batchID(index + 1))
            #expect(counts[.pending, default: 0] == owned[index].count)
            #expect(counts[.pending, default: 0] + counts[.duplicate, default: 0] == 600)
        }
        // Every consumer's two keys are held once, by its owner; with the small table most were merged.
        #expect(try ledgers[0].info().dedupeKeys == 1_200)
        if recentKeysLimit < 1_200 {
            #expect(try #require(try ledgers[0].intValue("SELECT count(*) FROM dedupe_recent")) < recentKeysLimit)
        }
    }

    @Test func concurrentTasksOnOneLedgerNeverBothOwnAConsumer() async throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let owned = try await Self.race([ledger, ledger, ledger], count: 400, window: 10)
        Self.expectExactlyOneOwner(owned, count: 400)
    }

    @Test func ledgersOpeningAFreshFileAtOnceAgreeOnSchemaAndKey() async throws {
        let dir = try LedgerDirectory()
        let (path, keyPath) = (dir.path, dir.keyPath)
        let ledgers = try await withThrowingTaskGroup(of: Ledger.self) { group in
            for _ in 0..<4 { group.addTask { try Ledger(path: path, keyPath: keyPath) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try F.begin(ledgers[0], 1)
        try F.begin(ledgers[0], 2)
        #expect(try ledgers[0].reserve([F.lead(1)], batch: F.batchID(1), now: F.now) == [.owned])
        for (index, ledger) in ledgers.enumerated().dropFirst() {
            let same = F.lead(index, phone: "+18135550001", email: "person1@example.com")
            #expect(try ledger.reserve([same], batch: F.batchID(2), now: F.now) != [.owned])
        }
    }
}
