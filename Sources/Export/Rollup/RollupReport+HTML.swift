import Ingest
import LeadLedger
import LeadModel

extension RollupReport {
    /// One self-contained page (inline CSS, no script, no external resource): the totals, then the roll-up
    /// table with a total row, landscape and repeated headers on paper. Names are HTML-escaped.
    package func html() -> String {
        let e = HTMLText.escape
        let total = self.total
        let by = dimensions.isEmpty ? "everything together" : dimensions.map(\.rawValue).joined(separator: ", ")
        var period: [String] = []
        if let since = self.period.since { period.append("from " + e(since)) }
        if let until = self.period.until { period.append("until " + e(until) + " (excluded)") }
        if period.isEmpty { period.append("all time") }
        var html = HTMLText.pageStart(title: "Lead roll-up by \(e(by)) – leadspool report", css: Self.css)
        html += """
            <h1>Lead roll-up by \(e(by))</h1>
            <p class="meta">\(period.joined(separator: " ")) · answers counted by the UTC day they came · \
            made \(CivilTime.utcString(generatedAt))</p>
            <div class="cards">

            """
        let cards: [(String, String)] = [
            ("Leads", HTMLText.grouped(total.leads)),
            ("Submitted", HTMLText.grouped(total.submitted)),
            ("Accepted", HTMLText.grouped(total.accepted)),
            ("Acceptance rate", HTMLText.percent(total.acceptance)),
            ("Revenue", Self.dollars(total.revenue)),
            ("Groups", HTMLText.grouped(lines.count)),
        ]
        for (label, value) in cards {
            html += "<div class=\"card\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div></div>\n"
        }
        html += "</div>\n<table>\n<thead><tr>"
        for name in groupHeader { html += "<th>\(Self.label(name))</th>" }
        for name in Self.figureHeader {
            html += name == "top_reasons" ? "<th>\(Self.label(name))</th>" : "<th class=\"n\">\(Self.label(name))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        if lines.isEmpty {
            html += "<tr><td colspan=\"\(header.count)\" class=\"muted\">No answered leads in this period.</td></tr>\n"
        }
        for line in lines {
            // Names stay on one line (they are codes, dates and batch names); file names may wrap.
            let cells = zip(groupHeader, groupValues(line)).map { column, value in
                column == "file_name" ? "<td>\(e(value))</td>" : "<td class=\"g\">\(e(value))</td>"
            }
            html += "<tr>" + cells.joined() + figureCells(line) + "</tr>\n"
        }
        html += "</tbody>\n"
        // Without dimensions the one line is the total already.
        if !groupHeader.isEmpty {
            html += "<tfoot><tr><th colspan=\"\(groupHeader.count)\">Total</th>" + figureCells(total)
            html += "</tr></tfoot>\n"
        }
        html += "</table>\n"
        html += """
            <p class="muted foot">Submitted = accepted + rejected by the API; acceptance = accepted ÷ submitted; \
            revenue is the sum of accepted bids. Top reasons: the most frequent first reason codes among the \
            group's leads that were not accepted. Written by leadspool.</p>
            </main>
            </body>
            </html>

            """
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
        let reasons = line.topReasons.map { "<span class=\"code\">\(HTMLText.escape($0.code))</span> \($0.count)" }
        return numbers.map { "<td class=\"n\">\($0)</td>" }.joined() + "<td>\(reasons.joined(separator: ", "))</td>"
    }

    private static func dollars(_ amount: Double) -> String {
        HTMLText.dollars(cents: NumberText.cents(amount) ?? 0)
    }

    private static func label(_ column: String) -> String {
        switch column {
        case "file_name": "File"
        case "acceptance_pct": "Acceptance"
        case "revenue_per_submitted": "Revenue / submitted"
        case "average_bid": "Average bid"
        case "top_reasons": "Top reasons"
        default: column.prefix(1).uppercased() + column.dropFirst()
        }
    }

    private static let css = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;\
        background:#f4f6f9;margin:0}
        main{max-width:1280px;margin:0 auto;padding:24px}
        h1{font-size:20px;margin:0 0 4px}
        .meta,.muted{color:#5a6475}.meta{margin:0 0 20px}.foot{font-size:12px}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin-bottom:20px}
        .card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}
        .card .k{color:#5a6475;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
        .card .v{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde2ea}
        th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ef;vertical-align:top}
        thead th{background:#eef1f6;font-size:12px}
        .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tfoot th,tfoot td{border-top:2px solid #c9d0db;font-weight:600}
        td{word-break:break-word}.g{white-space:nowrap}
        .code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
        @page{size:A4 landscape;margin:12mm}
        @media print{body{background:#fff;font-size:9pt}main{max-width:none;padding:0}\
        .card,table{border-color:#999}tr,.card{break-inside:avoid}thead{display:table-header-group}}
        """
}
