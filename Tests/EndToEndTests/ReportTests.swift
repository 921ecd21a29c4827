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
        let bad = try spool.invoke(["report", "--spool", spool.root, "--by", "month"], environment: [:])
        #expect(bad.status == 64)
    }
}
