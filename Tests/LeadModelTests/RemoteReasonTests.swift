import Foundation
import Testing

@testable import LeadModel

/// The API's reasons as data: tokens that group well and never carry PII, and the labels and fixes the
/// reports and `docs/reports.md` show. `LEADSPOOL_UPDATE_DOCS=1` rewrites that page's table from the code.
@Suite struct RemoteReasonTests {
    @Test(arguments: [
        ("low_score", "low_score"),
        ("No Buyer Match", "no_buyer_match"),
        ("  filter-mismatch: credit_rating!  ", "filter_mismatch_credit_rating"),
        ("DUPLICATE", "duplicate"),
        ("already have 813-555-0100 on file", "already_have_number_on_file"),
        ("consumer (813) 555 0100 opted out", "consumer_number_opted_out"),
        ("maria.g@example.com is blocked", "email_is_blocked"),
        ("score 42 below 50", "score_42_below_50"),
        ("Ünïcode ráison", "n_code_r_ison"),
    ])
    func tokens(text: String, token: String) {
        #expect(RemoteReason.token(text) == token)
    }

    @Test func noLetterOrDigitIsNoToken() {
        #expect(RemoteReason.token("") == nil)
        #expect(RemoteReason.token(" -- ") == nil)
    }

    @Test func tokensAreCappedWithoutATrailingSeparator() throws {
        let token = try #require(RemoteReason.token(String(repeating: "abcdefghi ", count: 20)))
        #expect(token.count <= RemoteReason.maxLength)
        #expect(!token.hasSuffix("_"))
        #expect(token.hasPrefix("abcdefghi_abcdefghi_"))
    }

    @Test func aTokenIsItsOwnToken() {
        for text in ["No Buyer Match", "already have 813-555-0100 on file", "a@b.c x"] {
            let token = RemoteReason.token(text)
            #expect(token.flatMap(RemoteReason.token) == token, "\(text)")
        }
    }

    @Test(arguments: RemoteReason.documented)
    func documentedReasonsHaveALabelAndAFix(reason: String) {
        let guide = RemoteReason.guide(reason)
        #expect(!guide.label.isEmpty && guide.label.count <= 60)
        #expect(guide.fix.count >= 20 && !guide.fix.contains("|"))
        #expect(!guide.fix.contains("ask Dreamy Leads what it means"), "a documented reason has its own fix")
    }

    @Test func anUndocumentedReasonIsLabelledFromItsToken() {
        #expect(RemoteReason.guide("credit_too_thin").label == "Credit too thin")
    }

    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/reports.md").standardized

    @Test func theDocsPageListsTheReasonsAsTheCodeDoes() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        let table = RemoteReason.documented.map { reason in
            let guide = RemoteReason.guide(reason)
            return "| `\(reason)` | \(guide.label) | \(guide.fix) |"
        }.joined(separator: "\n")
        let start = "<!-- remote-reasons:start -->\n"
        let end = "<!-- remote-reasons:end -->"
        let lower = try #require(text.range(of: start)).upperBound
        let upper = try #require(text.range(of: end)).lowerBound
        let expected = "| API reason | what it means | how to fix it |\n|---|---|---|\n" + table + "\n"
        if ProcessInfo.processInfo.environment["LEADSPOOL_UPDATE_DOCS"] == "1" {
            try (text[..<lower] + expected + text[upper...]).write(to: Self.page, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[lower..<upper]) == expected, "LEADSPOOL_UPDATE_DOCS=1 rewrites the table")
    }
}
