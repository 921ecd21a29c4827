import Foundation
import Testing

/// The reports of `leadspool run` name the same in-batch duplicates as `leadspool check`, also when a
/// stop left most of the file unread by the sending pass (the reports' pass then replays what that
/// pass saw and dedupes the rest itself).
@Suite struct RunDuplicateTests {
    static let token = "dl_test_e2e_token"

    /// `row: reason` of every in-batch duplicate of a results.jsonl file.
    static func duplicates(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["reason_code"] as? String == "DUPLICATE_IN_BATCH" else { return nil }
            return "\(object["row"]!): \(object["reason"]!)"
        }
    }

    @Test func duplicatesMatchCheckAfterAStopAndAfterTheRunThatFinishes() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let now = String(Int(Date().timeIntervalSince1970))
        let generated = spool.base + "/generated.csv"
        let gen = try spool.invoke(
            ["gen", "--rows", "2500", "--seed", "9", "--dirty", "0", "--now", now, "--output", generated],
            environment: [:])
        try #require(gen.status == 0, "\(gen.output)")
        // Copies of rows far back: before and after the first group of 1 024 rows the sending pass reads
        // before the stop, and one row twice (its second copy names the original, not the first copy).
        var lines = try String(contentsOfFile: generated, encoding: .utf8).split(separator: "\n").map(String.init)
        for row in [3, 700, 1_500, 2_400, 700] { lines.append(lines[row]) }
        let name = "repeats.csv"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(
            to: URL(fileURLWithPath: spool.root + "/incoming/" + name))

        let reports = spool.base + "/check-reports"
        let check = try spool.invoke(
            ["check", "--quiet", "--report-dir", reports, "--now", now, spool.root + "/incoming/" + name],
            environment: [:])
        try #require(check.status == 0, "\(check.output)")
        let checked = try FileManager.default.contentsOfDirectory(atPath: reports).filter {
            $0.hasSuffix(".results.jsonl")
        }
        let expected = try Self.duplicates(reports + "/" + #require(checked.first))
        #expect(
            expected == [(2_501, 3), (2_502, 700), (2_503, 1_500), (2_504, 2_400), (2_505, 700)].map { row, first in
                "\(row): same phone as row \(first); same email as row \(first)"
            })

        let refusing = try SandboxProcess(token: Self.token, extra: ["--fail-auth-after", "20"])
        defer { refusing.stop() }
        let stopped = try spool.run(endpoint: refusing.endpoint, token: Self.token)
        #expect(stopped.status == 77, "\(stopped.output)")
        let stoppedResults = try spool.list("reports").filter { $0.hasSuffix(".results.jsonl") }
        try #require(stoppedResults.count == 1)
        let resultsPath = spool.root + "/reports/" + stoppedResults[0]
        #expect(try Self.duplicates(resultsPath) == expected)

        let api = try SandboxProcess(token: Self.token)
        defer { api.stop() }
        let finished = try spool.run(endpoint: api.endpoint, token: Self.token)
        #expect(finished.status == 0, "\(finished.output)")
        #expect(try Self.duplicates(resultsPath) == expected)
    }
}
