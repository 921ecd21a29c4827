import LeadModel
import Testing

/// A checked row's result without the network, copied (`localResult`) or moved (`takeLocalResult`).
@Suite struct LocalResultTests {
    static func record(_ problems: [Problem], valid: Bool) -> CheckedRecord {
        let email = "maria.long.address@example.com"
        let lead = Lead(
            vertical: .insurance, firstName: "Maria", lastName: "G.", email: email, phone: "+18135550100",
            zip: "33601", tcpaTimestamp: "2026-04-27T09:14:22Z", tcpaText: "I agree", tcpaURL: "https://example.com/"
        )
        var record = CheckedRecord(
            row: 7, line: 8, publisher: "default", vertical: .insurance, phone: "+18135550100", zip: "33601",
            email: email, lead: valid ? lead : nil)
        record.ref = "ext-7"
        record.publisher = "acme-leads"
        if !valid { record.problems = problems }
        return record
    }

    static let duplicate = Problem(.duplicateInBatch, field: "phone", value: "+18135550100", text: "same phone as row 3")
    static let badZip = Problem(.zipInvalid, field: "zip", value: "x", text: "zip \"x\" is not valid")

    @Test(arguments: [
        ([Problem](), true, Outcome.valid),
        ([duplicate], false, .duplicate),
        ([duplicate, badZip], false, .invalid),
        ([badZip], false, .invalid),
    ])
    func takingGivesTheSameResultAsCopyingAndEmptiesTheRecord(problems: [Problem], valid: Bool, outcome: Outcome) {
        var record = Self.record(problems, valid: valid)
        let copied = record.localResult()
        #expect(copied.outcome == outcome)
        #expect(record.email == "maria.long.address@example.com", "copying leaves the record as it was")

        let taken = record.takeLocalResult()
        #expect(taken.outcome == outcome)
        #expect(taken.row == 7 && taken.vertical == "insurance")
        #expect(taken.ref == "ext-7" && taken.publisher == "acme-leads")
        #expect(taken.phone == "+18135550100" && taken.zip == "33601" && taken.email == "maria.long.address@example.com")
        #expect(taken.problems == copied.problems)
        #expect(record.ref.isEmpty && record.phone.isEmpty && record.zip.isEmpty && record.email.isEmpty)
        #expect(record.problems.isEmpty && record.publisher.isEmpty)
    }
}
