import ArgumentParser
import Export
import Foundation
import Ingest
import LeadLedger
import LeadModel
import Pipeline

/// `leadspool report`: roll-ups across batches from the ledger (read-only).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Roll-ups from the ledger by day, week or month, vertical, publisher, batch and the API's reason.")

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: "From this date (YYYY-MM-DD), this long ago (7d), or today, yesterday, this-week, last-week, this-month, last-month."
    )
    var since: String?

    @Option(name: .long, help: "Up to, not including, a date or period start as --since takes (default: now).")
    var until: String?

    @Option(name: .long, help: "Comma-separated: day, week or month; vertical, publisher, batch, remote_reason.")
    var by = "day"

    @Option(name: .long, help: "previous: compare with the period of the same length just before (needs --since).")
    var compare: String?

    @Option(name: .long, help: "Time zone of days, weeks, months and named periods (default: reports.timezone, UTC).")
    var timezone: String?

    @Option(name: .long, help: "table, csv, json or html (one self-contained page).")
    var format = "table"

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            let query = try ReportQuery(
                since: since, until: until, by: by, compare: compare, timezone: timezone ?? settings.reportTimezone,
                now: Int64(Date().timeIntervalSince1970))
            guard ["table", "csv", "json", "html"].contains(format) else {
                throw ConfigurationError("--format must be table, csv, json or html")
            }
            let report: RollupReport
            do {
                guard let ledger = try settings.readOnlyLedger() else {
                    print("no ledger at \(settings.ledgerPath) yet: nothing to report")
                    return .ok
                }
                report = try query.report(from: ledger, period: (since, until))
            } catch {
                StderrMessage.error("cannot read the ledger: \(error)")
                return .cantCreate
            }
            switch format {
            case "csv": print(report.csv(), terminator: "")
            case "json": print(report.json(), terminator: "")
            case "html": print(report.html(), terminator: "")
            default: print(report.aligned(), terminator: "")
            }
            return .ok
        }
    }

    /// `YYYY-MM-DD` (UTC midnight) or `Nd` (N days before now), for `retry --since`.
    static func parseDate(_ text: String, now: Date, option: String) throws -> Date {
        guard text.first?.isNumber == true,
            let seconds = ReportCalendar().instant(named: text, now: Int64(now.timeIntervalSince1970))
        else {
            throw ConfigurationError("\(option) takes YYYY-MM-DD or a number of days like 7d (got '\(text)')")
        }
        return Date(timeIntervalSince1970: Double(seconds))
    }
}
