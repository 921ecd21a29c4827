import Foundation
import Testing

/// A publisher's round trip: run a messy batch, fix the values in its `rejects.csv` the way a
/// script would, drop the file back into the spool, and see every fixed row submitted.
@Suite struct RejectsRoundTripTests {
    static let token = "dl_test_rejects"

    @Test func fixedRejectsFileIsAcceptedAsANewBatch() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 4)
        defer { api.stop() }
        try spool.dropRecent("mortgage-messy.csv")
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)

        let rejectsName = try #require(try spool.list("reports").first { $0.hasSuffix(".rejects.csv") })
        // Written as the publisher's file was (`;`, LF), after a UTF-8 BOM.
        let rejectsBytes = try Data(contentsOf: URL(fileURLWithPath: spool.root + "/reports/" + rejectsName))
        #expect(rejectsBytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(!rejectsBytes.contains(0x0D))
        let rejects = parseCSV(String(decoding: rejectsBytes, as: UTF8.self), delimiter: UInt8(ascii: ";"))
        let header = rejects[0]
        #expect(header.last == "leadspool_reason")
        // With every consent time moved to yesterday, rows 2-5 need fixing (row 7 no longer expires).
        #expect(rejects.count == 1 + 4)

        // The fixes a publisher would make, by column name and the row's Lead Ref.
        let yesterday = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400))
        let fixes: [String: [String: String]] = [
            "MTG-2": ["E-mail Address": "ben.okafor@example.com"],
            "MTG-3": ["First Name": "Cara", "Phone Number": "(305) 247-2003", "Loan Amount": "200000"],
            "MTG-4": [
                "Phone Number": "305-247-2004", "Consent Timestamp": yesterday,
                "Page URL": "https://rates.example.com/a",
            ],
            "MTG-5": ["Phone Number": "305.247.2005", "Consent Timestamp": yesterday, "Consent Text": "I agree."],
        ]
        let refColumn = try #require(header.firstIndex(of: "Lead Ref"))
        var fixed = [header]
        for row in rejects.dropFirst() {
            var row = row
            for (column, value) in fixes[row[refColumn]] ?? [:] {
                row[try #require(header.firstIndex(of: column))] = value
            }
            fixed.append(row)
        }
        let csv = "\u{FEFF}"
            + fixed.map { $0.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ";") }
            .joined(separator: "\n") + "\n"
        try csv.write(toFile: spool.root + "/incoming/mortgage-fixed.csv", atomically: true, encoding: .utf8)

        let before = try api.stats().total
        #expect(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)
        let hash = try TempSpool.sha256Prefix(Data(csv.utf8))
        let results = try spool.results(matching: hash)
        #expect(results.count == 4)
        #expect(results.allSatisfy { ["accepted", "rejected"].contains($0.outcome) }, "\(results.map(\.outcome))")
        #expect(try api.stats().total == before + 4)
        #expect(try spool.list("done").contains("mortgage-fixed.csv"))
    }
}
