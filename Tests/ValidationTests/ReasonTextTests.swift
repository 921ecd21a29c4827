import Foundation
import Ingest
import LeadModel
import Testing
@testable import Validation

/// Every reason a row can get from validation says what was found, what is expected with an example value,
/// and the fix in a publisher's terms: `<found>. Expected <what>, e.g. <example>. Fix: <fix>`.
@Suite struct ReasonTextTests {
    typealias F = ValidatorFixture

    /// A change to the valid row that makes the validator report each code (and only it).
    static let samples: [ReasonCode: [String: RawValue?]] = [
        .missingField: ["zip": nil],
        .verticalUnknown: ["vertical": .string("autos")],
        .phoneInvalid: ["phone": .string("800-247-2004")],
        .phoneNotUS: ["phone": .string("416-247-2005")],
        .phoneExcelMangled: ["phone": .string("8.13247E+09")],
        .zipInvalid: ["zip": .string("ABCDE")],
        .emailInvalid: ["email": .string("ben.okafor@example")],
        .nameInvalid: ["first_name": .string("123")],
        .fieldInvalid: ["vehicle_year": .string("20x1")],
        .tcpaTimestampMissing: ["tcpa_timestamp": nil],
        .tcpaTimestampInvalid: ["tcpa_timestamp": .string("27.04.2026 09:14")],
        .tcpaTimestampFuture: ["tcpa_timestamp": .string("2027-01-01T00:00:00Z")],
        .tcpaConsentExpired: ["tcpa_timestamp": .string("2019-06-01T00:00:00Z")],
        .tcpaTextMissing: ["tcpa_text": nil],
        .tcpaURLInvalid: ["tcpa_url": .string("ftp://example.com")],
    ]

    /// The three parts of a reason text; `nil` when one is missing or empty.
    static func parts(_ text: String) -> (found: String, expected: String, example: String, fix: String)? {
        guard let expected = text.range(of: ". Expected ", options: .backwards),
            let example = text.range(of: ", e.g. ", range: expected.upperBound..<text.endIndex),
            let fix = text.range(of: ". Fix: ", options: .backwards, range: example.upperBound..<text.endIndex)
        else { return nil }
        let found = String(text[..<expected.lowerBound])
        let parts = (
            found, String(text[expected.upperBound..<example.lowerBound]),
            String(text[example.upperBound..<fix.lowerBound]), String(text[fix.upperBound...])
        )
        return [parts.0, parts.1, parts.2, parts.3].allSatisfy({ !$0.isEmpty }) ? parts : nil
    }

    static func unreadable(_ reason: String) -> CheckedRecord {
        F.validator().check(
            RawRecord(row: 1, line: 2, byteOffset: 0, columns: Columns(names: []), values: [], unreadable: reason))
    }

    /// One test per reason code: the validator's codes come with a text that has an example and a fix; the
    /// others are never made from a row's values (duplicates, the API's answers, delivery), and their guide
    /// says what to do.
    @Test(arguments: ReasonCode.allCases)
    func everyReasonTextHasAnExampleAndAFix(code: ReasonCode) throws {
        let checked: CheckedRecord
        if code == .recordUnreadable {
            checked = Self.unreadable("invalid UTF-8 at byte 162")
        } else if let change = Self.samples[code] {
            checked = F.check(change)
        } else {
            #expect(!code.guide.fix.isEmpty && !code.guide.label.isEmpty)
            return
        }
        #expect(checked.problems.map(\.code) == [code])
        let text = try #require(checked.problems.first?.text)
        let parts = try #require(Self.parts(text), "\(text)")
        #expect(parts.fix.count > 20, "a fix a publisher can act on: \(text)")
    }

    /// Reasons that vary by the situation, each with its own example and fix.
    @Test(arguments: [
        ("vertical", F.check(["vertical": nil]), ["run with --vertical", "default_vertical under [validate]"]),
        ("mangled phone", F.check(["phone": .string("8.13247E+09")]), ["format the phone column as Text in Excel"]),
        ("lost zeros", F.check(["zip": .string("ABCDE")]), ["format the column as Text"]),
        ("JSON type", F.check(["first_name": .bool(true)]), ["write first_name as text in the JSON line"]),
        ("forced UTF-8", Self.unreadable("invalid UTF-8 at byte 162"), ["CSV UTF-8", "encoding = \"windows-1252\""]),
        ("bad JSON", Self.unreadable("bad JSON at column 3: expected ':'"), ["one JSON object per line"]),
        ("quote", Self.unreadable("unbalanced quote: the quoted field starting at line 4 never ends"), ["stray quote"]),
        ("unreadable time", F.check(["tcpa_timestamp": .string("soon")]), ["11/5/2026 2:03 PM", "[publishers.default]"]),
        ("expired", F.check(["tcpa_timestamp": .string("2019-06-01T00:00:00Z")]), ["e.g. 2026-01-31T12:00:00Z or later"]),
    ])
    func situationalReasonsNameTheirFix(name: String, checked: CheckedRecord, phrases: [String]) throws {
        let text = try #require(checked.problems.first?.text)
        #expect(Self.parts(text) != nil, "\(name): \(text)")
        for phrase in phrases { #expect(text.contains(phrase), "\(name): \(text)") }
    }

    @Test func aTimeWithoutAZoneNamesThePublishersTimezoneSetting() throws {
        var record = F.record(["tcpa_timestamp": .string("4/27/2026 9:14 AM")])
        record.publisher = "acme"
        let text = try #require(F.validator().check(record).problems.first?.text)
        let parts = try #require(Self.parts(text), "\(text)")
        #expect(parts.found == #"tcpa_timestamp "4/27/2026 9:14 AM" is not a valid timestamp (has no time zone)"#)
        #expect(parts.example == "2026-04-27T09:14:00-05:00")
        #expect(parts.fix.hasPrefix("set timezone under [publishers.acme] in leadspool.toml"))
    }

    @Test func aMissingColumnPointsAtTheMapping() throws {
        var fields = F.validFields.filter { $0.0 != "zip" }
        fields.append(("Zip/Postal", .string("33601")))
        let text = try #require(F.validator().check(F.record(fields)).problems.first?.text)
        #expect(Self.parts(text)?.fix == "add the mapping above to leadspool.toml, or add a zip column", "\(text)")
        #expect(Self.parts(F.check(["zip": .string(" ")]).problems[0].text)?.fix == "fill in the zip cell of this row")
    }

    /// Every field a reason can name has an expectation with an example.
    @Test(arguments: CanonicalField.allCases)
    func everyFieldHasAnExample(field: CanonicalField) {
        let (expected, example) = ProblemText.expectation(field)
        #expect(!expected.isEmpty && !example.isEmpty)
    }
}
