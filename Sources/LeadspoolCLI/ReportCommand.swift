import ArgumentParser
import Foundation
import Pipeline

/// `leadspool report`: roll-ups across batches from the ledger (read-only).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Roll-ups from the ledger by day, vertical and publisher.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "From this date (YYYY-MM-DD, UTC) or this long ago (7d).")
    var since: String?

    @Option(name: .long, help: "Up to, not including, this date (YYYY-MM-DD, UTC) or this long ago (1d).")
    var until: String?

    @Option(name: .long, help: "Comma-separated: day, vertical, publisher.")
    var by = "day"

    @Option(name: .long, help: "table, csv or json")
    var format = "table"

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            let now = Date()
            let dimensions = try by.split(separator: ",").map { part in
                guard let d = RollupDimension(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigurationError("--by takes day, vertical and publisher, comma-separated (got '\(part)')")
                }
                return d
            }
            guard ["table", "csv", "json"].contains(format) else {
                throw ConfigurationError("--format must be table, csv or json")
            }
            let sinceDate = try since.map { try Self.parseDate($0, now: now, option: "--since") }
            let untilDate = try until.map { try Self.parseDate($0, now: now, option: "--until") }
            guard let ledger = try LedgerLookup.openReadOnly(settings: settings)?.ledger else {
                print("no ledger at \(settings.ledgerPath) yet: nothing to report")
                return 0
            }
            let rows = try ledger.rollup(since: sinceDate, until: untilDate, by: dimensions).map(ReportLine.init)
            let table = ReportTable(dimensions: RollupDimension.allCases.filter(dimensions.contains), lines: rows)
            switch format {
            case "csv": print(table.csv(), terminator: "")
            case "json": print(table.json())
            default: print(table.aligned())
            }
            return 0
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

/// One group's figures, as the report shows them.
struct ReportLine {
    var group: RollupRow
    var leads: Int
    var submitted: Int
    var accepted: Int
    var revenue: Double
    var duplicates: Int
    var invalid: Int
    var failed: Int

    init(_ row: RollupRow) {
        group = row
        leads = row.counts.values.reduce(0, +)
        accepted = row.counts[.accepted, default: 0]
        submitted = accepted + row.counts[.rejected, default: 0]
        revenue = row.revenue
        duplicates = row.counts[.duplicate, default: 0]
        invalid = row.counts[.invalid, default: 0]
        failed = row.counts[.failed, default: 0]
    }

    var acceptance: Double? { submitted > 0 ? Double(accepted) / Double(submitted) : nil }
    var revenuePerSubmitted: Double? { submitted > 0 ? revenue / Double(submitted) : nil }
    var averageBid: Double? { accepted > 0 ? revenue / Double(accepted) : nil }
}

struct ReportTable {
    var dimensions: [RollupDimension]
    var lines: [ReportLine]

    static let figures = [
        "leads", "submitted", "accepted", "acceptance_pct", "revenue", "revenue_per_submitted", "average_bid",
        "duplicates", "invalid", "failed",
    ]

    func groupValues(_ line: ReportLine) -> [String] {
        dimensions.map { d in
            switch d {
            case .day: return line.group.day ?? ""
            case .vertical: return line.group.vertical ?? ""
            case .publisher: return line.group.publisher ?? ""
            }
        }
    }

    func figureValues(_ line: ReportLine) -> [String] {
        func money(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "" }
        return [
            "\(line.leads)", "\(line.submitted)", "\(line.accepted)",
            line.acceptance.map { String(format: "%.1f", $0 * 100) } ?? "", money(line.revenue),
            money(line.revenuePerSubmitted), money(line.averageBid), "\(line.duplicates)", "\(line.invalid)",
            "\(line.failed)",
        ]
    }

    var header: [String] { dimensions.map(\.rawValue) + Self.figures }

    func csv() -> String {
        ([header] + lines.map { groupValues($0) + figureValues($0) }).map { $0.joined(separator: ",") }
            .joined(separator: "\n") + "\n"
    }

    func json() -> String {
        let objects: [[String: Any]] = lines.map { line in
            var object: [String: Any] = [:]
            for (d, v) in zip(dimensions, groupValues(line)) { object[d.rawValue] = v }
            object["leads"] = line.leads
            object["submitted"] = line.submitted
            object["accepted"] = line.accepted
            object["acceptance_rate"] = line.acceptance ?? NSNull()
            object["revenue"] = (line.revenue * 100).rounded() / 100
            object["revenue_per_submitted"] = line.revenuePerSubmitted.map { ($0 * 100).rounded() / 100 } ?? NSNull()
            object["average_bid"] = line.averageBid.map { ($0 * 100).rounded() / 100 } ?? NSNull()
            object["duplicates"] = line.duplicates
            object["invalid"] = line.invalid
            object["failed"] = line.failed
            return object
        }
        let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Columns padded for a terminal; numbers right-aligned.
    func aligned() -> String {
        let rows = [header] + lines.map { groupValues($0) + figureValues($0) }
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i < dimensions.count ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
