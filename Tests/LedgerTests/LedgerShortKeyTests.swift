import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing


private typealias F = LedgerFixture

/// Dedupe keys are the first 16 bytes of the HMAC-SHA256; ledgers written with the full 32 bytes are migrated
/// and keep deduping against what they hold.
@Suite struct LedgerShortKeyTests {
    /// The key of the tests below: bytes 0, 1, ..., 31.
    static let key = [UInt8](0..<32)

    /// HMAC-SHA256 with `key` of each input, as leadspool stored it before `dedupe-key-16` (computed with
    /// Python's `hmac` module).
    static let fullDigests: [(input: String, hex: String)] = [
        ("insurance|+18135550001", "2f4059f19ba2343bcb8d06c7d5873278ac74cdff3a0ef597b1382fcde8144410"),
        ("insurance|person1@example.com", "94a23d2a7b9d3c13ca4b86c0e6d09ab0d8ba33d78c917c975d579269b3eb49ba"),
        ("insurance|+18135550002", "1bd26d306dd296a3e1d8e44360d2d4c7ffd1ea121c45a7569256c4259b44f73f"),
        ("insurance|person2@example.com", "26632bd58681434db9d267bd2774dd0d7465ca609f714fa872a152b7d7f00138"),
        ("solar|+18135550003", "48afad9dbe6c1c8be377e7e05da74f3e7fa5bfb03c57c642dcf1a7f49d5f06b4"),
    ]

    static func hex(_ key: DedupeKey) -> String { key.data.map { String(format: "%02x", $0) }.joined() }

    @Test func aKeyIsTheFirstHalfOfTheHMAC() throws {
        var session = DedupeKeyer(key: Self.key).session()
        for (input, digest) in Self.fullDigests {
            let parts = input.split(separator: "|", maxSplits: 1).map(String.init)
            let vertical = try #require(Vertical(rawValue: parts[0]))
            #expect(Self.hex(session.key(vertical, parts[1])) == String(digest.prefix(32)), "\(input)")
        }
    }

    @Test func keysSortAsTheirBytes() {
        let digests = Self.fullDigests.map(\.hex).sorted()
        let keys = Self.fullDigests.map { pair in
            let bytes = stride(from: 0, to: 64, by: 2).map { offset -> UInt8 in
                let start = pair.hex.index(pair.hex.startIndex, offsetBy: offset)
                return UInt8(pair.hex[start..<pair.hex.index(start, offsetBy: 2)], radix: 16)!
            }
            return bytes.withUnsafeBytes { DedupeKey(digest: $0) }
        }
        #expect(keys.sorted().map(Self.hex) == digests.map { String($0.prefix(32)) })
    }

    @Test func aNewLedgerStoresSixteenByteKeys() throws {
        let dir = try LedgerDirectory()
        let ledger = try dir.open()
        try F.begin(ledger, 1)
        _ = try F.settle(ledger, batch: 1, (1...20).map { F.lead($0) }, as: .accepted)
        #expect(try ledger.intValue("SELECT count(*) FROM dedupe_holders WHERE length(key) = 16") == 40)
        #expect(try ledger.intValue("SELECT count(*) FROM dedupe_holders WHERE length(key) <> 16") == 0)
    }

    /// A ledger as leadspool wrote it before `dedupe-key-16` (32-byte keys, the migration not applied):
    /// batch 1 holds row 1 (accepted), row 2 (failed: its keys are free) and row 3 (solar, phone only).
    static func oldLedger(_ dir: LedgerDirectory) throws {
        try Data(key).write(to: URL(fileURLWithPath: dir.keyPath))
        // A key before its ledger: a new ledger is asked for deliberately (otherwise an orphaned key).
        let ledger = try Ledger(path: dir.path, keyPath: dir.keyPath, newLedger: true)
        try F.begin(ledger, 1)
        let answered = F.now.days(-1).ledgerSeconds
        let seq = "(SELECT seq FROM batches WHERE id = '\(F.batchID(1))')"
        let keyRows = zip(fullDigests.map(\.hex), [(0, 1), (1, 1), (0, 2), (1, 2), (0, 3)]).map { hex, holder in
            "(x'\(hex)', \(holder.0), \(seq), \(holder.1))"
        }
        try ledger.executeRaw(
            """
            \(LedgerSchemaFixture.undoRecentKeys)
            DELETE FROM grdb_migrations WHERE identifier = 'dedupe-key-16';
            INSERT INTO leads (batch_seq, row, state, vertical, attempts, http_status, answered_at) VALUES
                (\(seq), 1, 'accepted', 'insurance', 1, 200, \(answered)),
                (\(seq), 2, 'failed', 'insurance', 5, 503, \(answered)),
                (\(seq), 3, 'accepted', 'solar', 1, 200, \(answered));
            INSERT INTO dedupe_keys (key, kind, batch_seq, row) VALUES \(keyRows.joined(separator: ", "));
            """
        )
        #expect(try ledger.intValue("SELECT count(*) FROM dedupe_keys WHERE length(key) = 32") == 5)
    }

    @Test func anOldLedgerIsMigratedAndKeepsDedupingAgainstItsKeys() throws {
        let dir = try LedgerDirectory()
        try Self.oldLedger(dir)
        let ledger = try dir.open()
        #expect(try ledger.info().migrations == ["v1", "rollup-index", "dedupe-key-16", "dedupe-recent", "key-check", "batch-figures", "remote-reason"])
        #expect(try ledger.info().dedupeKeys == 5)
        #expect(try ledger.intValue("SELECT count(*) FROM dedupe_keys WHERE length(key) = 16") == 5)

        try F.begin(ledger, 2)
        let leads = [
            F.lead(1, phone: "+18135550001", email: "other@example.com"),
            F.lead(2, phone: "+18135559999", email: "person1@example.com"),
            F.lead(3, phone: "+18135550002", email: "person2@example.com"),
            F.lead(4, .solar, phone: "+18135550003", email: ""),
            F.lead(5, .mortgage, phone: "+18135550001", email: "person1@example.com"),
        ]
        let results = try ledger.reserve(leads, batch: F.batchID(2), now: F.now)
        let holders = results.map { result -> String in
            guard case .duplicate(let holder) = result else { return "\(result)" }
            return "\(holder.kind) \(holder.batch == F.batchID(1) ? "batch 1" : holder.batch) row \(holder.row)"
        }
        #expect(holders == ["phone batch 1 row 1", "email batch 1 row 1", "owned", "phone batch 1 row 3", "owned"])
        // Row 3 took over the keys of the failed row 2: what it holds now blocks the next lead.
        try F.begin(ledger, 3)
        let again = try ledger.reserve([F.lead(1, phone: "+18135550002")], batch: F.batchID(3), now: F.now)
        guard case .duplicate(let holder) = again.first else {
            Issue.record("expected a duplicate, got \(again)")
            return
        }
        #expect(holder.batch == F.batchID(2) && holder.row == 3)
        #expect(try ledger.dedupeCheck([F.lead(9, phone: "+18135550001")], now: F.now) != [.owned])
    }
}
