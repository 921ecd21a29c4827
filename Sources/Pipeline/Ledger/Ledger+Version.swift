import GRDB

extension Ledger {
    /// The version of the SQLite library the ledger runs on (`3.46.1`).
    package static var sqliteVersion: String {
        let number = Int(Database.sqliteLibVersionNumber)
        return "\(number / 1_000_000).\(number / 1_000 % 1_000).\(number % 1_000)"
    }
}
