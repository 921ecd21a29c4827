import Testing

@testable import Ingest

func readJSONL(_ text: String, chunkSize: Int = 1 << 16, maxRecordBytes: Int = 1 << 20) throws -> [RawRecord] {
    let configuration = ReaderConfiguration(maxRecordBytes: maxRecordBytes, chunkSize: max(chunkSize, 1 << 12))
    let reader = try JSONLReader(source: MemoryByteSource(text, chunkSize: chunkSize), configuration: configuration)
    var out: [RawRecord] = []
    while let record = try reader.next() { out.append(record) }
    return out
}

@Suite struct JSONLReaderTests {
    static let sample = """
        {"phone":"+18135550100","vehicle_year":2021,"homeowner":true,"loan_amount":385000.5,"x":null,"tags":["a","b"]}
        {"phone":"8135550101","first_name":"Jos\\u00e9 \\"Pepe\\"","tcpa_text":"a\\nb","emoji":"\\ud83d\\ude00"}

        not json
        {"phone": "1", "zip": "02134"}\r
        {"phone":"2",}
        """

    @Test(arguments: [1, 7, 1 << 16])
    func readsTypedValues(chunkSize: Int) throws {
        let records = try readJSONL(Self.sample, chunkSize: chunkSize)
        #expect(records.map(\.row) == [1, 2, 4, 5, 6])
        let first = records[0]
        #expect(first[.phone] == .string("+18135550100"))
        #expect(first[.vehicleYear] == .number("2021"))
        #expect(first[.homeowner] == .bool(true))
        #expect(first[.loanAmount] == .number("385000.5"))
        #expect(first.value(at: 4) == .null)
        #expect(first.value(at: 5) == .json("[\"a\",\"b\"]"))
        let second = records[1]
        #expect(second[.firstName] == .string("José \"Pepe\""))
        #expect(second[.tcpaText] == .string("a\nb"))
        #expect(second.value(at: 3) == .string("😀"))
        #expect(records[2].unreadable?.contains("bad JSON") == true)
        #expect(records[3][.zip] == .string("02134"))
        #expect(records[4].unreadable?.contains("expected a quoted key") == true)
    }

    @Test func columnsAreSharedWhenKeysRepeat() throws {
        let records = try readJSONL("{\"phone\":\"1\",\"zip\":\"2\"}\n{\"phone\":\"3\",\"zip\":\"4\"}\n")
        #expect(records[0].columns === records[1].columns)
    }

    @Test func columnsAreSharedWhenLinesAlternateBetweenKeySets() throws {
        // One key set per vertical, interleaved, as publishers' files have them; plus the same keys in
        // another order, which are other columns.
        let mortgage = "{\"phone\":\"1\",\"zip\":\"2\",\"loan_amount\":300000}"
        let solar = "{\"phone\":\"3\",\"zip\":\"4\",\"roof_type\":\"tile\"}"
        let reordered = "{\"zip\":\"5\",\"phone\":\"6\",\"loan_amount\":1}"
        let records = try readJSONL([mortgage, solar, mortgage, reordered, solar, mortgage].joined(separator: "\n"))
        #expect(records[0].columns === records[2].columns)
        #expect(records[2].columns === records[5].columns)
        #expect(records[1].columns === records[4].columns)
        #expect(records[0].columns !== records[1].columns)
        #expect(records[3].columns !== records[0].columns)
        #expect(records[3].columns.names == ["zip", "phone", "loan_amount"])
        #expect(records[3][.phone] == .string("6"))
        #expect(records[5][.loanAmount] == .number("300000"))
        #expect(records[4][.loanAmount] == nil)
    }

    @Test func manyKeySetsKeepEachLineWithItsOwnKeys() throws {
        // More distinct key sets than the reader keeps: every line still gets columns naming its own keys.
        let lines = (0..<40).map { i in "{\"phone\":\"\(i)\",\"extra_\(i % 13)\":\"x\"}" }
        let records = try readJSONL(lines.joined(separator: "\n"))
        for (i, record) in records.enumerated() {
            #expect(record.columns.names == ["phone", "extra_\(i % 13)"])
            #expect(record[.phone] == .string("\(i)"))
        }
    }

    @Test(arguments: [
        "{\"a\":\"\\x\"}", "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"x\"} extra", "[1,2]", "{\"a\":\"\u{01}\"}",
        "{\"a\":\"\\ud800\"}", "{\"a\":1", "{\"a\":-}",
    ])
    func badLines(_ line: String) throws {
        let records = try readJSONL("{\"phone\":\"1\"}\n" + line + "\n")
        #expect(records.count == 2)
        #expect(records[1].unreadable != nil, "\(line)")
    }

    @Test func invalidUTF8IsUnreadable() throws {
        var bytes = Array("{\"phone\":\"1\"}\n{\"phone\":\"".utf8)
        bytes += [0xFF]
        bytes += Array("\"}\n{\"phone\":\"2\"}\n".utf8)
        let reader = try JSONLReader(source: MemoryByteSource(bytes))
        var records: [RawRecord] = []
        while let r = try reader.next() { records.append(r) }
        #expect(records.count == 3)
        #expect(records[1].unreadable?.contains("invalid UTF-8") == true)
        #expect(records[2][.phone] == .string("2"))
    }

    @Test(arguments: [7, 1 << 16])
    func longLineIsUnreadable(chunkSize: Int) throws {
        let long = "{\"tcpa_text\":\"" + String(repeating: "y", count: 5000) + "\"}"
        let records = try readJSONL("{\"phone\":\"1\"}\n\(long)\n{\"phone\":\"2\"}\n", chunkSize: chunkSize, maxRecordBytes: 1000)
        #expect(records.count == 3)
        #expect(records[1].unreadable?.contains("longer than 1000") == true)
        #expect(records[2][.phone] == .string("2"))
        #expect(records[2].row == 3)
    }

    /// The API's own key wins over an alias before it (`cell` is an alias of `phone`, `postal` of `zip`).
    @Test func ownKeyWinsOverAnAliasBeforeIt() throws {
        let records = try readJSONL("{\"cell\":null,\"phone\":\"8135550100\",\"postal\":\"n/a\",\"zip\":\"33602\"}\n")
        #expect(records[0][.phone] == .string("8135550100"))
        #expect(records[0][.zip] == .string("33602"))
    }

    /// Repeated keys in an object wider than the parser's linear search (it indexes the keys then): the last
    /// value wins, in the place of the key's first appearance.
    @Test func repeatedKeysInAWideObject() throws {
        let width = JSONObjectParser.linearKeys * 3
        var pairs = (0..<width).map { "\"k\($0)\":\($0)" }
        pairs += ["\"k5\":\"again\"", "\"k\(width - 1)\":\"last\"", "\"phone\":\"1\"", "\"k0\":true"]
        let record = try #require(try readJSONL("{" + pairs.joined(separator: ",") + "}\n").first)
        #expect(record.columns.names == (0..<width).map { "k\($0)" } + ["phone"])
        #expect(record.value(at: 0) == .bool(true))
        #expect(record.value(at: 5) == .string("again"))
        #expect(record.value(at: 6) == .number("6"))
        #expect(record.value(at: width - 1) == .string("last"))
        #expect(record[.phone] == .string("1"))
    }

    /// A NUL byte in the first line is a binary file; further on it spoils only its own line.
    @Test func aNULByteAfterTheFirstLineSpoilsOnlyItsLine() throws {
        let records = try readJSONL("{\"phone\":\"1\"}\n{\"phone\":\"2\u{0}\"}\n{\"phone\":\"3\"}\n")
        #expect(records.count == 3)
        #expect(records[1].unreadable?.contains("bad JSON") == true)
        #expect(records[1].line == 2)
        #expect(records[2][.phone] == .string("3"))
        let error = #expect(throws: IngestError.self) {
            try JSONLReader(source: MemoryByteSource("{\"phone\":\u{0}\"1\"}\n{\"phone\":\"2\"}\n"))
        }
        #expect(error?.message.contains("NUL") == true)
        #expect(error?.byteOffset == 9)
    }

    @Test func notJSONAtAll() {
        #expect(throws: IngestError.self) { try JSONLReader(source: MemoryByteSource("phone,zip\n1,2\n")) }
        #expect(throws: IngestError.self) { try JSONLReader(source: MemoryByteSource("")) }
    }
}
