import Foundation
@testable import LeadLedger
@testable import LeadModel
import Testing

/// A fresh temporary directory holding `ledger.sqlite` and `ledger.key`; removed on `deinit`.
final class LedgerDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var path: String { url.appendingPathComponent("ledger.sqlite").path }
    var keyPath: String { url.appendingPathComponent("ledger.key").path }

    func open(_ configuration: Ledger.Configuration = Ledger.Configuration()) throws -> Ledger {
        try Ledger(path: path, keyPath: keyPath, configuration: configuration)
    }

    func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

enum LedgerFixture {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func batchID(_ n: Int) -> String {
        String(repeating: String(format: "%02x", n % 256), count: 32)
    }

    /// Begins batch `n` (id `batchID(n)`).
    @discardableResult
    static func begin(_ ledger: Ledger, _ n: Int, at: Date = now) throws -> BatchStatus {
        try ledger.beginBatch(
            id: batchID(n), name: "20260101T000000Z-\(batchID(n).prefix(12))", fileName: "batch\(n).csv",
            publisher: n % 2 == 0 ? "default" : "acme", claimedAt: at
        )
    }

    static func lead(_ row: Int, _ vertical: Vertical = .insurance, phone: String? = nil, email: String? = nil)
        -> LedgerLead
    {
        LedgerLead(
            row: row, vertical: vertical, phone: phone ?? "+1813555\(String(format: "%04d", row))",
            email: email ?? "person\(row)@example.com"
        )
    }

    /// The holder a `reserve` of one lead named, or `nil` (recording an issue) when the lead was not a duplicate.
    static func holder(_ results: [ReserveResult], sourceLocation: SourceLocation = #_sourceLocation) -> LedgerHolder? {
        if case .duplicate(let holder) = results.first { return holder }
        Issue.record("expected a duplicate, got \(results)", sourceLocation: sourceLocation)
        return nil
    }

    /// Reserves, marks sending and records `state` for `leads` of batch `n`, answered at `answeredAt`.
    static func settle(
        _ ledger: Ledger, batch n: Int, _ leads: [LedgerLead], as state: LeadState, answeredAt: Date = now
    ) throws -> [ReserveResult] {
        let results = try ledger.reserve(leads, batch: batchID(n), now: answeredAt)
        let owned = zip(leads, results).filter { $0.1 == .owned }.map(\.0.row)
        try ledger.markSending(
            batch: batchID(n), rows: owned, idempotencyKeys: owned.map { "k-\(n)-\($0)" }, now: answeredAt
        )
        try ledger.record(
            owned.map { LeadOutcomeRecord(row: $0, state: state, httpStatus: 200, answeredAt: answeredAt) },
            batch: batchID(n)
        )
        return results
    }
}

extension Date {
    func days(_ n: Double) -> Date { addingTimeInterval(n * 86_400) }
}

/// SQL that turns a new ledger back into one written before a migration.
enum LedgerSchemaFixture {
    /// Before `dedupe-recent`: no recent-keys table, no holders view, the migration not recorded.
    static let undoRecentKeys = """
        DROP VIEW dedupe_holders;
        DROP TABLE dedupe_recent;
        DELETE FROM grdb_migrations WHERE identifier = 'dedupe-recent';
        """
}
