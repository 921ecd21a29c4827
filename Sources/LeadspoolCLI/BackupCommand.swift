import ArgumentParser
import Foundation
import Ingest
import LeadLedger
import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool backup DEST`: a consistent copy of the ledger and its key, while runs may be working.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the ledger (one self-contained SQLite file) and its key into a directory, mode 0600.",
        discussion: """
            DEST is a directory (made when missing; its parent must exist). The ledger is written there under \
            its own file name (ledger.sqlite by default) and its key as ledger.key: the names a spool expects, \
            so restoring is copying both back beside each other while no run or watch is working. The copy is \
            taken with SQLite's online backup, so runs writing the ledger meanwhile go on and the copy holds \
            what they had committed when it started. A backup already in DEST is replaced only with --force. \
            Exit 73 when the ledger cannot be read or DEST cannot be written.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Directory to write the backup into.")
    var destination: String

    @Flag(name: .long, help: "Replace a backup already in DEST.")
    var force = false

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            global.bootstrapLogging(settings)
            return try backup(settings: settings)
        }
    }

    private func backup(settings: Settings) throws -> ExitStatus {
        let ledgerPath = settings.ledgerPath
        let keyPath = settings.ledgerKeyPath
        func fail(_ message: String) -> ExitStatus {
            StderrMessage.error("\(message)")
            return .cantCreate
        }
        guard FileManager.default.fileExists(atPath: ledgerPath) else {
            return fail("no ledger at \(ledgerPath): nothing to back up")
        }

        // DEST: a directory, made here when missing (not its parents, so a typo does not go unnoticed).
        let directory = destination.count > 1 && destination.hasSuffix("/") ? String(destination.dropLast()) : destination
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ConfigurationError(
                    "\(directory) is not a directory: backup writes the ledger and ledger.key into a directory")
            }
        } else if mkdir(directory, 0o700) != 0 {
            return fail("cannot create the backup directory \(directory): \(FileSystem.errorText())")
        }
        if let here = Self.realPath(directory), here == Self.realPath(FileSystem.parent(ledgerPath)) {
            throw ConfigurationError(
                "\(directory) is the ledger's own directory: give another directory to back it up into")
        }
        let ledgerTarget = directory + "/" + FileSystem.baseName(ledgerPath)
        let keyTarget = directory + "/ledger.key"
        if !force {
            let present = [ledgerTarget, keyTarget].filter { FileSystem.exists($0) }
            if !present.isEmpty {
                throw ConfigurationError(
                    "\(present.joined(separator: " and ")) already exist\(present.count == 1 ? "s" : ""): "
                        + "give another directory, or --force to replace that backup")
            }
        }

        let ledger: Ledger
        let key: [UInt8]?
        do {
            guard let opened = try Ledger.openReadOnly(
                path: ledgerPath, keyPath: keyPath, configuration: settings.ledgerConfiguration())
            else { return fail("no ledger at \(ledgerPath): nothing to back up") }
            ledger = opened
            key = try Ledger.keyFileBytes(path: keyPath)
        } catch {
            return fail("cannot read the ledger: \(error)")
        }

        // Both files are written under temporary names, synced, then put in place.
        let stamp = "\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let ledgerTemporary = directory + "/." + FileSystem.baseName(ledgerPath) + "." + stamp + ".tmp"
        let keyTemporary = directory + "/.ledger.key." + stamp + ".tmp"
        defer {
            for path in [ledgerTemporary, keyTemporary] + ["-journal", "-wal", "-shm"].map({ ledgerTemporary + $0 }) {
                unlink(path)
            }
        }
        guard Self.createPrivate(ledgerTemporary, bytes: []) else {
            return fail("cannot write \(ledgerTemporary): \(FileSystem.errorText())")
        }
        let figures: Ledger.BackupFigures
        do {
            figures = try ledger.backup(into: ledgerTemporary)
        } catch {
            return fail("cannot back up the ledger: \(error)")
        }
        guard Self.syncPrivate(ledgerTemporary) else {
            return fail("cannot write \(ledgerTemporary): \(FileSystem.errorText())")
        }
        if let key, !Self.createPrivate(keyTemporary, bytes: key) {
            return fail("cannot write \(keyTemporary): \(FileSystem.errorText())")
        }

        for (temporary, target) in [(ledgerTemporary, ledgerTarget)] + (key == nil ? [] : [(keyTemporary, keyTarget)]) {
            if force {
                guard rename(temporary, target) == 0 else {
                    return fail("cannot write \(target): \(FileSystem.errorText())")
                }
            } else {
                // Never replaces a file made meanwhile.
                guard link(temporary, target) == 0 else {
                    if errno == EEXIST {
                        throw ConfigurationError("\(target) appeared meanwhile: give another directory, or --force")
                    }
                    return fail("cannot write \(target): \(FileSystem.errorText())")
                }
            }
        }
        // A key left from an earlier backup would not be this ledger's.
        if key == nil, force { unlink(keyTarget) }
        FileSystem.syncDirectory(directory)

        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : (noun.hasSuffix("h") ? "es" : "s"))" }
        print(
            "backed up \(ledgerPath): \(count(figures.batches, "batch")), \(count(figures.leads, "lead")), "
                + "\(Self.size(figures.bytes))")
        print("  \(ledgerTarget)  (one self-contained SQLite file, mode 0600)")
        if key != nil {
            print("  \(keyTarget)  (mode 0600)")
        } else {
            print("  no key file at \(keyPath) (the ledger holds no dedupe keys): none written")
        }
        return .ok
    }

    /// Creates `path` (it must not exist) with mode 0600, writes `bytes` and syncs it.
    private static func createPrivate(_ path: String, bytes: [UInt8]) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            written += n
        }
        return fchmod(fd, 0o600) == 0 && fsync(fd) == 0
    }

    /// Sets mode 0600 on `path` and syncs it.
    private static func syncPrivate(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fchmod(fd, 0o600) == 0 && fsync(fd) == 0
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func size(_ bytes: Int64) -> String {
        bytes < 1 << 20 ? "\(bytes / 1024 + (bytes > 0 ? 1 : 0)) KiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
