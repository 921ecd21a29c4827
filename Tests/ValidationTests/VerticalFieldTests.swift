import Ingest
import LeadModel
import Testing
import Validation

/// Vertical-specific fields: coercion to the API's types, range checks, omission of blanks.
@Suite struct VerticalFieldTests {
    typealias F = ValidatorFixture

    static func extras(_ vertical: String, _ fields: [String: RawValue?]) -> CheckedRecord {
        var changes = fields
        changes["vertical"] = .string(vertical)
        return F.check(changes)
    }

    @Test(arguments: [
        // vehicle_year: integer 1900…2027 (now is 2026)
        ("insurance", "vehicle_year", RawValue.string("2021"), PayloadValue.integer(2021)),
        ("insurance", "vehicle_year", .string(" 2021 "), .integer(2021)),
        ("insurance", "vehicle_year", .string("2021.0"), .integer(2021)),
        ("insurance", "vehicle_year", .string("1900"), .integer(1900)),
        ("insurance", "vehicle_year", .string("2027"), .integer(2027)),
        ("insurance", "vehicle_year", .number("2021"), .integer(2021)),
        ("insurance", "vehicle_year", .number("2021.0"), .integer(2021)),
        ("insurance", "vehicle_year", .number("2.021e3"), .integer(2021)),
        // homeowner: bool
        ("insurance", "homeowner", .string("yes"), .bool(true)),
        ("insurance", "homeowner", .string("Y"), .bool(true)),
        ("insurance", "homeowner", .string("TRUE"), .bool(true)),
        ("insurance", "homeowner", .string("1"), .bool(true)),
        ("insurance", "homeowner", .string(" No "), .bool(false)),
        ("insurance", "homeowner", .string("n"), .bool(false)),
        ("insurance", "homeowner", .string("False"), .bool(false)),
        ("insurance", "homeowner", .string("0"), .bool(false)),
        ("insurance", "homeowner", .bool(true), .bool(true)),
        ("insurance", "homeowner", .bool(false), .bool(false)),
        ("insurance", "homeowner", .number("1"), .bool(true)),
        // text fields
        ("insurance", "coverage_type", .string(" auto "), .string("auto")),
        ("mortgage", "loan_purpose", .string("purchase"), .string("purchase")),
        ("mortgage", "credit_range", .string("Good"), .string("Good")),
        ("solar", "roof_type", .string("shingle"), .string("shingle")),
        ("debt", "debt_amount", .string("15000–25000"), .string("15000–25000")),
        ("debt", "debt_amount", .number("20000"), .string("20000")),
        ("debt", "debt_type", .string("credit_card"), .string("credit_card")),
        // amounts: numbers > 0, canonical literal
        ("mortgage", "loan_amount", .string("385000"), .number("385000")),
        ("mortgage", "loan_amount", .string("$385,000"), .number("385000")),
        ("mortgage", "loan_amount", .string("385,000.50"), .number("385000.5")),
        ("mortgage", "loan_amount", .string(" $ 1,234,567.00 "), .number("1234567")),
        ("mortgage", "loan_amount", .string("0385000"), .number("385000")),
        ("mortgage", "loan_amount", .string("+385000"), .number("385000")),
        ("mortgage", "loan_amount", .number("385000"), .number("385000")),
        ("mortgage", "loan_amount", .number("385000.50"), .number("385000.5")),
        ("mortgage", "loan_amount", .number("3.85e5"), .number("385000")),
        ("solar", "monthly_electric_bill", .string("285"), .number("285")),
        ("solar", "monthly_electric_bill", .string("$285.5"), .number("285.5")),
        ("solar", "monthly_electric_bill", .string("0.75"), .number("0.75")),
        ("solar", "monthly_electric_bill", .string(".75"), .number("0.75")),
        ("solar", "monthly_electric_bill", .number("2.5E-1"), .number("0.25")),
    ])
    func coercedToTheAPIType(vertical: String, field: String, raw: RawValue, expected: PayloadValue) throws {
        let checked = Self.extras(vertical, [field: raw])
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        let lead = try #require(checked.lead)
        #expect(lead.extras.count == 1)
        #expect(lead.extras.first?.key == field)
        #expect(lead.extras.first?.value == expected)
    }

    @Test(arguments: [
        ("insurance", "vehicle_year", RawValue.string("20x1"), "year"),
        ("insurance", "vehicle_year", .string("1899"), "year"),
        ("insurance", "vehicle_year", .string("2028"), "year"),
        ("insurance", "vehicle_year", .string("2021.5"), "year"),
        ("insurance", "vehicle_year", .string("21"), "year"),
        ("insurance", "vehicle_year", .string("2,021"), "year"),
        ("insurance", "vehicle_year", .number("2021.5"), "year"),
        ("insurance", "vehicle_year", .bool(true), ""),
        ("insurance", "homeowner", .string("maybe"), "yes/no value"),
        ("insurance", "homeowner", .string("yess"), "yes/no value"),
        ("insurance", "homeowner", .string("2"), "yes/no value"),
        ("insurance", "homeowner", .number("2"), "yes/no value"),
        ("insurance", "homeowner", .json("[true]"), ""),
        ("mortgage", "loan_amount", .string("0"), "amount"),
        ("mortgage", "loan_amount", .string("-5"), "amount"),
        ("mortgage", "loan_amount", .string("$-385,000"), "amount"),
        ("mortgage", "loan_amount", .string("385k"), "amount"),
        ("mortgage", "loan_amount", .string("1,5"), "amount"),
        ("mortgage", "loan_amount", .string("38,50,000"), "amount"),
        ("mortgage", "loan_amount", .string("385000."), "amount"),
        ("mortgage", "loan_amount", .string("$$5"), "amount"),
        ("mortgage", "loan_amount", .string("1e400"), "amount"),
        ("mortgage", "loan_amount", .string("1234567890123456"), "amount"),
        ("mortgage", "loan_amount", .number("-1"), "amount"),
        ("mortgage", "loan_amount", .number("0.0"), "amount"),
        ("mortgage", "loan_amount", .bool(true), ""),
        ("solar", "monthly_electric_bill", .string("about 200"), "amount"),
        ("debt", "debt_type", .bool(false), ""),
    ])
    func invalidValues(vertical: String, field: String, raw: RawValue, what: String) throws {
        let checked = Self.extras(vertical, [field: raw])
        #expect(checked.lead == nil)
        let problem = try #require(checked.problems.first)
        #expect(checked.problems.count == 1)
        #expect(problem.code == .fieldInvalid)
        #expect(problem.field == field)
        #expect(problem.value == raw.text)
        let prefix = "\(field) \"\(raw.text)\" " + (what.isEmpty ? "is a JSON" : "is not a valid \(what) (")
        #expect(problem.text.hasPrefix(prefix), "\(problem.text)")
    }

    @Test func amountProblemTextsSayWhy() {
        #expect(
            Self.extras("mortgage", ["loan_amount": .string("-5")]).problems.map { ValidatorFixture.found($0.text) } == [
                #"loan_amount "-5" is not a valid amount (must be greater than 0)"#
            ]
        )
        #expect(
            Self.extras("insurance", ["vehicle_year": .string("20x1")]).problems.map { ValidatorFixture.found($0.text) } == [
                #"vehicle_year "20x1" is not a valid year (expected a whole number from 1900 to 2027)"#
            ]
        )
    }

    @Test func fieldsFollowAPISchemaOrder() throws {
        let checked = Self.extras(
            "insurance",
            ["homeowner": .string("no"), "vehicle_year": .string("2019"), "coverage_type": .string("auto")]
        )
        let lead = try #require(checked.lead)
        #expect(lead.extras.map(\.key) == ["coverage_type", "vehicle_year", "homeowner"])
        #expect(lead.extras.map(\.value) == [.string("auto"), .integer(2019), .bool(false)])
    }

    @Test(arguments: [RawValue.string(""), .string("   "), .null])
    func blankOptionalFieldsAreOmitted(blank: RawValue) throws {
        let checked = Self.extras(
            "mortgage", ["loan_purpose": blank, "loan_amount": blank, "credit_range": .string("good")]
        )
        let lead = try #require(checked.lead)
        #expect(lead.extras.map(\.key) == ["credit_range"])
    }

    @Test func fieldsOfOtherVerticalsAreIgnored() throws {
        let checked = Self.extras(
            "solar",
            [
                "vehicle_year": .string("not a year"), "loan_amount": .string("lots"), "debt_type": .string("card"),
                "roof_type": .string("tile"),
            ]
        )
        let lead = try #require(checked.lead)
        #expect(lead.extras.map(\.key) == ["roof_type"])
    }

    @Test func noVerticalMeansNoVerticalFieldChecks() {
        let checked = Self.extras("autos", ["vehicle_year": .string("20x1")])
        #expect(checked.problems.map(\.code) == [.verticalUnknown])
    }

    @Test func everyVerticalFieldProblemIsReported() {
        let checked = Self.extras(
            "insurance",
            ["coverage_type": .bool(true), "vehicle_year": .string("1850"), "homeowner": .string("perhaps")]
        )
        #expect(checked.problems.map(\.code) == [.fieldInvalid, .fieldInvalid, .fieldInvalid])
        #expect(checked.problems.map(\.field) == ["coverage_type", "vehicle_year", "homeowner"])
    }

    @Test func jsonlRecordWithTypedValues() throws {
        let record = F.record([
            ("vertical", .string("mortgage")), ("first_name", .string("Ana")), ("last_name", .string("Lee")),
            ("email", .string("ana@example.org")), ("phone", .number("18135550100")), ("zip", .number("33601")),
            ("tcpa_timestamp", .string("2026-04-30T10:00:00-04:00")), ("tcpa_text", .string("I agree")),
            ("tcpa_url", .string("https://example.org/quote")), ("loan_purpose", .null),
            ("loan_amount", .number("250000.00")), ("credit_range", .string("excellent")),
            ("homeowner", .bool(true)),
        ])
        let lead = try #require(F.validator().check(record).lead)
        #expect(lead.phone == "+18135550100")
        #expect(lead.tcpaTimestamp == "2026-04-30T14:00:00Z")
        #expect(lead.extras.map(\.key) == ["loan_amount", "credit_range"])
        #expect(lead.extras.map(\.value) == [.number("250000"), .string("excellent")])
    }
}
