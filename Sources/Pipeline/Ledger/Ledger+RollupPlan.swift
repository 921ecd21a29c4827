import GRDB
import Ingest
import LeadModel

extension Ledger {
    /// SQLite's plan of the roll-up query (`detail` of each step) in `calendar`'s zone, for tests that check it
    /// reads the index.
    func rollupPlan(low: Int64, high: Int64, calendar: ReportCalendar = ReportCalendar()) throws(LedgerError) -> [String] {
        try read("cannot explain roll-up") { db in
            let days = [low, high].map { CivilTime.floorDiv($0, CivilTime.secondsPerDay) }
            let sql = try Ledger.rollupSQL(db, calendar: calendar, low: low, high: high).text
            return try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments([low, high] + days))
                .map { $0["detail"] as String }
        }
    }

    /// Names of the indexes on `table`.
    func indexNames(table: String) throws(LedgerError) -> [String] {
        try read("cannot list indexes") { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", arguments: [table])
        }
    }
}
