package import Export
package import Ingest
package import LeadLedger
package import Submission
package import Validation

/// Everything a batch run needs to know, with the defaults of an empty configuration file. The CLI builds it
/// from flags and `leadspool.toml` in one place (`Settings+Components.swift`).
package struct BatchRunConfiguration: Sendable {
    /// The spool's root directory.
    package var spool: String
    package var ledgerPath: String
    package var ledgerKeyPath: String
    package var ledger = Ledger.Configuration()
    /// Where every batch's reports go, and how.
    package var reports: ReportConfiguration
    /// A file is claimed once its size and mtime stayed the same this long.
    package var settleSeconds = 5.0
    /// `archive_gzip`: originals are compressed once in `done/`.
    package var archiveGzip = false
    /// Mode of the originals in `done/` (they hold raw PII).
    package var archiveMode: UInt32 = 0o640
    /// `api.ambiguous`: what becomes of a lead found `sending` after an interruption.
    package var ambiguous = SubmitConfiguration.AmbiguousPolicy.retry
    /// How the files of publishers without their own reader settings are read.
    package var reader = ReaderConfiguration()
    /// Publishers with their own column mapping or encoding.
    package var readers: [String: ReaderConfiguration] = [:]
    /// How rows are validated, for publishers without their own settings.
    package var validator = Validator.Configuration()
    /// Publishers with their own validation settings (a timezone).
    package var validators: [String: Validator.Configuration] = [:]

    package init(spool: String, ledgerPath: String? = nil) {
        self.spool = spool
        self.ledgerPath = ledgerPath ?? (spool + "/ledger.sqlite")
        self.ledgerKeyPath = FileSystem.parent(self.ledgerPath) + "/ledger.key"
        self.reports = ReportConfiguration(directory: spool + "/reports", redact: false)
    }

    /// How `publisher`'s files are read.
    package func readerConfiguration(publisher: String) -> ReaderConfiguration {
        if let own = readers[publisher] { return own }
        var configuration = reader
        configuration.publisher = publisher
        return configuration
    }

    /// The validator of `publisher`'s rows, with the batch's `now` (its claim time, so a batch resumed or
    /// re-driven gets the same local verdicts).
    package func makeValidator(now: Int64, publisher: String) throws(ValidatorError) -> Validator {
        try Validator(configuration: validators[publisher] ?? validator, now: now)
    }
}
