extension RollupReport {
    /// Columns padded for a terminal: group columns and the reasons left-aligned, numbers right-aligned.
    /// Widths count characters, so a name with accents stays aligned.
    package func aligned() -> String {
        let rows = [header] + lines.map { groupValues($0) + figureValues($0) }
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        let lastNumber = header.count - 2
        return rows.map { row in
            var line = ""
            for (i, cell) in row.enumerated() {
                if i > 0 { line += "  " }
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let leftAligned = i < groupHeader.count || i > lastNumber
                line += leftAligned ? (i == row.count - 1 ? cell : cell + pad) : pad + cell
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV with a header; text cells (names, reasons) neutralised against formula injection.
    package func csv() -> String {
        var out = header.joined(separator: ",") + "\n"
        let textColumns = Set(groupHeader.indices).union([header.count - 1])
        for line in lines {
            let cells = (groupValues(line) + figureValues(line)).enumerated().map { i, cell in
                CSVCell.encode(cell, neutralise: textColumns.contains(i))
            }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A JSON array, one object per group: the dimensions asked for (a batch as `batch` and `file_name`), the
    /// figures (money with two decimals, `acceptance_rate` a fraction with four, `null` when undefined) and
    /// `top_reasons` as `[{"code": ..., "count": ...}]`.
    package func json() -> String {
        JSONValue.array(
            lines.map { line in
                var members = zip(groupHeader, groupValues(line)).map { ($0, JSONValue.string($1)) }
                members += [
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
                    (
                        "top_reasons",
                        .array(line.topReasons.map { .object([("code", .string($0.code)), ("count", .int($0.count))]) })
                    ),
                ]
                return .object(members)
            }
        ).rendered()
    }
}
