import Foundation
import Testing

/// `leadspool check --now 1794700800` on the hand-made spreadsheet exports of `fixtures/spreadsheets` (a
/// Windows-1252 export with `;`, CRLF and Excel dates; Excel's UTF-16 "Unicode Text"; a file whose headers
/// need a mapping), compared byte for byte with `Golden/spreadsheets/` (results.csv, rejects.csv, summary.json
/// with its timing fields masked). `LEADSPOOL_UPDATE_GOLDEN=1` rewrites them; review the diff.
@Suite struct SpreadsheetGoldenTests {
    static let fixtures = CheckTests.fixtures.appendingPathComponent("spreadsheets")
    static let golden = GoldenReportTests.golden.appendingPathComponent("spreadsheets")
    static let reports = ["results.csv", "rejects.csv", "summary.json"]

    /// The mapping and timezone a publisher adds for a Windows Excel export ("Zip/Postal", "Lead ID", dates
    /// in New York time).
    static let excelSettings = """
        [publishers.default]
        timezone = "America/New_York"
        [publishers.default.columns]
        "Zip/Postal" = "zip"
        "Lead ID" = "ref"

        """

    /// Each fixture with the settings it is checked with: `excel-mapping.csv` without any, as a first try
    /// would be (every row names the mapping to add).
    static let cases: [(file: String, settings: String?)] = [
        ("excel-mapping.csv", nil),
        ("excel-windows-1252-dates.csv", excelSettings),
        ("unicode-text-utf16le.csv", nil),
        ("windows-1252-semicolon.csv", nil),
    ]

    /// The list above is every spreadsheet fixture: a new one needs golden files too.
    @Test func everySpreadsheetFixtureHasGoldenFiles() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter {
            !$0.hasPrefix(".")
        }
        #expect(present.sorted() == Self.cases.map(\.file))
    }

    /// `check` of one fixture into a fresh report directory, with `settings` as leadspool.toml.
    static func check(_ file: String, settings: String?, in work: TemporaryDirectory) throws -> String {
        var arguments = ["check", "--quiet", "--report-dir", work.path("reports"), "--now", CheckTests.now]
        if let settings {
            try settings.write(toFile: work.path("leadspool.toml"), atomically: true, encoding: .utf8)
            arguments += ["--config", work.path("leadspool.toml")]
        }
        let result = try runLeadspool(arguments + [file], directory: work.url)
        try #require(result.status == 0, "\(result.stderr)")
        return String(decoding: result.stdout, as: UTF8.self)
    }

    @Test(arguments: cases)
    func checkReportsMatchGoldenFiles(file: String, settings: String?) throws {
        let work = try TemporaryDirectory("leadspool-spreadsheet-golden")
        _ = try Self.check(Self.fixtures.appendingPathComponent(file).path, settings: settings, in: work)
        try GoldenReportTests.expectGolden(work.path("reports"), Self.reports, in: Self.golden, named: file)
    }
}
