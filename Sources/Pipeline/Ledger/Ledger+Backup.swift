import Foundation
import GRDB
import Logging

extension Ledger {
    /// Copies every page of the WAL into the ledger file and cuts the WAL to 0 bytes
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`), so the file alone holds the whole ledger: a copy of `ledger.sqlite`
    /// and `ledger.key` is then a complete backup. `run`, `watch` and `retry` call it when they finish.
    ///
    /// Another process reading or writing the ledger may keep the WAL from being cut: the checkpoint waits at
    /// most `waitSeconds` for it, then copies what it can and leaves the rest to a later checkpoint. That is
    /// logged at debug level and is no failure; nor is any other error here (logged as a warning), since the
    /// ledger's content is safe in the WAL either way.
    ///
    /// - Returns: `true` when the WAL was emptied.
    @discardableResult
    package func checkpoint(waitSeconds: Double = 1) -> Bool {
        guard !isReadOnly else { return false }
        let waitMillis = max(Int(waitSeconds * 1000), 0)
        let busyMillis = max(Int(configuration.busyTimeout * 1000), 0)
        do {
            let (walFrames, copied) = try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA busy_timeout = \(waitMillis)")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(busyMillis)") }
                return try db.checkpoint(.truncate)
            }
            logger.debug(
                "ledger checkpointed", metadata: ["ledger.path": "\(path)", "ledger.wal_frames": "\(walFrames)"])
            return walFrames == 0 || walFrames == copied
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            logger.debug(
                "ledger checkpoint incomplete: another process is using the ledger; a later checkpoint finishes it",
                metadata: ["ledger.path": "\(path)"])
            return false
        } catch {
            let text = (error as? DatabaseError)?.message ?? "\(type(of: error))"
            logger.warning(
                "ledger checkpoint failed: \(text); the ledger's content stays in its WAL",
                metadata: ["ledger.path": "\(path)"])
            return false
        }
    }

    /// What `backup(into:)` copied.
    package struct BackupFigures: Sendable, Hashable {
        package var batches: Int
        package var leads: Int
        /// Size of the copy, in bytes.
        package var bytes: Int64
    }

    /// Copies the ledger, as one consistent snapshot, into the SQLite file at `destination` with SQLite's online
    /// backup: processes writing the ledger meanwhile go on, and the copy holds every transaction committed
    /// before it started and none after. The copy is then switched to rollback-journal mode and closed, so the
    /// one file holds everything (no WAL beside it).
    ///
    /// `destination` must be absent or empty (the caller makes it with the mode it wants, writes it under a
    /// temporary name, syncs and renames it). SQLite's journal files beside it are gone when this returns.
    ///
    /// - Throws: `LedgerError` (the ledger cannot be read, or the copy cannot be written).
    package func backup(into destination: String) throws(LedgerError) -> BackupFigures {
        let figures: (batches: Int, leads: Int) = try Ledger.mapErrors("cannot back up \(path) to \(destination)") {
            var config = GRDB.Configuration()
            config.label = "leadspool.backup"
            config.publicStatementArguments = false
            let copy = try DatabaseQueue(path: destination, configuration: config)
            var closed = false
            defer { if !closed { try? copy.close() } }
            // One step: every page is read in a single read transaction of the ledger (a snapshot).
            try database.backup(to: copy)
            let figures = try copy.writeWithoutTransaction { db in
                // The pages carry the ledger's WAL mark; rollback-journal mode folds any WAL into the file and
                // makes it a plain one that needs nothing beside it.
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                guard mode?.lowercased() == "delete" else {
                    throw LedgerError(.io, "cannot back up \(path): the copy stayed in journal mode \(mode ?? "?")")
                }
                let batches = try Int.fetchOne(db, sql: "SELECT count(*) FROM batches") ?? 0
                let leads = try Int.fetchOne(db, sql: "SELECT count(*) FROM leads") ?? 0
                return (batches, leads)
            }
            try copy.close()
            closed = true
            return figures
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? NSNumber
        return BackupFigures(batches: figures.batches, leads: figures.leads, bytes: size?.int64Value ?? 0)
    }

    /// The 32 bytes of the key file at `path`, or `nil` when there is none (`leadspool backup` copies it).
    ///
    /// - Throws: `LedgerError.badKey` for a key file that cannot be read or is not 32 bytes.
    package static func keyFileBytes(path: String) throws(LedgerError) -> [UInt8]? {
        try LedgerKeyFile.load(path: path)
    }
}
