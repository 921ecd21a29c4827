package import Ingest

/// What `check` says about a file's header: the columns it recognised (header → field), those it did not
/// with the closest field where one is plausible, the TOML lines that map them, and one line per required
/// field without a column.
package enum ColumnLines {
    /// The lines under a batch's summary, indented by two spaces.
    package static func lines(_ columns: Columns) -> [String] {
        var lines: [String] = []
        let recognised = columns.recognised.map { "\(shown($0.name)) → \($0.field.rawValue)" }
        lines.append("  columns recognised: " + (recognised.isEmpty ? "none" : recognised.joined(separator: ", ")))
        guard !columns.unrecognised.isEmpty else { return lines + missingColumnMessages(columns).map { "  " + $0 } }
        var mapped: [String] = []
        var unused: [String] = []
        let described = columns.unrecognised.map { index -> String in
            let name = columns.names[index]
            guard let field = columns.suggestion(forColumn: index) else {
                unused.append(name)
                return shown(name)
            }
            mapped.append(ColumnMapping.tomlLine(header: name, field: field))
            return "\(shown(name)) (closest: \(field.rawValue))"
        }
        lines.append("  columns not recognised: " + described.joined(separator: ", "))
        lines.append("  to map them, add to leadspool.toml:")
        lines.append("    " + ColumnMapping.section(publisher: columns.publisher))
        lines += mapped.map { "    " + $0 }
        if !unused.isEmpty {
            let list = unused.map(ColumnMapping.tomlString)
            lines.append("    ignore = [\(list.joined(separator: ", "))]  # columns not used on purpose")
        }
        lines += missingColumnMessages(columns).map { "  " + $0 }
        return lines
    }

    /// One message per required field without a column, with the fix when some column was not recognised.
    package static func missingColumnMessages(_ columns: Columns) -> [String] {
        columns.absentRequiredFields.map { columns.absenceNotes[$0] ?? "no column for \($0.rawValue)" }
    }

    private static func shown(_ name: String) -> String {
        TerminalText.escaped(ColumnReport.shownName(name))
    }

    /// `summary` with the column lines after its first two lines (the file and the encoding).
    package static func inserted(_ columns: Columns?, into summary: String) -> String {
        guard let columns else { return summary }
        var lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(contentsOf: self.lines(columns), at: min(2, lines.count))
        return lines.joined(separator: "\n")
    }
}
