import Export
import Foundation
import Ingest
import Pipeline
import Testing

@Suite("rejects.csv")
struct RejectsTests {
    @Test("round trip: original header plus leadspool_reason, original values untouched, only invalid rows")
    func roundTrip() throws {
        try withTemporaryDirectory { directory in
            let rows = sampleRows()
            let (paths, summary) = try writeBatch(rows, in: directory)
            let parsed = parseCSV(try readText(paths.rejectsCSV))
            #expect(parsed[0] == sampleColumns.names + ["leadspool_reason"])
            #expect(parsed.count == 4)
            #expect(summary.rejects == 3)

            // Row 3: local problems; values exactly as the publisher sent them (no `'` added).
            let row3 = try #require(rows[2].1)
            #expect(Array(parsed[1].dropLast()) == row3.values.map(\.text))
            #expect(parsed[1][0] == "=HYPERLINK(\"http://evil\")")
            #expect(parsed[1][5] == "555, 0100")
            #expect(parsed[1][8] == "+call me")
            #expect(
                parsed[1].last == "vertical \"boats\" is not known; phone \"555, 0100\" is not a 10-digit NANP number")

            // Row 6: the API's 422.
            let row6 = try #require(rows[5].1)
            #expect(Array(parsed[2].dropLast()) == row6.values.map(\.text))
            #expect(parsed[2].last == "API: tcpa_timestamp is invalid")

            // Row 9: unreadable, so no values, only the reason.
            #expect(parsed[3] == Array(repeating: "", count: sampleColumns.names.count) + ["line 10: unbalanced quote"])

            // The header still maps to the same fields when the file is dropped again; the reason is unknown.
            let again = Columns(names: parsed[0])
            #expect(Array(again.fields.dropLast()) == sampleColumns.fields)
            #expect(again.fields.last == .some(nil))
        }
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
        }
    }

    @Test("an empty batch has a rejects file with only leadspool_reason")
    func emptyBatch() throws {
        try withTemporaryDirectory { directory in
            let (paths, summary) = try writeBatch([], in: directory)
            #expect(try readText(paths.rejectsCSV) == "leadspool_reason\r\n")
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
