import Ingest
package import LeadModel
/// Normalises and validates raw records into ``CheckedRecord``s (CONTRACT §6–7).
///
/// A pure value: one instance serves every record of a run from any thread. "Now" is fixed at
/// creation, so the TCPA age checks of a run all use the same clock reading and tests are exact.
package struct Validator: Sendable {
    package struct Configuration: Sendable, Equatable {
        /// The vertical of records whose vertical is absent or blank (`default_vertical`).
        package var defaultVertical: Vertical?
        /// Zero-pad 3- and 4-digit ZIPs that spreadsheets shortened (`repair_zip`).
        package var repairZip: Bool
        package var zipCheck: ZipCheckMode
        /// IANA zone name (`America/New_York`) that zone-less TCPA timestamps are read in
        /// (`assume_timezone`); `nil` makes them `TCPA_TIMESTAMP_INVALID`.
        package var assumeTimezone: String?
        /// Consent older than this is `TCPA_CONSENT_EXPIRED` (`tcpa_max_age_days`).
        package var tcpaMaxAgeDays: Int
        /// Consent later than now plus this is `TCPA_TIMESTAMP_FUTURE` (clock skew allowance).
        package var futureToleranceSeconds: Int

        package init(
            defaultVertical: Vertical? = nil, repairZip: Bool = true, zipCheck: ZipCheckMode = .exists,
            assumeTimezone: String? = nil, tcpaMaxAgeDays: Int = 90, futureToleranceSeconds: Int = 300
        ) {
            self.defaultVertical = defaultVertical
            self.repairZip = repairZip
            self.zipCheck = zipCheck
            self.assumeTimezone = assumeTimezone
            self.tcpaMaxAgeDays = tcpaMaxAgeDays
            self.futureToleranceSeconds = futureToleranceSeconds
        }
    }

    package let configuration: Configuration
    /// Unix seconds the TCPA checks are made against.
    package let now: Int64
    let zip: ZipNormaliser
    let zone: ZoneOffsetTable?
    /// Latest accepted consent time (inclusive).
    let latestConsent: Int64
    /// Earliest accepted consent time (inclusive).
    let earliestConsent: Int64
    /// `vehicle_year` upper bound: the year after `now`'s (UTC).
    let maxVehicleYear: Int

    /// Throws ``ValidatorError`` for an unknown time-zone name or a negative age or tolerance.
    package init(configuration: Configuration, now: Int64) throws(ValidatorError) {
        guard configuration.tcpaMaxAgeDays >= 0, configuration.tcpaMaxAgeDays <= 36_500 else {
            throw .invalidSetting("tcpa_max_age_days must be between 0 and 36500, not \(configuration.tcpaMaxAgeDays)")
        }
        guard configuration.futureToleranceSeconds >= 0, configuration.futureToleranceSeconds <= 86_400 else {
            throw .invalidSetting(
                "the future tolerance must be between 0 and 86400 seconds, not \(configuration.futureToleranceSeconds)"
            )
        }
        self.configuration = configuration
        self.now = now
        self.zip = ZipNormaliser(repair: configuration.repairZip, mode: configuration.zipCheck)
        self.latestConsent = now + Int64(configuration.futureToleranceSeconds)
        self.earliestConsent = now - Int64(configuration.tcpaMaxAgeDays) * CivilTime.secondsPerDay
        self.maxVehicleYear = Int(CivilTime.year(ofUnixSeconds: now)) + 1
        if let name = configuration.assumeTimezone {
            // A month either side of the accepted window: beyond it every record fails the age
            // checks whatever the offset, so the table need not be exact there.
            let margin = 31 * CivilTime.secondsPerDay
            let from = earliestConsent - margin
            guard let table = ZoneOffsetTable(identifier: name, from: from, to: latestConsent + margin) else {
                throw .unknownTimeZone(name)
            }
            self.zone = table
        } else {
            self.zone = nil
        }
    }
}

/// A configuration the validator cannot work with (a run-level failure, exit 64).
package enum ValidatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownTimeZone(String)
    case invalidSetting(String)

    package var description: String {
        switch self {
        case .unknownTimeZone(let name):
            return "assume_timezone: unknown time zone \"\(name)\" (use an IANA name such as America/New_York)"
        case .invalidSetting(let text): return text
        }
    }
}
