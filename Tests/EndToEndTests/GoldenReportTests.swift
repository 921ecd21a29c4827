import Foundation
import Testing

/// `leadspool check --now 1794700800` on every fixture batch, compared byte for byte with the files in
/// `Golden/` (summary.json with its timing fields masked). `LEADSPOOL_UPDATE_GOLDEN=1` rewrites them instead;
/// review the diff before committing it.
@Suite struct GoldenReportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/batches").standardized
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let update = ProcessInfo.processInfo.environment["LEADSPOOL_UPDATE_GOLDEN"] == "1"
    static let batches = ["debt-mixed.csv", "insurance-clean-copy.csv.gz", "insurance-clean.csv",
        "mortgage-messy.csv", "solar.jsonl"]
    static let reports = ["results.csv", "results.jsonl", "rejects.csv", "summary.json"]

    /// The list above is every fixture batch: a new fixture needs golden files too.
    @Test func everyFixtureBatchHasGoldenFiles() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter {
            !$0.hasPrefix(".")
        }
        #expect(present.sorted() == Self.batches)
    }

    @Test(arguments: batches)
    func checkReportsMatchGoldenFiles(batch: String) throws {
        let work = try TemporaryDirectory("leadspool-golden")
        let reports = work.path("reports")
        let result = try runLeadspool(
            [
                "check", "--quiet", "--report-dir", reports, "--now", "1794700800",
                Self.fixtures.appendingPathComponent(batch).path,
            ],
            directory: work.url)
        try #require(result.status == 0, "\(result.stderr)")
        try Self.expectGolden(reports, Self.reports, in: Self.golden, named: batch)
    }

    /// Compares each of `reports` written to `directory` with `golden/<name>.<report>` byte for byte
    /// (summary.json with its timing fields masked), or writes it there under `LEADSPOOL_UPDATE_GOLDEN=1`.
    static func expectGolden(_ directory: String, _ reports: [String], in golden: URL, named name: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        for report in reports {
            let file = try #require(names.first { $0.hasSuffix("." + report) }, "\(report) in \(names)")
            var actual = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            if report == "summary.json" { actual = maskVolatile(actual) }
            let expectedURL = golden.appendingPathComponent("\(name).\(report)")
            if update {
                try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
                try actual.write(to: expectedURL)
                continue
            }
            let expected = try Data(contentsOf: expectedURL)
            #expect(actual == expected, "\(name).\(report): \(firstDifference(actual, expected))")
        }
    }

    /// The masking itself: timing members become `"*"`, everything else stays byte for byte.
    @Test func maskingTouchesOnlyTimingMembers() {
        let json = """
            {
              "batch": "x",
              "finished_at": "2026-11-15T00:00:01Z",
              "duration_seconds": 0.012,
              "rows": 5,
              "rows_per_second": 416.7,
              "stage_seconds": {
                "inspect": 0.001,
                "check": 0.011
              },
              "per_vertical": []
            }

            """
        let masked = String(decoding: Self.maskVolatile(Data(json.utf8)), as: UTF8.self)
        #expect(
            masked == """
                {
                  "batch": "x",
                  "finished_at": "*",
                  "duration_seconds": "*",
                  "rows": 5,
                  "rows_per_second": "*",
                  "stage_seconds": {
                    "inspect": "*",
                    "check": "*"
                  },
                  "per_vertical": []
                }

                """)
    }

    static let volatileMembers: Set<String> = ["finished_at", "duration_seconds", "rows_per_second"]

    /// Replaces the values of the timing members (and of every member of `stage_seconds`) with `"*"`; the
    /// summary is printed one member per line.
    static func maskVolatile(_ data: Data) -> Data {
        var inStages = false
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let masked = lines.map { line -> String in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("\""), let colon = trimmed.range(of: "\": ") else {
                if trimmed.hasPrefix("}") { inStages = false }
                return String(line)
            }
            let key = String(trimmed[trimmed.index(after: trimmed.startIndex)..<colon.lowerBound])
            if key == "stage_seconds" {
                inStages = !trimmed.hasSuffix("{}")
                return String(line)
            }
            guard inStages || volatileMembers.contains(key) else { return String(line) }
            let indent = String(line.prefix(line.count - trimmed.count))
            return indent + "\"\(key)\": \"*\"" + (trimmed.hasSuffix(",") ? "," : "")
        }
        return Data(masked.joined(separator: "\n").utf8)
    }

    static func firstDifference(_ actual: Data, _ expected: Data) -> String {
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) where i >= a.count || i >= e.count || a[i] != e[i] {
            let got = i < a.count ? String(a[i]) : "<end of file>"
            let want = i < e.count ? String(e[i]) : "<end of file>"
            return "line \(i + 1): got \(got) expected \(want) (LEADSPOOL_UPDATE_GOLDEN=1 rewrites the golden files)"
        }
        return "same lines, different bytes"
    }
}
