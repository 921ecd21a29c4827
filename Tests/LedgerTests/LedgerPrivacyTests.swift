import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing


@Suite struct LedgerPrivacyTests {
    typealias F = LedgerFixture

    static let phone = "+18135550100"
    static let email = "jane.q.doe@mailhost-test.org"
    /// The forms a phone or email could take in the file, as text in UTF-8 and UTF-16.
    static let forbidden: [String] = [
        phone, "8135550100", "813-555-0100", "(813) 555-0100", "813.555.0100", "5550100",
        email, "jane.q.doe", "mailhost-test", email.uppercased(),
    ]

    static func occurrences(in url: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let bytes = try Data(contentsOf: url)
        return forbidden.filter { form in
            bytes.range(of: Data(form.utf8)) != nil || bytes.range(of: form.data(using: .utf16LittleEndian)!) != nil
                || bytes.range(of: form.data(using: .utf16BigEndian)!) != nil
        }
    }

    @Test func noPhoneOrEmailReachesTheFile() throws {
        let dir = try LedgerDirectory()
        let files = ["ledger.sqlite", "ledger.sqlite-wal"].map { dir.url.appendingPathComponent($0) }
        do {
            let ledger = try dir.open()
            try F.begin(ledger, 1)
            try F.begin(ledger, 2)
            let lead = LedgerLead(row: 1, vertical: .solar, phone: Self.phone, email: Self.email)
            #expect(try ledger.reserve([lead], batch: F.batchID(1), now: F.now) == [.owned])
            try ledger.markSending(batch: F.batchID(1), rows: [1], idempotencyKeys: ["\(F.batchID(1))-1"], now: F.now)
            try ledger.record(
                [LeadOutcomeRecord(row: 1, state: .rejected, httpStatus: 200, reasonCode: .remoteRejected,
                    reasonText: "duplicate of \(Self.email) / phone \(Self.phone) (813) 555-0100", answeredAt: F.now)],
                batch: F.batchID(1)
            )
            // Same consumer again (duplicate in ledger), and a local invalid row whose problems quote both.
            _ = try ledger.reserve([LedgerLead(row: 1, vertical: .solar, phone: Self.phone, email: Self.email)],
                batch: F.batchID(2), now: F.now)
            try ledger.recordLocal(
                [LocalOutcomeRecord(row: 2, vertical: .solar, state: .invalid, problems: [
                    Problem(.phoneNotUS, field: "phone", value: Self.phone, text: "phone \"\(Self.phone)\" is not US"),
                    Problem(.emailInvalid, field: "email", value: Self.email, text: "email \"\(Self.email)\" is bad"),
                ])],
                batch: F.batchID(2), now: F.now
            )
            #expect(FileManager.default.fileExists(atPath: files[1].path), "the WAL is inspected while it exists")
            for file in files { #expect(try Self.occurrences(in: file) == [], "\(file.lastPathComponent)") }
            let stored = try ledger.results(batch: F.batchID(1))
            #expect(stored.first?.reasonText == "duplicate of [email] / phone [number]")
        }
        for file in files { #expect(try Self.occurrences(in: file) == [], "\(file.lastPathComponent) after close") }
        // The check can fail: the same bytes are found when they are really there.
        try Data("x \(Self.phone) y".utf8).write(to: files[1])
        #expect(try Self.occurrences(in: files[1]).contains(Self.phone))
    }

    @Test(arguments: [
        ("no buyer match", "no buyer match"),
        ("duplicate phone +1 (813) 555-0100 today", "duplicate phone [number] today"),
        ("lead 8135550100,", "lead [number],"),
        ("reason: jane@example.com rejected", "reason: [email] rejected"),
        ("bid 18.50 for 2 leads in 12345", "bid 18.50 for 2 leads in 12345"),
        ("tab\there\u{7}", "tabhere"),
        (String(repeating: "a", count: 300), String(repeating: "a", count: 240)),
    ])
    func remoteTextsAreScrubbed(input: String, expected: String) {
        #expect(LedgerText.scrub(input) == expected)
    }

    @Test func errorsDoNotCarryStatementArguments() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        let lead = LedgerLead(row: 1, vertical: .debt, phone: Self.phone, email: Self.email)
        // The same row twice in one call breaks the primary key: the error names the table, not the values.
        let error = #expect(throws: LedgerError.self) {
            _ = try ledger.reserve([lead, LedgerLead(row: 1, vertical: .debt, phone: "+17275550123", email: "")],
                batch: F.batchID(1), now: F.now)
        }
        let text = try #require(error).description
        #expect(text.contains("leads"))
        #expect(!text.contains("7275550123") && !text.contains(Self.phone))
    }
}
