import Export
import Foundation
import Ingest
import LeadLedger

/// `leadspool report`'s options checked and resolved: the dimensions, the period's bounds in the reporting
/// zone and, with `--compare previous`, the period before it.
struct ReportQuery {
    var dimensions: [RollupDimension]
    var calendar: ReportCalendar
    var since: Int64?
    var until: Int64?
    /// `[since, until or now)` and the period of the same length before it, with `--compare previous`.
    var comparison: (period: (since: Int64, until: Int64), previous: (since: Int64, until: Int64))?
    var now: Int64
    /// The zone's name as given (`UTC`, `America/New_York`).
    var zoneName: String

    /// - Throws: `ConfigurationError` (exit 64) for an option it cannot take.
    init(since: String?, until: String?, by: String, compare: String?, timezone: String, now: Int64) throws {
        self.now = now
        zoneName = timezone
        dimensions = try by.split(separator: ",").map { part in
            guard let d = RollupDimension(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(
                    "--by takes day, week, month, vertical, publisher, batch and remote_reason, comma-separated "
                        + "(got '\(part)')")
            }
            return d
        }
        guard dimensions.filter(\.isPeriod).count <= 1 else {
            throw ConfigurationError("--by takes one of day, week and month")
        }
        guard let zone = TimeZone(identifier: timezone) else {
            throw ConfigurationError("--timezone takes an IANA time zone name such as America/New_York (got '\(timezone)')")
        }
        calendar = ReportCalendar(zone: zone)
        let calendar = self.calendar
        func instant(_ text: String, _ option: String) throws -> Int64 {
            guard let seconds = calendar.instant(named: text, now: now) else {
                throw ConfigurationError(
                    "\(option) takes YYYY-MM-DD, a number of days like 7d, or today, yesterday, this-week, "
                        + "last-week, this-month, last-month (got '\(text)')")
            }
            return seconds
        }
        self.since = try since.map { try instant($0, "--since") }
        self.until = try until.map { try instant($0, "--until") }
        if let compare {
            guard compare == "previous" else { throw ConfigurationError("--compare takes previous (got '\(compare)')") }
            guard let start = self.since else { throw ConfigurationError("--compare previous needs --since") }
            let end = self.until ?? now
            guard end > start else { throw ConfigurationError("--compare previous needs --since before --until") }
            comparison = ((start, end), (start - (end - start), start))
        }
    }

    /// The roll-up (and the previous period's, by the dimensions other than the period) from `ledger`.
    func report(from ledger: Ledger, period: (since: String?, until: String?)) throws(LedgerError) -> RollupReport {
        func date(_ seconds: Int64?) -> Date? { seconds.map { Date(timeIntervalSince1970: Double($0)) } }
        // Without --until the period runs on to now and includes answers of this very second.
        let rows = try ledger.rollup(since: date(since), until: date(until), by: dimensions, calendar: calendar)
        var compared: RollupComparison?
        if let comparison {
            let previous = try ledger.rollup(
                since: date(comparison.previous.since), until: date(comparison.previous.until),
                by: dimensions.filter { !$0.isPeriod }, calendar: calendar)
            compared = RollupComparison(
                dimensions: dimensions, current: rows, previous: previous, period: comparison.period,
                previousPeriod: comparison.previous)
        }
        // The period as given, with the instant each bound names.
        func bound(_ text: String?, _ seconds: Int64?) -> String? {
            guard let text, let seconds else { return nil }
            let instant = CivilTime.utcString(seconds)
            return text == instant ? text : "\(text) (\(instant))"
        }
        return RollupReport(
            dimensions: dimensions, rows: rows, period: (bound(period.since, since), bound(period.until, until)),
            generatedAt: now, comparison: compared, zoneName: zoneName)
    }
}
