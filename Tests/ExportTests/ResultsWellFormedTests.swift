import Export
import Foundation
import Ingest
import LeadModel
import Testing

/// Every text cell of `results.csv` and `results.jsonl` holds control characters, quotes, commas, line
/// breaks and non-ASCII text; parsers that are not ours (Python's `csv` and `json`, Foundation's
/// `JSONSerialization`) read the files back and find every value intact.
@Suite("results files stay well-formed whatever the cells hold")
struct ResultsWellFormedTests {
    /// Every C0 control character and DEL, then the characters CSV and JSON treat specially, non-ASCII
    /// text and the starts a spreadsheet would read as a formula.
    static let nastyValues: [String] = {
        let controls = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\u{7F}"]
        var values = controls.map { "a\($0)b" }
        values += [
            "\"", "\"\"", ",", "a,\"b\",c", "\r\n", "line\nbreak", "\r", "\\", "\\u0000", "</script>",
            "zoë Ærø 中文 🙂", "=1+1", "+18135550100", "-5", "@SUM(A1)", "\tlead", "\rlead", "\u{2028}\u{2029}",
            String(repeating: "\"\u{1}\n,", count: 300),
        ]
        return values
    }()

    static func rows() -> [(LeadResult, RawRecord?)] {
        nastyValues.enumerated().map { (i, value) in
            let result = LeadResult(
                row: i + 1, ref: value, vertical: value, outcome: i % 2 == 0 ? .accepted : .invalid,
                problems: [Problem(.phoneInvalid, field: "phone", value: value, text: value)],
                httpStatus: 200, attempts: 1, leadID: value, bidAmount: 1.5, phone: value, zip: value, email: value,
                submittedAt: value, latencyMs: i, publisher: value)
            return (result, nil)
        }
    }

    /// The text columns, as the CSV header names them; each holds the row's value.
    static let textColumns = ["ref", "vertical", "reason", "lead_id", "phone", "zip", "email", "submitted_at"]

    @Test("results.csv read by Python's csv module: every cell is the value (neutralised where it must be)")
    func csvParsedByPython() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(Self.rows(), in: directory)
            let script = """
                import csv, json, sys
                with open(sys.argv[1], newline="", encoding="utf-8", errors="strict") as f:
                    print(json.dumps(list(csv.reader(f, strict=True))))
                """
            let output = try runPython(script, paths.resultsCSV)
            let table = try #require(try JSONSerialization.jsonObject(with: output) as? [[String]])
            #expect(table.count == Self.nastyValues.count + 1)
            let header = try #require(table.first)
            #expect(header.count == 16)
            for (i, value) in Self.nastyValues.enumerated() {
                let cells = table[i + 1]
                #expect(cells.count == header.count, "row \(i + 1)")
                let trigger = value.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
                let expected = trigger ? "'" + value : value
                for column in Self.textColumns {
                    let index = try #require(header.firstIndex(of: column))
                    #expect(cells[index] == expected, "row \(i + 1), \(column)")
                }
                #expect(cells[header.firstIndex(of: "reason_code")!] == "PHONE_INVALID")
            }
        }
    }

    @Test("results.jsonl read by Python's json module and by JSONSerialization: every value intact")
    func jsonlParsedByOthers() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(Self.rows(), in: directory)
            let script = """
                import json, sys
                with open(sys.argv[1], "rb") as f:
                    raw = f.read()
                assert raw.endswith(b"\\n")
                print(json.dumps([json.loads(line) for line in raw.decode("utf-8", "strict").split("\\n")[:-1]]))
                """
            let fromPython = try #require(
                try JSONSerialization.jsonObject(with: runPython(script, paths.resultsJSONL)) as? [[String: Any]])
            let data = try Data(contentsOf: URL(fileURLWithPath: paths.resultsJSONL))
            let lines = data.split(separator: UInt8(ascii: "\n"))
            let fromFoundation = try lines.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
            }
            #expect(lines.count == Self.nastyValues.count)
            for objects in [fromPython, fromFoundation] {
                #expect(objects.count == Self.nastyValues.count)
                for (object, value) in zip(objects, Self.nastyValues) {
                    for column in Self.textColumns + ["publisher"] {
                        #expect(object[column] as? String == value, "\(column) of \(value.debugDescription)")
                    }
                    #expect(object["reason_codes"] as? [String] == ["PHONE_INVALID"])
                    #expect(object["batch"] as? String == testBatch)
                }
            }
        }
    }

    private func runPython(_ script: String, _ argument: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, argument]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        return data
    }
}
