import Ingest

/// Every setting of leadspool with its built-in default. The TOML file, then flags and the
/// environment, change these; `Settings+Components.swift` maps them onto each component's
/// `Configuration` in one place.
struct Settings: Sendable {
    // Spool and files
    var spool = "./spool"
    /// Defaults to `<spool>/ledger.sqlite`.
    var ledger: String?
    var settleSeconds = 5.0
    var archiveGzip = false
    /// Mode of the originals in `done/` (they hold raw PII): owner read-write, group read.
    var archiveMode: UInt32 = 0o640
    /// How summaries print on stdout (`--output`; not a configuration key).
    var summaryOutput = SummaryOutput.text
    var maxRecordBytes = 1 << 20
    /// How files are decoded (`encoding`): detected per file, or one encoding for all.
    var encoding = EncodingSetting.auto
    // Logging
    var logFormat = LogFormat.text
    // API
    var endpoint = "https://api.dreamyleads.com/webhook/lead"
    var tokenEnv = "DL_API_KEY"
    var tokenFile: String?
    var timeoutSeconds = 15.0
    var maxInFlight = 32
    var rateLimit: Double?
    var ambiguous = "retry"
    var retryAfterMaxSeconds = 300.0
    var maxRateLimitWaits = 10
    var jitter = false
    /// PEM CA bundle trusted besides the system's roots (alone with `caOnly`).
    var caFile: String?
    var caOnly = false
    /// Where `caFile` came from, for messages (`api.ca_file`, or `SSL_CERT_FILE`).
    var caFileSetting = "api.ca_file"
    /// PEM certificate and key for a server that asks for a client certificate (mutual TLS).
    var clientCertificate: String?
    var clientKey: String?
    // Validation
    var defaultVertical: String?
    var repairZip = true
    var zipCheck = "exists"
    var assumeTimezone: String?
    var tcpaMaxAgeDays = 90
    // Dedupe
    var dedupeDays = 30
    var dedupeDaysByVertical: [String: Int] = [:]
    // Reports
    var redact = false
    /// `reports.rejects_encoding = "same"`: rejects.csv in the batch file's encoding (default "utf-8", with a BOM).
    var rejectsInInputEncoding = false
    /// `reports.timezone`: the zone of `leadspool report`'s days, weeks, months and named periods.
    var reportTimezone = "UTC"
    // Watch
    var scanIntervalSeconds = 10.0
    var drainSeconds = 30.0
    // Per-publisher settings (`[publishers.NAME]`)
    var publishers: [String: PublisherSettings] = [:]
    /// Header names mapped for every publisher (`[columns]`); a publisher's own mapping adds to it.
    var columns = ColumnMapping()
    /// `[receive]`: the buyer's endpoint (`leadspool receive`).
    var receive = ReceiveSettings()

    var ledgerPath: String { ledger ?? (spool + "/ledger.sqlite") }
    var ledgerKeyPath: String { FileSystem.parent(ledgerPath) + "/ledger.key" }
}

struct PublisherSettings: Sendable, Equatable {
    /// Name of the environment variable holding this publisher's API token.
    var tokenEnv: String?
    /// How this publisher's files are decoded (`encoding`; the top-level `encoding` when unset).
    var encoding: EncodingSetting?
    /// IANA zone of this publisher's zone-less consent times (`timezone`; `validate.assume_timezone` when unset).
    var timezone: String?
    /// This publisher's header names (`[publishers.NAME.columns]`).
    var columns = ColumnMapping()
}

enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// A configuration problem: the run stops with exit 64 and this message.
struct ConfigurationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
    init(_ message: String) { self.message = message }
}
