import Ingest
import LeadModel

extension BatchSummary {
    /// `<batch>.summary.html`: one self-contained page (inline CSS and SVG, no script, no external
    /// resource) for account managers, readable on screen and on paper. Every value that came from a
    /// publisher is HTML-escaped.
    package func renderHTML() -> String {
        let e = HTMLText.escape
        var html = HTMLText.pageStart(title: "Batch \(e(inputs.batch)) – leadspool summary", css: Self.css)
        html += """
            <h1>Lead batch \(e(inputs.fileName))</h1>
            <p class="meta">Batch \(e(inputs.batch)) · publisher \(e(inputs.publisher)) · \(modeText) · \
            claimed \(CivilTime.utcString(Int64(Self.wholeSeconds(inputs.claimedAt)))) · \
            \(NumberText.fixed(durationSeconds, decimals: 1)) s</p>

            """
        // A dry run sent nothing: accepted, rejected, revenue and delivery figures would all read 0 there.
        let dryRun = inputs.mode == .check
        html += dryRun ? checkHeadline() : headline()
        html += section("Outcomes", body: outcomeChart())
        html += section("Top reasons", body: reasonChart() + reasonTable())
        if !remoteReasons.isEmpty { html += section("Why the API rejected leads", body: remoteReasonTable()) }
        html +=
            dryRun
            ? section("Rows by vertical", body: checkVerticalTable())
            : section("Revenue by vertical", body: verticalTable())
        html += section("Rows needing attention", body: attentionTable())
        html += dryRun ? section("Check", body: checkFacts()) : section("Delivery", body: deliveryFacts())
        html += dryRun ? Self.checkFoot : Self.runFoot
        html += """
            </main>
            </body>
            </html>

            """
        return html
    }

    private static let runFoot = """
        <p class="muted foot">Acceptance rate = accepted ÷ submitted, where submitted = accepted + rejected \
        (the leads the API judged), as in <code>leadspool report</code>; sent counts every row a request went \
        out for (also those refused as invalid, failed or held after sending). Written by leadspool.</p>

        """

    private static let checkFoot = """
        <p class="muted foot">A dry run: nothing was sent. Valid rows are those <code>leadspool run</code> \
        would submit; fix the rows of the rejects file and drop it again. Written by leadspool.</p>

        """

    private var modeText: String {
        inputs.mode == .check ? "dry run (check)" : "submitted (run)"
    }

    private func headline() -> String {
        var cards: [(String, String, String)] = [
            ("Rows", HTMLText.grouped(rows), ""),
            ("Accepted", HTMLText.grouped(count(of: .accepted)), "good"),
            ("Revenue", HTMLText.dollars(cents: revenueCents), "good"),
            ("Acceptance rate", HTMLText.percent(acceptanceRate), ""),
            ("Rejected", HTMLText.grouped(count(of: .rejected)), ""),
            ("Invalid", HTMLText.grouped(count(of: .invalid)), count(of: .invalid) > 0 ? "bad" : ""),
            ("Duplicates", HTMLText.grouped(count(of: .duplicate)), ""),
            ("Failed", HTMLText.grouped(count(of: .failed)), count(of: .failed) > 0 ? "bad" : ""),
        ]
        if count(of: .unknown) > 0 { cards.append(("Unknown", HTMLText.grouped(count(of: .unknown)), "bad")) }
        if count(of: .pending) > 0 {
            cards.append(("Not sent yet (next run)", HTMLText.grouped(count(of: .pending)), ""))
        }
        if inputs.mode == .check || count(of: .valid) > 0 {
            cards.insert(("Valid (would submit)", HTMLText.grouped(count(of: .valid)), "good"), at: 1)
        }
        var html = "<div class=\"cards\">\n"
        for (label, value, tone) in cards {
            html += "<div class=\"card \(tone)\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div></div>\n"
        }
        return html + "</div>\n"
    }

    /// The cards of a dry run: what would be submitted and what needs fixing first.
    private func checkHeadline() -> String {
        let invalid = count(of: .invalid)
        let cards: [(String, String, String)] = [
            ("Rows", HTMLText.grouped(rows), ""),
            ("Valid (would submit)", HTMLText.grouped(count(of: .valid)), "good"),
            ("Invalid", HTMLText.grouped(invalid), invalid > 0 ? "bad" : ""),
            ("Duplicates", HTMLText.grouped(count(of: .duplicate)), ""),
            ("Rows to fix (rejects file)", HTMLText.grouped(rejects), rejects > 0 ? "bad" : ""),
        ]
        var html = "<div class=\"cards\">\n"
        for (label, value, tone) in cards {
            html += "<div class=\"card \(tone)\"><div class=\"k\">\(label)</div><div class=\"v\">\(value)</div></div>\n"
        }
        return html + "</div>\n"
    }

    private func section(_ title: String, body: String) -> String {
        "<section>\n<h2>\(title)</h2>\n\(body)</section>\n"
    }

    private func outcomeChart() -> String {
        let bars = outcomes.filter { $0.count > 0 }.map {
            (label: $0.outcome.rawValue, count: $0.count, colour: Self.colour($0.outcome))
        }
        guard !bars.isEmpty else { return "<p class=\"muted\">No rows.</p>\n" }
        return Self.barChart(bars, title: "Rows by outcome")
    }

    private func reasonChart() -> String {
        let top = reasonCodes.enumerated()
            .filter { $0.element.count > 0 }
            .sorted {
                $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset
            }
            .prefix(10)
            .map { (label: $0.element.code.rawValue, count: $0.element.count, colour: "#5b6b8c") }
        guard !top.isEmpty else { return "<p class=\"muted\">No problems reported.</p>\n" }
        // Every code of a row counts here (a row with a bad phone and a bad ZIP counts for both); the batch
        // line on the terminal and `leadspool report` count each row once, by its first code.
        return Self.barChart(Array(top), title: "Most frequent reason codes")
            + "<p class=\"muted\">Every problem of a row is counted, so a row may count under several codes.</p>\n"
    }

    /// The most frequent codes with what each means and how to fix it (``ReasonCode/guide``).
    private func reasonTable() -> String {
        let top = topReasons()
        guard !top.isEmpty else { return "" }
        var html =
            "<table class=\"reasons\">\n"
            + "<thead><tr><th>Reason</th><th class=\"n\">Rows</th><th>How to fix</th></tr></thead>\n<tbody>\n"
        for (code, count) in top {
            let guide = code.guide
            html +=
                "<tr><td>\(HTMLText.escape(guide.label))<br><code>\(code.rawValue)</code></td>"
                + "<td class=\"n\">\(HTMLText.grouped(count))</td><td>\(HTMLText.escape(guide.fix))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// The ten most frequent codes among all problems, ties in code order.
    private func topReasons() -> [(code: ReasonCode, count: Int)] {
        Array(
            reasonCodes.enumerated()
                .filter { $0.element.count > 0 }
                .sorted {
                    $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset
                }
                .prefix(10)
                .map(\.element))
    }

    /// Per vertical in a dry run: rows, valid, invalid and duplicates.
    private func checkVerticalTable() -> String {
        var html =
            "<table>\n<thead><tr><th>Vertical</th><th class=\"n\">Rows</th><th class=\"n\">Valid</th>"
            + "<th class=\"n\">Invalid</th><th class=\"n\">Duplicates</th></tr></thead>\n<tbody>\n"
        func cells(_ rows: Int, _ count: (Outcome) -> Int) -> String {
            [rows, count(.valid), count(.invalid), count(.duplicate)]
                .map { "<td class=\"n\">\(HTMLText.grouped($0))</td>" }.joined()
        }
        for group in verticals {
            let name = group.name.isEmpty ? "<span class=\"muted\">(no vertical)</span>" : HTMLText.escape(group.name)
            html += "<tr><td>\(name)</td>" + cells(group.rows, group.count(of:)) + "</tr>\n"
        }
        html += "</tbody>\n<tfoot><tr><th>Total</th>" + cells(rows, count(of:)) + "</tr></tfoot>\n</table>\n"
        return html
    }

    private func verticalTable() -> String {
        var html = """
            <table>
            <thead><tr><th>Vertical</th><th class="n">Rows</th><th class="n">Accepted</th><th class="n">Rejected</th>\
            <th class="n">Invalid</th><th class="n">Revenue</th><th class="n">Average bid</th></tr></thead>
            <tbody>

            """
        for group in verticals {
            let name = group.name.isEmpty ? "<span class=\"muted\">(no vertical)</span>" : HTMLText.escape(group.name)
            html += "<tr><td>\(name)</td>" + Self.numberCells(group) + "</tr>\n"
        }
        var total = GroupTotals(name: "")
        total.rows = rows
        for (outcome, count) in outcomes { total.outcomeCounts[outcome] = count }
        total.revenueCents = revenueCents
        total.bids = bids
        html += "</tbody>\n<tfoot><tr><th>Total</th>" + Self.numberCells(total) + "</tr></tfoot>\n</table>\n"
        return html
    }

    private static func numberCells(_ group: GroupTotals) -> String {
        let average = averageCents(group.revenueCents, over: group.bids).map { HTMLText.dollars(cents: $0) } ?? "–"
        return "<td class=\"n\">\(HTMLText.grouped(group.rows))</td>"
            + "<td class=\"n\">\(HTMLText.grouped(group.count(of: .accepted)))</td>"
            + "<td class=\"n\">\(HTMLText.grouped(group.count(of: .rejected)))</td>"
            + "<td class=\"n\">\(HTMLText.grouped(group.count(of: .invalid)))</td>"
            + "<td class=\"n\">\(HTMLText.dollars(cents: group.revenueCents))</td>"
            + "<td class=\"n\">\(average)</td>"
    }

    private func attentionTable() -> String {
        guard attentionTotal > 0 else { return "<p class=\"muted\">None: no invalid, failed or unknown rows.</p>\n" }
        var html = ""
        if attentionTotal > attention.count {
            html +=
                "<p class=\"muted\">The first \(attention.count) of \(HTMLText.grouped(attentionTotal)) rows; "
                + "all of them are in the results files, and the invalid ones in the rejects file.</p>\n"
        }
        html += "<table>\n<thead><tr><th class=\"n\">Row</th><th>Ref</th><th>Outcome</th><th>Reason</th></tr></thead>\n"
        html += "<tbody>\n"
        for row in attention {
            html +=
                "<tr><td class=\"n\">\(row.row)</td><td class=\"ref\">\(HTMLText.escape(row.ref))</td>"
                + "<td><span class=\"tag\" style=\"background:\(Self.colour(row.outcome))\">"
                + "\(row.outcome.rawValue)</span></td>"
                + "<td>\(HTMLText.escape(row.reason))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// The facts of a dry run: how long it took.
    private func checkFacts() -> String {
        let facts: [(String, String)] = [
            ("Duration", NumberText.fixed(durationSeconds, decimals: 1) + " s"),
            ("Rows per second", rowsPerSecond.map { NumberText.fixed($0, decimals: 0) } ?? "–"),
        ]
        return factsTable(facts)
    }

    /// `facts` (values already HTML), then a row per stage's duration.
    private func factsTable(_ facts: [(String, String)]) -> String {
        var facts = facts
        for (stage, seconds) in inputs.stageSeconds {
            facts.append(("Stage " + HTMLText.escape(stage), NumberText.fixed(seconds, decimals: 2) + " s"))
        }
        var html = "<table class=\"facts\">\n<tbody>\n"
        for (label, value) in facts {
            html += "<tr><th>\(HTMLText.escape(label))</th><td>\(value)</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func deliveryFacts() -> String {
        func ms(_ value: Int?) -> String { value.map { HTMLText.grouped($0) + " ms" } ?? "–" }
        let facts: [(String, String)] = [
            ("Submitted (accepted + rejected)", HTMLText.grouped(submitted)),
            ("Sent (a request went out)", HTMLText.grouped(sent)),
            ("Refused by the API as invalid (400/422)", HTMLText.grouped(remoteInvalid)),
            ("Latency p50 / p95 / max", "\(ms(latencyP50)) / \(ms(latencyP95)) / \(ms(latencyMax))"),
            (
                "Requests / retries / rate-limit waits",
                [attempts, inputs.retries, inputs.rateLimitWaits].map(HTMLText.grouped).joined(separator: " / ")
            ),
            ("Duration", NumberText.fixed(durationSeconds, decimals: 1) + " s"),
            ("Rows per second", rowsPerSecond.map { NumberText.fixed($0, decimals: 0) } ?? "–"),
        ]
        return factsTable(facts)
    }

    /// A horizontal bar chart as inline SVG: label, bar scaled to the largest count, count.
    private static func barChart(_ bars: [(label: String, count: Int, colour: String)], title: String) -> String {
        let rowHeight = 28
        let labelWidth = 210
        let barWidth = 380
        let height = bars.count * rowHeight + 8
        let largest = max(1, bars.map(\.count).max() ?? 1)
        var svg =
            "<svg class=\"chart\" viewBox=\"0 0 680 \(height)\" width=\"100%\" role=\"img\" "
            + "aria-label=\"\(HTMLText.escape(title))\">\n"
            + "<title>\(HTMLText.escape(title))</title>\n"
        for (i, bar) in bars.enumerated() {
            let y = 4 + i * rowHeight
            let width = max(2, Int((Double(bar.count) / Double(largest) * Double(barWidth)).rounded()))
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 18)\" text-anchor=\"end\">\(HTMLText.escape(bar.label))</text>"
                + "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"\(rowHeight - 8)\" rx=\"3\" "
                + "fill=\"\(bar.colour)\"/>"
                + "<text x=\"\(labelWidth + width + 8)\" y=\"\(y + 18)\">\(HTMLText.grouped(bar.count))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func colour(_ outcome: Outcome) -> String {
        switch outcome {
        case .valid: return "#2f6fb5"
        case .accepted: return "#2e8b57"
        case .rejected: return "#c98a1b"
        case .invalid: return "#c0392b"
        case .duplicate: return "#7f8c8d"
        case .failed: return "#8e1b1b"
        case .unknown: return "#6c4fc4"
        case .pending: return "#5d7ea8"
        }
    }

    private static let css = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;\
        background:#f4f6f9;margin:0}
        main{max-width:980px;margin:0 auto;padding:24px}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 12px}
        .meta,.muted{color:#5a6475}.meta{margin:0 0 20px}.foot{font-size:12px}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-bottom:20px}
        .card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 12px}
        .card .k{color:#5a6475;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
        .card .v{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
        .card.good .v{color:#1f7a47}.card.bad .v{color:#b03225}
        section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:16px;margin-bottom:20px}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ef;vertical-align:top}
        .n{text-align:right;font-variant-numeric:tabular-nums}tfoot th,tfoot td{border-top:2px solid #c9d0db}
        .facts th{font-weight:normal;color:#5a6475;width:45%}
        td{word-break:break-word}td.ref{white-space:nowrap;word-break:normal}
        .tag{color:#fff;border-radius:3px;padding:1px 6px;font-size:12px}
        .reasons{margin-top:12px}.reasons td:first-child{width:32%}
        .reasons code{font-size:11px;color:#5a6475;white-space:nowrap}
        .chart text{font-size:13px;fill:#1d2330}
        @media print{body{background:#fff;font-size:10pt}main{max-width:none;padding:0}\
        section,.card{border-color:#999}.card,tr,svg{break-inside:avoid}\
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}
