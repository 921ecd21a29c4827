import Export
import Foundation
import Ingest
import LeadModel
import Testing

@Suite("summary.html")
struct SummaryHTMLTests {
    private func html(_ rows: [(LeadResult, RawRecord?)], mode: ReportMode = .run) throws -> String {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(rows, in: directory, mode: mode)
            return try readText(paths.summaryHTML)
        }
    }

    @Test("self-contained: no script, no external resource")
    func selfContained() throws {
        let page = try html(sampleRows())
        let lowered = page.lowercased()
        #expect(lowered.hasPrefix("<!doctype html>"))
        #expect(!lowered.contains("<script"))
        #expect(!lowered.contains("src="))
        #expect(!lowered.contains("href="))
        #expect(!lowered.contains("@import"))
        #expect(!lowered.contains("url("))
        #expect(!lowered.contains("http://") || !lowered.contains("=\"http"))
        #expect(lowered.contains("<style>"))
        #expect(lowered.contains("@media print"))
        #expect(lowered.components(separatedBy: "<svg").count == 3)
    }

    @Test("headline numbers, charts, revenue by vertical and rows needing attention")
    func content() throws {
        let page = try html(sampleRows())
        for text in [
            "<div class=\"k\">Rows</div><div class=\"v\">9</div>",
            "<div class=\"k\">Accepted</div><div class=\"v\">2</div>",
            "<div class=\"k\">Revenue</div><div class=\"v\">$43.50</div>",
            "<div class=\"k\">Acceptance rate</div><div class=\"v\">66.7 %</div>",
            "<div class=\"k\">Invalid</div><div class=\"v\">3</div>",
            "<div class=\"k\">Duplicates</div><div class=\"v\">1</div>",
            "<div class=\"k\">Failed</div><div class=\"v\">1</div>",
            ">accepted</text>", ">RECORD_UNREADABLE</text>",
            "<tr><td>mortgage</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">1</td>",
            "<td class=\"n\">$25.00</td>",
            "line 10: unbalanced quote",
            "120 ms / 15,000 ms / 15,000 ms",
        ] {
            #expect(page.contains(text), "missing: \(text)")
        }
        #expect(page.components(separatedBy: "<tr><td class=\"n\">").count - 1 == 5)
    }

    @Test("publisher values are escaped")
    func escaping() throws {
        var rows = sampleRows()
        rows[2].0.ref = "<script>alert('x')</script>"
        rows[2].0.problems[0].text = "vertical \"<b>boats</b>\" & more"
        let page = try html(rows)
        #expect(!page.contains("<script>"))
        #expect(!page.contains("<b>boats"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(page.contains("vertical &quot;&lt;b&gt;boats&lt;/b&gt;&quot; &amp; more"))
    }

    @Test("only the first 100 rows needing attention are listed, with the total")
    func attentionLimit() throws {
        let rows: [(LeadResult, RawRecord?)] = (1...250).map {
            (
                LeadResult(
                    row: $0, ref: "ref-\($0)", outcome: .invalid,
                    problems: [problem(.zipInvalid, "zip", "1", "zip \"1\" is not valid")]),
                nil
            )
        }
        let page = try html(rows)
        #expect(page.contains("The first 100 of 250 rows"))
        #expect(page.contains(">ref-100<"))
        #expect(!page.contains(">ref-101<"))
    }

    @Test("a check run shows the rows that would be submitted")
    func checkMode() throws {
        let rows: [(LeadResult, RawRecord?)] = (1...4).map { (LeadResult(row: $0, outcome: .valid), nil) }
        let page = try html(rows, mode: .check)
        #expect(page.contains("<div class=\"k\">Valid (would submit)</div><div class=\"v\">4</div>"))
        #expect(page.contains("dry run (check)"))
        // Nothing was sent: no figures that only a run has.
        for label in ["Accepted", "Rejected", "Revenue", "Acceptance rate", "Failed"] {
            #expect(!page.contains("<div class=\"k\">\(label)</div>"), "\(label)")
        }
        #expect(!page.contains("Revenue by vertical"))
        #expect(!page.contains("Latency"))
    }

    @Test("a check run: valid, invalid and duplicate counts, top reasons with their fixes")
    func checkModeReasons() throws {
        let rows = sampleRows().map { row -> (LeadResult, RawRecord?) in
            var result = row.0
            if [.accepted, .rejected, .failed].contains(result.outcome) { result.outcome = .valid }
            return (result, row.1)
        }
        let page = try html(rows, mode: .check)
        for text in [
            "<div class=\"k\">Invalid</div><div class=\"v\">3</div>",
            "<div class=\"k\">Duplicates</div><div class=\"v\">1</div>",
            "<div class=\"k\">Rows to fix (rejects file)</div><div class=\"v\">3</div>",
            "<th>How to fix</th>",
            "<td>\(HTMLText.escape(ReasonCode.verticalUnknown.guide.label))<br><code>VERTICAL_UNKNOWN</code></td>",
            HTMLText.escape(ReasonCode.verticalUnknown.guide.fix),
            "Rows by vertical",
        ] {
            #expect(page.contains(text), "missing: \(text)")
        }
        #expect(!page.contains("<div class=\"k\">Revenue</div>"))
    }

    @Test("a run's top reasons carry their fixes too")
    func runReasons() throws {
        let page = try html(sampleRows())
        #expect(page.contains(HTMLText.escape(ReasonCode.recordUnreadable.guide.fix)))
        #expect(page.contains("<div class=\"k\">Revenue</div>"))
    }
}
