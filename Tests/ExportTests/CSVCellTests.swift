import Export
import Testing

@Suite("CSV cells")
struct CSVCellTests {
    @Test(
        "RFC 4180 quoting",
        arguments: [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("carriage\rreturn", "\"carriage\rreturn\""),
            ("crlf\r\n", "\"crlf\r\n\""),
            ("semi;colon and space", "semi;colon and space"),
            ("naïve café", "naïve café"),
            (
                "long value with no specials at all, then a comma",
                "\"long value with no specials at all, then a comma\""
            ),
        ])
    func quoting(value: String, expected: String) {
        #expect(CSVCell.encode(value, neutralise: false) == expected)
    }

    @Test(
        "formula injection is neutralised",
        arguments: [
            ("=1+1", "'=1+1"),
            ("+18135550100", "'+18135550100"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTAB", "'\tTAB"),
            ("\rCR", "\"'\rCR\""),
            ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            ("safe value", "safe value"),
            ("a=b", "a=b"),
            ("", ""),
        ])
    func neutralised(value: String, expected: String) {
        #expect(CSVCell.encode(value, neutralise: true) == expected)
    }

    @Test("values are left alone when neutralisation is off", arguments: ["=1+1", "+18135550100", "-5", "@x", "\tx"])
    func notNeutralised(value: String) {
        #expect(CSVCell.encode(value, neutralise: false) == value)
    }
}

@Suite("JSON text")
struct JSONTextTests {
    @Test(
        "escaping",
        arguments: [
            ("plain", "\"plain\""),
            ("", "\"\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("back\\slash", "\"back\\\\slash\""),
            ("new\nline\r\ttab", "\"new\\nline\\r\\ttab\""),
            ("\u{08}\u{0C}", "\"\\b\\f\""),
            ("\u{01}\u{1F}", "\"\\u0001\\u001f\""),
            ("zoë ✓ </script>", "\"zoë ✓ </script>\""),
            ("exactly8", "\"exactly8\""),
            ("sixteen chars!!!", "\"sixteen chars!!!\""),
        ])
    func escaping(value: String, expected: String) {
        #expect(JSONText.quoted(value) == expected)
    }
}

@Suite("Numbers")
struct NumberTextTests {
    @Test(
        "money in cents",
        arguments: [
            (18.5, "18.50"), (25, "25.00"), (0.1 + 0.2, "0.30"), (1234567.891, "1234567.89"), (0.005, "0.01"),
            (-5.25, "-5.25"), (0, "0.00"), (99.999, "100.00"),
        ])
    func money(amount: Double, expected: String) throws {
        let cents = try #require(NumberText.cents(amount))
        #expect(NumberText.money(cents: cents) == expected)
    }

    @Test("amounts that are not money", arguments: [Double.nan, .infinity, -.infinity, 1e16])
    func notMoney(amount: Double) {
        #expect(NumberText.cents(amount) == nil)
    }

    @Test(
        "fixed decimals",
        arguments: [
            (0.33333, 4, "0.3333"), (2.0 / 3.0, 4, "0.6667"), (1, 4, "1.0000"), (12.345, 1, "12.3"),
            (0.05, 1, "0.1"), (1e6, 0, "1000000"), (-0.00001, 3, "0.000"), (-2.5, 1, "-2.5"),
        ])
    func fixed(value: Double, decimals: Int, expected: String) {
        #expect(NumberText.fixed(value, decimals: decimals) == expected)
    }
}
