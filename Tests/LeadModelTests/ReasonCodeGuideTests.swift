import Foundation
@testable import LeadModel
import Testing


/// Every reason code has a label and a fix (``ReasonCode/guide``), and `docs/reason-codes.md` lists each
/// with the same words. `LEADSPOOL_UPDATE_DOCS=1` rewrites that page's table from the code.
@Suite struct ReasonCodeGuideTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/reason-codes.md").standardized

    static func line(_ code: ReasonCode) -> String {
        "| `\(code.rawValue)` | \(code.guide.label) | \(code.guide.fix) |"
    }

    @Test(arguments: ReasonCode.allCases)
    func everyCodeHasALabelAndAFix(code: ReasonCode) {
        #expect(!code.guide.label.isEmpty && code.guide.label.count <= 60, "\(code)")
        #expect(code.guide.fix.count >= 20, "\(code)")
        #expect(!code.guide.fix.contains("|"), "\(code): a | would split the table cell")
    }

    @Test func theDocsPageListsEveryCodeAsTheCodeDoes() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        let table = ReasonCode.allCases.map(Self.line).joined(separator: "\n")
        let start = "<!-- reason-codes:start -->\n"
        let end = "\n<!-- reason-codes:end -->"
        let lower = try #require(text.range(of: start)).upperBound
        let upper = try #require(text.range(of: end)).lowerBound
        let header = "| code | what it means | how to fix it |\n|---|---|---|\n"
        if ProcessInfo.processInfo.environment["LEADSPOOL_UPDATE_DOCS"] == "1" {
            try (text[..<lower] + header + table + text[upper...]).write(to: Self.page, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[lower..<upper]) == header + table, "LEADSPOOL_UPDATE_DOCS=1 rewrites the table")
    }
}
