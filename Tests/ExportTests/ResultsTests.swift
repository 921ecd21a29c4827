import Export
import Foundation
import Ingest
import LeadModel
import Testing

@Suite("results.csv and results.jsonl")
struct ResultsTests {
    @Test("results.csv matches the golden file")
    func csvGolden() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(sampleRows(), in: directory)
            try expectGolden(readText(paths.resultsCSV), "results.csv")
        }
    }

    @Test("results.jsonl matches the golden file")
    func jsonlGolden() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(sampleRows(), in: directory)
            try expectGolden(readText(paths.resultsJSONL), "results.jsonl")
        }
    }

    @Test("CSV cells read back as the neutralised values, one row per input row in order")
    func csvReadBack() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(sampleRows(), in: directory)
            let rows = parseCSV(try readText(paths.resultsCSV))
            #expect(rows.count == 10)
            #expect(
                rows[0] == [
                    "row", "ref", "vertical", "outcome", "reason_code", "reason", "http_status", "attempts", "lead_id",
                    "bid_amount", "phone", "zip", "email", "submitted_at", "latency_ms", "remote_reason",
                ])
            #expect(rows.dropFirst().map { $0[0] } == (1...9).map(String.init))
            #expect(rows.allSatisfy { $0.count == 16 })
            #expect(rows[2][15] == "no_buyer_match", "the API's reason of the rejected row, last")
            #expect(rows[1][15] == "")
            #expect(rows[1][10] == "'+18135550100")
            #expect(rows[1][9] == "18.50")
            #expect(rows[3][1] == "'=HYPERLINK(\"http://evil\")")
            #expect(rows[3][4] == "VERTICAL_UNKNOWN")
            #expect(rows[3][5] == "vertical \"boats\" is not known; phone \"555, 0100\" is not a 10-digit NANP number")
            #expect(rows[5][1] == "'-5")
            #expect(rows[6][1] == "'@6")
            #expect(rows[7][1] == "A-7\nx")
            #expect(rows[9][3] == "invalid")
            #expect(rows[9][4] == "RECORD_UNREADABLE")
        }
    }

    @Test("JSONL lines carry plain values, numbers, nulls, every reason code, publisher and batch")
    func jsonlFields() throws {
        try withTemporaryDirectory { directory in
            let (paths, _) = try writeBatch(sampleRows(), in: directory)
            let lines = try readText(paths.resultsJSONL).split(separator: "\n")
            #expect(lines.count == 9)
            let objects = try lines.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let first = objects[0]
            #expect(first["row"] as? Int == 1)
            #expect(first["phone"] as? String == "+18135550100")
            #expect((first["bid_amount"] as? NSNumber)?.doubleValue == 18.5)
            #expect(first["reason_code"] is NSNull)
            #expect(first["reason_codes"] as? [String] == [])
            #expect(first["publisher"] as? String == "acme")
            #expect(first["batch"] as? String == testBatch)
            let third = objects[2]
            #expect(third["ref"] as? String == "=HYPERLINK(\"http://evil\")")
            #expect(third["vertical"] is NSNull)
            #expect(third["reason_codes"] as? [String] == ["VERTICAL_UNKNOWN", "PHONE_INVALID"])
            #expect(third["http_status"] is NSNull)
            #expect(objects[6]["ref"] as? String == "A-7\nx")
            #expect(objects[7]["email"] as? String == "zoë@example.com")
            #expect(
                Set(first.keys) == [
                    "row", "ref", "vertical", "outcome", "reason_code", "reason", "http_status", "attempts", "lead_id",
                    "bid_amount", "phone", "zip", "email", "submitted_at", "latency_ms", "reason_codes", "publisher",
                    "batch", "remote_reason",
                ])
            #expect(first["remote_reason"] is NSNull)
            #expect(objects[1]["remote_reason"] as? String == "no_buyer_match")
            #expect(
                lines[1].contains(",\"latency_ms\":80,\"remote_reason\":\"no_buyer_match\",\"reason_codes\":"),
                "the CSV's columns in the CSV's order (remote_reason last of them), then reason_codes, publisher, batch")
        }
    }

    @Test("--redact masks phone and email in results, including inside reasons")
    func redacted() throws {
        try withTemporaryDirectory { directory in
            var rows = sampleRows()
            rows[2].0.problems.append(
                problem(.emailInvalid, "email", "bob@@example.com", "email \"bob@@example.com\" is not valid"))
            let (paths, summary) = try writeBatch(rows, in: directory, redact: true)
            let csv = try readText(paths.resultsCSV)
            let jsonl = try readText(paths.resultsJSONL)
            let html = try readText(paths.summaryHTML)
            for text in [csv, jsonl, html] {
                #expect(!text.contains("8135550100"))
                #expect(!text.contains("mary@"))
                #expect(!text.contains("bob@@example.com"))
            }
            #expect(csv.contains("'+1813***0100"))
            #expect(csv.contains("m***@example.com"))
            #expect(jsonl.contains("\"phone\":\"+1813***0100\""))
            #expect(jsonl.contains("b***@example.com"))
            #expect(summary.attention.first?.reason.contains("b***@example.com") == true)
        }
    }

    @Test("rows stay whole and in order across many buffer flushes, and a cell larger than a buffer fits")
    func largeBatch() throws {
        try withTemporaryDirectory { directory in
            let count = 30_000
            let huge = String(repeating: "x,\"y\"", count: 200_000)
            let rows: [(LeadResult, RawRecord?)] = (1...count).map { row in
                (
                    LeadResult(
                        row: row, ref: row == 12_345 ? huge : "ref-\(row)", vertical: "debt", outcome: .accepted,
                        httpStatus: 200, attempts: 1, leadID: "ld_\(row)", bidAmount: 1.25, phone: "+18135550100",
                        zip: "33602", email: "e\(row)@example.com", submittedAt: "2026-04-27T09:14:22Z",
                        latencyMs: row % 900),
                    nil
                )
            }
            let (paths, summary) = try writeBatch(rows, in: directory)
            let csv = parseCSV(try readText(paths.resultsCSV))
            #expect(csv.count == count + 1)
            #expect(csv.dropFirst().map { $0[0] } == (1...count).map(String.init))
            #expect(csv[12_345][1] == huge)
            #expect(csv[12_346][1] == "ref-12346")
            let lines = try readText(paths.resultsJSONL).split(separator: "\n")
            #expect(lines.count == count)
            #expect(lines.last?.hasPrefix("{\"row\":\(count),") == true)
            #expect(summary.revenueCents == count * 125)
        }
    }
}
