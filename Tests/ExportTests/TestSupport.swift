import Export
import Foundation
import Ingest
import LeadModel
import Testing

/// A fresh directory under the system temporary directory, removed after `body`.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("leadspool-export-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

let testBatch = "20260427T091422Z-0123456789ab"

func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

func directoryEntries(_ path: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}

func permissions(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Compares `actual` with `Golden/<name>` beside this file. With `LEADSPOOL_UPDATE_GOLDEN=1` the
/// golden file is rewritten first (review the diff before committing it).
func expectGolden(_ actual: String, _ name: String, filePath: String = #filePath) throws {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["LEADSPOOL_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "differs from Golden/\(name)")
}

/// A minimal RFC 4180 reader for checking what the writer produced: quoted cells with doubled
/// quotes, CRLF or LF line ends, commas only.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var cell = ""
    var quoted = false
    var atCellStart = true
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" {
                    cell.unicodeScalars.append("\"")
                    chars.removeFirst()
                } else {
                    quoted = false
                }
            } else {
                cell.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"" where atCellStart:
            quoted = true
            atCellStart = false
        case ",":
            row.append(cell)
            cell = ""
            atCellStart = true
        case "\r":
            continue
        case "\n":
            row.append(cell)
            rows.append(row)
            row = []
            cell = ""
            atCellStart = true
        default:
            cell.unicodeScalars.append(c)
            atCellStart = false
        }
    }
    if !cell.isEmpty || !row.isEmpty {
        row.append(cell)
        rows.append(row)
    }
    return rows
}

func summaryInputs(mode: ReportMode = .run) -> SummaryInputs {
    SummaryInputs(
        batch: testBatch, fileName: "leads.csv", publisher: "acme",
        claimedAt: Date(timeIntervalSince1970: 1_777_281_262), finishedAt: Date(timeIntervalSince1970: 1_777_281_272),
        stageSeconds: [("ingest", 1.25), ("submit", 8.5)], retries: 4, rateLimitWaits: 1, mode: mode)
}

/// The original columns of the sample batch, as a publisher's CSV header names them.
let sampleColumns = Columns(names: [
    "Lead Ref", "vertical", "First Name", "last_name", "Email Address", "Phone", "zip", "consent_date", "notes",
])

func sampleRaw(_ row: Int, _ values: [String], unreadable: String? = nil) -> RawRecord {
    RawRecord(
        row: row, line: row + 1, byteOffset: 0, columns: sampleColumns, values: values.map(RawValue.string),
        unreadable: unreadable, publisher: "acme")
}

func problem(_ code: ReasonCode, _ field: String?, _ value: String?, _ text: String) -> Problem {
    Problem(code, field: field, value: value, text: text)
}

/// Nine rows covering every outcome, remote and local invalid, an unreadable row, and values that
/// need quoting, escaping and neutralising.
func sampleRows() -> [(LeadResult, RawRecord?)] {
    [
        (
            LeadResult(
                row: 1, ref: "A-1", vertical: "insurance", outcome: .accepted, httpStatus: 200, attempts: 1,
                leadID: "ld_0a1b2c3d", bidAmount: 18.5, phone: "+18135550100", zip: "33602", email: "mary@example.com",
                submittedAt: "2026-04-27T09:14:22Z", latencyMs: 120, publisher: "acme"),
            sampleRaw(1, ["A-1", "insurance", "Mary", "Smith", "mary@example.com", "(813) 555-0100", "33602", "", ""])
        ),
        (
            LeadResult(
                row: 2, ref: "A-2", vertical: "mortgage", outcome: .rejected,
                problems: [problem(.remoteRejected, nil, nil, "rejected by the API: no buyer")], httpStatus: 200,
                attempts: 1, phone: "+12125550111", zip: "10001", email: "li@example.org",
                submittedAt: "2026-04-27T09:14:23Z", latencyMs: 80, publisher: "acme", remoteReason: "no_buyer_match"),
            sampleRaw(2, ["A-2", "mortgage", "Li", "Wu", "li@example.org", "212-555-0111", "10001", "", ""])
        ),
        (
            LeadResult(
                row: 3, ref: "=HYPERLINK(\"http://evil\")", outcome: .invalid,
                problems: [
                    problem(.verticalUnknown, "vertical", "boats", "vertical \"boats\" is not known"),
                    problem(.phoneInvalid, "phone", "555, 0100", "phone \"555, 0100\" is not a 10-digit NANP number"),
                ],
                email: "bob@example.com", publisher: "acme"),
            sampleRaw(
                3,
                [
                    "=HYPERLINK(\"http://evil\")", "boats", "Bob", "Jones", "bob@example.com", "555, 0100", "", "",
                    "+call me",
                ])
        ),
        (
            LeadResult(
                row: 4, ref: "A-4", vertical: "solar", outcome: .duplicate,
                problems: [problem(.duplicateInBatch, nil, nil, "duplicate of row 1")], phone: "+18135550100",
                zip: "33602", email: "mary@example.com", publisher: "acme"),
            sampleRaw(4, ["A-4", "solar", "Mary", "Smith", "mary@example.com", "8135550100", "33602", "", ""])
        ),
        (
            LeadResult(
                row: 5, ref: "-5", vertical: "debt", outcome: .failed,
                problems: [problem(.serverErrorExhausted, nil, nil, "HTTP 503 after 5 attempts")], httpStatus: 503,
                attempts: 5, phone: "+13055550142", zip: "33101", email: "al@example.net",
                submittedAt: "2026-04-27T09:14:24Z", latencyMs: 15000, publisher: "acme"),
            sampleRaw(5, ["-5", "debt", "Al", "Green", "al@example.net", "305 555 0142", "33101", "", ""])
        ),
        (
            LeadResult(
                row: 6, ref: "@6", vertical: "insurance", outcome: .invalid,
                problems: [problem(.remoteTCPAInvalid, "tcpa_timestamp", nil, "API: tcpa_timestamp is invalid")],
                httpStatus: 422, attempts: 1, phone: "+14155550123", zip: "94103", email: "jo@example.com",
                submittedAt: "2026-04-27T09:14:25Z", latencyMs: 95, publisher: "acme"),
            sampleRaw(6, ["@6", "insurance", "Jo", "Park", "jo@example.com", "4155550123", "94103", "yesterday", ""])
        ),
        (
            LeadResult(
                row: 7, ref: "A-7\nx", vertical: "insurance", outcome: .unknown,
                problems: [problem(.ambiguousHeld, nil, nil, "timeout after sending; held for review")], attempts: 1,
                phone: "+16175550199", zip: "02108", email: "kim@example.com", submittedAt: "2026-04-27T09:14:26Z",
                publisher: "acme"),
            sampleRaw(7, ["A-7\nx", "insurance", "Kim", "Lee", "kim@example.com", "6175550199", "02108", "", ""])
        ),
        (
            LeadResult(
                row: 8, ref: "A-8", vertical: "mortgage", outcome: .accepted, httpStatus: 200, attempts: 2,
                leadID: "ld_99aa00ff", bidAmount: 25, phone: "+17135550177", zip: "77002", email: "zoë@example.com",
                submittedAt: "2026-04-27T09:14:27Z", latencyMs: 300, publisher: "acme"),
            sampleRaw(8, ["A-8", "mortgage", "Zoë", "Ng", "zoë@example.com", "7135550177", "77002", "", ""])
        ),
        (
            LeadResult(
                row: 9, outcome: .invalid,
                problems: [problem(.recordUnreadable, nil, nil, "line 10: unbalanced quote")], publisher: "acme"),
            sampleRaw(9, [], unreadable: "unbalanced quote")
        ),
    ]
}

/// Writes `rows` as one batch and answers the report paths and the writer's summary.
@discardableResult
func writeBatch(
    _ rows: [(LeadResult, RawRecord?)], in directory: String, redact: Bool = false, mode: ReportMode = .run
) throws -> (ReportPaths, BatchSummary) {
    let writer = try BatchReportWriter(
        batch: testBatch, publisher: "acme", configuration: ReportConfiguration(directory: directory, redact: redact))
    for (result, raw) in rows { try writer.add(result, raw: raw) }
    let paths = try writer.finish(summary: summaryInputs(mode: mode))
    return (paths, try #require(writer.summary))
}
