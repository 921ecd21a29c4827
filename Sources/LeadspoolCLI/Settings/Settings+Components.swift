import Export
import Pipeline

/// The one place where settings become the components' configurations.
extension Settings {
    func validatorConfiguration(verticalOverride: String? = nil) throws -> Validator.Configuration {
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
            assumeTimezone: assumeTimezone, tcpaMaxAgeDays: tcpaMaxAgeDays)
    }

    func makeValidator(now: Int64, verticalOverride: String? = nil) throws -> Validator {
        do {
            return try Validator(configuration: try validatorConfiguration(verticalOverride: verticalOverride), now: now)
        } catch let error as ValidatorError {
            throw ConfigurationError("\(error)")
        }
    }

    func reportConfiguration(directory: String, redact: Bool) -> ReportConfiguration {
        ReportConfiguration(directory: directory, redact: redact || self.redact)
    }
}
