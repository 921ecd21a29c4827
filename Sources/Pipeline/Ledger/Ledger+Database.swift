import Foundation
package import GRDB

extension Ledger {
    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two processes
    /// never interleave a dedupe check and a reservation, and a busy lock waits (busy timeout) at `BEGIN`
    /// rather than failing at the first write.
    ///
    /// With `durable`, the commit is synced to disk (`synchronous = FULL`) before this returns.
    package func write<T>(_ what: String, durable: Bool = false, _ body: (Database) throws -> T) throws(LedgerError) -> T {
        guard !isReadOnly else { throw LedgerError(.readOnly, "\(what): the ledger is open read-only") }
        return try Ledger.mapErrors(what) {
            try database.writeWithoutTransaction { db in
                if durable { try db.execute(sql: "PRAGMA synchronous = FULL") }
                defer { if durable { try? db.execute(sql: "PRAGMA synchronous = NORMAL") } }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws(LedgerError) -> T {
        try Ledger.mapErrors(what) { try database.read(body) }
    }

    /// The internal sequence number of batch `id`, which leads and dedupe keys reference (8 bytes at most
    /// instead of 64 hex characters per row).
    static func batchSeq(_ db: Database, _ id: String) throws -> Int64 {
        let statement = try db.cachedStatement(sql: "SELECT seq FROM batches WHERE id = ?")
        guard let seq = try Int64.fetchOne(statement, arguments: [id])
        else { throw LedgerError(.misuse, "batch \(id.prefix(12)) was never begun in this ledger") }
        return seq
    }

    /// Runs `body`, turning any failure into a `LedgerError` whose message carries SQLite's message only
    /// (never SQL arguments).
    package static func mapErrors<T>(_ what: String, _ body: () throws -> T) throws(LedgerError) -> T {
        do {
            return try body()
        } catch let error as LedgerError {
            throw error
        } catch let error as DatabaseError {
            throw LedgerError(what, error)
        } catch {
            throw LedgerError(.io, "\(what): \(type(of: error))")
        }
    }
}

extension LedgerError {
    init(_ what: String, _ error: DatabaseError) {
        let code: Code =
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: .locked
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: .cannotOpen
            case .SQLITE_READONLY: .readOnly
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: .corrupt
            case .SQLITE_CONSTRAINT, .SQLITE_MISUSE, .SQLITE_RANGE: .misuse
            case .SQLITE_ERROR, .SQLITE_SCHEMA: .schema
            default: .io
            }
        self.init(code, "\(what): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
    }
}

extension Date {
    /// Whole seconds since 1970, how the ledger stores times.
    package var ledgerSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }

    package init(ledgerSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(ledgerSeconds))
    }
}

extension Ledger {
    /// Runs raw SQL in a write transaction (the benchmark's preload, tests that shape a file).
    func executeRaw(_ sql: String) throws(LedgerError) {
        try write("cannot execute") { db in try db.execute(sql: sql) }
    }
}

extension Ledger {
    /// An integer `PRAGMA` as the writing connection sees it (tests check the file's settings).
    func pragmaValue(_ name: String) throws(LedgerError) -> Int? {
        try write("cannot read pragma \(name)") { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}

extension Ledger {
    /// The integer in the first column of the first row `sql` answers (tests inspect the file).
    func intValue(_ sql: String) throws(LedgerError) -> Int? {
        try read("cannot read") { db in try Int.fetchOne(db, sql: sql) }
    }
}
