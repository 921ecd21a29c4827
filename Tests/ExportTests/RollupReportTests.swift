import Foundation
import Testing

@testable import Export
@testable import LeadLedger

@Suite struct RollupReportTests {
    static let rows = [
        RollupRow(
            day: "2026-11-14", vertical: "insurance", batch: "20261114T080000Z-0123456789ab",
            fileName: "acme-nov14.csv",
            counts: [.accepted: 8, .rejected: 2, .duplicate: 12, .invalid: 3], revenue: 148,
            reasons: ["DUPLICATE_IN_LEDGER": 12, "ZIP_INVALID": 3, "REMOTE_REJECTED": 2, "EMAIL_INVALID": 1]),
        RollupRow(
            day: "2026-11-15", vertical: "solar", batch: "20261115T093000Z-ba9876543210", fileName: "=cmd|x.csv",
            counts: [.accepted: 1234, .failed: 1], revenue: 22_838.5, reasons: ["SERVER_ERROR_EXHAUSTED": 1]),
    ]

    func report(_ dimensions: [RollupDimension] = [.day, .vertical, .batch]) -> RollupReport {
        RollupReport(dimensions: dimensions, rows: Self.rows, period: ("2026-11-01", nil), generatedAt: 1_794_700_800)
    }

    @Test func topReasonsAreTheThreeMostFrequentWithCounts() {
        let line = report().lines[0]
        #expect(line.topReasonsText == "DUPLICATE_IN_LEDGER 12, ZIP_INVALID 3, REMOTE_REJECTED 2")
        #expect(report().lines[1].topReasonsText == "SERVER_ERROR_EXHAUSTED 1")
    }

    @Test func columnsFollowTheDimensionsInCanonicalOrder() {
        #expect(report([.batch, .day]).groupHeader == ["day", "batch", "file_name"])
        #expect(report([.publisher]).groupHeader == ["publisher"])
        #expect(report([]).header.first == "leads")
        #expect(report().header.suffix(2) == ["top_reasons", "top_remote_reasons"])
    }

    /// Every column starts at the same offset on every line; numbers end at the same offset.
    @Test func tableIsAlignedForATerminal() throws {
        let lines = report().aligned().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let header = lines[0]
        for name in ["vertical", "batch", "file_name", "top_reasons"] {
            let start = try #require(header.range(of: name)).lowerBound.utf16Offset(in: header)
            for line in lines.dropFirst() {
                let before = line.prefix(start)
                #expect(before.count == start && (before.last == " "), "\(name) in \(line)")
                #expect(line.dropFirst(start).first != " ", "\(name) starts at \(start) in \(line)")
            }
        }
        let acceptedEnd = try #require(header.range(of: "accepted ")).upperBound.utf16Offset(in: header) - 1
        #expect(lines[1].prefix(acceptedEnd).hasSuffix(" 8"))
        #expect(lines[2].prefix(acceptedEnd).hasSuffix(" 1234"))
        #expect(lines[1].hasSuffix("DUPLICATE_IN_LEDGER 12, ZIP_INVALID 3, REMOTE_REJECTED 2"))
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func csvQuotesReasonsAndNeutralisesNames() {
        let lines = report().csv().split(separator: "\n").map(String.init)
        #expect(lines[0] == "day,vertical,batch,file_name," + RollupReport.figureHeader.joined(separator: ","))
        #expect(
            lines[1]
                == "2026-11-14,insurance,20261114T080000Z-0123456789ab,acme-nov14.csv,25,10,8,80.0,148.00,14.80,18.50,"
                + "12,3,0,\"DUPLICATE_IN_LEDGER 12, ZIP_INVALID 3, REMOTE_REJECTED 2\",")
        #expect(lines[2].contains(",'=cmd|x.csv,"))
    }

    @Test func jsonCarriesBatchFileAndReasonList() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(report().json().utf8)) as? [[String: Any]]
        let groups = try #require(parsed)
        #expect(groups.count == 2)
        #expect(groups[0]["batch"] as? String == "20261114T080000Z-0123456789ab")
        #expect(groups[0]["file_name"] as? String == "acme-nov14.csv")
        #expect(groups[0]["accepted"] as? Int == 8)
        #expect((groups[0]["acceptance_rate"] as? NSNumber)?.doubleValue == 0.8)
        let reasons = try #require(groups[0]["top_reasons"] as? [[String: Any]])
        #expect(reasons.map { $0["code"] as? String } == ["DUPLICATE_IN_LEDGER", "ZIP_INVALID", "REMOTE_REJECTED"])
        #expect(reasons.map { $0["count"] as? Int } == [12, 3, 2])
        #expect((groups[1]["average_bid"] as? NSNumber)?.doubleValue == 18.51)
        #expect(groups[0]["publisher"] == nil)
    }

    @Test func htmlPageIsSelfContainedWithTotals() {
        let html = report().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["<script", "<link", "@import", "url(", "src=", "http://", "https://"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("@media print"))
        #expect(html.contains("<td>acme-nov14.csv</td>"))
        #expect(html.contains("<td class=\"n\">1,234</td>"))
        #expect(html.contains("$22,986.50"), "total revenue")
        #expect(html.contains("<tfoot><tr><th colspan=\"4\">Total</th><td class=\"n\">1,260</td>"))
        #expect(html.contains("<span class=\"r\"><span class=\"code\">DUPLICATE_IN_LEDGER</span> 12</span>"))
        #expect(html.contains("from 2026-11-01"))
    }

    @Test func htmlEscapesNames() {
        var row = Self.rows[0]
        row.fileName = "<img onerror=x>&.csv"
        let html = RollupReport(dimensions: [.batch], rows: [row]).html()
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;img onerror=x&gt;&amp;.csv"))
    }

    @Test func emptyPeriodSaysSo() {
        let report = RollupReport(dimensions: [.day], rows: [])
        #expect(report.html().contains("No answered leads in this period."))
        #expect(report.csv() == report.header.joined(separator: ",") + "\n")
        #expect(report.json() == "[]\n")
    }
}
