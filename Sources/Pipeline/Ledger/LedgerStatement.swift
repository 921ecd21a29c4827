import Foundation
import GRDB
import GRDBSQLite

/// A statement GRDB prepared and caches, bound and run through SQLite's C API: the multi-row writes of
/// `reserve`, `markSending` and `record` bind a few integers and strings per row, and GRDB's arguments
/// (an array of boxed existentials, then `DatabaseValue`s, per call) cost about as much as SQLite's own work.
///
/// Used inside one `Ledger.write` transaction only; every `run()` leaves the statement reset, so GRDB may
/// use it again. Errors carry SQLite's message, never the bound values.
struct LedgerStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    init(_ db: Database, _ sql: String) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }

    func bind(_ index: Int32, _ value: Int?) {
        if let value { sqlite3_bind_int64(handle, index, Int64(value)) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        // SQLite copies the text (SQLITE_TRANSIENT); a native string lends its bytes without a copy here.
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
                }
            } else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    func bind(_ index: Int32, key: DedupeKey?) {
        guard let key else {
            sqlite3_bind_null(handle, index)
            return
        }
        key.withBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// Runs the statement to its end and resets it; hands the first column of each result row (an integer)
    /// to `row`; answers the rows it changed.
    @discardableResult
    func run(_ row: (Int64) -> Void = { _ in }) throws -> Int {
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW {
            row(sqlite3_column_int64(handle, 0))
            code = sqlite3_step(handle)
        }
        guard code == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        let changes = Int(sqlite3_changes(connection))
        sqlite3_reset(handle)
        return changes
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
