import ArgumentParser
import Foundation
import LeadLedger
import Pipeline

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
        let files: Ledger.BackupFiles
        do {
            files = try Ledger.backupFiles(
                ledgerPath: settings.ledgerPath, keyPath: settings.ledgerKeyPath, into: destination, replace: force,
                configuration: settings.ledgerConfiguration())
        } catch {
            if error.isUsage { throw ConfigurationError(error.message) }
            StderrMessage.error(error.message)
            return .cantCreate
        }
        let figures = files.figures
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : (noun.hasSuffix("h") ? "es" : "s"))" }
        print(
            "backed up \(settings.ledgerPath): \(count(figures.batches, "batch")), \(count(figures.leads, "lead")), "
                + "\(Self.size(figures.bytes))")
        print("  \(files.ledgerPath)  (one self-contained SQLite file, mode 0600)")
        if let keyCopy = files.keyPath {
            print("  \(keyCopy)  (mode 0600)")
        } else {
            print("  no key file at \(settings.ledgerKeyPath) (the ledger holds no dedupe keys): none written")
        }
        return .ok
    }

    private static func size(_ bytes: Int64) -> String {
        bytes < 1 << 20 ? "\(bytes / 1024 + (bytes > 0 ? 1 : 0)) KiB" : String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
