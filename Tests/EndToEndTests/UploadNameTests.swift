import Foundation
import Testing

/// Report names carry the upload name (CONTRACT §6), a batch seen before keeps its name, and
/// `retry --batch` takes the upload name.
@Suite struct UploadNameTests {
    static let token = "dl_test_upload_name"

    @Test func reportsAreNamedForTheUploadAndRetryFindsItByName() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess()
        defer { api.stop() }
        let first = try spool.dropRecent("insurance-clean.csv")
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)
        let firstSummary = try #require(try spool.list("reports").first { $0.hasSuffix(".summary.json") })
        let pattern = try Regex("^[0-9]{8}T[0-9]{6}Z-insurance-clean-\(first.hashPrefix)\\.summary\\.json$")
        #expect(firstSummary.wholeMatch(of: pattern) != nil, "\(firstSummary)")
        let firstBatch = String(firstSummary.dropLast(".summary.json".count))

        // The same content under another name is the same batch: its reports keep their name.
        try first.content.write(to: URL(fileURLWithPath: spool.root + "/incoming/renamed.csv"))
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)
        #expect(try spool.list("reports").filter { $0.hasSuffix(".summary.json") } == [firstSummary])

        // The upload name alone finds the batch.
        let byName = try spool.retry(endpoint: api.endpoint, token: Self.token, extra: ["--batch", "insurance-clean.csv"])
        #expect(byName.status == 0, "\(byName.output)")

        // Other content under the same upload name: a second batch; the name is then ambiguous.
        let second = try spool.dropRecent("insurance-clean.csv", content: first.content + Data("\n".utf8))
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)
        let ambiguous = try spool.retry(
            endpoint: api.endpoint, token: Self.token, extra: ["--batch", "insurance-clean.csv"])
        #expect(ambiguous.status == 64, "\(ambiguous.output)")
        #expect(ambiguous.output.contains(firstBatch), "\(ambiguous.output)")
        #expect(ambiguous.output.contains(second.hashPrefix), "\(ambiguous.output)")
        let byHash = try spool.retry(endpoint: api.endpoint, token: Self.token, extra: ["--batch", second.hashPrefix])
        #expect(byHash.status == 0, "\(byHash.output)")
    }
}
