import Foundation
import InMemoryLogging
import LeadModel
@testable import LeadLedger
import Logging
import Testing


/// New dedupe keys go into `dedupe_recent` and are merged into `dedupe_keys` when it is full: where a key
/// sits must never change an answer.
@Suite struct LedgerRecentKeysTests {
    typealias F = LedgerFixture

    func count(_ ledger: Ledger, _ table: String) throws -> Int {
        try #require(try ledger.intValue("SELECT count(*) FROM \(table)"))
    }

    @Test func keysStayInTheRecentTableUntilItIsFullThenMoveInOneMerge() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open(Ledger.Configuration(recentKeysLimit: 30))
        try F.begin(ledger, 1)
        _ = try F.settle(ledger, batch: 1, (1...10).map { F.lead($0) }, as: .accepted)
        #expect(try count(ledger, "dedupe_recent") == 20)
        #expect(try count(ledger, "dedupe_keys") == 0)
        // 20 + 20 keys: the reserve that passes the limit merges all 40.
        _ = try F.settle(ledger, batch: 1, (11...20).map { F.lead($0) }, as: .accepted)
        #expect(try count(ledger, "dedupe_recent") == 0)
        #expect(try count(ledger, "dedupe_keys") == 40)
        #expect(try ledger.info().dedupeKeys == 40)

        // Merged keys block as before.
        try F.begin(ledger, 2)
        let again = try ledger.reserve([F.lead(21, phone: F.lead(3).phone)], batch: F.batchID(2), now: F.now)
        let holder = try #require(F.holder(again))
        #expect(holder.batch == F.batchID(1) && holder.row == 3 && holder.kind == .phone)
    }

    /// A merge that fails does not fail the reservation that started it: the keys stay in the recent table,
    /// where every lookup finds them, the failure is logged, and the next full reserve merges them all.
    @Test func aFailedMergeIsLoggedAndTheNextFullReserveMerges() throws {
        let dir = try LedgerDirectory()
        let logs = InMemoryLogHandler()
        let ledger = try Ledger(
            path: dir.path, keyPath: dir.keyPath, configuration: Ledger.Configuration(recentKeysLimit: 4),
            logger: Logger(label: "test") { _ in logs })
        try ledger.executeRaw(
            "CREATE TRIGGER no_merge BEFORE INSERT ON dedupe_keys BEGIN SELECT RAISE(ABORT, 'blocked'); END")
        try F.begin(ledger, 1)
        #expect(try F.settle(ledger, batch: 1, [F.lead(1), F.lead(2)], as: .accepted) == [.owned, .owned])
        #expect(try count(ledger, "dedupe_recent") == 4)
        #expect(try count(ledger, "dedupe_keys") == 0)
        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first.map { "\($0.message)".contains("merging the recent dedupe keys failed") } == true)
        #expect(warnings.first.map { "\($0.metadata["error"] ?? "")".contains("blocked") } == true)

        try F.begin(ledger, 2)
        let blocked = try ledger.reserve([F.lead(9, phone: F.lead(1).phone)], batch: F.batchID(2), now: F.now)
        #expect(F.holder(blocked)?.row == 1)
        // The table is still full, so that reserve tried (and failed) again.
        #expect(logs.entries.filter { $0.level == .warning }.count == 2)

        try ledger.executeRaw("DROP TRIGGER no_merge")
        #expect(try F.settle(ledger, batch: 2, [F.lead(3)], as: .accepted) == [.owned])
        #expect(try count(ledger, "dedupe_recent") == 0)
        #expect(try count(ledger, "dedupe_keys") == 6)
        #expect(logs.entries.filter { $0.level == .warning }.count == 2)
    }

    /// A merge moves its keys a chunk of statements at a time: every key arrives, once, and still blocks.
    @Test func aMergeOfSeveralChunksMovesEveryKey() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open(Ledger.Configuration(recentKeysLimit: 3_000))
        try F.begin(ledger, 1)
        let leads = (1...1_600).map { F.lead($0, phone: "+1813\(String(format: "%07d", $0))") }
        _ = try F.settle(ledger, batch: 1, Array(leads[..<1_000]), as: .accepted)
        #expect(try count(ledger, "dedupe_keys") == 0)
        _ = try F.settle(ledger, batch: 1, Array(leads[1_000...]), as: .accepted)
        #expect(3_200 > 3 * Ledger.mergeChunk)
        #expect(try count(ledger, "dedupe_keys") == 3_200)
        #expect(try count(ledger, "dedupe_recent") == 0)
        let checked = try ledger.dedupeCheck(leads.map { F.lead($0.row + 5_000, phone: $0.phone) }, now: F.now)
        #expect(checked.filter { $0 == .owned }.isEmpty)
    }

    /// A key released in the large table (its holder failed) is taken into the recent one; the new holder is
    /// the one named from then on, and after the next merge too.
    @Test func aKeyTakenAgainIsHeldByItsNewHolderBeforeAndAfterTheMerge() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open(Ledger.Configuration(recentKeysLimit: 1_000))
        for n in 1...4 { try F.begin(ledger, n) }
        _ = try F.settle(ledger, batch: 1, [F.lead(1)], as: .failed)
        try mergeNow(ledger)
        #expect(try count(ledger, "dedupe_keys") == 2)

        #expect(try F.settle(ledger, batch: 2, [F.lead(1)], as: .accepted) == [.owned])
        #expect(try count(ledger, "dedupe_recent") == 2)
        // Both tables hold the two keys now; they are two keys.
        #expect(try ledger.info().dedupeKeys == 2)
        let holderNow = try ledger.reserve([F.lead(5, phone: F.lead(1).phone)], batch: F.batchID(3), now: F.now)
        try mergeNow(ledger)
        let holderAfter = try ledger.reserve([F.lead(5, email: F.lead(1).email)], batch: F.batchID(4), now: F.now)
        for result in [holderNow, holderAfter] {
            guard let holder = F.holder(result) else { continue }
            #expect(holder.batch == F.batchID(2) && holder.row == 1 && holder.state == .accepted)
        }
        #expect(try count(ledger, "dedupe_keys") == 2)
        #expect(try count(ledger, "dedupe_recent") == 0)
    }

    /// A lead that takes its phone key over from a released holder in the large table and loses its email
    /// key gives the phone key back: the next lead with that phone owns it.
    @Test func aKeyGivenBackOverAReleasedHolderIsFreeAgain() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open(Ledger.Configuration(recentKeysLimit: 1_000))
        for n in 1...3 { try F.begin(ledger, n) }
        _ = try F.settle(ledger, batch: 1, [F.lead(1)], as: .failed)
        _ = try F.settle(ledger, batch: 1, [F.lead(2)], as: .accepted)
        try mergeNow(ledger)
        let lost = try ledger.reserve([F.lead(7, phone: F.lead(1).phone, email: F.lead(2).email)],
            batch: F.batchID(2), now: F.now)
        let holder = try #require(F.holder(lost))
        #expect(holder.batch == F.batchID(1) && holder.row == 2 && holder.kind == .email)
        #expect(try count(ledger, "dedupe_recent") == 0)
        #expect(try ledger.reserve([F.lead(8, phone: F.lead(1).phone, email: "new@example.com")],
            batch: F.batchID(3), now: F.now) == [.owned])
    }

    /// A key in the recent table shadows the large table's holder of it, whatever that holder's window says
    /// now: after a longer `dedupe_days`, an old answer the newer holder replaced does not block again.
    @Test func theRecentHolderShadowsAnOlderOneEvenWhenTheWindowGrows() throws {
        let dir = try LedgerDirectory()
        do {
            let ledger = try dir.open(Ledger.Configuration(dedupeDays: 30))
            for n in 1...2 { try F.begin(ledger, n) }
            _ = try F.settle(ledger, batch: 1, [F.lead(1)], as: .accepted, answeredAt: F.now.days(-45))
            try mergeNow(ledger)
            #expect(try F.settle(ledger, batch: 2, [F.lead(1)], as: .failed, answeredAt: F.now.days(-1)) == [.owned])
        }
        let ledger = try dir.open(Ledger.Configuration(dedupeDays: 60))
        try F.begin(ledger, 3)
        #expect(try ledger.dedupeCheck([F.lead(1)], now: F.now) == [.owned])
        #expect(try ledger.reserve([F.lead(1)], batch: F.batchID(3), now: F.now) == [.owned])
    }

    /// `retry` takes a failed lead's keys back when they sit in the large table under its own name.
    @Test func aRetriedLeadTakesBackItsOwnMergedKeys() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open(Ledger.Configuration(recentKeysLimit: 1))
        try F.begin(ledger, 1)
        _ = try F.settle(ledger, batch: 1, [F.lead(1)], as: .unknown)
        _ = try F.settle(ledger, batch: 1, [F.lead(2)], as: .accepted)
        try ledger.finishBatch(id: F.batchID(1), counts: BatchCounts(total: 2, accepted: 1, unknown: 1))
        #expect(try count(ledger, "dedupe_recent") == 0)

        let rows = try ledger.retryRows(batch: F.batchID(1), states: [.unknown])
        let claims = try ledger.reclaim([F.lead(1)], batch: F.batchID(1), expected: rows, now: F.now)
        guard case .owned = claims.first else {
            Issue.record("expected the row back, got \(claims)")
            return
        }
        // Its keys now sit in the recent table under its name, and still block others.
        #expect(try count(ledger, "dedupe_recent") == 2)
        try F.begin(ledger, 2)
        let other = try ledger.reserve([F.lead(9, phone: F.lead(1).phone)], batch: F.batchID(2), now: F.now)
        let holder = try #require(F.holder(other))
        #expect(holder.batch == F.batchID(1) && holder.row == 1)
    }

    /// The same random history of batches (shared consumers within and across calls, every final state,
    /// answers spread over months so windows expire) on ledgers merging after every call, every few calls
    /// and never: every `dedupeCheck` and `reserve` answer is the same.
    @Test(arguments: [UInt64(1), 2, 3])
    func whereAKeySitsNeverChangesAnAnswer(seed: UInt64) throws {
        let limits = [Int.max, 1, 25]
        let dirs = try limits.map { _ in try LedgerDirectory() }
        let ledgers = try zip(dirs, limits).map { dir, limit in
            try dir.open(Ledger.Configuration(dedupeDaysByVertical: [.solar: 10], recentKeysLimit: limit))
        }
        var random = SplitMix(seed: seed)
        let states: [LeadState] = [.accepted, .rejected, .failed, .invalid, .unknown]
        var merges = 0
        for n in 1...40 {
            let now = F.now.days(Double(n) * 3)
            let leads = (1...Int(random.next() % 12 + 1)).map { row in
                LedgerLead(
                    row: row, vertical: random.next() % 3 == 0 ? .solar : .insurance,
                    phone: "+1813555\(String(format: "%04d", random.next() % 25))",
                    email: random.next() % 5 == 0 ? "" : "person\(random.next() % 25)@example.com")
            }
            let finals = leads.map { _ in states[Int(random.next() % UInt64(states.count))] }
            var answers: [[ReserveResult]] = []
            for ledger in ledgers {
                try F.begin(ledger, n)
                let checked = try ledger.dedupeCheck(leads, now: now)
                let reserved = try ledger.reserve(leads, batch: F.batchID(n), now: now)
                answers.append(checked + reserved)
                let owned = zip(leads, reserved).filter { $0.1 == .owned }.map(\.0.row)
                try ledger.markSending(batch: F.batchID(n), rows: owned, idempotencyKeys: owned.map { "k\($0)" },
                    now: now)
                try ledger.record(
                    owned.map { row in
                        LeadOutcomeRecord(row: row, state: finals[row - 1], httpStatus: 200, answeredAt: now)
                    }, batch: F.batchID(n))
            }
            #expect(answers.dropFirst().allSatisfy { $0 == answers[0] }, "batch \(n)")
            if try count(ledgers[2], "dedupe_recent") == 0 { merges += 1 }
        }
        // The never-merging ledger kept every key in the recent table; the others moved theirs.
        #expect(try count(ledgers[0], "dedupe_keys") == 0)
        #expect(try count(ledgers[1], "dedupe_recent") == 0)
        #expect(merges > 3)
    }

    func mergeNow(_ ledger: Ledger) throws {
        try ledger.mergeRecentKeys()
    }
}

/// A small seeded generator (SplitMix64), so a failing history can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
