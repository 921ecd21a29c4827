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

    /// One key of the file: its value as written (the default, or an example where there is none) and one
    /// line on what it does.
    struct Entry {
        let path: String
        let value: String
        let help: String

        init(_ path: String, _ value: String, _ help: String) {
            self.path = path
            self.value = value
            self.help = help
        }
    }

    /// Every key of the loader (`Settings.keyPaths`), in the order the file shows them. One the loader does
    /// not know is left out of the file.
    static let entries: [Entry] = [
        Entry(
            "spool", #""./spool""#,
            "Spool directory (incoming/, work/, done/, failed/, reports/), from the working directory."),
        Entry(
            "ledger", #""./spool/ledger.sqlite""#,
            "The SQLite ledger (default: <spool>/ledger.sqlite); its key ledger.key lives beside it."),
        Entry(
            "settle_seconds", "5",
            "A file is ready when its size and mtime have not changed this long (0 allowed), or with <name>.ready."),
        Entry("archive_gzip", "false", "Gzip the originals as they move to done/."),
        Entry("archive_mode", #""0640""#, "File mode of the originals in done/ (they hold raw PII)."),
        Entry(
            "max_record_bytes", "1048576",
            "A record longer than this is invalid / RECORD_UNREADABLE; reading goes on at the next line."),
        Entry(
            "encoding", #""auto""#,
            #"Files' encoding: "auto" (UTF-8, else Windows-1252), "utf-8", "windows-1252" or "latin-1"."#),
        Entry("log_format", #""text""#, #"Log format on stderr: "text" or "json"."#),
        Entry(
            "columns.HEADER", #""zip""#,
            "A column header as the files write it = the field it holds (first_name, phone, zip, tcpa_text...)."),
        Entry("columns.ignore", #"["Campaign"]"#, "Columns left unused on purpose."),
        Entry(
            "api.endpoint", #""https://api.dreamyleads.com/webhook/lead""#,
            "The Dreamy Leads API (DL_API_URL and --endpoint override it)."),
        Entry(
            "api.token_env", #""DL_API_KEY""#,
            "Environment variable holding the API token (never write the token in this file or on a command line)."),
        Entry(
            "api.token_file", #""/etc/leadspool/token""#,
            "Unset by default: a file holding the token, read when token_env is not set."),
        Entry("api.timeout_seconds", "15", "Deadline of one request."),
        Entry("api.max_in_flight", "32", "Most requests in flight at once (adapted down on 429, 5xx and timeouts)."),
        Entry("api.rate_limit", "0", "Requests per second at most; 0: no client-side limit."),
        Entry(
            "api.ambiguous", #""retry""#,
            #"A lead sent but not answered: "retry" sends it again (same Idempotency-Key), "hold" holds it unknown."#),
        Entry("api.retry_after_max_seconds", "300", "A longer Retry-After is cut to this."),
        Entry(
            "api.max_rate_limit_waits", "10",
            "429 answers one lead may get before it is given up (RATE_LIMIT_EXHAUSTED)."),
        Entry("api.jitter", "false", "Add up to 25 % random extra to each retry wait."),
        Entry(
            "api.ca_file", #""""#,
            "PEM CA certificates trusted besides the system's roots (\"\": none; env DL_CA_FILE)."),
        Entry("api.ca_only", "false", "true: trust ca_file alone, not the system's roots."),
        Entry(
            "api.client_certificate", #""""#,
            "PEM client certificate, for a server that asks for one (mutual TLS; env DL_CLIENT_CERT)."),
        Entry("api.client_key", #""""#, "Its PEM private key (env DL_CLIENT_KEY)."),
        Entry(
            "validate.default_vertical", #""insurance""#,
            #"Unset by default: the vertical of files without a vertical column (insurance, mortgage, solar, debt)."#),
        Entry("validate.repair_zip", "true", "Zero-pad a 3- or 4-digit ZIP whose leading zeros a spreadsheet lost."),
        Entry("validate.zip_check", #""exists""#, #""exists": a real US ZIP prefix; "format": five digits only."#),
        Entry(
            "validate.assume_timezone", #""America/New_York""#,
            "Unset by default: the zone of consent timestamps written without one (else TCPA_TIMESTAMP_INVALID)."),
        Entry("validate.tcpa_max_age_days", "90", "Consent older than this is TCPA_CONSENT_EXPIRED."),
        Entry(
            "dedupe.dedupe_days", "30",
            "A lead the ledger saw answered within this many days is DUPLICATE_IN_LEDGER."),
        Entry("dedupe.vertical_days.debt", "30", "dedupe_days for debt leads (default: dedupe_days)."),
        Entry("dedupe.vertical_days.insurance", "30", "dedupe_days for insurance leads (default: dedupe_days)."),
        Entry("dedupe.vertical_days.mortgage", "30", "dedupe_days for mortgage leads (default: dedupe_days)."),
        Entry("dedupe.vertical_days.solar", "30", "dedupe_days for solar leads (default: dedupe_days)."),
        Entry("reports.redact", "false", "Mask phones and emails in the reports (as --redact)."),
        Entry(
            "reports.rejects_encoding", #""utf-8""#,
            #"rejects.csv: "utf-8" (with a BOM, so Excel reads it) or "same" as the batch's file."#),
        Entry(
            "reports.timezone", #""UTC""#,
            "leadspool report: the zone its days, ISO weeks and months and today/this-week are in (as --timezone)."),
        Entry(
            "watch.scan_interval_seconds", "10",
            "watch: the scan of incoming/ behind inotify, every this many seconds."),
        Entry("watch.drain_seconds", "30", "watch and run: how long a stop signal waits for requests in flight."),
        Entry(
            "publishers.NAME.token_env", #""ACME_DL_KEY""#,
            "Variable holding the token for the files in incoming/acme/ (default: api.token_env)."),
        Entry(
            "publishers.NAME.encoding", #""windows-1252""#,
            "The encoding of this publisher's files (default: encoding)."),
        Entry(
            "publishers.NAME.timezone", #""America/Chicago""#,
            "The zone of this publisher's consent timestamps written without one (default: assume_timezone)."),
        Entry("publishers.NAME.columns.HEADER", #""zip""#, "This publisher's column mapping, as [columns]."),
        Entry("publishers.NAME.columns.ignore", #"["Campaign"]"#, "Its columns left unused on purpose."),
    ]

    /// A line above a table's header.
    static let tableNotes = [
        "columns": "Column headers the aliases do not cover, mapped to fields for every publisher.",
        "publishers.NAME": "A publisher: the files of incoming/\(examplePublisher)/ (a folder name).",
    ]

    /// How the file shows a key standing for any column header (`HEADER` in `Settings.keyPaths`).
    static let exampleHeader = #""Zip/Postal""#

    /// The example publisher's name in the file (`[publishers.NAME]`).
    static let examplePublisher = "acme"

    /// The text of `leadspool.toml`: every key of the loader commented out, grouped by table.
    static func template() throws -> String {
        let known = Set(entries.map(\.path))
        let loader = Set(Settings.keyPaths)
        let missing = Settings.keyPaths.filter { !known.contains($0) && !Settings.testOnlyKeyPaths.contains($0) }
        guard missing.isEmpty else {
            // A key added to the loader must get its line here too.
            throw InitFailure(
                message: "init does not describe the key(s) \(missing.joined(separator: ", ")): a bug",
                exitCode: .software)
        }
        var lines = [
            "# leadspool configuration, written by `leadspool init`. Every key is optional: each is shown",
            "# commented out with its default (or, where it has none, an example). Flags override this file,",
            "# and this file overrides the defaults. An unknown key or a bad value stops a command with exit 64.",
        ]
        var table = ""
        for entry in entries where loader.contains(entry.path) {
            let dot = entry.path.lastIndex(of: ".")
            var section = dot.map { String(entry.path[..<$0]) } ?? ""
            var key = dot.map { String(entry.path[entry.path.index(after: $0)...]) } ?? entry.path
            if key == "HEADER" { key = exampleHeader }
            // A publisher's table only exists when named: its header is commented out too.
            let commentedHeader = section.hasPrefix("publishers.")
            let note = tableNotes[section]
            section = section.replacingOccurrences(of: "publishers.NAME", with: "publishers." + examplePublisher)
            if section != table {
                table = section
                lines.append("")
                if let note { lines.append("# " + note) }
                lines.append(commentedHeader ? "# [\(section)]" : "[\(section)]")
            }
            lines.append("")
            lines.append("# " + entry.help)
            lines.append("# \(key) = \(entry.value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
