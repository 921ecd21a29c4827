import Ingest
import LeadLedger
import LeadModel

extension RollupReport {
    /// One self-contained page (inline CSS and SVG, no script, no external resource): the totals (with the
    /// change against the previous period under `--compare previous`), a trend chart of submitted, accepted
    /// and revenue per period (when grouped by day, week or month), the table with a subtotal per publisher
    /// (when grouped by publisher) and a total, and the top reasons, leadspool's and the API's, with their
    /// labels and fixes. Landscape with repeated headers on paper. Names are HTML-escaped.
    package func html() -> String {
        let e = HTMLText.escape
        let by = dimensions.isEmpty ? "everything together" : dimensions.map(\.rawValue).joined(separator: ", ")
        var html = HTMLText.pageStart(title: "Lead roll-up by \(e(by)) – leadspool report", css: Self.css)
        html += """
            <h1>Lead roll-up by \(e(by))</h1>
            <p class="meta">\(e(periodText)) · days, weeks and months in \(e(zoneName)) · \
            made \(CivilTime.utcString(generatedAt))</p>

            """
        html += cards()
        html += "<section><h2>Trend</h2>\n" + RollupTrendChart(report: self).svg() + "</section>\n"
        html += "<section><h2>\(dimensions.contains(.publisher) ? "By publisher" : "Groups")</h2>\n"
        html += table() + "</section>\n"
        html += "<section><h2>Top reasons</h2>\n" + reasonTables() + "</section>\n"
        html += """
            <p class="muted foot">Submitted = accepted + rejected by the API; acceptance = accepted ÷ submitted; \
            revenue is the sum of accepted bids. Top reasons: the most frequent first reason codes among the \
            leads that were not accepted; the API's reasons break <code>REMOTE_REJECTED</code> down. \
            Changes compare with the period of the same length just before. Written by leadspool.</p>
            </main>
            </body>
            </html>

            """
        return html
    }

    private var periodText: String {
        var parts: [String] = []
        if let since = period.since { parts.append("from " + since) }
        if let until = period.until { parts.append("until " + until + " (excluded)") }
        if parts.isEmpty { parts.append("all time") }
        if let comparison {
            parts.append("compared with " + comparison.previousText)
        }
        return parts.joined(separator: " ")
    }

    private func cards() -> String {
        let total = self.total
        let change = comparison?.total
        let cards: [(String, String, String?)] = [
            ("Leads", HTMLText.grouped(total.leads), nil),
            ("Submitted", HTMLText.grouped(total.submitted), change.map { HTMLText.grouped($0.previous.submitted) + " in the" }),
            ("Accepted", HTMLText.grouped(total.accepted), nil),
            ("Acceptance rate", HTMLText.percent(total.acceptance), change.map { Self.points($0.acceptanceChangePoints) + " vs" }),
            ("Revenue", Self.dollars(total.revenue), change.map { Self.percentChange($0.revenueChangePercent) + " vs" }),
            (
                "Revenue / submitted", total.revenuePerSubmitted.map(Self.dollars) ?? "–",
                change.map { Self.percentChange($0.revenuePerSubmittedChangePercent) + " vs" }
            ),
        ]
        var html = "<div class=\"cards\">\n"
        for (label, value, delta) in cards {
            html += "<div class=\"card\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div>"
            if let delta { html += "<div class=\"d\">\(delta) previous period</div>" }
            html += "</div>\n"
        }
        return html + "</div>\n"
    }

    /// The groups, a subtotal after each publisher's (when grouped by publisher) and the total; with a
    /// comparison, the change of each subtotal and of the total (and of each line when no period is grouped).
    private func table() -> String {
        let e = HTMLText.escape
        let compare = comparison != nil
        let columns = groupHeader.count + Self.figureHeader.count + (compare ? 3 : 0)
        var html = "<table class=\"groups\">\n<thead><tr>"
        for name in groupHeader { html += "<th>\(Self.label(name))</th>" }
        for name in Self.figureHeader {
            html += name.hasPrefix("top_") ? "<th>\(Self.label(name))</th>" : "<th class=\"n\">\(Self.label(name))</th>"
        }
        if compare {
            html += "<th class=\"n\">Δ acceptance</th><th class=\"n\">Δ revenue</th><th class=\"n\">Δ revenue / submitted</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        if lines.isEmpty {
            html += "<tr><td colspan=\"\(columns)\" class=\"muted\">No answered leads in this period.</td></tr>\n"
        }
        let byPublisher = dimensions.contains(.publisher) && dimensions.count > 1
        var index = 0
        while index < lines.count {
            var end = index + 1
            if byPublisher {
                while end < lines.count && lines[end].group.publisher == lines[index].group.publisher { end += 1 }
            }
            for line in lines[index..<end] {
                // Names stay on one line (they are codes, dates and batch names); file names may wrap.
                let cells = zip(groupHeader, groupValues(line)).map { column, value in
                    column == "file_name" ? "<td>\(e(value))</td>" : "<td class=\"g\">\(e(value))</td>"
                }
                let change = periodDimension == nil ? comparison?.change(for: Self.values(of: line.group, comparison?.dimensions ?? [])) : nil
                html += "<tr>" + cells.joined() + figureCells(line) + (compare ? Self.changeCells(change) : "") + "</tr>\n"
            }
            if byPublisher {
                let publisher = lines[index].group.publisher ?? ""
                let subtotal = RollupLine.sum(lines[index..<end].map(\.group))
                html += "<tr class=\"sub\"><th colspan=\"\(groupHeader.count)\">Subtotal \(e(publisher.isEmpty ? "(none)" : publisher))</th>"
                html += figureCells(subtotal) + (compare ? Self.changeCells(publisherChange(publisher)) : "") + "</tr>\n"
            }
            index = end
        }
        html += "</tbody>\n"
        // Without dimensions the one line is the total already.
        if !groupHeader.isEmpty {
            html += "<tfoot><tr><th colspan=\"\(groupHeader.count)\">Total</th>" + figureCells(total)
            html += (compare ? Self.changeCells(comparison?.total) : "") + "</tr></tfoot>\n"
        }
        return html + "</table>\n"
    }

    /// The comparison's groups of `publisher` added up.
    private func publisherChange(_ publisher: String) -> RollupChange? {
        guard let comparison, let column = RollupReport.header(of: comparison.dimensions).firstIndex(of: "publisher")
        else { return nil }
        let changes = comparison.changes.filter { $0.values[column] == publisher }
        return RollupChange(
            values: [publisher], current: .sum(changes.map(\.current.group)), previous: .sum(changes.map(\.previous.group)))
    }

    private static func changeCells(_ change: RollupChange?) -> String {
        guard let change else { return "<td></td><td></td><td></td>" }
        return [
            points(change.acceptanceChangePoints), percentChange(change.revenueChangePercent),
            percentChange(change.revenuePerSubmittedChangePercent),
        ].map { "<td class=\"n\">\($0)</td>" }.joined()
    }

    /// `+2.5 pts`; an en dash when undefined.
    private static func points(_ value: Double?) -> String {
        signed(value).map { $0 + " pts" } ?? "–"
    }

    /// `-12.0 %`; an en dash when undefined.
    private static func percentChange(_ value: Double?) -> String {
        signed(value).map { $0 + " %" } ?? "–"
    }

    private static func signed(_ value: Double?) -> String? {
        guard let value else { return nil }
        let text = NumberText.fixed(value, decimals: 1)
        if text.allSatisfy({ $0 == "0" || $0 == "." }) { return text }
        return text.hasPrefix("-") ? "−" + text.dropFirst() : "+" + text
    }

    /// leadspool's own reasons and the API's, each with its label and fix.
    private func reasonTables() -> String {
        let total = self.total
        let local = ReasonGuideTable.local(total.group.topReasons(10))
        let remote = ReasonGuideTable.remote(total.group.topRemoteReasons(10).map { (reason: $0.code, count: $0.count) })
        var html = "<h3>Leads not accepted, by reason code</h3>\n"
        html += local.isEmpty ? "<p class=\"muted\">None.</p>\n" : ReasonGuideTable.html(local, countHeading: "Leads")
        html += "<h3>Rejected by the API, by the API's reason</h3>\n"
        html += remote.isEmpty ? "<p class=\"muted\">None.</p>\n" : ReasonGuideTable.html(remote, countHeading: "Leads")
        return html
    }

    private func figureCells(_ line: RollupLine) -> String {
        func money(_ value: Double?) -> String { value.map(Self.dollars) ?? "–" }
        let numbers = [
            HTMLText.grouped(line.leads), HTMLText.grouped(line.submitted), HTMLText.grouped(line.accepted),
            HTMLText.percent(line.acceptance), money(line.revenue), money(line.revenuePerSubmitted),
            money(line.averageBid), HTMLText.grouped(line.duplicates), HTMLText.grouped(line.invalid),
            HTMLText.grouped(line.failed),
        ]
        // One reason a line, never broken inside its code.
        func list(_ top: [(code: String, count: Int)]) -> String {
            top.map { "<span class=\"r\"><span class=\"code\">\(HTMLText.escape($0.code))</span> \($0.count)</span>" }
                .joined(separator: "<br>")
        }
        return numbers.map { "<td class=\"n\">\($0)</td>" }.joined() + "<td>\(list(line.topReasons))</td>"
            + "<td>\(list(line.topRemoteReasons))</td>"
    }

    static func dollars(_ amount: Double) -> String {
        HTMLText.dollars(cents: NumberText.cents(amount) ?? 0)
    }

    private static func label(_ column: String) -> String {
        switch column {
        case "file_name": "File"
        case "acceptance_pct": "Acceptance"
        case "revenue_per_submitted": "Revenue / submitted"
        case "average_bid": "Average bid"
        case "top_reasons": "Top reasons"
        case "top_remote_reasons": "API's reasons"
        case "remote_reason": "API's reason"
        default: column.prefix(1).uppercased() + column.dropFirst()
        }
    }

    private static let css = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;\
        background:#f4f6f9;margin:0}
        main{max-width:1280px;margin:0 auto;padding:24px}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 12px}h3{font-size:14px;margin:16px 0 6px}
        .meta,.muted{color:#5a6475}.meta{margin:0 0 20px}.foot{font-size:12px}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin-bottom:20px}
        .card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}
        .card .k{color:#5a6475;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
        .card .v{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}
        .card .d{color:#5a6475;font-size:12px;font-variant-numeric:tabular-nums}
        section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:16px;margin-bottom:20px}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ef;vertical-align:top}
        .groups{font-size:12px}.groups th,.groups td{padding:4px 5px}.r{white-space:nowrap}\
        .groups thead th{white-space:normal;vertical-align:bottom}
        .groups .code{font-size:11px}
        thead th{background:#eef1f6;font-size:12px}
        .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tr.sub th,tr.sub td{background:#f7f9fc;font-weight:600}
        tfoot th,tfoot td{border-top:2px solid #c9d0db;font-weight:600}
        td{word-break:break-word}.g{white-space:nowrap}
        .code,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
        .reasons td:first-child{width:30%}.reasons code{color:#5a6475;white-space:nowrap}
        .trend text{font-size:12px;fill:#1d2330}.trend .axis{fill:#5a6475}
        @page{size:A4 landscape;margin:12mm}
        @media print{body{background:#fff;font-size:9pt}main{max-width:none;padding:0}\
        .card,section{border-color:#999}tr,.card,svg{break-inside:avoid}thead{display:table-header-group}\
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}
