import Foundation
import GRDB

extension Ledger {
    /// Whether `dedupe_recent` holds `Configuration.recentKeysLimit` keys or more, so that it is time to merge
    /// it (see `LedgerSchema.registerRecentKeys`). Read on the writer's connection, inside its transaction: a
    /// reader connection would fill a page cache of its own with the table.
    func recentKeysFull(_ db: Database) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM dedupe_recent")) ?? 0
            >= configuration.recentKeysLimit
    }

    /// Moves every key of `dedupe_recent` into `dedupe_keys` in key order (the large B-tree is walked forward
    /// once, each leaf it touches written about once), replacing the older holder of a key found in both: the recent one is
    /// the key's holder.
    ///
    /// One write transaction per `mergeChunk` keys, each moving a range of keys (copied, then deleted from
    /// `dedupe_recent`), so every commit leaves each key in one place, and the write lock is held for a
    /// chunk at a time: with 10 M keys a whole merge takes about a second, during which another process's
    /// reserve or send marks would otherwise wait. Keys taken meanwhile behind the current range stay for
    /// the next merge. (One statement moving every key also cost memory: inside a transaction SQLite keeps
    /// the original of each page a statement changes, in memory under `temp_store = MEMORY`, 60 MB more
    /// peak RSS in a 1 M-lead `run`.)
    func mergeRecentKeys() throws(LedgerError) {
        // The empty BLOB sorts before every key; a chunk with no upper key takes the rest.
        var low = Data()
        while let next = try write("cannot merge dedupe keys", { db in try Ledger.moveRecentKeys(db, after: low) }) {
            low = next
        }
    }

    /// Moves the first `mergeChunk` keys of `dedupe_recent` after `low` into `dedupe_keys`; returns the last
    /// key moved, or `nil` when no key is left after it.
    static func moveRecentKeys(_ db: Database, after low: Data) throws -> Data? {
        let bound = try db.cachedStatement(
            sql: "SELECT key FROM dedupe_recent WHERE key > ? ORDER BY key LIMIT 1 OFFSET \(mergeChunk - 1)")
        let high = try Data.fetchOne(bound, arguments: [low])
        let range = high == nil ? "key > ?1" : "key > ?1 AND key <= ?2"
        let arguments: StatementArguments = high.map { [low, $0] } ?? [low]
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO dedupe_keys (key, kind, batch_seq, row)
                    SELECT key, kind, batch_seq, row FROM dedupe_recent WHERE \(range) ORDER BY key
                """
        ).execute(arguments: arguments)
        try db.cachedStatement(sql: "DELETE FROM dedupe_recent WHERE \(range)").execute(arguments: arguments)
        return high
    }

    /// Keys moved per transaction of a merge.
    static let mergeChunk = 1_024
}
