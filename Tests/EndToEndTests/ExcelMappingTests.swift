import Foundation
import Testing

/// A spreadsheet export (`fixtures/spreadsheets/excel-mapping.csv`: "Zip/Postal", "Lead ID", Excel dates in
/// New York time) checked as a user would: without settings `check` explains the fix, with a one-line
/// mapping and the publisher's timezone every row is valid.
@Suite struct ExcelMappingTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/spreadsheets/excel-mapping.csv").standardized.path
    /// 2026-11-15T00:00:00Z: the fixture's consent times are days before it.
    static let now = "1794700800"

    func check(config: String?) throws -> (status: Int32, stdout: String, stderr: String, reports: TemporaryDirectory) {
        let reports = try TemporaryDirectory()
        var arguments = ["check", "--quiet", "--report-dir", reports.path("out"), "--now", Self.now]
        if let config {
            try config.write(toFile: reports.path("leadspool.toml"), atomically: true, encoding: .utf8)
            arguments += ["--config", reports.path("leadspool.toml")]
        }
        let result = try runLeadspool(arguments + [Self.fixture])
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr, reports)
    }

    func file(_ reports: TemporaryDirectory, suffix: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path("out"))
        let name = try #require(names.first { $0.hasSuffix(suffix) })
        return try String(contentsOfFile: reports.path("out/" + name), encoding: .utf8)
    }

    @Test func withoutSettingsCheckExplainsTheFix() throws {
        let (status, stdout, stderr, reports) = try check(config: nil)
        #expect(status == 0)
        #expect(stdout.contains("6 rows: 6 invalid"))
        #expect(
            stdout.contains(
                "columns recognised: First Name → first_name, Last Name → last_name, E-mail → email, Cell # → phone"))
        #expect(stdout.contains("columns not recognised: Zip/Postal (closest: zip), Lead ID (closest: ref)"))
        #expect(
            stdout.contains("    [publishers.default.columns]\n    \"Zip/Postal\" = \"zip\"\n    \"Lead ID\" = \"ref\"\n"))
        let message = #"no column for zip; columns not recognised: Zip/Postal, Lead ID — add "Zip/Postal" = "zip" under [publishers.default.columns]"#
        #expect(stdout.components(separatedBy: message).count == 2, "one file-level line on stdout")
        #expect(stderr.contains(message))
        let rows = parseCSV(try file(reports, suffix: ".results.csv"))
        #expect(rows.count == 7)
        for row in rows.dropFirst() {
            #expect(row[4] == "MISSING_FIELD")
            #expect(row[5].hasPrefix("zip is missing (" + message + ")"))
            #expect(row[5].contains("(has no time zone). Expected a time with its time zone, e.g. "))
            #expect(row[5].contains("Fix: set timezone under [publishers.default] in leadspool.toml (e.g. \"America/New_York\")"))
        }
        let summary = try file(reports, suffix: ".summary.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(object["unmatched_columns"] as? [String] == ["Zip/Postal", "Lead ID"])
    }

    @Test func aOneLineMappingAndATimezoneAcceptEveryRow() throws {
        let config = """
            [publishers.default]
            timezone = "America/New_York"

            [publishers.default.columns]
            "Zip/Postal" = "zip"
            "Lead ID" = "ref"
            """
        let (status, stdout, _, reports) = try check(config: config)
        #expect(status == 0)
        #expect(stdout.contains("6 rows: 6 valid"), "\(stdout)")
        #expect(!stdout.contains("not recognised"))
        let rows = parseCSV(try file(reports, suffix: ".results.csv"))
        #expect(rows.dropFirst().map { $0[1] } == ["XL-1", "XL-2", "XL-3", "XL-4", "XL-5", "XL-6"])
        #expect(rows.dropFirst().map { $0[3] } == Array(repeating: "valid", count: 6))
        let results = try file(reports, suffix: ".results.jsonl")
        let objects = try results.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["zip"] as? String } == ["33601", "10001", "60601", "85001", "94103", "27601"])
        let summary = try file(reports, suffix: ".summary.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(object["unmatched_columns"] as? [String] == [])
    }

    @Test func theMappingForAllPublishersAndAssumeTimezoneWorkToo() throws {
        let config = """
            [validate]
            assume_timezone = "America/New_York"

            [columns]
            "Zip/Postal" = "zip"
            ignore = ["Lead ID"]
            """
        let (status, stdout, _, reports) = try check(config: config)
        #expect(status == 0)
        #expect(stdout.contains("6 rows: 6 valid"), "\(stdout)")
        #expect(!stdout.contains("not recognised"))
        let summary = try file(reports, suffix: ".summary.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        #expect(object["unmatched_columns"] as? [String] == [])
    }

    @Test func aMissingColumnIsOneLineEvenWhenEveryColumnIsRecognised() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("no-zip.csv")
        try """
            first_name,last_name,email,phone,tcpa_timestamp,tcpa_text,tcpa_url,vertical
            Ana,Lopez,ana@example.com,(813) 247-1001,2026-11-10T09:14:22Z,I agree.,https://a.example.com/,debt
            Ben,Okafor,ben@example.com,(813) 247-1002,2026-11-10T09:15:22Z,I agree.,https://a.example.com/,debt

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try runLeadspool(
            ["check", "--quiet", "--report-dir", directory.path("out"), "--now", Self.now, file])
        let stdout = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0)
        #expect(stdout.components(separatedBy: "\n  no column for zip\n").count == 2, "\(stdout)")
        #expect(!stdout.contains("not recognised"))
        #expect(stdout.contains("2 rows: 2 invalid"))
    }

    @Test func runLogsTheMissingColumnOnceForTheBatch() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        try spool.drop(fixture: "excel-mapping.csv", folder: "spreadsheets")
        // Every row is invalid, so nothing is sent and no API is needed.
        let (status, output) = try spool.run(endpoint: "http://127.0.0.1:9/webhook/lead", token: "dl_test_x")
        #expect(status == 0, "\(output)")
        let message = #"no column for zip; columns not recognised: Zip/Postal, Lead ID — add "Zip/Postal" = "zip" under [publishers.default.columns]"#
        #expect(output.components(separatedBy: message).count == 2, "\(output)")
        #expect(output.contains("6 rows: 6 invalid"))
    }

    @Test(arguments: [
        ("[publishers.default.columns]\n\"Zip/Postal\" = \"postcode_ish\"\n", "'publishers.default.columns.Zip/Postal' must be the name of a field"),
        ("[columns]\nignore = \"Notes\"\n", "'columns.ignore' must be a list of header names"),
        ("[publishers.acme]\ntimezone = \"Mars/Olympus\"\n", "'publishers.acme.timezone' must be an IANA time zone"),
    ])
    func badSettingsAreRefused(config: String, message: String) throws {
        let (status, _, stderr, _) = try check(config: config)
        #expect(status == 64)
        #expect(stderr.contains(message), "\(stderr)")
    }
}
