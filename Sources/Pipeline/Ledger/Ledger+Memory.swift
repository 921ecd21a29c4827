import GRDB
import GRDBSQLite

extension Ledger {
    /// Frees what the ledger's connections cache (pages, prepared statements); they fill again as the
    /// ledger is used. Waits for the write in progress, if any.
    package func releaseMemory() {
        if let pool = database as? DatabasePool {
            pool.releaseMemory()
        } else if let queue = database as? DatabaseQueue {
            queue.releaseMemory()
        }
    }

    /// Bytes the writing connection's page cache holds (`SQLITE_DBSTATUS_CACHE_USED`).
    package func writerCacheBytes() -> Int {
        database.writeWithoutTransaction { db in
            var current: Int32 = 0
            var highest: Int32 = 0
            sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
            return Int(current)
        }
    }
}
