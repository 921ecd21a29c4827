import Foundation
import LeadModel
import Submission
import Testing

@Suite("Lead payload JSON")
struct PayloadTests {
    private func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return try #require(object as? [String: Any])
    }

    /// Keys of a flat object in the order they appear in the bytes.
    private func keyOrder(_ bytes: [UInt8]) throws -> [String] {
        let object = try decode(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        return object.keys.sorted { a, b in
            text.firstRange(of: "\"\(a)\":")!.lowerBound < text.firstRange(of: "\"\(b)\":")!.lowerBound
        }
    }

    @Test func requiredFieldsInSchemaOrderExactBytes() {
        let lead = SubmitFixtures.lead()
        let expected =
            #"{"vertical":"insurance","first_name":"Maria","last_name":"G.","email":"m@example.com","#
            + #""phone":"+18135550100","zip":"33601","tcpa_timestamp":"2026-04-27T09:14:22Z","#
            + #""tcpa_text":"By submitting this form you consent.","tcpa_url":"https://seo.example.com/page"}"#
        #expect(String(decoding: lead.payloadJSON(), as: UTF8.self) == expected)
    }

    @Test func extrasKeepTheirJSONTypesAndOrder() throws {
        var lead = SubmitFixtures.lead()
        lead.extras = [
            (key: "coverage_type", value: .string("auto")),
            (key: "vehicle_year", value: .integer(2021)),
            (key: "homeowner", value: .bool(true)),
            (key: "loan_amount", value: .number("385000")),
            (key: "monthly_electric_bill", value: .number("285.5")),
            (key: "debt_amount", value: .string("15000–25000")),
        ]
        let bytes = lead.payloadJSON()
        let object = try decode(bytes)
        #expect(object["coverage_type"] as? String == "auto")
        #expect((object["vehicle_year"] as? NSNumber)?.intValue == 2021)
        #expect(object["homeowner"] as? Bool == true)
        #expect((object["loan_amount"] as? NSNumber)?.doubleValue == 385000)
        #expect((object["monthly_electric_bill"] as? NSNumber)?.doubleValue == 285.5)
        #expect(object["debt_amount"] as? String == "15000–25000")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""vehicle_year":2021,"homeowner":true,"loan_amount":385000,"#))
        #expect(
            try keyOrder(bytes) == [
                "vertical", "first_name", "last_name", "email", "phone", "zip", "tcpa_timestamp", "tcpa_text",
                "tcpa_url", "coverage_type", "vehicle_year", "homeowner", "loan_amount", "monthly_electric_bill",
                "debt_amount",
            ])
    }

    @Test func absentExtrasAreOmittedNeverNull() throws {
        let bytes = SubmitFixtures.lead().payloadJSON()
        #expect(try decode(bytes).count == 9)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("null"))
    }

    @Test(arguments: [
        "say \"hi\"", #"back\slash"#, "line\nbreak\r\ttab", "bell\u{07}nul\u{00}unit\u{1F}", "\u{08}\u{0C}",
        "José Müller", "名前", "emoji 🎉 done", "sep\u{2028}para\u{2029}", "slash / and del \u{7F}", "",
    ])
    func stringsRoundTripThroughAJSONDecoder(_ value: String) throws {
        var lead = SubmitFixtures.lead()
        lead.firstName = value
        lead.tcpaText = value
        lead.extras = [(key: "roof_type", value: .string(value))]
        let object = try decode(lead.payloadJSON())
        #expect(object["first_name"] as? String == value)
        #expect(object["tcpa_text"] as? String == value)
        #expect(object["roof_type"] as? String == value)
    }

    @Test func controlCharactersAreEscapedNonASCIIIsRawUTF8() {
        var lead = SubmitFixtures.lead()
        lead.firstName = "a\u{01}b\nc\"d\\é"
        let text = String(decoding: lead.payloadJSON(), as: UTF8.self)
        #expect(text.contains(#""first_name":"a\u0001b\nc\"d\\é""#))
    }

    @Test(arguments: ["1e", "abc", "01", "1.", "--1", "", "NaN"])
    func aNumberThatIsNotJSONIsWrittenAsAString(_ literal: String) throws {
        var lead = SubmitFixtures.lead()
        lead.extras = [(key: "loan_amount", value: .number(literal))]
        let object = try decode(lead.payloadJSON())
        #expect(object["loan_amount"] as? String == literal)
    }

    @Test(arguments: ["0", "-1", "385000", "285.5", "1e5", "2.5E-3", "-0.0"])
    func aJSONNumberIsWrittenBare(_ literal: String) throws {
        var lead = SubmitFixtures.lead()
        lead.extras = [(key: "loan_amount", value: .number(literal))]
        let text = String(decoding: lead.payloadJSON(), as: UTF8.self)
        #expect(text.hasSuffix(#","loan_amount":\#(literal)}"#))
        _ = try decode(lead.payloadJSON())
    }

    @Test func writingIntoAReusedBufferAppends() {
        var buffer: [UInt8] = Array("prefix".utf8)
        SubmitFixtures.lead().writePayloadJSON(into: &buffer)
        #expect(buffer == Array("prefix".utf8) + SubmitFixtures.lead().payloadJSON())
    }
}
