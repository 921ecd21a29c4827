import LeadModel
import Receive
import Testing

@Suite struct ReceiveRulesTests {
    static func lead(_ vertical: Vertical = .solar, zip: String = "33601", extras: [String] = []) -> Lead {
        Lead(
            vertical: vertical, firstName: "Maria", lastName: "G.", email: "m@example.com", phone: "+18135550100",
            zip: zip, tcpaTimestamp: "2026-04-27T09:14:22Z", tcpaText: "By submitting...",
            tcpaURL: "https://seo.example.com/page", extras: extras.map { (key: $0, value: PayloadValue.string("x")) })
    }

    @Test func emptyRulesBuyEverything() {
        #expect(ReceiveRules().screen(Self.lead()) == nil)
    }

    @Test func verticalsAreaAndRequiredFields() {
        var rules = ReceiveRules()
        rules.verticals = [.insurance]
        #expect(rules.screen(Self.lead(.solar)) == .rejected(.verticalNotBought, "solar"))
        rules.verticals = []
        rules.states = ["NY"]
        #expect(rules.screen(Self.lead(zip: "33601")) == .rejected(.areaNotBought))
        #expect(rules.screen(Self.lead(zip: "10001")) == nil)
        rules.zipPrefixes = ["336"]
        #expect(rules.screen(Self.lead(zip: "33601")) == nil, "a ZIP prefix or a state is enough")
        rules.requiredFields[.solar] = ["roof_type", "monthly_electric_bill"]
        #expect(rules.screen(Self.lead(extras: ["roof_type"])) == .rejected(.missingField, "monthly_electric_bill"))
        #expect(rules.screen(Self.lead(extras: ["monthly_electric_bill", "roof_type"])) == nil)
    }

    @Test(arguments: [("33601", "FL"), ("10001", "NY"), ("20500", "DC"), ("00901", "PR"), ("99501", "AK")])
    func stateOfAZip(zip: String, state: String) {
        #expect(ZipState.state(ofZip: zip) == state)
    }

    @Test func answersAsTheSellerReadsThem() {
        #expect(ReceiveAnswer.accepted.json == #"{"status":"accepted"}"#)
        #expect(ReceiveAnswer.rejected(.timeout).json == #"{"status":"rejected","reason":"timeout"}"#)
        #expect(
            ReceiveAnswer.rejected(.dailyCap, "solar").json
                == #"{"status":"rejected","reason":"daily_cap","detail":"solar"}"#)
    }
}
