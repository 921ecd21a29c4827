import Foundation
import Testing

/// `leadspool report --by week,publisher --since last-month --compare previous` on a ledger built by a real run
/// against the sandbox: its figures are the sums of the batches' results.jsonl (this period's batches, and the
/// one moved into the previous period), the HTML page renders in headless Chromium with the trend chart,
/// subtotals and the API's reasons, and summary.html and the table show the API's reasons too.
@Suite(.serialized) struct ReportHTMLTests {
    static let token = "dl_test_report_html"

    struct Sums {
        var leads = 0
        var submitted = 0
        var accepted = 0
        var revenue = 0.0
        var remote: [String: Int] = [:]

        mutating func add(_ row: [String: Any]) {
            leads += 1
            let outcome = row["outcome"] as? String
            if outcome == "accepted" {
                accepted += 1
                revenue += (row["bid_amount"] as? NSNumber)?.doubleValue ?? 0
            }
            if outcome == "accepted" || outcome == "rejected" { submitted += 1 }
            if let reason = row["remote_reason"] as? String { remote[reason, default: 0] += 1 }
        }
    }

    @Test func weeklyReportByPublisherComparedWithThePreviousPeriod() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        // Two batches of the default publisher, two of acme (its folder in incoming/).
        try FileManager.default.createDirectory(atPath: spool.root + "/incoming/acme", withIntermediateDirectories: true)
        let drops = [
            ("insurance-clean.csv", ""), ("mortgage-messy.csv", ""), ("debt-mixed.csv", "acme/"), ("solar.jsonl", "acme/"),
        ]
        for (name, folder) in drops {
            let data = TempSpool.recent(try Data(contentsOf: TempSpool.fixtures.appendingPathComponent("batches/" + name)))
            try data.write(to: URL(fileURLWithPath: spool.root + "/incoming/" + folder + name))
        }
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        try #require(run.status == 0, "\(run.output)")

        // The insurance batch's answers go back to the day before last month began: the previous period.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let now = Date()
        let thisMonth = utc.date(from: utc.dateComponents([.year, .month], from: now))!
        let lastMonth = utc.date(byAdding: .month, value: -1, to: thisMonth)!
        let shift = Int(now.timeIntervalSince(lastMonth)) + 86_400
        let moved = try runTool(
            "/usr/bin/sqlite3",
            [
                spool.root + "/ledger.sqlite",
                "UPDATE leads SET answered_at = answered_at - \(shift) WHERE batch_seq = "
                    + "(SELECT seq FROM batches WHERE file_name = 'insurance-clean.csv')",
            ], stdin: Data())
        try #require(moved.status == 0)

        // Expected figures from the batches' results.jsonl.
        var current: [String: Sums] = [:]
        var previous = Sums()
        for name in try spool.list("reports") where name.hasSuffix(".results.jsonl") {
            let text = try String(contentsOfFile: spool.root + "/reports/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if name.contains("insurance-clean") {
                    previous.add(row)
                } else {
                    current[row["publisher"] as? String ?? "", default: Sums()].add(row)
                }
            }
        }
        try #require(Set(current.keys) == ["acme", "default"])
        let total = current.values.reduce(into: Sums()) { all, sums in
            all.leads += sums.leads
            all.submitted += sums.submitted
            all.accepted += sums.accepted
            all.revenue += sums.revenue
            all.remote.merge(sums.remote, uniquingKeysWith: +)
        }
        try #require(total.accepted > 0 && previous.accepted > 0 && !total.remote.isEmpty)

        let options = ["report", "--spool", spool.root, "--by", "week,publisher", "--since", "last-month",
            "--compare", "previous"]
        let json = try spool.invoke(options + ["--format", "json"], environment: [:])
        try #require(json.status == 0, "\(json.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        var reported: [String: Sums] = [:]
        for group in try #require(object["groups"] as? [[String: Any]]) {
            let week = try #require(group["week"] as? String)
            #expect(week.range(of: #"^\d{4}-W\d{2}$"#, options: .regularExpression) != nil, "\(week)")
            var sums = reported[group["publisher"] as? String ?? "", default: Sums()]
            sums.leads += group["leads"] as? Int ?? -1
            sums.submitted += group["submitted"] as? Int ?? -1
            sums.accepted += group["accepted"] as? Int ?? -1
            sums.revenue += (group["revenue"] as? NSNumber)?.doubleValue ?? -1
            reported[group["publisher"] as? String ?? ""] = sums
        }
        for (publisher, want) in current {
            let got = try #require(reported[publisher], "\(publisher)")
            #expect(got.leads == want.leads, "\(publisher)")
            #expect(got.submitted == want.submitted, "\(publisher)")
            #expect(got.accepted == want.accepted, "\(publisher)")
            #expect(abs(got.revenue - want.revenue) < 0.005, "\(publisher): \(got.revenue) vs \(want.revenue)")
        }
        let comparison = try #require(object["comparison"] as? [String: Any])
        let changes = try #require(comparison["groups"] as? [[String: Any]])
        let before = try #require(changes.first { $0["publisher"] as? String == "default" }?["previous"] as? [String: Any])
        #expect(before["submitted"] as? Int == previous.submitted)
        #expect(abs(((before["revenue"] as? NSNumber)?.doubleValue ?? -1) - previous.revenue) < 0.005)
        let acmeBefore = try #require(changes.first { $0["publisher"] as? String == "acme" }?["previous"] as? [String: Any])
        #expect(acmeBefore["submitted"] as? Int == 0, "acme sent nothing in the previous period")

        // The API's reasons: as a dimension, and in the table's last column.
        let byReason = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "remote_reason", "--since", "last-month", "--format", "json"],
            environment: [:])
        let reasonGroups = try #require(try JSONSerialization.jsonObject(with: Data(byReason.output.utf8)) as? [[String: Any]])
        for (reason, count) in total.remote {
            let group = try #require(reasonGroups.first { $0["remote_reason"] as? String == reason }, "\(reason)")
            #expect(group["submitted"] as? Int == count, "\(reason)")
        }
        let table = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "publisher", "--since", "last-month"], environment: [:])
        let top = try #require(total.remote.max { $0.value < $1.value }?.key)
        #expect(table.output.contains(top), "\(table.output)")

        // The page, as Chromium renders it.
        let html = try spool.invoke(options + ["--format", "html"], environment: [:])
        try #require(html.status == 0)
        let path = spool.base + "/report-weekly.html"
        try Data(html.output.utf8).write(to: URL(fileURLWithPath: path))
        let page = try SummaryHTMLRenderTests.render(path, screenshot: "report-weekly.png", width: 1400)
        #expect(page.console.isEmpty, "console: \(page.console)")
        #expect(page.pngWidth == 1400)
        #expect(page.dom.contains("<svg class=\"trend\""), "the trend chart")
        #expect(page.dom.contains("Subtotal acme"))
        #expect(page.dom.contains("Subtotal default"))
        #expect(page.dom.contains(SummaryHTMLRenderTests.card("Submitted", SummaryHTMLRenderTests.grouped(total.submitted))))
        #expect(page.dom.contains(SummaryHTMLRenderTests.card("Accepted", SummaryHTMLRenderTests.grouped(total.accepted))))
        #expect(page.dom.contains(SummaryHTMLRenderTests.card("Revenue", SummaryHTMLRenderTests.dollars(total.revenue))))
        #expect(page.dom.contains("vs previous period"))
        for reason in total.remote.keys {
            #expect(page.dom.contains("<code>\(reason)</code>"), "\(reason) with its label")
        }

        // summary.html breaks the batch's rejections down by the API's reason.
        for name in try spool.list("reports") where name.hasSuffix(".summary.json") {
            let base = spool.root + "/reports/" + name.dropLast(".summary.json".count)
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".summary.json")))
                    as? [String: Any])
            let remote = try #require(summary["remote_reasons"] as? [String: Int])
            let page = try String(contentsOfFile: base + ".summary.html", encoding: .utf8)
            #expect(page.contains("Why the API rejected leads") == !remote.isEmpty, "\(name)")
            for reason in remote.keys { #expect(page.contains("<code>\(reason)</code>"), "\(name): \(reason)") }
        }
    }
}
