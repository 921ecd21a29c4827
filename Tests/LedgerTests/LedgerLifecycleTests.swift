import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing


@Suite struct LedgerLifecycleTests {
    typealias F = LedgerFixture

    @Test func aNewBatchIsProcessingAndASeenOneComesBackAsStored() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let first = try F.begin(ledger, 1)
        #expect(first.isNew && first.state == .processing && first.rowStates.isEmpty)
        #expect(first.claimedAt == F.now && first.fileName == "batch1.csv" && first.publisher == "acme")
        let again = try F.begin(ledger, 1, at: F.now.days(1))
        #expect(!again.isNew)
        #expect(again.claimedAt == F.now)
    }

    @Test func aResumedBatchReportsEachRowWhereItStopped() throws {
        let dir = try LedgerDirectory()
        let batch = F.batchID(1)
        let leads = (1...6).map { F.lead($0) }
        do {
            let ledger = try dir.open()
            try F.begin(ledger, 1)
            #expect(try ledger.reserve(leads, batch: batch, now: F.now) == Array(repeating: .owned, count: 6))
            try ledger.markSending(batch: batch, rows: [1, 2, 3], idempotencyKeys: ["k1", "k2", "k3"], now: F.now)
            try ledger.record(
                [
                    LeadOutcomeRecord(row: 1, state: .accepted, httpStatus: 200, leadID: "ld_0000abcd", bidAmount: 18.5,
                        answeredAt: F.now),
                    LeadOutcomeRecord(row: 2, state: .rejected, httpStatus: 200, reasonCode: .remoteRejected,
                        answeredAt: F.now),
                ],
                batch: batch
            )
            try ledger.recordLocal(
                [LocalOutcomeRecord(row: 4, vertical: .insurance, state: .invalid,
                    problems: [Problem(.zipInvalid, field: "zip", value: "1", text: "zip \"1\" is not a ZIP")])],
                batch: batch, now: F.now
            )
        }
        // The process died here; a new one claims the same content.
        let ledger = try dir.open()
        let status = try F.begin(ledger, 1, at: F.now.days(1))
        #expect(!status.isNew && status.state == .processing)
        #expect(status.rowStates == [.accepted: 1, .rejected: 1, .sending: 1, .invalid: 1, .pending: 2])
        let resumed = try ledger.reserve(leads, batch: batch, now: F.now.days(1))
        #expect(
            resumed == [
                .alreadyDone(.accepted), .alreadyDone(.rejected), .wasSending(idempotencyKey: "k3"),
                .alreadyDone(.invalid), .owned, .owned,
            ]
        )
        #expect(try ledger.sendingRows(batch: batch) == [SendingRow(row: 3, idempotencyKey: "k3", submittedAt: F.now)])
        #expect(try ledger.rowsInState(batch: batch, states: [.pending, .sending]) == [3, 5, 6])
        // A retried send keeps the first submission time.
        try ledger.markSending(batch: batch, rows: [3, 5], idempotencyKeys: ["k3", "k5"], now: F.now.days(1))
        #expect(try ledger.sendingRows(batch: batch).map(\.submittedAt) == [F.now, F.now.days(1)])
    }

    @Test func resultsGiveBackEveryStoredOutcome() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let batch = F.batchID(1)
        try F.begin(ledger, 1)
        _ = try ledger.reserve([F.lead(1), F.lead(3, .solar)], batch: batch, now: F.now)
        try ledger.markSending(batch: batch, rows: [1, 3], idempotencyKeys: ["a", "b"], now: F.now)
        try ledger.record(
            [
                LeadOutcomeRecord(row: 1, state: .accepted, httpStatus: 200, attempts: 2, leadID: "ld_12345678",
                    bidAmount: 18.5, answeredAt: F.now.addingTimeInterval(3), latencyMs: 812),
                LeadOutcomeRecord(row: 3, state: .invalid, httpStatus: 422, reasonCode: .remoteTCPAInvalid,
                    reasonText: "tcpa_url is not a valid URL", answeredAt: F.now, latencyMs: 40),
            ],
            batch: batch
        )
        try ledger.recordLocal(
            [
                LocalOutcomeRecord(row: 2, vertical: nil, state: .invalid, problems: [
                    Problem(.verticalUnknown, field: "vertical", value: "boats", text: "vertical \"boats\" is unknown"),
                    Problem(.phoneNotUS, field: "phone", value: "+44 20 7946 0958", text: "phone is not US"),
                ]),
                LocalOutcomeRecord(row: 4, vertical: .debt, state: .duplicate, problems: [
                    Problem(.duplicateInBatch, field: nil, value: nil, text: "same as row 1")
                ]),
            ],
            batch: batch, now: F.now
        )
        let results = try ledger.results(batch: batch)
        #expect(
            results == [
                StoredLeadResult(row: 1, state: .accepted, vertical: .insurance, httpStatus: 200, attempts: 2,
                    leadID: "ld_12345678", bidAmount: 18.5, submittedAt: F.now, answeredAt: F.now.addingTimeInterval(3),
                    latencyMs: 812, idempotencyKey: "a"),
                StoredLeadResult(
                    row: 2, state: .invalid, problems: [(.verticalUnknown, "vertical"), (.phoneNotUS, "phone")],
                    answeredAt: F.now),
                StoredLeadResult(row: 3, state: .invalid, vertical: .solar, problems: [(.remoteTCPAInvalid, nil)],
                    reasonText: "tcpa_url is not a valid URL", httpStatus: 422, attempts: 1, submittedAt: F.now,
                    answeredAt: F.now, latencyMs: 40, idempotencyKey: "b"),
                StoredLeadResult(row: 4, state: .duplicate, vertical: .debt, problems: [(.duplicateInBatch, nil)],
                    answeredAt: F.now),
            ]
        )
    }

    @Test func finishingStoresTheCounts() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let batch = F.batchID(1)
        try F.begin(ledger, 1)
        _ = try F.settle(ledger, batch: 1, [F.lead(1), F.lead(2)], as: .accepted)
        let counts = BatchCounts(rowStates: try ledger.stateCounts(batch: batch))
        #expect(counts == BatchCounts(total: 2, accepted: 2))
        try ledger.finishBatch(id: batch, counts: counts, finishedAt: F.now.days(1))
        let status = try #require(try ledger.batchStatus(id: batch))
        #expect(status.state == .done && status.counts == counts && status.finishedAt == F.now.days(1))
        let redropped = try F.begin(ledger, 1, at: F.now.days(2))
        #expect(!redropped.isNew && redropped.state == .done && redropped.rowStates == [.accepted: 2])
        let info = try ledger.info()
        #expect(info.batches == 1 && info.batchesProcessing == 0 && info.leads == 2 && info.dedupeKeys == 4)
    }

    @Test func misuseIsRefusedWithoutWritingAnything() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        let batch = F.batchID(1)
        try F.begin(ledger, 1)
        _ = try ledger.reserve([F.lead(1)], batch: batch, now: F.now)
        let cases: [() throws -> Void] = [
            { try ledger.markSending(batch: batch, rows: [1, 2], idempotencyKeys: ["a", "b"], now: F.now) },
            { try ledger.markSending(batch: batch, rows: [1], idempotencyKeys: [], now: F.now) },
            { try ledger.record([LeadOutcomeRecord(row: 9, state: .accepted, answeredAt: F.now)], batch: batch) },
            { try ledger.record([LeadOutcomeRecord(row: 1, state: .sending, answeredAt: F.now)], batch: batch) },
            { try ledger.recordLocal([LocalOutcomeRecord(row: 1, vertical: nil, state: .accepted, problems: [])],
                batch: batch, now: F.now) },
            { _ = try ledger.reserve([F.lead(1)], batch: F.batchID(9), now: F.now) },
            { try ledger.finishBatch(id: F.batchID(9), counts: BatchCounts()) },
        ]
        for call in cases {
            let error = #expect(throws: LedgerError.self) { try call() }
            #expect(error?.code == .misuse)
        }
        // The first call marked row 1 before failing on row 2: it was rolled back.
        #expect(try ledger.rowsInState(batch: batch, states: [.pending]) == [1])
    }

    /// The last batch is the one finished last, whatever its claim time (which its name starts with); of two
    /// finished in the same second, the one recorded last. A re-dropped batch is not finished again.
    @Test func theLastFinishedBatchIsByFinishTimeNotByName() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        #expect(try ledger.lastFinishedBatch() == nil)
        try F.begin(ledger, 1, at: F.now)  // claimed first, finishes last
        try F.begin(ledger, 2, at: F.now.addingTimeInterval(5))
        try F.begin(ledger, 3, at: F.now.addingTimeInterval(6))  // never finishes
        #expect(try ledger.lastFinishedBatch() == nil)
        try ledger.finishBatch(id: F.batchID(2), counts: BatchCounts(total: 2), finishedAt: F.now.addingTimeInterval(10))
        #expect(try ledger.lastFinishedBatch()?.id == F.batchID(2))
        try ledger.finishBatch(id: F.batchID(1), counts: BatchCounts(total: 1), finishedAt: F.now.addingTimeInterval(20))
        let last = try #require(try ledger.lastFinishedBatch())
        #expect(last.id == F.batchID(1) && last.fileName == "batch1.csv" && last.counts.total == 1)
        // Finished in the same second as batch 1: recorded later, so last.
        try F.begin(ledger, 4, at: F.now.addingTimeInterval(7))
        try ledger.finishBatch(id: F.batchID(4), counts: BatchCounts(), finishedAt: F.now.addingTimeInterval(20.4))
        #expect(try ledger.lastFinishedBatch()?.id == F.batchID(4))
        try F.begin(ledger, 2, at: F.now.days(1))
        #expect(try ledger.lastFinishedBatch()?.id == F.batchID(4))
    }
}
