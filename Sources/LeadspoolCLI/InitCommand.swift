import ArgumentParser
import Foundation
import Ingest
import Pipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `leadspool init [DIR]`: a commented `leadspool.toml` with every key, the spool folders, and the cron
/// line and systemd unit for DIR.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented leadspool.toml, make the spool folders, print the cron line and systemd unit.",
        discussion: """
            DIR (default: the current directory) is made when missing (its parent must exist). It gets \
            leadspool.toml, every key commented out with its default and what it does, and spool/ with \
            incoming, work, done, failed and reports (mode 0750; folders already there are left as they are). \
            An existing leadspool.toml is replaced only with --force (otherwise exit 64). The cron line and the \
            systemd unit printed run leadspool in DIR with that file.
            """)

    @Argument(help: "Directory to set up (default: the current directory).")
    var directory: String = "."

    @Flag(name: .long, help: "Replace an existing leadspool.toml.")
    var force = false

    /// The key paths of the configuration loader, one a line, for the test that checks the file covers them.
    @Flag(name: .long, help: .hidden)
    var listKeys = false

    /// Mode of the spool and its folders: the service's user and group only (the files hold PII).
    static let folderMode: mode_t = 0o750

    func run() throws {
        if listKeys {
            print(Settings.keyPaths.joined(separator: "\n"))
            return
        }
        do {
            try setUp()
        } catch let error as ConfigurationError {
            StderrMessage.error(error.message)
            throw ExitCode(.usage)
        } catch let error as InitFailure {
            StderrMessage.error(error.message)
            throw ExitCode(error.exitCode)
        }
    }

    /// A failure to set up (exit 73, or 70 for a key the file does not describe).
    private struct InitFailure: Error {
        var message: String
        var exitCode = ExitStatus.cantCreate
    }

    private func setUp() throws {
        let text = try Self.template()
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        if let status = FileSystem.status(dir) {
            guard status.isDirectory else { throw ConfigurationError("\(dir) exists and is not a directory") }
        } else if mkdir(dir, Self.folderMode) != 0 {
            throw InitFailure(message: "cannot create \(dir): \(FileSystem.errorText())")
        }
        let root = Self.absolute(dir)
        let config = root + "/leadspool.toml"
        if FileSystem.exists(config) && !force {
            throw ConfigurationError("\(config) already exists: --force replaces it")
        }
        do {
            try FileSystem.writeAtomically(Array(text.utf8), to: config, mode: 0o640)
        } catch {
            throw InitFailure(message: "cannot write \(config): \(error)")
        }
        var made: [String] = []
        for folder in ["spool"] + Self.spoolFolders.map({ "spool/" + $0 }) {
            let path = root + "/" + folder
            if FileSystem.status(path) != nil { continue }
            guard mkdir(path, Self.folderMode) == 0, chmod(path, Self.folderMode) == 0 else {
                throw InitFailure(message: "cannot create \(path): \(FileSystem.errorText())")
            }
            made.append(folder)
        }
        print("wrote \(config)")
        let folders = made.joined(separator: ", ")
        print(made.isEmpty ? "spool folders already there: \(root)/spool" : "made (mode 0750): \(folders)")
        print()
        print(Self.instructions(root: root, binary: Self.executablePath()))
    }

    static let spoolFolders = ["incoming", "work", "done", "failed", "reports"]

    /// The cron line and the systemd unit for a setup in `root`.
    static func instructions(root: String, binary: String) -> String {
        """
        From cron (every minute is safe; `crontab -e` as the user that owns \(root)):

        * * * * * cd \(root) && \(binary) run --quiet --log-format json >>run.log 2>&1

        Or continuously, as a systemd service (/etc/systemd/system/leadspool.service):

        [Unit]
        Description=leadspool: submit lead batches from the spool
        After=network-online.target
        Wants=network-online.target

        [Service]
        User=leads
        WorkingDirectory=\(root)
        EnvironmentFile=/etc/leadspool/env          # DL_API_KEY=dl_live_... (mode 0600)
        ExecStart=\(binary) watch --config \(root)/leadspool.toml --log-format json --metrics-port 9464
        KillSignal=SIGTERM
        TimeoutStopSec=45                           # more than [watch] drain_seconds
        Restart=on-failure
        RestartPreventExitStatus=64 77              # bad configuration or refused token: a person must act

        [Install]
        WantedBy=multi-user.target

        The service's user must own \(root)/spool (chown -R leads: \(root)/spool).
        """
    }

    /// This binary's path, so the lines printed run the same leadspool from cron's short PATH.
    static func executablePath() -> String {
        if let path = Bundle.main.executablePath, path.hasPrefix("/") { return path }
        return "/usr/local/bin/leadspool"
    }

    private static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The text of `leadspool.toml`: every key of the loader commented out, grouped by table.
    static func template() throws -> String {
        let missing = ConfigurationTemplate.undescribed(
            keyPaths: Settings.keyPaths.filter { !Settings.testOnlyKeyPaths.contains($0) })
        guard missing.isEmpty else {
            // A key added to the loader must get its line in ConfigurationTemplate too.
            throw InitFailure(
                message: "init does not describe the key(s) \(missing.joined(separator: ", ")): a bug",
                exitCode: .software)
        }
        return ConfigurationTemplate.text(keyPaths: Settings.keyPaths)
    }
}
