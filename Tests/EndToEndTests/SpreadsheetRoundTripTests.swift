import Foundation
import Testing

/// A publisher's round trip on the Windows-1252 Excel export (`excel-windows-1252-dates.csv`): check, repair
/// the offending cells of rejects.csv the way a small script would, save it as Excel on Windows does (Windows-
/// 1252, `;`, CRLF), check again: every row is valid, and every name went through byte-identical after decoding.
@Suite struct SpreadsheetRoundTripTests {
    static let fixture = SpreadsheetGoldenTests.fixtures.appendingPathComponent("excel-windows-1252-dates.csv")

    /// The fixes a publisher makes, by Lead ID and column, to the rows rejects.csv lists.
    static let fixes: [String: [String: String]] = [
        "XL-0103": ["Cell Phone": "(813) 247-2003"],
        "XL-0105": ["E-mail": "sofia.nunez@example.com"],
        "XL-0107": ["Consent Date": "11/12/2026 9:45 AM"],
        "XL-0108": ["Consent Date": "11/12/2026 10:01 PM"],
    ]

    /// The CSV at `path` (`;`, optionally after a UTF-8 BOM) decoded from `encoding`, keyed by Lead ID.
    static func rows(_ data: Data, _ encoding: String.Encoding) throws -> (header: [String], byRef: [String: [String]]) {
        var text = try #require(String(data: data, encoding: encoding))
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let rows = parseCSV(text, delimiter: UInt8(ascii: ";"))
        let header = try #require(rows.first)
        let ref = try #require(header.firstIndex(of: "Lead ID"))
        return (header, Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[ref], $0) }))
    }

    static func report(_ work: TemporaryDirectory, _ suffix: String) throws -> Data {
        let names = try FileManager.default.contentsOfDirectory(atPath: work.path("reports"))
        let name = try #require(names.first { $0.hasSuffix(suffix) }, "\(suffix) in \(names)")
        return try Data(contentsOf: URL(fileURLWithPath: work.path("reports/" + name)))
    }

    @Test func fixedRejectsOfAWindowsExportAreAllValidWithTheirNamesIntact() throws {
        let settings = SpreadsheetGoldenTests.excelSettings
        let original = try Self.rows(Data(contentsOf: Self.fixture), .windowsCP1252)

        // 1. check: four rows to fix, written back in the publisher's dialect.
        let first = try TemporaryDirectory("leadspool-roundtrip")
        let stdout = try SpreadsheetGoldenTests.check(Self.fixture.path, settings: settings, in: first)
        #expect(stdout.contains("8 rows: 4 valid, 4 invalid"), "\(stdout)")
        let rejectsData = try Self.report(first, ".rejects.csv")
        #expect(rejectsData.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with a BOM")
        #expect(String(decoding: rejectsData, as: UTF8.self).contains("\r\n"), "the input's CRLF")
        let rejects = try Self.rows(rejectsData, .utf8)
        #expect(rejects.header == original.header + ["leadspool_reason"])
        #expect(rejects.byRef.keys.sorted() == Self.fixes.keys.sorted())

        // 2. The script: repair the named cells, drop leadspool_reason, save as Windows-1252 with `;` and CRLF.
        var lines = [original.header]
        for (ref, row) in rejects.byRef.sorted(by: { $0.key < $1.key }) {
            var row = Array(row.dropLast())
            for (column, value) in Self.fixes[ref] ?? [:] {
                row[try #require(original.header.firstIndex(of: column))] = value
            }
            lines.append(row)
        }
        let csv = lines.map { row in
            row.map { $0.contains(";") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ";")
        }.joined(separator: "\r\n") + "\r\n"
        let second = try TemporaryDirectory("leadspool-roundtrip")
        let fixedPath = second.path("excel-windows-1252-fixed.csv")
        let fixedData = try #require(csv.data(using: .windowsCP1252), "every name is a Windows-1252 character")
        try fixedData.write(to: URL(fileURLWithPath: fixedPath))

        // Every name, through rejects.csv and the script, is the original's after decoding, byte for byte.
        let fixed = try Self.rows(fixedData, .windowsCP1252)
        for column in ["First Name", "Last Name"] {
            let index = try #require(original.header.firstIndex(of: column))
            for ref in Self.fixes.keys {
                let name = try #require(original.byRef[ref]?[index])
                #expect(Array(rejects.byRef[ref]?[index].utf8 ?? "".utf8) == Array(name.utf8), "\(ref) \(column)")
                #expect(Array(fixed.byRef[ref]?[index].utf8 ?? "".utf8) == Array(name.utf8), "\(ref) \(column)")
            }
        }

        // 3. check again: all valid, nothing to fix, read as Windows-1252 again.
        let again = try SpreadsheetGoldenTests.check(fixedPath, settings: settings, in: second)
        #expect(again.contains("encoding: windows-1252"), "\(again)")
        #expect(again.contains("4 rows: 4 valid"), "\(again)")
        let results = parseCSV(String(decoding: try Self.report(second, ".results.csv"), as: UTF8.self))
        #expect(results.dropFirst().map { $0[3] } == ["valid", "valid", "valid", "valid"], "\(results)")
        #expect(results.dropFirst().map { $0[1] } == Self.fixes.keys.sorted())
        let rejectsAgain = String(decoding: try Self.report(second, ".rejects.csv"), as: UTF8.self)
        #expect(rejectsAgain.split(separator: "\r\n").count == 1, "the header alone: \(rejectsAgain)")
    }

    /// With `rejects_encoding = "same"` the rows to fix come back in Windows-1252: each name cell holds the
    /// original file's bytes.
    @Test func rejectsInTheSameEncodingKeepTheOriginalBytes() throws {
        let work = try TemporaryDirectory("leadspool-roundtrip")
        _ = try SpreadsheetGoldenTests.check(
            Self.fixture.path, settings: SpreadsheetGoldenTests.excelSettings + "[reports]\nrejects_encoding = \"same\"\n",
            in: work)
        let rejectsData = try Self.report(work, ".rejects.csv")
        let originalData = try Data(contentsOf: Self.fixture)
        for name in ["François;D’Angelo", "Sofía;Núñez", "Žofia;Šimková", "Chloë;Bøgh-Ångström"] {
            let bytes = try #require(name.data(using: .windowsCP1252))
            #expect(originalData.range(of: bytes) != nil, "\(name) in the fixture")
            #expect(rejectsData.range(of: bytes) != nil, "\(name) in rejects.csv, as the fixture's bytes")
        }
    }
}
