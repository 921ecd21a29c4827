import Foundation
import Testing

/// `reports.rejects_encoding`: UTF-8 with a BOM by default; `"same"` writes `rejects.csv` in the encoding
/// the batch's file was read in, for a publisher whose tool only reads that.
@Suite struct RejectsEncodingTests {
    func rejects(_ file: String, config: String?) throws -> [UInt8] {
        let work = try TemporaryDirectory("leadspool-rejects-encoding")
        var arguments = ["check", "--quiet", "--report-dir", work.path("reports"), "--now", CheckTests.now]
        if let config {
            try config.write(toFile: work.path("leadspool.toml"), atomically: true, encoding: .utf8)
            arguments += ["--config", work.path("leadspool.toml")]
        }
        let result = try runLeadspool(
            arguments + [EncodingTests.spreadsheets.appendingPathComponent(file).path], directory: work.url)
        try #require(result.status == 0, "\(result.stderr)")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: work.path("reports")).first {
                $0.hasSuffix(".rejects.csv")
            })
        return Array(try Data(contentsOf: URL(fileURLWithPath: work.path("reports") + "/" + name)))
    }

    @Test func windows1252InputGetsWindows1252RejectsWhenAsked() throws {
        // "François" and "D’Angelo" (an invalid email, so in the rejects file).
        let utf8 = try rejects("windows-1252-semicolon.csv", config: nil)
        #expect(utf8.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: utf8, as: UTF8.self).contains("François;D’Angelo"))

        let same = try rejects("windows-1252-semicolon.csv", config: "[reports]\nrejects_encoding = \"same\"\n")
        #expect(!same.starts(with: [0xEF, 0xBB, 0xBF]))
        let expected: [UInt8] = Array("Fran".utf8) + [0xE7] + Array("ois;D".utf8) + [0x92] + Array("Angelo".utf8)
        #expect(same.indices.contains { same[$0...].starts(with: expected) }, "François;D’Angelo in Windows-1252")
        #expect(String(decoding: same, as: UTF8.self).hasPrefix("Vertical;First Name;"))
    }
}
