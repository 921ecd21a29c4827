import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing


@Suite struct LedgerDedupeTests {
    typealias F = LedgerFixture

    /// A ledger where batch 1 row 1 (phone +18135550001, person1@example.com, insurance) ended `state`
    /// `answeredDaysAgo` days before `F.now`; batch 2 is begun, empty.
    func ledger(
        _ dir: LedgerDirectory, holder state: LeadState, answeredDaysAgo: Double = 10,
        vertical: Vertical = .insurance, configuration: Ledger.Configuration = Ledger.Configuration()
    ) throws -> Ledger {
        let ledger = try dir.open(configuration)
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        let first = try F.settle(
            ledger, batch: 1, [F.lead(1, vertical)], as: state, answeredAt: F.now.days(-answeredDaysAgo)
        )
        #expect(first == [.owned])
        return ledger
    }

    func reserveAgain(_ ledger: Ledger, _ lead: LedgerLead, at now: Date = F.now) throws -> ReserveResult {
        try #require(try ledger.reserve([lead], batch: F.batchID(2), now: now).first)
    }

    @Test(arguments: [LeadState.accepted, .rejected, .unknown])
    func anAnsweredLeadWithinTheWindowIsADuplicate(state: LeadState) throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: state, answeredDaysAgo: 29)
        let result = try reserveAgain(ledger, F.lead(5, phone: "+18135550001", email: "other@example.com"))
        #expect(
            result
                == .duplicate(
                    of: LedgerHolder(batch: F.batchID(1), row: 1, kind: .phone, state: state,
                        answeredAt: Date(ledgerSeconds: F.now.days(-29).ledgerSeconds))
                )
        )
        let stored = try #require(try ledger.results(batch: F.batchID(2)).first)
        #expect(stored.state == .duplicate)
        #expect(stored.reasonCode == .duplicateInLedger)
        #expect(stored.reasonText == "phone already in ledger: batch \(F.batchID(1).prefix(12)) row 1 (\(state))")
    }

    @Test func anAnswerOlderThanTheWindowNoLongerBlocks() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: .accepted, answeredDaysAgo: 31)
        #expect(try reserveAgain(ledger, F.lead(5, phone: "+18135550001", email: "person1@example.com")) == .owned)
        // The key now belongs to the new lead: a third one is a duplicate of batch 2 row 5.
        try F.begin(ledger, 3)
        let third = try ledger.reserve([F.lead(9, phone: "+18135550001")], batch: F.batchID(3), now: F.now)
        guard case .duplicate(let holder) = third.first else {
            Issue.record("expected a duplicate, got \(third)")
            return
        }
        #expect(holder.batch == F.batchID(2) && holder.row == 5 && holder.state == .pending)
    }

    @Test func theWindowCanBeSetPerVertical() throws {
        let dir = try LedgerDirectory()
        let configuration = Ledger.Configuration(dedupeDays: 30, dedupeDaysByVertical: [.solar: 7])
        let ledger = try dir.open(configuration)
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        let answered = F.now.days(-10)
        let leads = [F.lead(1, .solar), F.lead(2, .insurance)]
        _ = try F.settle(ledger, batch: 1, leads, as: .accepted, answeredAt: answered)
        let results = try ledger.reserve([F.lead(1, .solar), F.lead(2, .insurance)], batch: F.batchID(2), now: F.now)
        #expect(results[0] == .owned)
        #expect(results[1] != .owned)
    }

    @Test func theSameConsumerMayBeSoldOncePerVertical() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: .accepted)
        #expect(try reserveAgain(ledger, F.lead(1, .mortgage)) == .owned)
        #expect(try reserveAgain(ledger, F.lead(2, .insurance, phone: "+18135550001")) != .owned)
    }

    @Test func anEmailMatchIsADuplicateAndGivesThePhoneKeyBack() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: .accepted)
        let result = try reserveAgain(ledger, F.lead(3, phone: "+17275550123", email: "person1@example.com"))
        guard case .duplicate(let holder) = result else {
            Issue.record("expected a duplicate, got \(result)")
            return
        }
        #expect(holder.kind == .email)
        // The phone was taken, then released in the same transaction: another lead with it is free.
        #expect(try reserveAgain(ledger, F.lead(4, phone: "+17275550123", email: "new@example.com")) == .owned)
    }

    @Test(arguments: [LeadState.failed, .invalid])
    func aHolderThatWasNeverDeliveredReleasesItsKeys(state: LeadState) throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: state, answeredDaysAgo: 1)
        #expect(try reserveAgain(ledger, F.lead(1)) == .owned)
    }

    @Test(arguments: [false, true])
    func aLeadInFlightBlocksOthers(sending: Bool) throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        #expect(try ledger.reserve([F.lead(1)], batch: F.batchID(1), now: F.now.days(-400)) == [.owned])
        if sending {
            try ledger.markSending(batch: F.batchID(1), rows: [1], idempotencyKeys: ["k"], now: F.now.days(-400))
        }
        let result = try reserveAgain(ledger, F.lead(1))
        guard case .duplicate(let holder) = result else {
            Issue.record("expected a duplicate, got \(result)")
            return
        }
        #expect(holder.state == (sending ? .sending : .pending))
    }

    @Test func aDuplicateWithinOneCallHoldsNothing() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        let results = try ledger.reserve(
            [F.lead(1), F.lead(2, phone: "+18135550001", email: "b@example.com"),
             F.lead(3, phone: "+17275550123", email: "person1@example.com")],
            batch: F.batchID(1), now: F.now
        )
        #expect(results[0] == .owned)
        #expect(results[1] != .owned)
        #expect(results[2] != .owned)
        try F.begin(ledger, 2)
        // Row 3 lost its email, so its phone is free.
        #expect(try ledger.reserve([F.lead(1, phone: "+17275550123", email: "c@example.com")], batch: F.batchID(2),
            now: F.now) == [.owned])
    }

    @Test func aLeadWithoutEmailIsKeyedByPhoneOnly() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        let results = try ledger.reserve(
            [F.lead(1, email: ""), F.lead(2, phone: "+18135550001", email: "")], batch: F.batchID(1), now: F.now
        )
        #expect(results[0] == .owned)
        #expect(results[1] != .owned)
    }

    @Test func checkAndReserveAgree() throws {
        let dir = try LedgerDirectory()
        let ledger = try ledger(dir, holder: .accepted)
        let leads = [F.lead(1), F.lead(2), F.lead(3, phone: "+17275550123", email: "person1@example.com")]
        let checked = try ledger.dedupeCheck(leads, now: F.now)
        let reserved = try ledger.reserve(leads, batch: F.batchID(2), now: F.now)
        #expect(checked == reserved)
        #expect(checked.map { $0 == .owned } == [false, true, false])
    }

    @Test func aLargeCallSettlesSharedKeysInRowOrder() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        try F.begin(ledger, 2)
        // An earlier batch holds row 7's phone.
        _ = try F.settle(ledger, batch: 1, [F.lead(1, phone: "+18135550007", email: "old@example.com")], as: .accepted)
        var leads = (1...600).map { F.lead($0, phone: "+1727555\(String(format: "%04d", $0))") }
        leads[6].phone = "+18135550007"  // row 7: duplicate in the ledger
        leads[299].phone = leads[9].phone  // row 300 shares row 10's phone
        leads[449].email = leads[9].email  // row 450 shares row 10's email
        leads[499].phone = leads[6].phone  // row 500 shares row 7's (lost) phone
        let results = try ledger.reserve(leads, batch: F.batchID(2), now: F.now)
        func holder(_ row: Int) -> (String, Int)? {
            if case .duplicate(let holder) = results[row - 1] { return (holder.batch, holder.row) }
            return nil
        }
        #expect(holder(7)! == (F.batchID(1), 1))
        #expect(holder(300)! == (F.batchID(2), 10))
        #expect(holder(450)! == (F.batchID(2), 10))
        #expect(holder(500)! == (F.batchID(1), 1))
        #expect(results.indices.filter { results[$0] != .owned }.map { $0 + 1 } == [7, 300, 450, 500])
        #expect(try ledger.stateCounts(batch: F.batchID(2)) == [.pending: 596, .duplicate: 4])
        // Row 450 lost its email and gave its phone back.
        try F.begin(ledger, 3)
        #expect(try ledger.reserve([F.lead(1, phone: leads[449].phone, email: "z@example.com")], batch: F.batchID(3),
            now: F.now) == [.owned])
    }
}
