@testable import Export
import Foundation
import Ingest
import LeadModel
import Testing

@Suite("rejects.csv")
struct RejectsTests {
    @Test("round trip: original header plus leadspool_reason, original values neutralised, only invalid rows")
    func roundTrip() throws {
        try withTemporaryDirectory { directory in
            let rows = sampleRows()
            let (paths, summary) = try writeBatch(rows, in: directory)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(parsed[0] == sampleColumns.names + ["leadspool_reason"])
            #expect(parsed.count == 4)
            #expect(summary.rejects == 3)

            // Row 3: local problems; the publisher's values, with a `'` before each that a spreadsheet would
            // take for a formula (CONTRACT §6).
            let row3 = try #require(rows[2].1)
            #expect(Array(parsed[1].dropLast()) == row3.values.map { Self.neutralised($0.text) })
            #expect(parsed[1][0] == "'=HYPERLINK(\"http://evil\")")
            #expect(parsed[1][5] == "555, 0100")
            #expect(parsed[1][8] == "'+call me")
            #expect(
                parsed[1].last == "vertical \"boats\" is not known; phone \"555, 0100\" is not a 10-digit NANP number")

            // Row 6: the API's 422.
            let row6 = try #require(rows[5].1)
            #expect(Array(parsed[2].dropLast()) == row6.values.map { Self.neutralised($0.text) })
            #expect(parsed[2][0] == "'@6")
            #expect(parsed[2].last == "API: tcpa_timestamp is invalid")

            // Row 9: unreadable, so no values, only the reason.
            #expect(parsed[3] == Array(repeating: "", count: sampleColumns.names.count) + ["line 10: unbalanced quote"])

            // The header still maps to the same fields when the file is dropped again; the reason is unknown.
            let again = Columns(names: parsed[0])
            #expect(Array(again.fields.dropLast()) == sampleColumns.fields)
            #expect(again.fields.last == .some(nil))

            // Dropped again, the file reads as the publisher's values: the reader takes the `'` off.
            let reread = try CSVReader(source: FileByteSource(path: paths.rejectsCSV))
            let first = try #require(try reread.next())
            #expect(Array(first.values.map(\.text).dropLast()) == row3.values.map(\.text))
            let second = try #require(try reread.next())
            #expect(Array(second.values.map(\.text).dropLast()) == row6.values.map(\.text))
        }
    }

    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first, CSVCell.isFormulaTrigger(first) else { return text }
        return "'" + text
    }

    @Test("the reason cell is neutralised, since it is our text")
    func reasonNeutralised() throws {
        try withTemporaryDirectory { directory in
            let result = LeadResult(
                row: 1, outcome: .invalid, problems: [problem(.missingField, "phone", "", "-phone is missing")])
            let (paths, _) = try writeBatch([(result, sampleRaw(1, ["r1"]))], in: directory)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(parsed[1].last == "'-phone is missing")
            #expect(parsed[1].first == "r1")
        }
    }

    @Test("no rejects: the file still exists, with the header only")
    func headerOnly() throws {
        try withTemporaryDirectory { directory in
            let accepted = sampleRows().filter { $0.0.outcome == .accepted }
            let (paths, _) = try writeBatch(accepted, in: directory)
            #expect(
                try readText(paths.rejectsCSV) == sampleColumns.names.joined(separator: ",") + ",leadspool_reason\r\n")
            #expect(try Self.readBytes(paths.rejectsCSV).starts(with: [0xEF, 0xBB, 0xBF]))
        }
    }

    @Test("an empty batch has a rejects file with only leadspool_reason")
    func emptyBatch() throws {
        try withTemporaryDirectory { directory in
            let (paths, summary) = try writeBatch([], in: directory)
            // The BOM, so Excel reads UTF-8; the header ends in a line end although no row follows.
            #expect(try Self.readBytes(paths.rejectsCSV) == [0xEF, 0xBB, 0xBF] + Array("leadspool_reason\r\n".utf8))
            #expect(summary.rows == 0)
        }
    }

    @Test("JSONL input: the header is the union of the keys, in first-seen order")
    func jsonlUnion() throws {
        try withTemporaryDirectory { directory in
            func record(_ row: Int, _ pairs: KeyValuePairs<String, RawValue>) -> RawRecord {
                RawRecord(
                    row: row, line: row, byteOffset: 0, columns: Columns(names: pairs.map(\.key)),
                    values: pairs.map(\.value))
            }
            let invalid = { (row: Int) in
                LeadResult(
                    row: row, outcome: .invalid, problems: [problem(.zipInvalid, "zip", "1", "zip \"1\" is not valid")])
            }
            let rows: [(LeadResult, RawRecord?)] = [
                (
                    LeadResult(row: 1, outcome: .valid),
                    record(1, ["phone": .string("8135550100"), "zip": .string("33602")])
                ),
                (invalid(2), record(2, ["zip": .number("1"), "email": .string("a@b.co")])),
                (invalid(3), record(3, ["vehicle_year": .number("2021"), "phone": .null, "homeowner": .bool(true)])),
                (invalid(4), record(4, ["extra": .json("{\"a\":[1,2]}")])),
            ]
            let (paths, _) = try writeBatch(rows, in: directory, mode: .check)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(
                parsed == [
                    ["phone", "zip", "email", "vehicle_year", "homeowner", "extra", "leadspool_reason"],
                    ["", "1", "a@b.co", "", "", "", "zip \"1\" is not valid"],
                    ["", "", "", "2021", "true", "", "zip \"1\" is not valid"],
                    ["", "", "", "", "", "{\"a\":[1,2]}", "zip \"1\" is not valid"],
                ])
        }
    }

    @Test("duplicate header names and values past the header are kept in place")
    func duplicateAndExtraColumns() throws {
        try withTemporaryDirectory { directory in
            let columns = Columns(names: ["ref", "note", "note"])
            let raw = RawRecord(
                row: 1, line: 2, byteOffset: 0, columns: columns,
                values: [.string("r1"), .string("first"), .string("second"), .string("extra")])
            let short = RawRecord(row: 2, line: 3, byteOffset: 0, columns: columns, values: [.string("r2")])
            let invalid = LeadResult(
                row: 1, outcome: .invalid, problems: [problem(.missingField, "phone", nil, "phone is missing")])
            var second = invalid
            second.row = 2
            let (paths, _) = try writeBatch([(invalid, raw), (second, short)], in: directory)
            #expect(
                parseCSV(try readText(paths.rejectsCSV)) == [
                    ["ref", "note", "note", "", "leadspool_reason"],
                    ["r1", "first", "second", "extra", "phone is missing"],
                    ["r2", "", "", "", "phone is missing"],
                ])
        }
    }

    @Test("a re-dropped rejects file keeps its shape: the old leadspool_reason column takes the new reason")
    func redroppedRejects() throws {
        try withTemporaryDirectory { directory in
            let columns = Columns(names: ["ref", "phone", "leadspool_reason"])
            let raw = RawRecord(
                row: 1, line: 2, byteOffset: 0, columns: columns,
                values: [.string("r1"), .string("555"), .string("old reason")])
            let result = LeadResult(
                row: 1, outcome: .invalid,
                problems: [problem(.phoneInvalid, "phone", "555", "phone \"555\" is too short")])
            let (paths, _) = try writeBatch([(result, raw)], in: directory)
            #expect(
                parseCSV(try readText(paths.rejectsCSV)) == [
                    ["ref", "phone", "leadspool_reason"],
                    ["r1", "555", "phone \"555\" is too short"],
                ])
        }
    }

    @Test("--redact masks the phone and email columns of rejects too")
    func redacted() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(sampleRows(), in: directory, redact: true)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(parsed[1][4] == "b***@example.com")
            #expect(parsed[1][5] == "***")
            #expect(parsed[2][4] == "j***@example.com")
            #expect(parsed[2][5] == "41555***0123")
            #expect(parsed[1][2] == "Bob")
        }
    }

    static func readBytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The publisher's dialect, whichever way the file is written: straight, or spooled and rewritten
    /// because a later row is longer than the header.
    static func dialectRows(_ dialect: CSVDialect) -> [(LeadResult, RawRecord?)] {
        let columns = Columns(names: ["ref", "Nom", "note"], dialect: dialect)
        let invalid = LeadResult(
            row: 1, outcome: .invalid, problems: [problem(.zipInvalid, "zip", "1", "zip \"1\" is not valid; again")])
        var second = invalid
        second.row = 2
        return [
            (invalid, RawRecord(row: 1, line: 2, byteOffset: 0, columns: columns,
                values: [.string("r1"), .string("José"), .string("a;b, c")])),
            (second, RawRecord(row: 2, line: 3, byteOffset: 0, columns: columns,
                values: [.string("r2"), .string("Zoë"), .string("x"), .string("past the header")])),
        ]
    }

    @Test("`;` and LF input: rejects.csv in `;` and LF, with a BOM; cells holding `;` are quoted")
    func semicolonAndLF() throws {
        let dialect = CSVDialect(delimiter: UInt8(ascii: ";"), crlf: false)
        let expected =
            "\u{FEFF}ref;Nom;note;;leadspool_reason\n"
            + "r1;José;\"a;b, c\";;\"zip \"\"1\"\" is not valid; again\"\n"
            + "r2;Zoë;x;past the header;\"zip \"\"1\"\" is not valid; again\"\n"
        for direct in [true, false] {
            let bytes = try RejectsDirectTests.rejectsBytes(Self.dialectRows(dialect), direct: direct, redact: false)
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "direct: \(direct)")
        }
    }

    @Test("CRLF input: CRLF line ends; a header-only batch still ends its header line", arguments: [true, false])
    func crlf(crlf: Bool) throws {
        let dialect = CSVDialect(delimiter: UInt8(ascii: ";"), crlf: crlf)
        let end = crlf ? "\r\n" : "\n"
        let rows = Self.dialectRows(dialect)
        let bytes = try RejectsDirectTests.rejectsBytes(rows, direct: true, redact: false)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}ref;Nom;note;;leadspool_reason" + end))
        #expect(text.hasSuffix("again\"" + end))
        #expect(text.utf8.filter { $0 == 0x0D }.count == (crlf ? 3 : 0))
        // Nothing rejected: the header line alone, with its line end.
        let valid = rows.map { (LeadResult(row: $0.0.row, outcome: .valid), $0.1) }
        let headerOnly = try RejectsDirectTests.rejectsBytes(valid, direct: true, redact: false)
        #expect(String(decoding: headerOnly, as: UTF8.self) == "\u{FEFF}ref;Nom;note;leadspool_reason" + end)
    }

    @Test("many rejected rows stream through the spool in order")
    func manyRows() throws {
        try withTemporaryDirectory { directory in
            let count = 20_000
            let reason = String(repeating: "long reason ", count: 10)
            let rows: [(LeadResult, RawRecord?)] = (1...count).map { row in
                (
                    LeadResult(row: row, outcome: .invalid, problems: [problem(.fieldInvalid, nil, nil, reason)]),
                    sampleRaw(row, ["ref-\(row)", "solar", "N", "M", "x@y.z", "1", "2", "3", "note, with comma"])
                )
            }
            let (paths, _) = try writeBatch(rows, in: directory)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(parsed.count == count + 1)
            #expect(parsed.dropFirst().map { $0[0] } == (1...count).map { "ref-\($0)" })
            #expect(parsed.dropFirst().allSatisfy { $0[8] == "note, with comma" && $0[9] == reason })
        }
    }
}

/// Rejected rows go straight to `rejects.csv` while they fit its header, and the file is written again
/// when a later row adds columns: the bytes must be those of spooling every row and writing at the end.
@Suite("rejects.csv written directly")
struct RejectsDirectTests {
    /// A small deterministic generator (SplitMix64), so a failing case can be replayed.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    static let cells = [
        "", "plain", "with, comma", "say \"hi\"", "line\nbreak", "cr\rhere", "=SUM(A1)", "+1 813 555 0100",
        "m@example.com", "José", "  spaced  ", "-minus", "@at",
    ]
    static let keys = ["ref", "phone", "email", "zip", "note", "note", "vehicle_year", "leadspool_reason", "extra"]

    /// `count` rows of one batch: CSV-like (one header, rows shorter or longer than it) or JSONL-like (each
    /// record its own keys), some valid, some rejected, some unreadable or without a record.
    static func rows(seed: UInt64, count: Int, jsonl: Bool) -> [(LeadResult, RawRecord?)] {
        var g = Generator(state: seed)
        let header = Columns(names: Array(keys.prefix(2 + g.below(keys.count - 1))))
        // JSONL lines with the same keys may share one `Columns` (the reader reuses them).
        var shared: [Columns] = []
        return (1...count).map { row in
            let reason = "reason \(row) " + cells[g.below(cells.count)]
            let result: LeadResult =
                g.chance(60)
                ? LeadResult(row: row, outcome: .invalid, problems: [Problem(.fieldInvalid, field: "note", value: "x", text: reason)])
                : LeadResult(row: row, outcome: .valid)
            if g.chance(5) { return (result, nil) }
            let columns: Columns
            if jsonl {
                if !shared.isEmpty, g.chance(70) {
                    columns = shared[g.below(shared.count)]
                } else {
                    var names: [String] = []
                    for key in keys where g.chance(40) && !names.contains(key) { names.append(key) }
                    columns = Columns(names: names)
                    if shared.count < 3 { shared.append(columns) }
                }
            } else {
                columns = header
            }
            if g.chance(5) {
                return (result, RawRecord(row: row, line: row, byteOffset: 0, columns: columns, values: [], unreadable: "line \(row): unbalanced quote"))
            }
            let width = jsonl ? columns.names.count : max(0, columns.names.count + g.below(5) - 3 + (g.chance(3) ? 3 : 0))
            let values: [RawValue] = (0..<width).map { _ in
                switch g.below(10) {
                case 0: .null
                case 1: .bool(g.chance(50))
                case 2: .number("\(g.below(100_000))")
                default: .string(cells[g.below(cells.count)])
                }
            }
            return (result, RawRecord(row: row, line: row, byteOffset: 0, columns: columns, values: values))
        }
    }

    static func rejectsBytes(_ rows: [(LeadResult, RawRecord?)], direct: Bool, redact: Bool) throws -> [UInt8] {
        try withTemporaryDirectory { directory in
            let writer = try BatchReportWriter(
                batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: directory, redact: redact),
                rejectsStraightToFile: direct)
            for (result, raw) in rows { try writer.add(result, raw: raw) }
            let paths = try writer.finish(summary: summaryInputs(mode: .check))
            // Only the five reports are left: no spool, no replaced temporary file.
            #expect(try directoryEntries(directory).count == 5)
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: paths.rejectsCSV)))
        }
    }

    @Test("same bytes as the spool, for CSV-like and JSONL-like batches", arguments: 0..<24)
    func sameBytesAsTheSpool(seed: Int) throws {
        let jsonl = seed % 2 == 1
        let redact = seed % 3 == 0
        let rows = Self.rows(seed: UInt64(seed) &* 7919, count: 1 + seed * 37 % 400, jsonl: jsonl)
        let direct = try Self.rejectsBytes(rows, direct: true, redact: redact)
        let spooled = try Self.rejectsBytes(rows, direct: false, redact: redact)
        #expect(direct == spooled, "seed \(seed): \(direct.count) bytes written directly, \(spooled.count) spooled")
    }

    @Test("a CSV batch whose rows fit the header: every rejected row in the file, in order")
    func fittingRowsInOrder() throws {
        let columns = Columns(names: ["ref", "phone", "note"])
        let rows: [(LeadResult, RawRecord?)] = (1...5_000).map { row in
            (
                LeadResult(row: row, outcome: row % 3 == 0 ? .valid : .invalid,
                    problems: row % 3 == 0 ? [] : [Problem(.fieldInvalid, field: "note", value: "x", text: "bad, \(row)")]),
                RawRecord(row: row, line: row + 1, byteOffset: 0, columns: columns,
                    values: [.string("r\(row)"), .string("813555\(row)"), .string("a \"q\"\nb")])
            )
        }
        let bytes = try Self.rejectsBytes(rows, direct: true, redact: false)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let parsed = parseCSV(String(decoding: bytes.dropFirst(3), as: UTF8.self))
        #expect(parsed.first == ["ref", "phone", "note", "leadspool_reason"])
        let expected = (1...5_000).filter { $0 % 3 != 0 }
        #expect(parsed.dropFirst().map { $0[0] } == expected.map { "r\($0)" })
        #expect(parsed.dropFirst().allSatisfy { $0[2] == "a \"q\"\nb" && $0[3].hasPrefix("bad, ") })
        #expect(bytes == (try Self.rejectsBytes(rows, direct: false, redact: false)))
    }
}

@Suite("CSV row splitter")
struct CSVRowSplitterTests {
    @Test("rows and their last cells, whatever the chunk sizes", arguments: [1, 2, 3, 7, 64, 100_000])
    func splitsRows(chunk: Int) throws {
        let rows = [
            "a,b,c\r\n", "\"x, y\",\"line\r\nbreak\",last\r\n", "only\r\n", ",,\r\n", "\"q \"\"\",\"\"\r\n",
            "\"cr\rin\",\"lf\nin\"\r\n",
        ]
        let expectedLast = ["c", "last", "only", "", "\"\"", "\"lf\nin\""]
        let bytes = Array(rows.joined().utf8)
        var splitter = CSVRowSplitter(dialect: .standard)
        var seen: [(String, String)] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try bytes[start..<end].withUnsafeBufferPointer { piece in
                try splitter.feed(piece) { row, lastCell in
                    seen.append((String(decoding: row, as: UTF8.self), String(decoding: row[lastCell..<(row.count - 2)], as: UTF8.self)))
                }
            }
            start = end
        }
        #expect(splitter.isEmpty)
        #expect(seen.map(\.0) == rows)
        #expect(seen.map(\.1) == expectedLast)
    }

    @Test("`;` and LF rows", arguments: [1, 3, 100])
    func semicolonRows(chunk: Int) throws {
        let rows = ["a;b,c\n", "\"x; y\";\"line\nbreak\";last\n", "only\n"]
        let bytes = Array(rows.joined().utf8)
        var splitter = CSVRowSplitter(dialect: CSVDialect(delimiter: UInt8(ascii: ";"), crlf: false))
        var seen: [(String, String)] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            try bytes[start..<end].withUnsafeBufferPointer { piece in
                try splitter.feed(piece) { row, lastCell in
                    seen.append(
                        (String(decoding: row, as: UTF8.self),
                         String(decoding: row[lastCell..<(row.count - 1)], as: UTF8.self)))
                }
            }
            start = end
        }
        #expect(splitter.isEmpty)
        #expect(seen.map(\.0) == rows)
        #expect(seen.map(\.1) == ["b,c", "last", "only"])
    }
}
