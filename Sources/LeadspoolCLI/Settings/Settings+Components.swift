import Export
import Ingest
import LeadLedger
import LeadModel
import Pipeline
import Submission
import Validation

/// The one place where settings become the components' configurations.
extension Settings {
    /// `publisher`'s consent times without a zone are read in its `timezone`, else in `assume_timezone`.
    func validatorConfiguration(verticalOverride: String? = nil, publisher: String? = nil) throws
        -> Validator.Configuration
    {
        let verticalName = verticalOverride ?? defaultVertical
        var vertical: Vertical?
        if let verticalName {
            guard let v = Vertical(parsing: verticalName) else {
                throw ConfigurationError("unknown vertical '\(verticalName)' (insurance, mortgage, solar or debt)")
            }
            vertical = v
        }
        return Validator.Configuration(
            defaultVertical: vertical, repairZip: repairZip, zipCheck: ZipCheckMode(rawValue: zipCheck) ?? .exists,
            assumeTimezone: publisher.flatMap { publishers[$0]?.timezone } ?? assumeTimezone,
            tcpaMaxAgeDays: tcpaMaxAgeDays)
    }

    func makeValidator(now: Int64, verticalOverride: String? = nil, publisher: String? = nil) throws -> Validator {
        do {
            let configuration = try validatorConfiguration(verticalOverride: verticalOverride, publisher: publisher)
            return try Validator(configuration: configuration, now: now)
        } catch let error as ValidatorError {
            throw ConfigurationError("\(error)")
        }
    }

    func reportConfiguration(directory: String, redact: Bool) -> ReportConfiguration {
        var configuration = ReportConfiguration(directory: directory, redact: redact || self.redact)
        configuration.rejectsInInputEncoding = rejectsInInputEncoding
        return configuration
    }
}

extension Settings {
    func ledgerConfiguration() -> Ledger.Configuration {
        var configuration = Ledger.Configuration()
        configuration.dedupeDays = dedupeDays
        for (name, days) in dedupeDaysByVertical {
            if let vertical = Vertical(rawValue: name) { configuration.dedupeDaysByVertical[vertical] = days }
        }
        return configuration
    }

    /// The ledger opened read-only for `report` and `status` (its key only if readable), or `nil` when none
    /// exists yet.
    func readOnlyLedger() throws -> Ledger? {
        try Ledger.openReadOnly(
            path: ledgerPath, keyPath: ledgerKeyPath, configuration: ledgerConfiguration(), keyIfReadable: true)
    }

    func submitConfiguration(token: APIToken) -> SubmitConfiguration {
        var configuration = SubmitConfiguration(endpoint: endpoint, token: token)
        configuration.timeoutSeconds = timeoutSeconds
        configuration.maxInFlight = maxInFlight
        configuration.rateLimit = rateLimit
        configuration.ambiguous = SubmitConfiguration.AmbiguousPolicy(rawValue: ambiguous) ?? .retry
        configuration.retryAfterMaxSeconds = Int(retryAfterMaxSeconds.rounded(.up))
        configuration.maxRateLimitWaits = maxRateLimitWaits
        configuration.jitter = jitter
        configuration.tls = TLSFiles(
            caFile: caFile, caOnly: caOnly, clientCertificate: clientCertificate, clientKey: clientKey,
            caFileSetting: caFileSetting)
        return configuration
    }

    /// The batch run's configuration; `redact` is `--redact`.
    func runConfiguration(redact: Bool) throws -> BatchRunConfiguration {
        var configuration = BatchRunConfiguration(spool: spool, ledgerPath: ledgerPath)
        configuration.ledger = ledgerConfiguration()
        configuration.reports = reportConfiguration(directory: Spool(root: spool).reports, redact: redact)
        configuration.settleSeconds = settleSeconds
        configuration.archiveGzip = archiveGzip
        configuration.archiveMode = archiveMode
        configuration.ambiguous = SubmitConfiguration.AmbiguousPolicy(rawValue: ambiguous) ?? .retry
        // A name no publisher has: the configuration of every publisher without settings of its own.
        configuration.reader = readerConfiguration(publisher: "")
        configuration.validator = try validatorConfiguration()
        for name in publishers.keys {
            configuration.readers[name] = readerConfiguration(publisher: name)
            configuration.validators[name] = try validatorConfiguration(publisher: name)
        }
        return configuration
    }

    func readerConfiguration(publisher: String) -> ReaderConfiguration {
        var configuration = ReaderConfiguration(
            maxRecordBytes: maxRecordBytes, publisher: publisher,
            columnMapping: columns.merging(publishers[publisher]?.columns ?? ColumnMapping()))
        configuration.encoding = publishers[publisher]?.encoding ?? encoding
        return configuration
    }
}
