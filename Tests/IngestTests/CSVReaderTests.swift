import Testing

@testable import Ingest

/// Reads every record of `text` fed `chunkSize` bytes at a time; values as strings.
func readCSV(_ text: String, chunkSize: Int = 1 << 16, maxRecordBytes: Int = 1 << 20) throws -> [[String]] {
    try readCSVRecords(Array(text.utf8), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes).map { record in
        if let reason = record.unreadable { return ["!unreadable", reason] }
        return record.values.map(\.text)
    }
}

func readCSVRecords(_ bytes: [UInt8], chunkSize: Int = 1 << 16, maxRecordBytes: Int = 1 << 20) throws -> [RawRecord] {
    let configuration = ReaderConfiguration(maxRecordBytes: maxRecordBytes, chunkSize: max(chunkSize, 1 << 12))
    let reader = try CSVReader(source: MemoryByteSource(bytes, chunkSize: chunkSize), configuration: configuration)
    var out: [RawRecord] = []
    while let record = try reader.next() { out.append(record) }
    return out
}

struct CSVCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: String
    var expected: [[String]]
    var testDescription: String { name }
}

let csvCases: [CSVCase] = [
    CSVCase(name: "plain LF", input: "phone,zip\n1,2\n3,4\n", expected: [["1", "2"], ["3", "4"]]),
    CSVCase(name: "CRLF", input: "phone,zip\r\n1,2\r\n3,4\r\n", expected: [["1", "2"], ["3", "4"]]),
    CSVCase(name: "CR only", input: "phone,zip\r1,2\r3,4\r", expected: [["1", "2"], ["3", "4"]]),
    CSVCase(name: "no final newline", input: "phone,zip\n1,2\n3,4", expected: [["1", "2"], ["3", "4"]]),
    CSVCase(name: "header only", input: "phone,zip\n", expected: []),
    CSVCase(name: "header only without newline", input: "phone,zip", expected: []),
    CSVCase(name: "empty fields", input: "phone,zip,email\n,,\n1,,3\n", expected: [["", "", ""], ["1", "", "3"]]),
    CSVCase(name: "trailing delimiter", input: "phone,zip\n1,2,\n", expected: [["1", "2", ""]]),
    CSVCase(name: "quoted comma", input: "phone,tcpa_text\n1,\"a, b\"\n", expected: [["1", "a, b"]]),
    CSVCase(
        name: "quotes inside quoted field", input: "phone,tcpa_text\n1,\"say \"\"yes\"\"\"\n",
        expected: [["1", "say \"yes\""]]),
    CSVCase(name: "quoted empty", input: "phone,zip\n\"\",2\n", expected: [["", "2"]]),
    CSVCase(
        name: "quoted newline LF", input: "phone,tcpa_text\n1,\"line1\nline2\"\n2,x\n",
        expected: [["1", "line1\nline2"], ["2", "x"]]),
    CSVCase(
        name: "quoted newline CRLF", input: "phone,tcpa_text\r\n1,\"a\r\nb\"\r\n", expected: [["1", "a\r\nb"]]),
    CSVCase(name: "stray quote inside unquoted field", input: "phone,zip\n1a\"b,2\n", expected: [["1a\"b", "2"]]),
    CSVCase(name: "bytes after closing quote", input: "phone,zip\n\"ab\"cd,2\n", expected: [["abcd", "2"]]),
    CSVCase(name: "semicolon sniffed", input: "phone;zip;tcpa_text\n1;2;\"a,b\"\n", expected: [["1", "2", "a,b"]]),
    CSVCase(name: "tab sniffed", input: "phone\tzip\n1\t2\n", expected: [["1", "2"]]),
    CSVCase(name: "BOM", input: "\u{FEFF}phone,zip\n1,2\n", expected: [["1", "2"]]),
    CSVCase(name: "blank lines skipped", input: "phone,zip\n\n1,2\n\n\n3,4\n", expected: [["1", "2"], ["3", "4"]]),
    CSVCase(name: "short and long rows", input: "phone,zip\n1\n1,2,3\n", expected: [["1"], ["1", "2", "3"]]),
    CSVCase(name: "utf8 values", input: "first_name,zip\nJosé,2\nZoë,3\n", expected: [["José", "2"], ["Zoë", "3"]]),
    CSVCase(
        name: "quote left open, closed by a later line's quote", input: "phone,tcpa_text\n1,\"a\n2,\"b\"\n3,c\n",
        expected: [
            [
                "!unreadable",
                "unbalanced quote: a quoted field on line 2 is not closed on its line "
                    + "(the next quote is on a later line)",
            ],
            ["2", "b"], ["3", "c"],
        ]),
    CSVCase(
        name: "quoted line break, then bytes after the closing quote", input: "phone,tcpa_text\n1,\"a\nb\"c\n2,d\n",
        expected: [
            [
                "!unreadable",
                "unbalanced quote: a quoted field on line 2 is not closed on its line "
                    + "(the next quote is on a later line)",
            ],
            ["b\"c"], ["2", "d"],
        ]),
    CSVCase(
        name: "quote left open, closed by a later line's quote before a delimiter",
        input: "phone,tcpa_text\n1,\"a\n2,b\",c\n3,d\n",
        expected: [
            [
                "!unreadable",
                "unbalanced quote: a quoted field on line 2 is not closed on its line (the next quote is on a later line)",
            ],
            ["2", "b\"", "c"], ["3", "d"],
        ]),
    CSVCase(
        name: "quoted consent text over lines, listing partners",
        input: "phone,zip,tcpa_text,tcpa_url\n1,2,\"By clicking, you agree\nto calls from Acme, Beta, Gamma, Delta, Epsilon, Zeta\",u\n",
        expected: [["1", "2", "By clicking, you agree\nto calls from Acme, Beta, Gamma, Delta, Epsilon, Zeta", "u"]]),
    CSVCase(
        name: "quote left open in an early column, closed by a later line's quote before a delimiter",
        input: "phone,first_name,zip,tcpa_text\n1,\"Ann,2,t\n3,Bo,4,t5\",x\n6,Cy,7,t\n",
        expected: [
            [
                "!unreadable",
                "unbalanced quote: a quoted field on line 2 is not closed on its line (the next quote is on a later line)",
            ],
            ["3", "Bo", "4", "t5\"", "x"], ["6", "Cy", "7", "t"],
        ]),
    CSVCase(
        name: "quoted line break in a record as long as the header", input: "phone,tcpa_text\n\"1\",\"a\nb\"\n2,c\n",
        expected: [["1", "a\nb"], ["2", "c"]]),
    CSVCase(
        name: "unterminated quote at end", input: "phone,zip\n1,2\n\"3,4\n5,6\n",
        expected: [
            ["1", "2"], ["!unreadable", "unbalanced quote: the quoted field starting at line 3 never ends"], ["5", "6"],
        ]),
]

@Suite struct CSVReaderTests {
    @Test(arguments: csvCases, [1, 7, 1 << 16])
    func tokenizes(_ testCase: CSVCase, chunkSize: Int) throws {
        #expect(try readCSV(testCase.input, chunkSize: chunkSize) == testCase.expected)
    }

    @Test(arguments: [1, 7, 1 << 16])
    func rowAndLineNumbers(chunkSize: Int) throws {
        let text = "phone,tcpa_text\n1,\"a\nb\"\n\n2,x\r\n3,y"
        let records = try readCSVRecords(Array(text.utf8), chunkSize: chunkSize)
        #expect(records.map(\.row) == [1, 2, 3])
        #expect(records.map(\.line) == [2, 5, 6])
        #expect(records.map(\.byteOffset) == [16, 25, 30])
    }

    @Test func headerAliasesMapToFields() throws {
        let reader = try CSVReader(
            source: MemoryByteSource("First Name,LNAME,E-mail,Phone Number,ZIP Code,Consent Timestamp,campaign\n"))
        #expect(reader.columns.fields[0] == .firstName)
        #expect(reader.columns.fields[1] == .lastName)
        #expect(reader.columns.fields[2] == .email)
        #expect(reader.columns.fields[3] == .phone)
        #expect(reader.columns.fields[4] == .zip)
        #expect(reader.columns.fields[5] == .tcpaTimestamp)
        #expect(reader.columns.fields[6] == nil)
        #expect(reader.columns.names[6] == "campaign")
    }

    @Test func refAliases() throws {
        for name in ["ref", "Lead Ref", "external_id", "EXTERNAL-ID", "publisher_lead_id"] {
            let reader = try CSVReader(source: MemoryByteSource("phone,\(name)\n"))
            #expect(reader.columns.index(of: .ref) == 1, "\(name)")
        }
    }

    @Test(arguments: [7, 1 << 16])
    func oneMebibyteField(chunkSize: Int) throws {
        let big = String(repeating: "x", count: 1 << 20)
        let rows = try readCSV("phone,tcpa_text\n1,\"\(big)\"\n2,y\n", chunkSize: chunkSize, maxRecordBytes: 2 << 20)
        #expect(rows.count == 2)
        #expect(rows[0][1].utf8.count == 1 << 20)
        #expect(rows[1] == ["2", "y"])
    }

    @Test(arguments: [7, 1 << 16])
    func recordLongerThanLimitIsUnreadableAndReadingResumes(chunkSize: Int) throws {
        // An unbalanced quote swallows the rest of the file; with a small limit the record is cut
        // off and reading resumes on the line after the one where it started.
        var text = "phone,zip\n1,2\n\"3,4\n"
        for i in 0..<200 { text += "\(i),x\n" }
        let rows = try readCSV(text, chunkSize: chunkSize, maxRecordBytes: 256)
        #expect(rows[0] == ["1", "2"])
        #expect(rows[1][0] == "!unreadable")
        #expect(rows[1][1].contains("longer than 256 bytes"))
        #expect(rows[1][1].contains("line 3"))
        #expect(rows.count == 202)
        #expect(rows[2] == ["0", "x"])
        #expect(rows.last == ["199", "x"])
    }

    @Test(arguments: [1, 7, 1 << 16])
    func anUnbalancedQuoteKeepsTheCellsOfItsFirstLine(chunkSize: Int) throws {
        let text = "ref,phone,tcpa_text\nA1,555,\"ok\"\nA2,556,\"open\nA3,557,\"closed\"\n"
        let records = try readCSVRecords(Array(text.utf8), chunkSize: chunkSize)
        #expect(records.count == 3)
        #expect(records[1].unreadable?.contains("line 3") == true)
        #expect(records[1].values.map(\.text) == ["A2", "556", "open"])
        #expect(records[2].values.map(\.text) == ["A3", "557", "closed"])
    }

    @Test(arguments: [1, 7, 1 << 16])
    func invalidUTF8IsUnreadableWithOffset(chunkSize: Int) throws {
        var bytes = Array("phone,zip\n1,2\n".utf8)
        bytes += [0x33, 0x2C, 0xC3, 0x28, 0x0A]  // "3,<bad>(\n"
        bytes += Array("5,6\n".utf8)
        let records = try readCSVRecords(bytes, chunkSize: chunkSize)
        #expect(records.count == 3)
        #expect(records[1].unreadable == "invalid UTF-8 at byte 16")
        #expect(records[1].line == 3)
        #expect(records[2].values.map(\.text) == ["5", "6"])
    }

    @Test func emptyFileIsUnreadable() {
        #expect(throws: IngestError.self) { try CSVReader(source: MemoryByteSource("")) }
    }

    @Test func firstLineWithoutKnownColumnsIsNoHeader() {
        do {
            _ = try CSVReader(source: MemoryByteSource("8135550100,33601,bob@example.com,+1 (813) 555-0100,Jane\n"))
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.message.contains("no header"))
            // The line is a lead: the reason (logged, and written to failed/) quotes none of its contact data.
            #expect(error.message.contains("(<a number>, <a number>, <an email address>, <a number>, \"Jane\")"))
            for pii in ["8135550100", "bob@", "555-0100"] { #expect(!error.message.contains(pii)) }
        }
    }

    /// A cell leadspool's CSV outputs neutralised (`'` before `=`, `+`, `-`, `@`, TAB or CR) reads without
    /// the `'`, quoted or not; any other cell keeps its `'`.
    @Test func neutralisedCellsLoseTheirApostrophe() throws {
        let rows = try readCSV(
            "phone,a,b,c,d,e\n'+18135550100,'=SUM(A1),\"'-5, or so\",'@x,'hello,'\n"
                + "\"'\t1\",''=x,'',\"'\"\"=\",\"'\r\",=y\n")
        #expect(rows[0] == ["+18135550100", "=SUM(A1)", "-5, or so", "@x", "'hello", "'"])
        #expect(rows[1] == ["\t1", "''=x", "''", "'\"=", "\r", "=y"])
    }

    /// A NUL byte in a data record makes that record unreadable, named with the byte's place; the rest of the
    /// file goes on.
    @Test(arguments: [7, 1 << 16])
    func aNULByteSpoilsOnlyItsRecord(chunkSize: Int) throws {
        let text = "phone,ref\n1,a\n2,\"b\u{0}c\"\n3,d\n"
        let nul = try #require(Array(text.utf8).firstIndex(of: 0))
        let rows = try readCSV(text, chunkSize: chunkSize)
        #expect(rows.count == 3)
        #expect(rows[0] == ["1", "a"])
        #expect(rows[1] == ["!unreadable", "NUL byte at byte \(nul)"])
        #expect(rows[2] == ["3", "d"])
    }

    /// A column under the field's own name wins over an alias before it; among aliases the first wins.
    @Test(arguments: [
        ("mobile,phone,postal,zip,Phone\n", [nil, .phone, nil, .zip, nil]),
        ("cell,mobile,Zip Code,email\n", [.phone, nil, .zip, .email]),
        ("Phone Number,Mobile\n", [.phone, nil]),
    ] as [(String, [CanonicalField?])])
    func ownNameWinsOverAliases(header: String, fields: [CanonicalField?]) throws {
        let reader = try CSVReader(source: MemoryByteSource(header))
        #expect(reader.columns.fields == fields)
    }

    /// A field named by two columns (the same name twice, or its name and an alias): the chosen column is read,
    /// and the other one where the chosen one is empty.
    @Test func aFieldNamedTwiceFallsBackToItsOtherColumn() throws {
        let records = try readCSVRecords(Array("phone,zip,phone,mobile\n,33602,8135550100,\n8135550101,33602,,8135550102\n,,,8135550103\n".utf8))
        #expect(records.map { $0[.phone]?.text } == ["8135550100", "8135550101", "8135550103"])
        #expect(records[0].columns.fields == [.phone, .zip, nil, nil])
    }

    @Test func binaryFileIsUnreadable() {
        do {
            _ = try CSVReader(source: MemoryByteSource([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x41]))
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("not a text file"))
        }
    }

    /// UTF-16 (a spreadsheet's "Unicode Text" export), with or without its byte order mark, is named as such.
    @Test(arguments: [
        [0xFF, 0xFE] + Array("phone,zip\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
        Array("phone,zip\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
    ] as [[UInt8]])
    func utf16IsNamed(_ bytes: [UInt8]) {
        do {
            _ = try CSVReader(source: MemoryByteSource(bytes))
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("UTF-16 text, not UTF-8"), "\(error.message)")
        }
        do {
            _ = try JSONLReader(source: MemoryByteSource(bytes))
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("UTF-16 text, not UTF-8"), "\(error.message)")
        }
    }

    /// The scanner looks at eight bytes at a time: every delimiter, quote and line end must be found at
    /// each offset within a word, beside non-ASCII bytes, and in values longer than a word.
    @Test(arguments: 0..<17)
    func findsSeparatorsAtEveryOffsetOfAWord(_ offset: Int) throws {
        let pad = String(repeating: "é", count: offset / 2) + String(repeating: "x", count: offset % 2)
        let long = pad + "-abcdefghijklmnopqrstuvwxyz"
        let input =
            "phone,tcpa_text,zip\n"
            + "\(pad),\"\(pad)\"\"q\",\(long)\n"
            + "\(long),\"\(pad)\nnext line\",\(pad)\r\n"
            + "\(pad);x,\"\(long)\r\(pad)\",z\r"
            + "a,\"\",\(pad)"
        let expected = [
            [pad, pad + "\"q", long],
            [long, pad + "\nnext line", pad],
            [pad + ";x", long + "\r" + pad, "z"],
            ["a", "", pad],
        ]
        for chunkSize in [1, 7, 1 << 16] {
            #expect(try readCSV(input, chunkSize: chunkSize) == expected)
        }
        let lines = try readCSVRecords(Array(input.utf8)).map(\.line)
        #expect(lines == [2, 3, 5, 7])
    }

    /// A long value equal to the one above it in the same column shares that row's string; a value of the
    /// same length but other bytes must not.
    @Test func repeatedLongValuesAreSharedAndOthersAreNot() throws {
        let consent = "I agree to be contacted by phone and text at the number above."
        let other = String(consent.reversed())
        let input = "phone,tcpa_text\n1,\(consent)\n2,\(consent)\n3,\(other)\n4,\"\(consent)\"\n5,\(consent)x\n"
        let values = try readCSV(input).map { $0[1] }
        #expect(values == [consent, consent, other, consent, consent + "x"])
        let records = try readCSVRecords(Array(input.utf8))
        func storage(_ record: RawRecord) -> UnsafeRawPointer? {
            guard case .string(var s) = record.values[1] else { return nil }
            return s.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(storage(records[0]) == storage(records[1]))
        #expect(storage(records[1]) != storage(records[2]))
        #expect(storage(records[2]) != storage(records[3]))
    }
}
