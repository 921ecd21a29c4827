import LeadModel

/// An HTML table of reasons with their human label, code, count and fix: the API's reasons in summary.html,
/// local and remote reasons in `leadspool report --format html`.
enum ReasonGuideTable {
    struct Entry {
        var label: String
        var fix: String
        /// The code or token as the data has it (`REMOTE_REJECTED`, `low_score`).
        var code: String
        var count: Int
    }

    /// The table, or an empty string for no entries. `countHeading` names the count column.
    static func html(_ entries: [Entry], countHeading: String = "Rows") -> String {
        guard !entries.isEmpty else { return "" }
        var html =
            "<table class=\"reasons\">\n"
            + "<thead><tr><th>Reason</th><th class=\"n\">\(countHeading)</th><th>How to fix</th></tr></thead>\n<tbody>\n"
        for entry in entries {
            html +=
                "<tr><td>\(HTMLText.escape(entry.label))<br><code>\(HTMLText.escape(entry.code))</code></td>"
                + "<td class=\"n\">\(HTMLText.grouped(entry.count))</td><td>\(HTMLText.escape(entry.fix))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// Entries of the API's reasons (`RemoteReason` tokens), in the order given.
    static func remote(_ reasons: [(reason: String, count: Int)]) -> [Entry] {
        reasons.map { reason, count in
            let guide = RemoteReason.guide(reason)
            return Entry(label: guide.label, fix: guide.fix, code: reason, count: count)
        }
    }

    /// Entries of reason codes (a code leadspool does not know shows as itself, with no fix).
    static func local(_ codes: [(code: String, count: Int)]) -> [Entry] {
        codes.map { code, count in
            let guide = ReasonCode(rawValue: code)?.guide
            return Entry(label: guide?.label ?? code, fix: guide?.fix ?? "", code: code, count: count)
        }
    }
}
