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
        commandName: "report", abstract: "Roll-ups from the ledger by day, vertical, publisher and batch.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "From this date (YYYY-MM-DD, UTC) or this long ago (7d).")
    var since: String?

    @Option(name: .long, help: "Up to, not including, this date (YYYY-MM-DD, UTC) or this long ago (1d).")
    var until: String?

    @Option(name: .long, help: "Comma-separated: day, vertical, publisher, batch.")
    var by = "day"

    @Option(name: .long, help: "table, csv, json or html (one self-contained page).")
    var format = "table"

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            let now = Date()
            let dimensions = try by.split(separator: ",").map { part in
                guard let d = RollupDimension(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigurationError(
                        "--by takes day, vertical, publisher and batch, comma-separated (got '\(part)')")
                }
                return d
            }
            guard ["table", "csv", "json", "html"].contains(format) else {
                throw ConfigurationError("--format must be table, csv, json or html")
            }
            let sinceDate = try since.map { try Self.parseDate($0, now: now, option: "--since") }
            let untilDate = try until.map { try Self.parseDate($0, now: now, option: "--until") }
            let rows: [RollupRow]
            do {
                guard let ledger = try settings.readOnlyLedger() else {
                    print("no ledger at \(settings.ledgerPath) yet: nothing to report")
                    return .ok
                }
                rows = try ledger.rollup(since: sinceDate, until: untilDate, by: dimensions)
            } catch {
                StderrMessage.error("cannot read the ledger: \(error)")
                return .cantCreate
            }
            let report = RollupReport(
                dimensions: dimensions, rows: rows, period: (since, until), generatedAt: Int64(now.timeIntervalSince1970))
            switch format {
            case "csv": print(report.csv(), terminator: "")
            case "json": print(report.json(), terminator: "")
            case "html": print(report.html(), terminator: "")
            default: print(report.aligned(), terminator: "")
            }
            return .ok
        }
    }

    /// `YYYY-MM-DD` (UTC midnight) or `Nd` (N days before now).
    static func parseDate(_ text: String, now: Date, option: String) throws -> Date {
        if text.hasSuffix("d"), let days = Int(text.dropLast()), days >= 0 {
            return now.addingTimeInterval(-Double(days) * 86_400)
        }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            throw ConfigurationError("\(option) takes YYYY-MM-DD or a number of days like 7d (got '\(text)')")
        }
        let days = CivilTime.days(year: Int64(parts[0]), month: Int64(parts[1]), day: Int64(parts[2]))
        return Date(timeIntervalSince1970: Double(days) * 86_400)
    }
}
