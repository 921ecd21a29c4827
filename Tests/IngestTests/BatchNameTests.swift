import Testing

@testable import Ingest

/// The upload name's part of a batch name (CONTRACT §6): `[A-Za-z0-9._-]`, no format suffixes, at most 40.
@Suite struct BatchNameTests {
    @Test(
        "upload names, sanitised",
        arguments: [
            ("leads.csv", "leads"),
            ("acme-2026-11-05.jsonl.gz", "acme-2026-11-05"),
            ("LEADS.CSV.GZ", "LEADS"),
            ("solar.ndjson", "solar"),
            ("Leads Nov 5 (final).csv", "Leads_Nov_5_final"),
            ("données été.csv", "donn_es_t"),
            (".hidden.csv", "hidden"),
            ("-rf.csv", "rf"),
            ("a\u{1B}[31mb\n.csv", "a_31mb"),
            ("leads.v2.csv", "leads.v2"),
            ("leads.txt", "leads.txt"),
            ("\"quoted\";name.csv", "quoted_name"),
            ("", ""),
            ("é.csv", ""),
            (String(repeating: "x", count: 39) + " y.csv", String(repeating: "x", count: 39)),
            (String(repeating: "abcdefghij", count: 6) + ".csv", String(repeating: "abcdefghij", count: 4)),
        ])
    func uploadPart(name: String, expected: String) {
        let part = BatchName.uploadPart(name)
        #expect(part == expected)
        #expect(part.count <= BatchName.maxUploadCharacters)
    }
}
