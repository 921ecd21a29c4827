import Ingest
import Testing

@Suite struct HTTPDateTests {
    static let fixdates: [(Int64, String)] = [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (1_777_281_262, "Mon, 27 Apr 2026 09:14:22 GMT"),
        (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"), (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ]

    @Test(arguments: fixdates)
    func formatsIMFFixdate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(unixSeconds: seconds) == text)
    }

    @Test(arguments: fixdates)
    func readsWhatItWrites(seconds: Int64, text: String) {
        #expect(HTTPDate.epochSeconds(text) == seconds)
    }

    @Test(arguments: [
        ("Sunday, 06-Nov-94 08:49:37 GMT", Int64?(784_111_777)), ("Sun Nov  6 08:49:37 1994", 784_111_777),
        ("Thu Feb 29 12:00:00 2024", 1_709_208_000), ("Sun, 31 Nov 1994 08:49:37 GMT", nil),
        ("Tue, 29 Feb 2100 00:00:00 GMT", nil), ("Sun, 06 Nov 1994 24:00:00 GMT", nil), ("17", nil), ("", nil),
    ])
    func readsTheObsoleteFormsAndRefusesImpossibleDates(text: String, seconds: Int64?) {
        #expect(HTTPDate.epochSeconds(text) == seconds)
    }
}
