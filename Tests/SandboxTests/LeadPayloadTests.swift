import Testing

@testable import Sandbox

@Suite struct LeadPayloadTests {
    private func verdict(_ changes: [String: JSONValue?]) throws -> PayloadVerdict {
        LeadPayload.check(try JSONParser.parse(Sample.payload(changes)))
    }

    @Test func acceptsTheProviderSample() throws {
        let expected = LeadFacts(vertical: .insurance, phone: "+18135550100", email: "m@example.com")
        #expect(LeadPayload.check(try JSONParser.parse(Sample.payload)) == .valid(expected))
    }

    @Test(arguments: ["vertical", "first_name", "last_name", "email", "phone", "zip"])
    func missingRequiredFieldIsMalformed(field: String) throws {
        #expect(try verdict([field: nil]) == .malformed(fields: [field]))
    }

    @Test(arguments: [
        ("vertical", JSONValue.string("auto")), ("vertical", .string("Insurance")), ("first_name", .string("  ")),
        ("last_name", .number(1, isInteger: true)), ("email", .string("m-at-example.com")),
        ("phone", .string("813-555-0100")), ("phone", .number(18_135_550_100, isInteger: true)),
        ("zip", .string("3360")), ("zip", .number(33601, isInteger: true)), ("phone", .null),
    ])
    func illFormedRequiredFieldIsMalformed(field: String, value: JSONValue) throws {
        #expect(try verdict([field: value]) == .malformed(fields: [field]))
    }

    @Test(arguments: [
        ("vehicle_year", JSONValue.string("2021")), ("vehicle_year", .number(2021.5, isInteger: false)),
        ("vehicle_year", .number(2021, isInteger: false)), ("homeowner", .string("true")),
        ("homeowner", .number(1, isInteger: true)), ("loan_amount", .string("385000")),
        ("monthly_electric_bill", .bool(true)), ("coverage_type", .number(1, isInteger: true)),
        ("loan_purpose", .bool(false)), ("credit_range", .array([])), ("roof_type", .object([:])),
        ("debt_amount", .number(15000, isInteger: true)), ("debt_type", .null), ("vehicle_year", .null),
    ])
    func wrongJSONTypeOfVerticalFieldIsMalformed(field: String, value: JSONValue) throws {
        #expect(try verdict([field: value]) == .malformed(fields: [field]))
    }

    @Test func verticalFieldsOfTheRightTypePass() throws {
        let result = try verdict([
            "coverage_type": .string("auto"), "vehicle_year": .number(2021, isInteger: true),
            "homeowner": .bool(true), "loan_purpose": .string("purchase"), "loan_amount": .number(385000, isInteger: true),
            "credit_range": .string("good"), "monthly_electric_bill": .number(285.5, isInteger: false),
            "roof_type": .string("shingle"), "debt_amount": .string("15000–25000"), "debt_type": .string("credit_card"),
        ])
        guard case .valid = result else {
            Issue.record("expected valid, got \(result)")
            return
        }
    }

    @Test func namesEveryMalformedFieldInSchemaOrder() throws {
        let result = try verdict(["zip": .string("1"), "email": nil, "homeowner": .string("yes")])
        #expect(result == .malformed(fields: ["email", "zip", "homeowner"]))
    }

    @Test(arguments: [
        ("tcpa_timestamp", JSONValue?.none), ("tcpa_text", nil), ("tcpa_url", nil),
        ("tcpa_timestamp", .string("yesterday")), ("tcpa_timestamp", .string("2026-04-27T09:14:22")),
        ("tcpa_text", .string("")), ("tcpa_text", .string("   ")), ("tcpa_url", .string("seo.example.com/page")),
        ("tcpa_url", .string("ftp://seo.example.com/")), ("tcpa_url", .number(1, isInteger: true)),
        ("tcpa_text", .null),
    ])
    func missingOrInvalidConsentIs422(field: String, value: JSONValue?) throws {
        #expect(try verdict([field: value]) == .consentInvalid(fields: [field]))
    }

    @Test func malformedFieldsWinOverConsentProblems() throws {
        #expect(try verdict(["phone": nil, "tcpa_url": nil]) == .malformed(fields: ["phone"]))
    }

    @Test func namesEveryConsentProblem() throws {
        let result = try verdict(["tcpa_timestamp": nil, "tcpa_text": .string(""), "tcpa_url": nil])
        #expect(result == .consentInvalid(fields: ["tcpa_timestamp", "tcpa_text", "tcpa_url"]))
    }

    @Test(arguments: ["[]", "\"lead\"", "42", "null"])
    func nonObjectBodyIsMalformed(body: String) throws {
        #expect(LeadPayload.check(try JSONParser.parse(body)) == .malformed(fields: []))
    }

    @Test func leadKeyIsVerticalAndPhoneAsSent() throws {
        #expect(LeadPayload.leadKey(try JSONParser.parse(Sample.payload)) == "insurance|+18135550100")
        #expect(LeadPayload.leadKey(try JSONParser.parse(Sample.payload(["phone": nil]))) == nil)
    }
}
