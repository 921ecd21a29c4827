import Testing

@testable import Sandbox

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{}"#, JSONValue.object([:])),
        (#" {"a" : [1, -2.5, true, false, null] } "#,
         .object(["a": .array([.number(1, isInteger: true), .number(-2.5, isInteger: false), .bool(true), .bool(false), .null])])),
        (#""caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n""#, .string("café 😀 \"q\" \\ / \n")),
        (#"2021"#, .number(2021, isInteger: true)),
        (#"2021.0"#, .number(2021, isInteger: false)),
        (#"1e3"#, .number(1000, isInteger: false)),
        (#""Zoë""#, .string("Zoë")),
    ])
    func parsesValidJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        "", "{", "}", #"{"a":}"#, #"{"a":1,}"#, "[1,]", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul",
        #"{"a":1} x"#, #"{a:1}"#, "'a'", #""\x""#, #""\ud83d""#, #""\ude00""#, "\"tab\there\"", "NaN",
        #"{"a" 1}"#, "\"unterminated",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) {
            try bytes.withUnsafeBytes { raw in try JSONParser.parse(raw) }
        }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1)
            + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth)
            + String(repeating: "]", count: JSONParser.maximumDepth)
        _ = try JSONParser.parse(allowed)
    }

    @Test func writerEscapesAndRoundTrips() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a\"b")
        writer.string("line\nquote\" back\\ \u{01} é")
        writer.key("n")
        writer.cents(1850)
        writer.key("list")
        writer.beginArray()
        writer.int(1)
        writer.optionalString(nil)
        writer.endArray()
        writer.endObject()
        let parsed = try JSONParser.parse(writer.text)
        #expect(parsed == .object([
            "a\"b": .string("line\nquote\" back\\ \u{01} é"),
            "n": .number(18.5, isInteger: false),
            "list": .array([.number(1, isInteger: true), .null]),
        ]))
    }

    @Test(arguments: [(1850, "18.5"), (2105, "21.05"), (3000, "30.0"), (5, "0.05"), (0, "0.0")])
    func writesCentsLikeTheProviderSample(cents: Int, text: String) {
        #expect(JSONWriter.fixedPointText(Int64(cents), decimals: 2, trimZeros: true) == text)
    }
}
