import Testing

@testable import Ingest

/// The reader hands the header's separators on with the columns, so `rejects.csv` can be written the way
/// the publisher's file was.
@Suite struct CSVDialectTests {
    @Test(
        "delimiter and line end of the header",
        arguments: [
            ("phone,zip\r\n1,2\r\n", UInt8(ascii: ","), true),
            ("phone;zip\n1;2\n", UInt8(ascii: ";"), false),
            ("phone;zip\r\n1;2\r\n", UInt8(ascii: ";"), true),
            ("phone\tzip\r1\t2\r", UInt8(0x09), false),
            ("\u{FEFF}\"a;\r\nb\",phone,zip\r\n1,2,3\r\n", UInt8(ascii: ","), true),
            ("phone,zip", UInt8(ascii: ","), false),
        ] as [(String, UInt8, Bool)],
        [1, 2, 4096])
    func dialect(input: (String, UInt8, Bool), chunkSize: Int) throws {
        let records = try readCSVRecords(Array(input.0.utf8), chunkSize: chunkSize)
        let reader = try CSVReader(source: MemoryByteSource(Array(input.0.utf8), chunkSize: chunkSize))
        let expected = CSVDialect(delimiter: input.1, crlf: input.2)
        #expect(reader.columns.dialect == expected)
        #expect(records.allSatisfy { $0.columns.dialect == expected })
    }
}
