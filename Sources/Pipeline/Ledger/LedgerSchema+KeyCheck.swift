import Crypto
import Foundation
import GRDB

extension LedgerSchema {
    /// Migration `key-check`: `ledger_facts`, named values about the file. It holds `key_check`, a value
    /// derived from `ledger.key` (see `Ledger.keyCheck`), so a key file that is not the ledger's own (another
    /// spool's, or one made anew after the original was lost) is refused instead of silently matching no
    /// stored dedupe key, which would send every consumer again.
    static func registerKeyCheck(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("key-check") { db in
            try db.execute(
                sql: "CREATE TABLE ledger_facts (name TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
        }
    }
}

extension Ledger {
    /// What the ledger stores of its key: the first 16 bytes of HMAC-SHA256 of a fixed text, keyed with it.
    /// It names the key without revealing it, as a dedupe key names a phone.
    static func keyCheck(_ key: [UInt8]) -> Data {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("leadspool ledger.key check".utf8), using: SymmetricKey(data: key))
        return Data(mac).prefix(16)
    }

    /// Compares `key` with the check stored in the file. A ledger without a check (new, or written before
    /// `key-check`) gets this key's when `store` is set; one whose check differs is refused while it holds
    /// dedupe keys (without them the key matters to nothing stored, and a writer stores the new key's check).
    static func verifyKey(
        _ writer: any DatabaseWriter, key: [UInt8], keyPath: String, path: String, store: Bool
    ) throws(LedgerError) {
        let check = keyCheck(key)
        let mismatch: Bool = try mapErrors("cannot check the key of \(path)") {
            let body = { (db: Database) throws -> Bool in
                let stored = try Data.fetchOne(db, sql: "SELECT value FROM ledger_facts WHERE name = 'key_check'")
                if stored == check { return false }
                let holdsKeys = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dedupe_holders)") ?? false
                if stored != nil, holdsKeys { return true }
                // Before `key-check` the file recorded nothing to compare with: the key it has now is taken as
                // its own.
                if store {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ledger_facts (name, value) VALUES ('key_check', ?)",
                        arguments: [check])
                }
                return false
            }
            return store ? try writer.write(body) : try writer.read(body)
        }
        if mismatch {
            throw LedgerError(
                .badKey,
                "key file \(keyPath) is not the key of \(path): none of its dedupe keys would match, so consumers "
                    + "already sent would be sent again; put the ledger's own key file back")
        }
    }
}
