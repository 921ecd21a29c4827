import Foundation
import Testing

/// The README's configuration example is a file leadspool loads as it stands.
@Suite struct ReadmeConfigTests {
    @Test func theReadmesConfigurationExampleLoads() throws {
        let readme = try String(
            contentsOf: TempSpool.fixtures.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Configuration"))
        let open = try #require(readme.range(of: "```toml\n", range: section.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```", range: open.upperBound..<readme.endIndex))
        let spool = try TempSpool(config: String(readme[open.upperBound..<close.lowerBound]))
        defer { spool.remove() }
        let status = try spool.invoke(
            ["status", "--config", spool.base + "/leadspool.toml", "--spool", spool.root], environment: [:])
        #expect(status.status == 0, "\(status.output)")
    }
}
