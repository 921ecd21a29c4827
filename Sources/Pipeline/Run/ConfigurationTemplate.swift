import Foundation

/// The `leadspool.toml` that `leadspool init` writes: every key of the configuration loader commented out with
/// its default (or an example where there is none) and one line on what it does, grouped by table.
package enum ConfigurationTemplate {
    /// One key of the file: its value as written (the default, or an example where there is none) and one
    /// line on what it does.
    package struct Entry {
        package let path: String
        package let value: String
        package let help: String

        init(_ path: String, _ value: String, _ help: String) {
            self.path = path
            self.value = value
            self.help = help
        }
    }

    /// Every key of the CLI's configuration loader, in the order the file shows them (`NAME` stands for any
    /// publisher, `HEADER` for any column header).
    package static let entries: [Entry] = [
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

    /// How the file shows a key standing for any column header (`HEADER` in the key paths).
    static let exampleHeader = #""Zip/Postal""#

    /// The example publisher's name in the file (`[publishers.NAME]`).
    static let examplePublisher = "acme"

    /// The keys of `keyPaths` (the loader's) that ``entries`` does not describe: a bug, which `init` reports.
    package static func undescribed(keyPaths: [String]) -> [String] {
        let known = Set(entries.map(\.path))
        return keyPaths.filter { !known.contains($0) }
    }

    /// The text of the file: the entries of the keys in `keyPaths` (one the loader does not know is left out).
    package static func text(keyPaths: [String]) -> String {
        let loader = Set(keyPaths)
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
