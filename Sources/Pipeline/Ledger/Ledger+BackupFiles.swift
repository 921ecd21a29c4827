import Foundation
import Ingest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Ledger {
    /// What `backupFiles` wrote, for `leadspool backup` to print.
    package struct BackupFiles: Sendable, Hashable {
        package var figures: BackupFigures
        /// The copy of the ledger: one self-contained SQLite file, mode 0600.
        package var ledgerPath: String
        /// The copy of the key (mode 0600), or `nil` when the ledger has no key file (then none is written, and
        /// with `replace` a key left by an earlier backup is removed: it would not be this ledger's).
        package var keyPath: String?
    }

    /// Why `backupFiles` wrote nothing: a usage error (DEST is not a directory, is the ledger's own, holds a
    /// backup already) or a failure to read the ledger or write DEST.
    package struct BackupFilesFailure: Error, Sendable, Hashable {
        package var message: String
        /// DEST was given wrong (exit 64); otherwise the ledger could not be read or DEST written (exit 73).
        package var isUsage: Bool
    }

    /// Writes a consistent copy of the ledger at `ledgerPath` (SQLite's online backup: runs writing it meanwhile
    /// go on) and of its key into `directory`, under the names a spool expects (the ledger's own file name and
    /// `ledger.key`), so restoring is copying both back. `directory` is made (mode 0700) when missing, not its
    /// parents, so a typo does not go unnoticed. Both files are written under hidden temporary names with mode
    /// 0600, synced, then linked into place (never over a file, unless `replace`: then renamed over it), and the
    /// directory is synced.
    package static func backupFiles(
        ledgerPath: String, keyPath: String, into directory: String, replace: Bool, configuration: Configuration
    ) throws(BackupFilesFailure) -> BackupFiles {
        func failure(_ message: String) -> BackupFilesFailure { BackupFilesFailure(message: message, isUsage: false) }
        func usage(_ message: String) -> BackupFilesFailure { BackupFilesFailure(message: message, isUsage: true) }
        let nothing = failure("no ledger at \(ledgerPath): nothing to back up")
        guard FileManager.default.fileExists(atPath: ledgerPath) else { throw nothing }
        let directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw usage("\(directory) is not a directory: backup writes the ledger and ledger.key into a directory")
            }
        } else if mkdir(directory, 0o700) != 0 {
            throw failure("cannot create the backup directory \(directory): \(FileSystem.errorText())")
        }
        if let here = realPath(directory), here == realPath(FileSystem.parent(ledgerPath)) {
            throw usage("\(directory) is the ledger's own directory: give another directory to back it up into")
        }
        let ledgerTarget = directory + "/" + FileSystem.baseName(ledgerPath)
        let keyTarget = directory + "/ledger.key"
        if !replace {
            let present = [ledgerTarget, keyTarget].filter { FileSystem.exists($0) }
            if !present.isEmpty {
                throw usage(
                    "\(present.joined(separator: " and ")) already exist\(present.count == 1 ? "s" : ""): "
                        + "give another directory, or --force to replace that backup")
            }
        }

        let opened: Ledger?
        let key: [UInt8]?
        do {
            opened = try Ledger.openReadOnly(path: ledgerPath, keyPath: keyPath, configuration: configuration)
            key = opened == nil ? nil : try Ledger.keyFileBytes(path: keyPath)
        } catch {
            throw failure("cannot read the ledger: \(error)")
        }
        guard let ledger = opened else { throw nothing }

        // Both files are written under temporary names, synced, then put in place.
        var files: [AtomicFile] = []
        defer {
            for var file in files { file.discard() }
            if let copy = files.first { for suffix in ["-journal", "-wal", "-shm"] { unlink(copy.tempPath + suffix) } }
        }
        func writeFailure(_ error: any Error) -> BackupFilesFailure {
            guard let error = error as? AtomicFile.Failure else { return failure("\(error)") }
            return failure("cannot write \(error.path): \(String(cString: strerror(error.code)))")
        }
        do {
            files.append(try AtomicFile.create(finalPath: ledgerTarget, mode: 0o600))
        } catch {
            throw writeFailure(error)
        }
        let figures: BackupFigures
        do {
            figures = try ledger.backup(into: files[0].tempPath)
        } catch {
            throw failure("cannot back up the ledger: \(error)")
        }
        do {
            try files[0].seal()
            if let key {
                files.append(try AtomicFile.create(finalPath: keyTarget, mode: 0o600))
                try key.withUnsafeBytes { try files[1].write($0) }
                try files[1].seal()
            }
        } catch {
            throw writeFailure(error)
        }

        for file in files {
            if replace {
                do { try file.publish() } catch { throw failure("cannot write \(file.finalPath): \(FileSystem.errorText())") }
            } else if link(file.tempPath, file.finalPath) != 0 {
                // Never replaces a file made meanwhile.
                if errno == EEXIST { throw usage("\(file.finalPath) appeared meanwhile: give another directory, or --force") }
                throw failure("cannot write \(file.finalPath): \(FileSystem.errorText())")
            }
        }
        // A key left from an earlier backup would not be this ledger's.
        if key == nil, replace { unlink(keyTarget) }
        FileSystem.syncDirectory(directory)
        return BackupFiles(figures: figures, ledgerPath: ledgerTarget, keyPath: key == nil ? nil : keyTarget)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
