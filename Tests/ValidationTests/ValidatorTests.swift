import Ingest
import LeadModel
import Testing
import Validation

@Suite struct ValidatorTests {
    typealias F = ValidatorFixture

    @Test func validRowBecomesALead() throws {
        let checked = F.check([:])
        #expect(checked.problems.isEmpty)
        let lead = try #require(checked.lead)
        #expect(
            lead
                == Lead(
                    vertical: .insurance, firstName: "Maria", lastName: "G.", email: "m@example.com",
                    phone: "+18135550100", zip: "33601", tcpaTimestamp: "2026-04-27T09:14:22Z",
                    tcpaText: "By submitting this form you consent...", tcpaURL: "https://seo.example.com/page"
                )
        )
        #expect(lead.extras.isEmpty)
        #expect(checked.vertical == .insurance)
        #expect(checked.phone == "+18135550100")
        #expect(checked.zip == "33601")
        #expect(checked.email == "m@example.com")
        #expect(checked.row == 1)
        #expect(checked.line == 2)
    }

    @Test func refIsEchoedAndPublisherKept() {
        var record = F.record(["ref": .string("A-17 ")])
        record.publisher = "acme"
        let checked = F.validator().check(record)
        #expect(checked.ref == "A-17 ")
        #expect(checked.publisher == "acme")
        #expect(F.check([:]).ref == "")
    }

    @Test func unreadableRecordHasOneProblem() {
        let record = RawRecord(
            row: 7, line: 12, byteOffset: 300, columns: Columns(names: ["email"]), values: [],
            unreadable: "invalid UTF-8"
        )
        let checked = F.validator().check(record)
        #expect(checked.lead == nil)
        #expect(checked.problems.map(\.code) == [.recordUnreadable])
        #expect(F.found(checked.problems[0].text) == "record at line 12 could not be read: invalid UTF-8")
        #expect(checked.row == 7)
        #expect(checked.line == 12)
    }

    static let requiredFields: [(String, ReasonCode)] = [
        ("vertical", .missingField), ("first_name", .missingField), ("last_name", .missingField),
        ("email", .missingField), ("phone", .missingField), ("zip", .missingField),
        ("tcpa_timestamp", .tcpaTimestampMissing), ("tcpa_text", .tcpaTextMissing), ("tcpa_url", .missingField),
    ]

    @Test(arguments: requiredFields)
    func absentRequiredField(field: String, code: ReasonCode) {
        let checked = F.check([field: nil])
        #expect(checked.lead == nil)
        #expect(F.found(checked.problems) == [Problem(code, field: field, value: "", text: "\(field) is missing")])
    }

    @Test(arguments: requiredFields, [RawValue.string(""), .string("  \t "), .null])
    func blankRequiredField(required: (field: String, code: ReasonCode), blank: RawValue) {
        let (field, code) = required
        let checked = F.check([field: blank])
        #expect(checked.problems.map(\.code) == [code])
        #expect(checked.problems.first?.field == field)
    }

    @Test func shortRecordCountsAsMissing() {
        var record = F.record([:])
        record.values.removeLast(2)
        let checked = F.validator().check(record)
        #expect(checked.problems.map(\.code) == [.tcpaTextMissing, .missingField])
    }

    @Test func everyProblemOfARowInFieldOrder() {
        let checked = F.check([
            "vertical": .string("autos"), "first_name": .string("123"), "last_name": .string(""),
            "email": .string("maria@@example.com"), "phone": .string("813-555-01"), "zip": .string("ABCDE"),
            "tcpa_timestamp": .string("2026-04-27 09:14:22"), "tcpa_text": nil,
            "tcpa_url": .string("ftp://example.com"),
        ])
        #expect(checked.lead == nil)
        #expect(checked.vertical == nil)
        #expect(
            checked.problems.map(\.code) == [
                .verticalUnknown, .nameInvalid, .missingField, .emailInvalid, .phoneInvalid, .zipInvalid,
                .tcpaTimestampInvalid, .tcpaTextMissing, .tcpaURLInvalid,
            ]
        )
        #expect(
            checked.problems.map(\.field) == [
                "vertical", "first_name", "last_name", "email", "phone", "zip", "tcpa_timestamp", "tcpa_text",
                "tcpa_url",
            ]
        )
        #expect(F.found(checked.problems[0].text) == #"vertical "autos" is not one of insurance, mortgage, solar, debt"#)
        #expect(F.found(checked.problems[1].text) == #"first_name "123" is not a valid name (no letters)"#)
        #expect(F.found(checked.problems[2].text) == "last_name is missing")
        #expect(
            F.found(checked.problems[3].text)
                == #"email "maria@@example.com" is not a valid email address (has more than one @)"#
        )
        #expect(checked.problems[4].text.hasPrefix(#"phone "813-555-01" is not a valid US number"#))
        #expect(checked.problems[5].text.hasPrefix(#"zip "ABCDE" is not a valid ZIP code ("#))
        #expect(
            F.found(checked.problems[8].text)
                == #"tcpa_url "ftp://example.com" is not a valid consent URL (is not an http or https URL)"#
        )
        #expect(checked.problems[4].value == "813-555-01")
        // What could be normalised is kept for the reports.
        #expect(checked.phone == "")
        #expect(checked.email == "")
    }

    @Test func normalisedValuesAreKeptWhenOtherFieldsFail() {
        let checked = F.check(["email": .string(" Maria@Example.COM "), "first_name": .string("42")])
        #expect(checked.lead == nil)
        #expect(checked.email == "Maria@example.com")
        #expect(checked.phone == "+18135550100")
        #expect(checked.zip == "33601")
        #expect(checked.vertical == .insurance)
    }

    @Test func phoneProblemCarriesThePhoneCheckCode() {
        let raw = "813-555-01"
        guard case .invalid(let code, let detail) = PhoneNormaliser.check(raw) else {
            Issue.record("the phone normaliser accepted \(raw)")
            return
        }
        let checked = F.check(["phone": .string(raw)])
        #expect(checked.problems.map(\.code) == [code])
        #expect(F.found(checked.problems[0].text) == #"phone "813-555-01" is not a valid US number (\#(detail))"#)
    }

    @Test func zipProblemCarriesTheZipCheckDetail() {
        guard case .invalid(let detail) = ZipNormaliser().check("12") else {
            Issue.record("the ZIP normaliser accepted 12")
            return
        }
        let checked = F.check(["zip": .string("12")])
        #expect(F.found(checked.problems) == [
            Problem(.zipInvalid, field: "zip", value: "12", text: #"zip "12" is not a valid ZIP code (\#(detail))"#)
        ])
    }

    // MARK: vertical

    @Test(arguments: [
        ("insurance", Vertical.insurance), ("Insurance", .insurance), (" MORTGAGE ", .mortgage), ("solar", .solar),
        ("Debt", .debt), ("dEbT\t", .debt),
    ])
    func verticalIsCaseInsensitive(raw: String, vertical: Vertical) {
        let checked = F.check(["vertical": .string(raw)])
        #expect(checked.vertical == vertical)
        #expect(checked.lead?.vertical == vertical)
    }

    @Test(arguments: ["autos", "insurances", "health", "mortgage loan", "1"])
    func unknownVertical(raw: String) {
        let checked = F.check(["vertical": .string(raw)])
        #expect(checked.problems.map(\.code) == [.verticalUnknown])
        #expect(checked.problems.first?.value == raw)
        #expect(checked.vertical == nil)
    }

    @Test func jsonNumberIsAnUnknownVertical() {
        #expect(F.check(["vertical": .number("1")]).problems.map(\.code) == [.verticalUnknown])
    }

    @Test(arguments: [RawValue?.none, .some(.string(" ")), .some(.null)])
    func defaultVerticalFillsAbsentOrBlank(value: RawValue?) {
        let configuration = Validator.Configuration(defaultVertical: .solar)
        let checked = F.check(["vertical": value], configuration)
        #expect(checked.problems.isEmpty)
        #expect(checked.lead?.vertical == .solar)
    }

    @Test func defaultVerticalDoesNotOverrideAGivenOne() {
        let configuration = Validator.Configuration(defaultVertical: .solar)
        #expect(F.check(["vertical": .string("debt")], configuration).lead?.vertical == .debt)
        #expect(F.check(["vertical": .string("autos")], configuration).problems.map(\.code) == [.verticalUnknown])
    }

    // MARK: names

    @Test(arguments: [
        ("Maria", "Maria"), ("  Maria  ", "Maria"), ("Mary   Ann", "Mary Ann"), ("Mary\tAnn", "Mary Ann"),
        ("Ma\u{0}ria", "Maria"), ("\u{7F}Maria\u{1B}", "Maria"), ("Mary\u{A0}\u{A0}Ann", "Mary Ann"),
        ("O'Brien-Smith", "O'Brien-Smith"), ("José", "José"), ("  Zoë \n Ågren ", "Zoë Ågren"), ("李", "李"),
        ("J.", "J."), ("\u{FEFF}Ann", "Ann"), ("Ann\u{200B}", "Ann"), ("Ann\u{85}Lee", "AnnLee"),
    ])
    func namesAreNormalised(raw: String, expected: String) {
        let checked = F.check(["first_name": .string(raw), "last_name": .string(raw)])
        #expect(checked.problems.isEmpty)
        #expect(checked.lead?.firstName == expected)
        #expect(checked.lead?.lastName == expected)
    }

    @Test(arguments: ["123", "--", "42.", "1 2 3", "(555)", "!!", "٣٤", "—"])
    func namesWithoutLettersAreInvalid(raw: String) {
        let checked = F.check(["first_name": .string(raw)])
        #expect(checked.problems.map(\.code) == [.nameInvalid])
        #expect(checked.problems.first?.value == raw)
    }

    @Test(arguments: ["\u{0}", "\u{1}\u{2}", "\u{FEFF}", " \u{7F} "])
    func nameOfOnlyControlCharactersIsMissing(raw: String) {
        let checked = F.check(["last_name": .string(raw)])
        #expect(
            F.found(checked.problems)
                == [Problem(.missingField, field: "last_name", value: "", text: "last_name is missing")]
        )
    }

    // MARK: email

    @Test(arguments: [
        ("m@example.com", "m@example.com"), ("  Maria.G@Example.COM\t", "Maria.G@example.com"),
        ("o'brien+leads@mail.example.co.uk", "o'brien+leads@mail.example.co.uk"),
    ])
    func emailIsNormalised(raw: String, expected: String) {
        let checked = F.check(["email": .string(raw)])
        #expect(checked.lead?.email == expected)
        #expect(checked.email == expected)
    }

    @Test(arguments: ["maria", "maria@example", "ma..ria@example.com", "maria @example.com", "maria@example.123"])
    func invalidEmails(raw: String) {
        let checked = F.check(["email": .string(raw)])
        #expect(checked.problems.map(\.code) == [.emailInvalid])
        #expect(checked.problems.first?.text.hasPrefix("email \"\(raw)\" is not a valid email address (") == true)
    }

    // MARK: tcpa_text, tcpa_url

    @Test func consentTextIsTrimmedOnlyAtItsEnds() {
        let text = "By submitting,  I agree\tto be called.\n"
        let checked = F.check(["tcpa_text": .string("  " + text + " ")])
        #expect(checked.lead?.tcpaText == "By submitting,  I agree\tto be called.")
    }

    @Test(arguments: [
        "https://seo.example.com/page", "http://example.com", "HTTPS://Example.com:8443/a/b?c=d&e=%20#top",
        "https://192.168.1.20/form", "https://my-site.example.co.uk/", "https://example.com?ref=1",
        "https://xn--mnchen-3ya.de/", "https://münchen.de/seite", " https://example.com/x ",
    ])
    func validConsentURLs(raw: String) {
        let checked = F.check(["tcpa_url": .string(raw)])
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        #expect(checked.lead?.tcpaURL == raw.trimmingASCIIWhitespace().description)
    }

    @Test(arguments: [
        "example.com/page", "ftp://example.com", "https:/example.com", "https://", "https:///path",
        "https://localhost/", "https://exa mple.com/", "https://example.com/a page", "https://user:pw@example.com/",
        "https://-example.com/", "https://example-.com/", "https://example..com/", "https://example.com./",
        "https://example.com:0/", "https://example.com:65536/", "https://example.com:/", "https://example.com:8o/",
        "https://256.1.1.1/", "https://1.2.3/", "https://01.2.3.4/", "https://[::1]/", "https://example.123/",
        "https://exa_mple.com/", "javascript:alert(1)", "https://example.com/\u{7}",
    ])
    func invalidConsentURLs(raw: String) {
        let checked = F.check(["tcpa_url": .string(raw)])
        #expect(checked.problems.map(\.code) == [.tcpaURLInvalid])
    }

    // MARK: JSONL types in text fields

    @Test func jsonNumbersStandForTextInTextFields() {
        let checked = F.check(["phone": .number("8135550100"), "zip": .number("33601")])
        #expect(checked.problems.isEmpty)
        #expect(checked.lead?.phone == "+18135550100")
        #expect(checked.lead?.zip == "33601")
    }

    @Test(arguments: [
        ("first_name", RawValue.bool(true), #"first_name "true" is a JSON boolean, not text"#),
        ("email", .json(#"["a@b.com"]"#), #"email "[\"a@b.com\"]" is a JSON array or object, not text"#),
    ])
    func jsonBooleansAndObjectsAreNotText(field: String, value: RawValue, text: String) {
        let checked = F.check([field: value])
        #expect(checked.problems.map(\.code) == [.fieldInvalid])
        #expect(checked.problems.first?.field == field)
        #expect(checked.problems.first.map { F.found($0.text) } == text)
    }

    // MARK: problem texts

    @Test func longValuesAreCutAndQuotesEscapedInTexts() throws {
        let long = String(repeating: "x", count: 200) + "@example.com"
        let checked = F.check(["email": .string(long), "first_name": .string("\"1\"\n")])
        let emailProblem = try #require(checked.problems.first { $0.field == "email" })
        #expect(emailProblem.value == long)
        #expect(emailProblem.text.hasPrefix("email \"" + String(repeating: "x", count: 80) + "…\" is not"))
        let nameProblem = try #require(checked.problems.first { $0.field == "first_name" })
        #expect(F.found(nameProblem.text) == #"first_name "\"1\"\n" is not a valid name (no letters)"#)
    }

    @Test func unknownTimeZoneIsAConfigurationError() {
        #expect(throws: ValidatorError.unknownTimeZone("Mars/Olympus_Mons")) {
            try Validator(configuration: .init(assumeTimezone: "Mars/Olympus_Mons"), now: F.now)
        }
        #expect(throws: ValidatorError.self) {
            try Validator(configuration: .init(tcpaMaxAgeDays: -1), now: F.now)
        }
    }

    /// A field named by two columns (`phone` twice, or `phone` and `mobile`): where the chosen column is empty,
    /// the other is read, so the lead is valid.
    @Test func aFieldNamedTwiceReadsTheOtherColumnWhereTheFirstIsEmpty() {
        for names in [("phone", "phone"), ("Phone Number", "mobile")] {
            var fields = F.validFields.filter { $0.0 != "phone" }
            fields.append((names.0, .string("")))
            fields.append((names.1, .string("(813) 555-0100")))
            let checked = F.validator().check(F.record(fields))
            #expect(checked.problems.isEmpty, "\(names): \(checked.problems)")
            #expect(checked.lead?.phone == "+18135550100", "\(names)")
        }
    }
}
