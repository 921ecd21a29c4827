import Ingest

extension RollupReport {
    /// Columns padded for a terminal: group columns and the reasons left-aligned, numbers right-aligned.
    /// Widths count characters, so a name with accents stays aligned. With a comparison, its table follows
    /// after a blank line and a line naming both periods.
    package func aligned() -> String {
        let reasons = header.count - 2
        var out = Self.align(
            [header] + lines.map { groupValues($0) + figureValues($0) },
            leftAligned: { $0 < groupHeader.count || $0 >= reasons })
        if let comparison {
            out += "\ncompared with the previous period (\(comparison.previousText)):\n"
            let groups = RollupReport.header(of: comparison.dimensions).count
            out += Self.align(comparison.rows, leftAligned: { $0 < groups })
        }
        return out
    }

    private static func align(_ rows: [[String]], leftAligned: (Int) -> Bool) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                if i > 0 { line += "  " }
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += leftAligned(i) ? (i == row.count - 1 ? cell : cell + pad) : pad + cell
            }
            return line.hasSuffix(" ") ? String(line.reversed().drop { $0 == " " }.reversed()) : line
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV with a header; text cells (names, reasons) neutralised against formula injection. With a
    /// comparison, the comparison table instead (one CSV holds one table).
    package func csv() -> String {
        if let comparison {
            let groups = RollupReport.header(of: comparison.dimensions).count
            return Self.csv(comparison.rows, textColumns: Set(0..<groups))
        }
        let textColumns = Set(groupHeader.indices).union([header.count - 2, header.count - 1])
        return Self.csv([header] + lines.map { groupValues($0) + figureValues($0) }, textColumns: textColumns)
    }

    private static func csv(_ rows: [[String]], textColumns: Set<Int>) -> String {
        var out = rows[0].joined(separator: ",") + "\n"
        for row in rows.dropFirst() {
            let cells = row.enumerated().map { i, cell in CSVCell.encode(cell, neutralise: textColumns.contains(i)) }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A JSON array, one object per group: the dimensions asked for (a batch as `batch` and `file_name`), the
    /// figures (money with two decimals, `acceptance_rate` a fraction with four, `null` when undefined),
    /// `top_reasons` and `top_remote_reasons` as `[{"code": ..., "count": ...}]`. With a comparison, an object:
    /// `{"groups": [...], "comparison": {...}}`.
    package func json() -> String {
        let groups = JSONValue.array(
            lines.map { line in
                var members = zip(groupHeader, groupValues(line)).map { ($0, JSONValue.string($1)) }
                members += Self.figureMembers(line)
                return .object(members)
            }
        )
        guard let comparison else { return groups.rendered() }
        return JSONValue.object([("groups", groups), ("comparison", comparison.json)]).rendered()
    }

    static func figureMembers(_ line: RollupLine) -> [(String, JSONValue)] {
        func counts(_ top: [(code: String, count: Int)]) -> JSONValue {
            .array(top.map { .object([("code", .string($0.code)), ("count", .int($0.count))]) })
        }
        return [
            ("leads", .int(line.leads)),
            ("submitted", .int(line.submitted)),
            ("accepted", .int(line.accepted)),
            ("acceptance_rate", .fixed(line.acceptance, decimals: 4)),
            ("revenue", .fixed(line.revenue, decimals: 2)),
            ("revenue_per_submitted", .fixed(line.revenuePerSubmitted, decimals: 2)),
            ("average_bid", .fixed(line.averageBid, decimals: 2)),
            ("duplicates", .int(line.duplicates)),
            ("invalid", .int(line.invalid)),
            ("failed", .int(line.failed)),
            ("top_reasons", counts(line.topReasons)),
            ("top_remote_reasons", counts(line.topRemoteReasons)),
        ]
    }
}

extension RollupComparison {
    /// Header and one row per group, then `(total)` when grouped.
    var rows: [[String]] {
        var rows = [header] + changes.map { $0.values + Self.figureValues($0) }
        if !dimensions.isEmpty {
            let blanks = Array(repeating: "", count: RollupReport.header(of: dimensions).count - 1)
            rows.append(["(total)"] + blanks + Self.figureValues(total))
        } else {
            rows = [header, Self.figureValues(total)]
        }
        return rows
    }

    /// `2026-10-01T00:00:00Z – 2026-11-01T00:00:00Z`.
    var previousText: String {
        CivilTime.utcString(previousPeriod.since) + " – " + CivilTime.utcString(previousPeriod.until)
    }

    var json: JSONValue {
        func side(_ line: RollupLine) -> JSONValue {
            .object([
                ("submitted", .int(line.submitted)), ("accepted", .int(line.accepted)),
                ("acceptance_rate", .fixed(line.acceptance, decimals: 4)),
                ("revenue", .fixed(line.revenue, decimals: 2)),
                ("revenue_per_submitted", .fixed(line.revenuePerSubmitted, decimals: 2)),
            ])
        }
        func object(_ change: RollupChange) -> JSONValue {
            var members = zip(RollupReport.header(of: dimensions), change.values).map { ($0, JSONValue.string($1)) }
            members += [
                ("current", side(change.current)), ("previous", side(change.previous)),
                ("acceptance_change_pts", .fixed(change.acceptanceChangePoints, decimals: 1)),
                ("revenue_change_pct", .fixed(change.revenueChangePercent, decimals: 1)),
                ("revenue_per_submitted_change_pct", .fixed(change.revenuePerSubmittedChangePercent, decimals: 1)),
            ]
            return .object(members)
        }
        return .object([
            ("since", .string(CivilTime.utcString(period.since))), ("until", .string(CivilTime.utcString(period.until))),
            ("previous_since", .string(CivilTime.utcString(previousPeriod.since))),
            ("previous_until", .string(CivilTime.utcString(previousPeriod.until))),
            ("groups", .array(changes.map(object))), ("total", object(total)),
        ])
    }
}
