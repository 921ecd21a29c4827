import Foundation
package import GRDB
package import LeadModel
package import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// leadspool's durable memory: batches, every row's state and outcome, and the dedupe keys, in one SQLite
/// file (WAL) through GRDB.
///
/// One `Ledger` per process and file; several processes may open the same file: every write is one
/// `BEGIN IMMEDIATE` transaction, waiting up to `busyTimeout` for the write lock, so the dedupe reservation
/// of one process is seen by the next. Reads never wait for writers (WAL).
///
/// ## Durability
/// The file runs in WAL mode with `synchronous = NORMAL`: a committed transaction survives a crash of the
/// process (its pages are in the WAL, written before `COMMIT` returns) but may be lost on power loss or an
/// OS crash until the next checkpoint syncs the WAL. That is acceptable for `reserve`, `record` and
/// `recordLocal`: losing them only makes the rows look earlier in their life (`pending` rows are re-sent,
/// answered rows look `sending`, the ambiguous case the `ambiguous` setting already governs).
/// `markSending` is the one write that must survive power loss before a POST leaves, because a row that
/// falls back from `sending` to `pending` would be re-sent as if never sent. So, unless
/// `Configuration.syncSendMarks` is off, its transaction runs with `synchronous = FULL` (one WAL fsync per
/// call, which also makes every earlier commit durable). The submit stage marks a window of rows per call,
/// so the fsync is paid per window, not per lead.
///
/// No raw phone or email ever reaches the file: dedupe keys are the first 16 bytes of HMAC-SHA256 of
/// `vertical|value` keyed with the 32 random bytes of `ledger.key` (created 0600 beside the ledger, see
/// `DedupeKey`); local problem texts, which quote the offending value, are not stored (only codes and field
/// names); remote reason texts are scrubbed.
/// `publicStatementArguments` stays off so GRDB never puts statement arguments into errors or logs.
package final class Ledger: Sendable {
    /// Tunables with the defaults a run uses.
    package struct Configuration: Sendable, Hashable {
        /// How long a write waits for another process's write transaction, in seconds.
        package var busyTimeout: Double
        /// A lead whose phone or email key was answered `accepted`/`rejected`/`unknown` within this many days
        /// is `DUPLICATE_IN_LEDGER`.
        package var dedupeDays: Int
        /// Per-vertical overrides of `dedupeDays`.
        package var dedupeDaysByVertical: [Vertical: Int]
        /// SQLite page cache per connection, in MiB. Small by default: the dedupe keys are random, so a
        /// bigger cache buys little, while a run's memory should stay flat and low (a 200 000-lead run
        /// went from 82 MB to 166 MB peak RSS with 64 MiB and a 256 MiB mmap).
        package var cacheSizeMiB: Int
        /// Memory-mapped reads, in MiB (0, the default, turns them off: mapped pages of the ledger
        /// count in the process's resident memory, while the kernel's page cache serves reads as well).
        package var mmapSizeMiB: Int
        /// Run `markSending` with `synchronous = FULL` (fsync before the POSTs). See the type's docs.
        package var syncSendMarks: Bool
        /// WAL size, in pages, at which a commit copies the WAL back into the file (SQLite's
        /// `wal_autocheckpoint`). Random dedupe keys dirty many pages per commit: with SQLite's default
        /// (1 000 pages) nearly every `reserve` paid a checkpoint and its two fsyncs.
        package var checkpointPages: Int
        /// Page size of a NEW ledger file, in bytes (an existing file keeps its own). Every dedupe key lands
        /// on a random page, and a commit writes each page it dirtied whole to the WAL: small pages write
        /// less per key.
        package var newFilePageSize: Int
        /// Keys `dedupe_recent` may hold before `reserve` merges them into `dedupe_keys` (see
        /// `LedgerSchema.registerRecentKeys`). A merge writes each touched leaf of the large table about once:
        /// bigger means fewer merges, but longer ones (about 1 s for 262 144 keys into 10 M, in transactions
        /// of 1 024 keys) and more pages dirtied per `reserve` in between.
        package var recentKeysLimit: Int

        package init(
            busyTimeout: Double = 10, dedupeDays: Int = 30, dedupeDaysByVertical: [Vertical: Int] = [:],
            cacheSizeMiB: Int = 8, mmapSizeMiB: Int = 0, syncSendMarks: Bool = true, checkpointPages: Int = 8_192,
            newFilePageSize: Int = 4_096, recentKeysLimit: Int = 262_144
        ) {
            self.busyTimeout = busyTimeout
            self.dedupeDays = dedupeDays
            self.dedupeDaysByVertical = dedupeDaysByVertical
            self.cacheSizeMiB = cacheSizeMiB
            self.mmapSizeMiB = mmapSizeMiB
            self.syncSendMarks = syncSendMarks
            self.checkpointPages = checkpointPages
            self.newFilePageSize = newFilePageSize
            self.recentKeysLimit = recentKeysLimit
        }

        /// The dedupe window of `vertical`, in days.
        package func dedupeDays(for vertical: Vertical) -> Int { dedupeDaysByVertical[vertical] ?? dedupeDays }
    }

    /// Path of the SQLite file.
    package let path: String
    package let configuration: Configuration
    /// `true` for a ledger opened with `openReadOnly` (`leadspool check`): every write throws `.readOnly`.
    package let isReadOnly: Bool
    package let database: any DatabaseWriter
    let keyer: DedupeKeyer
    /// Where the ledger tells of work it does on its own that fails without failing the caller's call (a
    /// dropped merge of the recent dedupe keys); silent unless given.
    let logger: Logger

    /// Opens the ledger at `path`, creating it (and its key at `keyPath`, mode 0600) when both are absent, and
    /// migrates its schema.
    ///
    /// The key is made after the ledger's schema, so a key file beside a ledger that is missing, empty (0
    /// bytes) or holds no ledger schema means the ledger that goes with the key was lost (deleted, truncated,
    /// or its WAL removed before a checkpoint): starting a new one would send again every lead the old one
    /// recorded, so that is refused (`.orphanedKey`) unless `newLedger` says it is meant. Nothing is created
    /// when it is refused.
    ///
    /// - Parameter newLedger: start a new ledger with the existing key where the one it belongs to is lost.
    /// - Throws: `LedgerError` `.cannotOpen` (directory missing, permissions), `.badKey` (key file of the
    ///   wrong size, or missing for a ledger that holds dedupe keys), `.orphanedKey` (above), `.schema`
    ///   (written by a newer leadspool), `.corrupt`, `.locked`, `.io`.
    package convenience init(
        path: String, keyPath: String, configuration: Configuration = Configuration(), logger: Logger = Ledger.silent,
        newLedger: Bool = false
    ) throws(LedgerError) {
        // Two processes opening a new ledger at once would race SQLite's switch to WAL and the first
        // migration ("database is locked", "no such table: grdb_migrations"): opening is serialised
        // across processes by an flock on a sidecar file, held only while opening.
        let openLock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if openLock >= 0 { flock(openLock, LOCK_EX) }
        defer { if openLock >= 0 { close(openLock) } }
        let existed = FileManager.default.fileExists(atPath: path)
        let key = try LedgerKeyFile.load(path: keyPath)
        // Checked before SQLite opens the file: opening a 0-byte file deletes a WAL beside it.
        if key != nil, let lost = Ledger.lostLedger(path: path) {
            guard newLedger else { throw Ledger.orphanedKey(path: path, keyPath: keyPath, lost) }
            Ledger.logNewLedger(logger, path: path, lost)
        }
        let pool: DatabasePool = try Ledger.mapErrors("cannot open \(path)") {
            let pool = try DatabasePool(
                path: path, configuration: Ledger.grdbConfiguration(configuration, readOnly: false)
            )
            try pool.barrierWriteWithoutTransaction { db in
                if try LedgerSchema.migrator.hasBeenSuperseded(db) {
                    throw LedgerError(.schema, "\(path) was written by a newer leadspool")
                }
                if key != nil, try LedgerSchema.migrator.appliedIdentifiers(db).isEmpty {
                    let lost = "there but has no ledger schema (a new SQLite file, or a ledger whose WAL was removed)"
                    guard newLedger else { throw Ledger.orphanedKey(path: path, keyPath: keyPath, lost) }
                    Ledger.logNewLedger(logger, path: path, lost)
                }
            }
            do {
                try LedgerSchema.migrator.migrate(pool)
            } catch {
                // Another process opening a fresh ledger at the same moment may have migrated it between
                // the migrator's look and its write: then there is nothing left to do.
                guard try pool.read(LedgerSchema.migrator.hasCompletedMigrations) else { throw error }
            }
            return pool
        }
        let resolvedKey: [UInt8]
        if let key {
            resolvedKey = key
        } else {
            if existed, try Ledger.hasDedupeKeys(pool) {
                throw LedgerError(.badKey, "key file \(keyPath) is missing but \(path) holds dedupe keys")
            }
            resolvedKey = try LedgerKeyFile.loadOrCreate(path: keyPath)
        }
        try Ledger.verifyKey(pool, key: resolvedKey, keyPath: keyPath, path: path, store: true)
        self.init(
            path: path, configuration: configuration, isReadOnly: false, database: pool, key: resolvedKey,
            logger: logger)
    }

    /// How the ledger file at `path` is lost, seen from the file system alone: `"missing"`, `"empty (0
    /// bytes)"`, or `nil` when there is a file with content (whose schema is checked once it is open).
    private static func lostLedger(path: String) -> String? {
        var status = stat()
        if stat(path, &status) != 0 { return errno == ENOENT ? "missing" : nil }
        return status.st_size == 0 && (status.st_mode & S_IFMT) == S_IFREG ? "empty (0 bytes)" : nil
    }

    private static func logNewLedger(_ logger: Logger, path: String, _ how: String) {
        let message =
            "starting a new ledger with the existing key (--new-ledger): the ledger was \(how); "
            + "leads the lost ledger recorded may be sent again"
        logger.warning("\(message)", metadata: ["ledger.path": "\(path)"])
    }

    /// The refusal of a key whose ledger is gone (`how`: missing, empty, without a schema).
    private static func orphanedKey(path: String, keyPath: String, _ how: String) -> LedgerError {
        LedgerError(
            .orphanedKey,
            "key file \(keyPath) exists but the ledger \(path) is \(how): the ledger that goes with this key is "
                + "gone, and a new one would send again every lead it recorded; restore the ledger and its key from a "
                + "backup (`leadspool backup`), or start a new ledger deliberately with `leadspool run --new-ledger` "
                + "(or `watch --new-ledger`)")
    }

    /// Opens an existing ledger for reading only (`leadspool check`); creates nothing.
    ///
    /// - Returns: `nil` when there is no file at `path` (then there is simply no ledger to dedupe against).
    /// With `keyIfReadable` (`status` and `report`, which read figures only), a key file this user may not
    /// read is left alone instead of refused; the ledger then matches no dedupe key.
    ///
    /// - Throws: `LedgerError` as `init`, and `.schema` or `.upgradeNeeded` when the file's schema is not this
    ///   leadspool's.
    package static func openReadOnly(
        path: String, keyPath: String, configuration: Configuration = Configuration(), keyIfReadable: Bool = false
    ) throws(LedgerError) -> Ledger? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let queue: DatabaseQueue = try mapErrors("cannot open \(path)") {
            let queue = try DatabaseQueue(path: path, configuration: grdbConfiguration(configuration, readOnly: true))
            try queue.read { db in try checkSchemaForReading(db, path: path) }
            return queue
        }
        let unreadable = keyIfReadable && access(keyPath, R_OK) != 0 && errno == EACCES
        var key = unreadable ? nil : try LedgerKeyFile.load(path: keyPath)
        if unreadable {
            key = (0..<LedgerKeyFile.size).map { _ in UInt8.random(in: 0...255) }
        } else if key == nil {
            if try hasDedupeKeys(queue) {
                throw LedgerError(.badKey, "key file \(keyPath) is missing but \(path) holds dedupe keys")
            }
            // Nothing stored to match against: any key finds nothing.
            key = (0..<LedgerKeyFile.size).map { _ in UInt8.random(in: 0...255) }
        } else {
            try verifyKey(queue, key: key!, keyPath: keyPath, path: path, store: false)
        }
        return Ledger(
            path: path, configuration: configuration, isReadOnly: true, database: queue, key: key!, logger: silent)
    }

    /// Throws `.schema` (newer, or not a ledger) or `.upgradeNeeded` (older), saying why and what to do, unless
    /// the ledger's schema is exactly this leadspool's. A reader cannot upgrade a schema, so a ledger written by
    /// an older leadspool is refused until a command that writes the ledger (`run`, `watch`, `retry`) has
    /// opened it once.
    private static func checkSchemaForReading(_ db: Database, path: String) throws {
        let migrator = LedgerSchema.migrator
        if try migrator.hasBeenSuperseded(db) {
            throw LedgerError(.schema, "\(path) was written by a newer leadspool")
        }
        if try migrator.hasCompletedMigrations(db) { return }
        let applied = try migrator.appliedIdentifiers(db)
        guard !applied.isEmpty else {
            throw LedgerError(.schema, "\(path) is not a leadspool ledger (it has no ledger schema)")
        }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        throw LedgerError(
            .upgradeNeeded,
            "\(path) was written by an older leadspool and needs a schema upgrade (\(pending.joined(separator: ", "))), "
                + "which only a command that writes the ledger can do: the next `leadspool run` (or `watch`, `retry`) "
                + "upgrades it")
    }

    private init(
        path: String, configuration: Configuration, isReadOnly: Bool, database: any DatabaseWriter, key: [UInt8],
        logger: Logger
    ) {
        self.path = path
        self.configuration = configuration
        self.isReadOnly = isReadOnly
        self.database = database
        self.keyer = DedupeKeyer(key: key)
        self.logger = logger
    }

    /// A logger that drops everything: the default for callers with nothing to tell.
    package static let silent = Logger(label: "leadspool.ledger") { _ in SwiftLogNoOpLogHandler() }

    private static func grdbConfiguration(_ configuration: Configuration, readOnly: Bool) -> GRDB.Configuration {
        var config = GRDB.Configuration()
        config.label = "leadspool.ledger"
        config.readonly = readOnly
        config.busyMode = .timeout(configuration.busyTimeout)
        // Statement arguments carry phone/email hashes and remote texts: keep them out of errors and logs.
        config.publicStatementArguments = false
        let cacheKiB = max(configuration.cacheSizeMiB, 1) * 1024
        let mmapBytes = max(configuration.mmapSizeMiB, 0) * 1024 * 1024
        let checkpointPages = max(configuration.checkpointPages, 1)
        let pageSize = configuration.newFilePageSize
        config.prepareDatabase { db in
            // Only takes effect before the file's first write; SQLite ignores it for an existing file.
            if !readOnly { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            try db.execute(sql: "PRAGMA mmap_size = \(mmapBytes)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !readOnly {
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(checkpointPages)")
                // After a checkpoint the WAL is cut back to this size, so a large one does not stay on disk.
                try db.execute(sql: "PRAGMA journal_size_limit = \(checkpointPages * 4096)")
            }
        }
        return config
    }

    private static func hasDedupeKeys(_ reader: any DatabaseReader) throws(LedgerError) -> Bool {
        try mapErrors("cannot read ledger") {
            try reader.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dedupe_holders)") ?? false }
        }
    }
}
