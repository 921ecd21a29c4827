import Export
import Foundation
import Ingest
import LeadModel
import Testing

/// The summary breaks `REMOTE_REJECTED` down by the API's own reason, in summary.json and summary.html.
@Suite struct SummaryRemoteReasonTests {
    static func rejected(_ row: Int, _ reason: String?) -> (LeadResult, RawRecord?) {
        (
            LeadResult(
                row: row, ref: "LEAD-0000\(row)-ABCDEFGHIJ", vertical: "solar", outcome: .rejected,
                problems: [problem(.remoteRejected, nil, nil, "rejected by the API")], httpStatus: 200, attempts: 1,
                publisher: "acme", remoteReason: reason),
            nil
        )
    }

    static let rows = sampleRows() + [rejected(20, "low_score"), rejected(21, "low_score"), rejected(22, "odd_one")]

    @Test func jsonCountsRejectedLeadsPerAPIReasonMostFrequentFirst() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(Self.rows, in: directory)
            let text = try readText(paths.summaryJSON)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(json["remote_reasons"] as? [String: Int] == ["low_score": 2, "no_buyer_match": 1, "odd_one": 1])
            let order = ["\"low_score\"", "\"no_buyer_match\"", "\"odd_one\""].compactMap { text.range(of: $0)?.lowerBound }
            #expect(order.count == 3 && order == order.sorted(), "most frequent first, ties by reason")
        }
    }

    @Test func htmlListsTheAPIsReasonsWithLabelsAndFixes() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(Self.rows, in: directory)
            let html = try readText(paths.summaryHTML)
            #expect(html.contains("<h2>Why the API rejected leads</h2>"))
            #expect(html.contains("Lead scored too low<br><code>low_score</code></td><td class=\"n\">2</td>"))
            #expect(html.contains("No buyer for this lead<br><code>no_buyer_match</code>"))
            #expect(html.contains("Odd one<br><code>odd_one</code>"))
            #expect(html.contains("ask Dreamy Leads what it means"))
        }
    }

    /// The Ref column of the rows needing attention never wraps inside an id.
    @Test func refCellsDoNotWrap() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(Self.rows, in: directory)
            let html = try readText(paths.summaryHTML)
            #expect(html.contains("td.ref{white-space:nowrap;word-break:normal}"))
            #expect(html.contains("<td class=\"ref\">-5</td>"), "\(html)")
        }
    }

    /// A batch the API rejected nothing of has no such section.
    @Test func noRejectionsNoSection() throws {
        try withTemporaryDirectory { directory in
            let rows = sampleRows().filter { $0.0.outcome != .rejected }
            let (paths, _) = try writeBatch(rows, in: directory)
            #expect(!(try readText(paths.summaryHTML)).contains("Why the API rejected leads"))
        }
    }
}
