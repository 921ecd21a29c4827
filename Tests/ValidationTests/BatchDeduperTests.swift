import Foundation
import LeadModel
import Testing
import Validation

@Suite struct BatchDeduperTests {
    static func checked(
        row: Int, _ vertical: Vertical = .insurance, phone: String = "+18135550100", email: String = "m@example.com",
        valid: Bool = true
    ) -> CheckedRecord {
        let lead = Lead(
            vertical: vertical, firstName: "Maria", lastName: "G.", email: email, phone: phone, zip: "33601",
            tcpaTimestamp: "2026-04-27T09:14:22Z", tcpaText: "I agree", tcpaURL: "https://example.com/"
        )
        return CheckedRecord(
            row: row, line: row + 1, publisher: "default", vertical: vertical, phone: phone, zip: "33601",
            email: email, lead: valid ? lead : nil,
            problems: valid ? [] : [Problem(.zipInvalid, field: "zip", value: "x", text: "zip \"x\" is not valid")]
        )
    }

    @Test func samePhoneSameVerticalNamesTheFirstRow() {
        var deduper = BatchDeduper()
        var first = Self.checked(row: 12, email: "a@example.com")
        var second = Self.checked(row: 30, email: "b@example.com")
        let firstRepeats = deduper.check(&first)
        #expect(!firstRepeats)
        #expect(first.lead != nil)
        let secondRepeats = deduper.check(&second)
        #expect(secondRepeats)
        #expect(second.lead == nil)
        #expect(
            second.problems == [
                Problem(.duplicateInBatch, field: "phone", value: "+18135550100", text: "same phone as row 12")
            ]
        )
    }

    /// Rows with some repeated phones and emails, in the shapes `check` meets: prefetching a window
    /// ahead must not change a single answer.
    static func mixedRows(_ count: Int) -> [CheckedRecord] {
        (1...count).map { row in
            checked(
                row: row, row % 3 == 0 ? .mortgage : .insurance, phone: "+1813555\(String(format: "%04d", row % 700))",
                email: "p\(row % 900)@example.com", valid: row % 11 != 0)
        }
    }

    @Test func prefetchingAheadGivesTheSameAnswers() {
        var plain = BatchDeduper()
        var expected = Self.mixedRows(3000)
        for i in expected.indices { plain.check(&expected[i]) }

        for distance in [1, 16, 31] {
            var deduper = BatchDeduper()
            var rows = Self.mixedRows(3000)
            for i in 0..<distance { deduper.prefetch(&rows[i]) }
            for i in rows.indices {
                if i + distance < rows.count { deduper.prefetch(&rows[i + distance]) }
                deduper.check(&rows[i])
            }
            #expect(rows.map(\.problems) == expected.map(\.problems), "distance \(distance)")
            #expect(rows.map { $0.lead != nil } == expected.map { $0.lead != nil }, "distance \(distance)")
        }
    }

    @Test func keysKeptForAnotherRowAreNotUsed() {
        // Row 33 shares the ring place of row 1 (32 places): the keys prefetched for row 1 must not stand
        // in for row 33's, which holds another phone and email.
        var deduper = BatchDeduper()
        var first = Self.checked(row: 1, phone: "+18135550100", email: "a@example.com")
        var other = Self.checked(row: 33, phone: "+18135550199", email: "b@example.com")
        var repeat_ = Self.checked(row: 40, phone: "+18135550199", email: "c@example.com")
        deduper.prefetch(&first)
        deduper.check(&first)
        deduper.check(&other)
        #expect(other.lead != nil)
        let repeats = deduper.check(&repeat_)
        #expect(repeats)
        #expect(repeat_.problems.map(\.text) == ["same phone as row 33"])
    }

    @Test func sameEmailIgnoringCase() {
        var deduper = BatchDeduper()
        var first = Self.checked(row: 3, phone: "+18135550100", email: "Maria@Example.com")
        var second = Self.checked(row: 4, phone: "+18135550199", email: "maria@example.COM")
        deduper.check(&first)
        let secondRepeats = deduper.check(&second)
        #expect(secondRepeats)
        #expect(second.problems.map(\.text) == ["same email as row 3"])
        #expect(second.problems.map(\.field) == ["email"])
    }

    @Test func bothKeysMatchingGiveTwoProblems() {
        var deduper = BatchDeduper()
        var byPhone = Self.checked(row: 1, phone: "+18135550100", email: "a@example.com")
        var byEmail = Self.checked(row: 2, phone: "+18135550101", email: "b@example.com")
        var both = Self.checked(row: 3, phone: "+18135550100", email: "b@example.com")
        deduper.check(&byPhone)
        deduper.check(&byEmail)
        let bothRepeats = deduper.check(&both)
        #expect(bothRepeats)
        #expect(both.problems.map(\.text) == ["same phone as row 1", "same email as row 2"])
    }

    @Test func otherVerticalIsNotADuplicate() {
        var deduper = BatchDeduper()
        var insurance = Self.checked(row: 1, .insurance)
        var solar = Self.checked(row: 2, .solar)
        let insuranceRepeats = deduper.check(&insurance)
        #expect(!insuranceRepeats)
        let solarRepeats = deduper.check(&solar)
        #expect(!solarRepeats)
        #expect(solar.lead != nil)
    }

    @Test func invalidRowsTakeNoPart() {
        var deduper = BatchDeduper()
        var invalid = Self.checked(row: 1, valid: false)
        var valid = Self.checked(row: 2)
        var repeated = Self.checked(row: 3)
        let invalidRepeats = deduper.check(&invalid)
        #expect(!invalidRepeats)
        #expect(invalid.problems.map(\.code) == [.zipInvalid])
        let validRepeats = deduper.check(&valid)
        #expect(!validRepeats)
        let repeatedRepeats = deduper.check(&repeated)
        #expect(repeatedRepeats)
        #expect(repeated.problems.map(\.text) == ["same phone as row 2", "same email as row 2"])
    }

    @Test func aDuplicateBlocksNothingLater() {
        var deduper = BatchDeduper()
        var first = Self.checked(row: 1, phone: "+18135550100", email: "a@example.com")
        var second = Self.checked(row: 2, phone: "+18135550101", email: "a@example.com")
        var third = Self.checked(row: 3, phone: "+18135550101", email: "c@example.com")
        deduper.check(&first)
        let secondRepeats = deduper.check(&second)
        #expect(secondRepeats)
        let thirdRepeats = deduper.check(&third)
        #expect(!thirdRepeats)
        #expect(third.lead != nil)
    }

    /// Checks `count` leads with distinct phones and emails (rows 1...count); answers how many were taken
    /// for repeats.
    static func checkDistinctLeads(_ count: Int, _ deduper: inout BatchDeduper) -> Int {
        var falseMatches = 0
        for i in 0..<count {
            var record = Self.checked(row: i + 1, phone: "+1813\(1_000_000 + i)", email: "lead\(i)@example.com")
            if deduper.check(&record) { falseMatches += 1 }
        }
        return falseMatches
    }

    @Test(arguments: [0, 300_000])
    func manyLeadsThroughGrowthWithoutFalseMatches(expectedLeads: Int) {
        // A limit in memory above the 300 000 keys: this is about growing and sizing, not moving keys to disk.
        var deduper = BatchDeduper(expectedLeads: expectedLeads, memoryKeys: 1 << 20)
        let presized = deduper.tableBytes
        let count = 150_000
        #expect(Self.checkDistinctLeads(count, &deduper) == 0)
        #expect(deduper.keyCount == 2 * count)
        var missed = 0
        for i in stride(from: 0, to: count, by: 7) {
            var again = Self.checked(row: count + i + 1, phone: "+1813\(1_000_000 + i)", email: "other\(i)@example.org")
            if !deduper.check(&again) || again.problems.map(\.text) != ["same phone as row \(i + 1)"] { missed += 1 }
        }
        #expect(missed == 0)
        // 20 bytes a slot at a load of at most 0.8 (growing by half, or sized up front).
        #expect(deduper.spilledKeyCount == 0)
        #expect(deduper.tableBytes >= 2 * count * 20 * 5 / 4)
        if expectedLeads == 0 {
            #expect(deduper.tableBytes <= 2 * count * 20 * 15 / 8)
        } else {
            #expect(deduper.tableBytes == presized)
        }
    }

    @Test func reserveGrowsOnceAndKeepsWhatWasStored() {
        var deduper = BatchDeduper()
        var stored: [CheckedRecord] = []
        for i in 0..<1_000 {
            var record = Self.checked(row: i + 1, phone: "+1813\(1_000_000 + i)", email: "lead\(i)@example.com")
            deduper.check(&record)
            stored.append(record)
        }
        let grown = deduper.tableBytes
        deduper.reserve(leads: 100_000)
        let reserved = deduper.tableBytes
        #expect(reserved >= 2 * 100_000 * 20 * 5 / 4)
        #expect(reserved > grown)
        deduper.reserve(leads: 10)
        #expect(deduper.tableBytes == reserved)
        var again = Self.checked(row: 5_000, phone: "+18131000999", email: "new@example.com")
        let repeats = deduper.check(&again)
        #expect(repeats)
        #expect(again.problems.map(\.text) == ["same phone as row 1000"])
        #expect(deduper.keyCount == 2_000)
    }

    /// Rows of a batch with repeats by phone, by email, by both, across verticals, and invalid rows.
    static func batch(rows: Int) -> [CheckedRecord] {
        (1...rows).map { row in
            let vertical: Vertical = row % 11 == 0 ? .solar : .insurance
            return Self.checked(
                row: row, vertical, phone: "+1813555\(1_000 + row % 37)", email: "lead\(row % 53)@example.com",
                valid: row % 13 != 0)
        }
    }

    @Test(arguments: [0, 40, 150, 400])
    func rewindGivesEveryRowTheAnswerOfTheFirstPass(firstPassRows: Int) {
        let rows = Self.batch(rows: 400)
        var fresh = BatchDeduper()
        let expected = rows.map { record in
            var record = record
            return (fresh.check(&record), record.problems, record.lead == nil)
        }
        var deduper = BatchDeduper()
        for record in rows.prefix(firstPassRows) {
            var record = record
            deduper.check(&record)
        }
        let keys = deduper.keyCount
        deduper.rewind()
        let again = rows.map { record in
            var record = record
            return (deduper.check(&record), record.problems, record.lead == nil)
        }
        #expect(again.map(\.0) == expected.map(\.0))
        #expect(again.map(\.1) == expected.map(\.1))
        #expect(again.map(\.2) == expected.map(\.2))
        #expect(expected.contains { $0.1.count == 2 })
        #expect(deduper.keyCount == fresh.keyCount)
        if firstPassRows == rows.count { #expect(deduper.keyCount == keys) }
    }

    @Test func withoutRewindASecondPassFindsEveryLeadRepeated() {
        var deduper = BatchDeduper()
        var first = Self.checked(row: 1)
        deduper.check(&first)
        var same = Self.checked(row: 1)
        let repeats = deduper.check(&same)
        #expect(repeats)
        deduper.rewind()
        var replayed = Self.checked(row: 1)
        let replayedRepeats = deduper.check(&replayed)
        #expect(!replayedRepeats)
        #expect(replayed.lead != nil)
    }

    /// What a deduper answers for `rows`, checked in order.
    static func answers(_ rows: [CheckedRecord], _ deduper: inout BatchDeduper) -> [(Bool, [Problem], Bool)] {
        rows.map { record in
            var record = record
            return (deduper.check(&record), record.problems, record.lead == nil)
        }
    }

    @Test(arguments: [16, 64, 1_000])
    func keysMovedToDiskGiveTheSameAnswers(memoryKeys: Int) {
        let rows = Self.mixedRows(3000)
        var inMemory = BatchDeduper()
        let expected = Self.answers(rows, &inMemory)
        var bounded = BatchDeduper(memoryKeys: memoryKeys)
        let got = Self.answers(rows, &bounded)
        #expect(got.map(\.0) == expected.map(\.0))
        #expect(got.map(\.1) == expected.map(\.1))
        #expect(got.map(\.2) == expected.map(\.2))
        #expect(bounded.keyCount == inMemory.keyCount)
        #expect(bounded.spilledKeyCount > 0)
        #expect(inMemory.spilledKeyCount == 0)
        // 64 shards of at most memoryKeys / 0.8 / 64 + 1 slots (8 at least), 20 bytes each.
        #expect(bounded.tableBytes <= 64 * max(8, memoryKeys * 5 / 4 / 64 + 1) * 20)
    }

    @Test func manyKeysOnDiskAreFoundUnderTheirFirstRow() {
        // 40 000 keys through a table of 1 000: about 50 runs written and merged, of many 128-entry blocks.
        var deduper = BatchDeduper(memoryKeys: 1_000)
        let count = 20_000
        #expect(Self.checkDistinctLeads(count, &deduper) == 0)
        #expect(deduper.keyCount == 2 * count)
        #expect(deduper.spilledKeyCount >= 2 * count - 1_000)
        var wrong = 0
        for i in stride(from: 0, to: count, by: 13) {
            var again = Self.checked(row: count + i + 1, phone: "+1813\(2_000_000 + i)", email: "LEAD\(i)@example.com")
            if !deduper.check(&again) || again.problems.map(\.text) != ["same email as row \(i + 1)"] { wrong += 1 }
        }
        #expect(wrong == 0)
    }

    @Test(arguments: [0, 40, 150, 400])
    func rewindAfterKeysMovedToDiskGivesTheFirstPassAnswers(firstPassRows: Int) {
        let rows = Self.batch(rows: 400)
        var fresh = BatchDeduper()
        let expected = Self.answers(rows, &fresh)
        var deduper = BatchDeduper(memoryKeys: 16)
        _ = Self.answers(Array(rows.prefix(firstPassRows)), &deduper)
        deduper.rewind()
        let again = Self.answers(rows, &deduper)
        #expect(again.map(\.0) == expected.map(\.0))
        #expect(again.map(\.1) == expected.map(\.1))
        #expect(again.map(\.2) == expected.map(\.2))
        #expect(deduper.keyCount == fresh.keyCount)
    }
}
