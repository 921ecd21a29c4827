import Foundation
import Testing

/// `leadspool demo` (what `make demo` runs): the whole job in a temporary spool with its own sandbox.
@Suite struct DemoTests {
    @Test func theDemoRunsTheWholeJobAndNamesItsReports() throws {
        let result = try runLeadspool(["demo", "--rows", "30"])
        let output = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(result.stderr)")
        let reportsLine = try #require(output.split(separator: "\n").first { $0.hasPrefix("reports in ") })
        let reports = String(reportsLine.dropFirst("reports in ".count).dropLast())
        defer {
            // The demo's temporary root: the folder above its spool.
            let root = URL(fileURLWithPath: reports).deletingLastPathComponent().deletingLastPathComponent()
            if root.lastPathComponent.hasPrefix("leadspool-demo-") { try? FileManager.default.removeItem(at: root) }
        }
        let listed = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix(reports + "/") }
        #expect(!listed.isEmpty)
        for path in listed { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        for suffix in [".results.csv", ".results.jsonl", ".rejects.csv", ".summary.json", ".summary.html"] {
            #expect(listed.contains { $0.hasSuffix(suffix) }, "no \(suffix)")
        }
        // Every kind of outcome the demo is made to show, and the broken files it quarantines on purpose.
        #expect(output.contains("accepted"))
        #expect(output.contains("quarantined to"))
        #expect(output.contains("revenue $"))
    }

    @Test func theDemoRefusesARealSpoolOrLedger() throws {
        for option in ["--spool", "--ledger"] {
            let result = try runLeadspool(["demo", option, "/tmp/somewhere"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("do not apply"))
        }
    }
}
