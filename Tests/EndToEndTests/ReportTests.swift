import Foundation
import Testing

/// `leadspool report` on a ledger built by a real run: its figures match the batch reports.
@Suite struct ReportTests {
    static let token = "dl_test_report"

    @Test func rollupMatchesTheBatchResults() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        try spool.dropRecent("insurance-clean.csv")
        try spool.drop(fixture: "debt-mixed.csv", recent: true)
        try spool.drop(fixture: "mortgage-messy.csv", recent: true)
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)

        // Expected figures per vertical, from the batches' results.jsonl.
        var accepted: [String: Int] = [:]
        var submitted: [String: Int] = [:]
        var revenue: [String: Double] = [:]
        for name in try spool.list("reports") where name.hasSuffix(".results.jsonl") {
            for line in try String(contentsOfFile: spool.root + "/reports/" + name, encoding: .utf8).split(separator: "\n") {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let vertical = row["vertical"] as? String ?? ""
                let outcome = row["outcome"] as? String
                if outcome == "accepted" {
                    accepted[vertical, default: 0] += 1
                    revenue[vertical, default: 0] += (row["bid_amount"] as? NSNumber)?.doubleValue ?? 0
                }
                if outcome == "accepted" || outcome == "rejected" { submitted[vertical, default: 0] += 1 }
            }
        }
        #expect(accepted.values.reduce(0, +) > 0)

        let report = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "vertical", "--format", "json", "--since", "1d"], environment: [:])
        #expect(report.status == 0, "\(report.output)")
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [[String: Any]])
        for group in groups {
            let vertical = group["vertical"] as? String ?? ""
            #expect(group["accepted"] as? Int == accepted[vertical, default: 0], "\(vertical)")
            #expect(group["submitted"] as? Int == submitted[vertical, default: 0], "\(vertical)")
            let got = (group["revenue"] as? NSNumber)?.doubleValue ?? -1
            #expect(abs(got - revenue[vertical, default: 0]) < 0.005, "\(vertical): \(got)")
        }
        #expect(Set(groups.compactMap { $0["vertical"] as? String }).isSuperset(of: ["insurance", "debt", "mortgage"]))

        let table = try spool.invoke(["report", "--spool", spool.root, "--by", "day,vertical"], environment: [:])
        #expect(table.status == 0)
        #expect(table.output.split(separator: "\n").first?.hasPrefix("day") == true)
        let none = try spool.invoke(["report", "--spool", spool.root, "--until", "2000-01-01", "--format", "csv"], environment: [:])
        #expect(none.output.split(separator: "\n").count == 1, "only the header before 2000")
        for bad in [["--by", "fortnight"], ["--by", "day,week"], ["--since", "tomorrow"], ["--compare", "previous"],
            ["--since", "7d", "--compare", "last-year"], ["--timezone", "Mars/Olympus"]]
        {
            let refused = try spool.invoke(["report", "--spool", spool.root] + bad, environment: [:])
            #expect(refused.status == 64, "\(bad): \(refused.output)")
        }

        // A file that is not a ledger: 73 and the reason, not a crash.
        let notLedger = spool.base + "/not-a-ledger.sqlite"
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: notLedger))
        let unreadable = try spool.invoke(["report", "--spool", spool.root, "--ledger", notLedger], environment: [:])
        #expect(unreadable.status == 73)
        #expect(unreadable.output.contains("cannot read the ledger"))
    }

    /// A batch's summary.json and `report --by batch` give the same submitted count and acceptance rate, also
    /// when the API refused or failed some leads (those are sent, not submitted).
    @Test func summaryAndReportAgreeOnSubmittedAndAcceptance() throws {
        let spool = try TempSpool(config: submitConfig([:]), timeScale: 0.01)
        defer { spool.remove() }
        let api = try SandboxProcess(
            seed: 5, extra: ["--force-status", "422@0.1", "--force-status", "403@0.1", "--force-status", "503@0.05"])
        defer { api.stop() }
        try spool.generate("mixed.csv", rows: 200, seed: 31)
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")

        let name = try #require(try spool.list("reports").first { $0.hasSuffix(".summary.json") })
        let data = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/reports/" + name))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sent = try #require(summary["sent"] as? Int)
        let submitted = try #require(summary["submitted"] as? Int)
        #expect(sent > submitted, "no lead was refused or failed after sending: the test exercised nothing")

        let report = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "batch", "--format", "json", "--since", "1d"], environment: [:])
        #expect(report.status == 0, "\(report.output)")
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [[String: Any]])
        try #require(groups.count == 1)
        #expect(groups[0]["submitted"] as? Int == submitted)
        let rate = (summary["acceptance_rate"] as? NSNumber)?.doubleValue ?? -1
        let reported = (groups[0]["acceptance_rate"] as? NSNumber)?.doubleValue ?? -2
        #expect(abs(rate - reported) < 0.0001, "summary \(rate), report \(reported)")
    }

    /// `--by batch`: one group per batch with its name and file, and its three most frequent reason codes
    /// among leads not accepted, as the batch's own results file counts them.
    @Test func rollupByBatchNamesBatchesAndTheirTopReasons() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        try spool.drop(fixture: "debt-mixed.csv", recent: true)
        try spool.drop(fixture: "mortgage-messy.csv", recent: true)
        try spool.drop(fixture: "solar.jsonl", recent: true)
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)

        var expected: [String: (file: String, reasons: [String: Int], leads: Int)] = [:]
        for name in try spool.list("reports") where name.hasSuffix(".summary.json") {
            let base = spool.root + "/reports/" + name.dropLast(".summary.json".count)
            let summary = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".summary.json")))
                    as? [String: Any])
            let batch = try #require(summary["batch"] as? String)
            var reasons: [String: Int] = [:]
            var leads = 0
            for line in try String(contentsOfFile: base + ".results.jsonl", encoding: .utf8).split(separator: "\n") {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                leads += 1
                if row["outcome"] as? String != "accepted", let code = row["reason_code"] as? String {
                    reasons[code, default: 0] += 1
                }
            }
            expected[batch] = (try #require(summary["file_name"] as? String), reasons, leads)
        }
        #expect(expected.count == 3)

        let report = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "batch", "--format", "json"], environment: [:])
        #expect(report.status == 0, "\(report.output)")
        let groups = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["batch"] as? String }) == Set(expected.keys))
        for group in groups {
            let batch = try #require(group["batch"] as? String)
            let want = try #require(expected[batch])
            #expect(batch.range(of: #"^\d{8}T\d{6}Z-[A-Za-z0-9._-]+-[0-9a-f]{12}$"#, options: .regularExpression) != nil, "\(batch)")
            #expect(group["file_name"] as? String == want.file)
            #expect(group["leads"] as? Int == want.leads, "\(batch)")
            let top = want.reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            let got = try #require(group["top_reasons"] as? [[String: Any]])
            #expect(got.map { $0["code"] as? String } == top.map(\.key), "\(batch)")
            #expect(got.map { $0["count"] as? Int } == top.map(\.value), "\(batch)")
        }

        let table = try spool.invoke(["report", "--spool", spool.root, "--by", "batch,day"], environment: [:])
        let lines = table.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("day         batch") == true, "\(lines.first ?? "")")
        #expect(lines.first?.hasSuffix("top_remote_reasons") == true)
        #expect(lines.first?.contains("top_reasons ") == true)
        #expect(lines.count == 4)
        #expect(lines.contains { $0.contains("mortgage-messy.csv") })
        let html = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "batch", "--format", "html"], environment: [:])
        #expect(html.status == 0)
        #expect(html.output.hasPrefix("<!DOCTYPE html>"))
        #expect(html.output.contains("<td>solar.jsonl</td>"))
    }
}
