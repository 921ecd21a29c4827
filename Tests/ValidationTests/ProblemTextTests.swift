import Ingest
import LeadModel
import Testing
@testable import Validation


/// How a problem quotes the offending value: plain values take the one-allocation path, the rest are
/// escaped or cut, and both read the same.
@Suite struct ProblemTextTests {
    static let eighty = String(repeating: "a", count: 80)

    @Test(arguments: [
        ("2026-10-27T18:24:11Z", "\"2026-10-27T18:24:11Z\"", true),
        ("", "\"\"", true),
        ("813 555 0100 x12", "\"813 555 0100 x12\"", true),
        (eighty, "\"" + eighty + "\"", true),
        (eighty + "b", "\"" + eighty + "…\"", false),
        ("say \"hi\"", "\"say \\\"hi\\\"\"", false),
        ("back\\slash", "\"back\\\\slash\"", false),
        ("tab\there", "\"tab\\there\"", false),
        ("bell\u{7}", "\"bell\\u{7}\"", false),
        ("del\u{7F}", "\"del\\u{7F}\"", false),
        ("José", "\"José\"", false),
    ])
    func quotesValues(value: String, expected: String, plain: Bool) {
        #expect(ProblemText.quoted(value) == expected)
        #expect(ProblemText.escapedQuoted(value) == expected, "the general path reads the same")
        #expect((ProblemText.plainQuoted("", value, "") != nil) == plain)
    }

    @Test func problemTextsNameFieldValueAndMessageOnEitherPath() {
        let advice = ProblemText.Advice(expected: "a time", example: "2026-11-05T14:03:00Z", fix: "check it")
        let plain = ProblemText.problem(
            .tcpaTimestampFuture, .tcpaTimestamp, "2027-01-01T00:00:00Z", "is in the future", advice: advice)
        #expect(
            plain.text
                == "tcpa_timestamp \"2027-01-01T00:00:00Z\" is in the future. Expected a time, e.g. 2026-11-05T14:03:00Z. "
                + "Fix: check it")
        #expect(plain.value == "2027-01-01T00:00:00Z" && plain.field == "tcpa_timestamp")
        let escaped = ProblemText.problem(.nameInvalid, .firstName, "\"1234\"", "has no letters", advice: advice)
        #expect(escaped.text == "first_name \"\\\"1234\\\"\" has no letters" + advice.text)
    }
}
