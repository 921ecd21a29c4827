import Foundation
import Testing

/// `check --publisher NAME` reads the files as `run` reads incoming/NAME/: with that publisher's column
/// mapping and timezone (`fixtures/spreadsheets/excel-mapping.csv`, valid only with both).
@Suite struct CheckPublisherTests {
    static let config = """
        [publishers.acme]
        timezone = "America/New_York"

        [publishers.acme.columns]
        "Zip/Postal" = "zip"
        "Lead ID" = "ref"
        """

    func check(_ options: [String]) throws -> (status: Int32, stdout: String, stderr: String, reports: TemporaryDirectory) {
        let reports = try TemporaryDirectory()
        try Self.config.write(toFile: reports.path("leadspool.toml"), atomically: true, encoding: .utf8)
        let result = try runLeadspool(
            ["check", "--quiet", "--config", reports.path("leadspool.toml"), "--report-dir", reports.path("out"),
                "--now", ExcelMappingTests.now] + options + [ExcelMappingTests.fixture])
        return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr, reports)
    }

    @Test func thePublishersMappingAndTimezoneMakeEveryRowValid() throws {
        let (status, stdout, stderr, reports) = try check(["--publisher", "acme"])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("6 rows: 6 valid"), "\(stdout)")
        #expect(!stdout.contains("not recognised"))
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path("out"))
        let name = try #require(names.first { $0.hasSuffix(".results.jsonl") })
        let results = try String(contentsOfFile: reports.path("out/" + name), encoding: .utf8)
        let objects = try results.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["ref"] as? String } == ["XL-1", "XL-2", "XL-3", "XL-4", "XL-5", "XL-6"])
        #expect(objects.allSatisfy { $0["publisher"] as? String == "acme" })
    }

    @Test func withoutPublisherTheFilesAreTheDefaultPublishers() throws {
        let (status, stdout, _, _) = try check([])
        #expect(status == 0)
        #expect(stdout.contains("6 rows: 6 invalid"), "\(stdout)")
        #expect(stdout.contains("[publishers.default.columns]"), "\(stdout)")
    }

    @Test func aPublisherTheConfigurationDoesNotNameIsAUsageError() throws {
        let (status, _, stderr, reports) = try check(["--publisher", "acme2"])
        #expect(status == 64)
        #expect(stderr.contains("--publisher acme2: the configuration has no [publishers.acme2] table"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: reports.path("out")), "nothing written")
    }
}
