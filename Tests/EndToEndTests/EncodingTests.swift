import Foundation
import Testing

/// `leadspool check` on spreadsheet exports that are not UTF-8: Excel's Windows-1252 "CSV" and its UTF-16
/// "Unicode Text". Names come through intact and no report holds U+FFFD.
@Suite struct EncodingTests {
    static let spreadsheets = CheckTests.fixtures.appendingPathComponent("spreadsheets")

    func check(_ files: [String], config: String? = nil) throws -> (status: Int32, stdout: String, reports: TemporaryDirectory) {
        let reports = try TemporaryDirectory()
        let result = try runLeadspool(
            ["check", "--quiet", "--report-dir", reports.url.path, "--now", CheckTests.now]
                + (config.map { ["--config", $0] } ?? [])
                + files.map { Self.spreadsheets.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderr)")
        return (result.status, String(decoding: result.stdout, as: UTF8.self), reports)
    }

    func reportFiles(_ reports: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: reports.url.path).sorted().map { reports.path($0) }
    }

    func noReplacementCharacter(in reports: TemporaryDirectory) throws {
        for file in try reportFiles(reports) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            let found = bytes.indices.dropLast(2).contains {
                bytes[$0] == 0xEF && bytes[$0 + 1] == 0xBF && bytes[$0 + 2] == 0xBD
            }
            #expect(!found, "U+FFFD in \(file)")
        }
    }

    @Test(arguments: [
        ("windows-1252-semicolon.csv", "encoding: windows-1252 (not valid UTF-8 at byte 135)", "windows-1252"),
        ("unicode-text-utf16le.csv", "encoding: utf-16le (byte order mark, converted to UTF-8)", "utf-16le"),
    ])
    func spreadsheetExportsAreDecoded(file: String, line: String, encoding: String) throws {
        let (_, stdout, reports) = try check([file])
        #expect(stdout.contains(line), "\(stdout)")
        #expect(stdout.contains("5 rows: 4 valid, 1 invalid"), "\(stdout)")
        let files = try reportFiles(reports)

        let results = try String(contentsOfFile: try #require(files.first { $0.hasSuffix(".results.jsonl") }), encoding: .utf8)
        let outcomes = results.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(outcomes.map { $0["outcome"] as? String } == ["valid", "valid", "valid", "valid", "invalid"])
        #expect(outcomes.last?["reason_code"] as? String == "EMAIL_INVALID")

        // The rejected row holds the publisher's text as written, decoded.
        let rejects = try String(contentsOfFile: try #require(files.first { $0.hasSuffix(".rejects.csv") }), encoding: .utf8)
        #expect(rejects.contains("François"), "\(rejects)")
        #expect(rejects.contains("D’Angelo"), "\(rejects)")

        let summaryPath = try #require(files.first { $0.hasSuffix(".summary.json") })
        let summaryObject = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        let summary = try #require(summaryObject as? [String: Any])
        #expect(summary["encoding"] as? String == encoding)
        try noReplacementCharacter(in: reports)
    }

    /// The first accent 150 KB into the file: check starts reading in the encoding the first 64 KiB suggest
    /// (UTF-8), and starts over as Windows-1252 once the first pass has seen the whole file.
    @Test func anAccentFarIntoTheFileStillDecides() throws {
        let dir = try TemporaryDirectory()
        let reports = try TemporaryDirectory()
        var text = "first_name,last_name,phone,zip\r\n"
        for i in 0..<5000 { text += "Ann,Lee,81324\(String(format: "%05d", i)),33601\r\n" }
        text += "José,Martínez O’Brien,8132479999,33601\r\n"
        let bytes = text.unicodeScalars.map { scalar -> UInt8 in
            switch scalar {
            case "’": 0x92
            default: UInt8(scalar.value)
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path("late.csv")))
        let result = try runLeadspool(
            ["check", "--quiet", "--report-dir", reports.url.path, "--now", CheckTests.now, dir.path("late.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let stdout = String(decoding: result.stdout, as: UTF8.self)
        #expect(stdout.contains("encoding: windows-1252 (not valid UTF-8 at byte \(bytes.count - 37))"), "\(stdout)")
        #expect(!stdout.contains("RECORD_UNREADABLE"), "\(stdout)")
        #expect(stdout.contains("5001 rows"), "\(stdout)")
        try noReplacementCharacter(in: reports)
    }

    /// `encoding = "utf-8"` reads the Windows-1252 export as UTF-8: each row with an accent is unreadable, naming
    /// the byte, and still shows its cells in rejects.csv without U+FFFD.
    @Test func forcedUTF8MakesRowsWithOtherBytesUnreadable() throws {
        let dir = try TemporaryDirectory()
        let config = dir.path("leadspool.toml")
        try "encoding = \"utf-8\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (_, stdout, reports) = try check(["windows-1252-semicolon.csv"], config: config)
        #expect(stdout.contains("encoding: utf-8 (encoding = \"utf-8\")"), "\(stdout)")
        #expect(stdout.contains("RECORD_UNREADABLE 5"), "\(stdout)")
        let files = try reportFiles(reports)
        let rejects = try String(contentsOfFile: try #require(files.first { $0.hasSuffix(".rejects.csv") }), encoding: .utf8)
        #expect(rejects.contains("invalid UTF-8 at byte 135"), "\(rejects)")
        #expect(rejects.contains("José"), "\(rejects)")
        try noReplacementCharacter(in: reports)

        // A publisher's own setting, and values the key does not take.
        try "encoding = \"ebcdic\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try runLeadspool(["check", "--config", config, Self.spreadsheets.appendingPathComponent("windows-1252-semicolon.csv").path])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'encoding' must be one of \"auto\", \"utf-8\", \"windows-1252\", \"latin-1\""), "\(bad.stderr)")
        try "[publishers.acme]\nencoding = \"latin-1\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        _ = try check(["windows-1252-semicolon.csv"], config: config)
    }
}
