package import LeadLedger

/// `leadspool report`'s output: the ledger's roll-up groups with the figures account managers read, as an
/// aligned table, CSV, JSON or a self-contained HTML page; with `--compare previous`, also each group's
/// figures against the period before (``RollupComparison``).
package struct RollupReport: Sendable {
    /// The dimensions grouped by, in column order (day/week/month, vertical, publisher, batch, remote reason).
    package var dimensions: [RollupDimension]
    package var lines: [RollupLine]
    /// The previous period's groups (by the dimensions other than the period), with `--compare previous`.
    package var comparison: RollupComparison?
    /// The reporting zone's name, for the HTML page's heading.
    package var zoneName = "UTC"
    /// The period as the user gave it (`--since`, `--until`), for the HTML page's heading.
    package var period: (since: String?, until: String?)
    /// When the report was made (Unix seconds, UTC), for the HTML page.
    package var generatedAt: Int64

    /// How many reason codes the `top_reasons` column names (and remote reasons `top_remote_reasons`).
    package static let topReasonCount = 3

    package init(
        dimensions: [RollupDimension], rows: [RollupRow], period: (since: String?, until: String?) = (nil, nil),
        generatedAt: Int64 = 0, comparison: RollupComparison? = nil, zoneName: String = "UTC"
    ) {
        self.dimensions = RollupDimension.allCases.filter(dimensions.contains)
        self.lines = rows.map(RollupLine.init)
        self.period = period
        self.generatedAt = generatedAt
        self.comparison = comparison
        self.zoneName = zoneName
    }

    /// All groups added up (the HTML page's footer).
    package var total: RollupLine {
        RollupLine.sum(lines.map(\.group))
    }

    /// The dimension naming a period (`day`, `week` or `month`), if any.
    package var periodDimension: RollupDimension? { dimensions.first(where: \.isPeriod) }

    /// Column names of the group: one per dimension, two for a batch (its name and its file).
    package var groupHeader: [String] {
        Self.header(of: dimensions)
    }

    static func header(of dimensions: [RollupDimension]) -> [String] {
        dimensions.flatMap { $0 == .batch ? ["batch", "file_name"] : [$0.rawValue] }
    }

    package static let figureHeader = [
        "leads", "submitted", "accepted", "acceptance_pct", "revenue", "revenue_per_submitted", "average_bid",
        "duplicates", "invalid", "failed", "top_reasons", "top_remote_reasons",
    ]

    package var header: [String] { groupHeader + Self.figureHeader }

    package func groupValues(_ line: RollupLine) -> [String] {
        Self.values(of: line.group, dimensions)
    }

    static func values(of group: RollupRow, _ dimensions: [RollupDimension]) -> [String] {
        dimensions.flatMap { dimension -> [String] in
            switch dimension {
            case .day, .week, .month: [group.day ?? ""]
            case .vertical: [group.vertical ?? ""]
            case .publisher: [group.publisher ?? ""]
            case .batch: [group.batch ?? "", group.fileName ?? ""]
            case .remoteReason: [group.remoteReason ?? ""]
            }
        }
    }

    /// The figures as text, in ``figureHeader`` order (money with two decimals, acceptance in percent with one).
    package func figureValues(_ line: RollupLine) -> [String] {
        func money(_ value: Double?) -> String { value.map { NumberText.fixed($0, decimals: 2) } ?? "" }
        return [
            "\(line.leads)", "\(line.submitted)", "\(line.accepted)",
            line.acceptance.map { NumberText.fixed($0 * 100, decimals: 1) } ?? "", money(line.revenue),
            money(line.revenuePerSubmitted), money(line.averageBid), "\(line.duplicates)", "\(line.invalid)",
            "\(line.failed)", line.topReasonsText, line.topRemoteReasonsText,
        ]
    }
}

/// One group's figures, as the report shows them.
package struct RollupLine: Sendable {
    package var group: RollupRow
    package var leads: Int
    /// Rows the API answered `accepted` or `rejected`.
    package var submitted: Int
    package var accepted: Int
    package var revenue: Double
    package var duplicates: Int
    package var invalid: Int
    package var failed: Int
    /// The most frequent reason codes among the group's non-accepted rows, most frequent first.
    package var topReasons: [(code: String, count: Int)]
    /// The most frequent reasons the API gave for the group's rejected rows, most frequent first.
    package var topRemoteReasons: [(code: String, count: Int)]

    package init(_ row: RollupRow) {
        group = row
        leads = row.counts.values.reduce(0, +)
        accepted = row.counts[.accepted, default: 0]
        submitted = accepted + row.counts[.rejected, default: 0]
        revenue = row.revenue
        duplicates = row.counts[.duplicate, default: 0]
        invalid = row.counts[.invalid, default: 0]
        failed = row.counts[.failed, default: 0]
        topReasons = row.topReasons(RollupReport.topReasonCount)
        topRemoteReasons = row.topRemoteReasons(RollupReport.topReasonCount)
    }

    /// `rows` added up into one line (its group values those of no group).
    package static func sum(_ rows: [RollupRow]) -> RollupLine {
        var all = RollupRow()
        for row in rows {
            all.counts.merge(row.counts, uniquingKeysWith: +)
            all.reasons.merge(row.reasons, uniquingKeysWith: +)
            all.remoteReasons.merge(row.remoteReasons, uniquingKeysWith: +)
            all.revenue += row.revenue
        }
        return RollupLine(all)
    }

    package var acceptance: Double? { submitted > 0 ? Double(accepted) / Double(submitted) : nil }
    package var revenuePerSubmitted: Double? { submitted > 0 ? revenue / Double(submitted) : nil }
    package var averageBid: Double? { accepted > 0 ? revenue / Double(accepted) : nil }

    /// `DUPLICATE_IN_LEDGER 12, ZIP_INVALID 3`.
    package var topReasonsText: String {
        topReasons.map { "\($0.code) \($0.count)" }.joined(separator: ", ")
    }

    /// `low_score 40, no_buyer_match 12`.
    package var topRemoteReasonsText: String {
        topRemoteReasons.map { "\($0.code) \($0.count)" }.joined(separator: ", ")
    }
}
