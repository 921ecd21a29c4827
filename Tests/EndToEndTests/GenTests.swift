import Foundation
import Testing

/// `leadspool gen`, run as the built binary.
@Suite("leadspool gen")
struct GenTests {
    /// A fixed "now" (2026-04-27T...Z) so consent timestamps, and so the bytes, are reproducible.
    static let now = 1_777_280_000
    static let verticals = ["insurance", "mortgage", "solar", "debt"]
    static let verticalFields: [String: [String]] = [
        "insurance": ["coverage_type", "vehicle_year", "homeowner"],
        "mortgage": ["loan_purpose", "loan_amount", "credit_range"],
        "solar": ["monthly_electric_bill", "roof_type"],
        "debt": ["debt_amount", "debt_type"],
    ]
    static let baseColumns = [
        "ref", "vertical", "first_name", "last_name", "email", "phone", "zip", "tcpa_timestamp", "tcpa_text",
        "tcpa_url",
    ]
    /// The header of a dirty mixed CSV, and the API field each name stands for.
    static let spreadsheetHeader: [(String, String)] = [
        ("External ID", "ref"), ("Vertical", "vertical"), ("First Name", "first_name"), ("LNAME", "last_name"),
        ("Email_Address", "email"), ("Phone Number", "phone"), ("ZIP Code", "zip"),
        ("Consent Timestamp", "tcpa_timestamp"), ("Consent Text", "tcpa_text"), ("Page URL", "tcpa_url"),
        ("Coverage Type", "coverage_type"), ("Vehicle Year", "vehicle_year"), ("Homeowner", "homeowner"),
        ("Loan Purpose", "loan_purpose"), ("Loan Amount", "loan_amount"), ("Credit Range", "credit_range"),
        ("Monthly Electric Bill", "monthly_electric_bill"), ("Roof Type", "roof_type"),
        ("Debt Amount", "debt_amount"), ("Debt Type", "debt_type"), ("campaign", "campaign"),
    ]

    func gen(_ args: [String]) throws -> Data {
        let result = try runLeadspool(["gen", "--now", String(Self.now)] + args)
        #expect(result.status == 0, "leadspool gen \(args) failed: \(result.stderr)")
        return result.stdout
    }

    func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    func lineCount(_ data: Data) -> Int { data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    // MARK: determinism and shape

    @Test("equal options give equal bytes, another seed other bytes", arguments: ["csv", "jsonl"])
    func deterministic(format: String) throws {
        let args = ["--rows", "500", "--format", format, "--dirty", "0.3", "--seed", "42"]
        let first = try gen(args)
        let second = try gen(args)
        #expect(!first.isEmpty)
        #expect(first == second)
        let otherSeed = try gen(["--rows", "500", "--format", format, "--dirty", "0.3", "--seed", "43"])
        #expect(otherSeed != first)
        let otherNow = try runLeadspool(["gen", "--now", String(Self.now + 86_400)] + args)
        #expect(otherNow.stdout != first)
    }

    @Test("clean CSV has rows + 1 LF lines, JSONL one line per row", arguments: [0, 1, 7, 1000])
    func rowCount(rows: Int) throws {
        let csv = try gen(["--rows", String(rows)])
        #expect(lineCount(csv) == rows + 1)
        #expect(!csv.contains(0x0D))
        #expect(parseCSV(text(csv)).count == rows + 1)
        let jsonl = try gen(["--rows", String(rows), "--format", "jsonl"])
        #expect(lineCount(jsonl) == rows)
    }

    @Test("--gzip writes gzip that gunzips to the plain output", arguments: ["csv", "jsonl"])
    func gzip(format: String) throws {
        let args = ["--rows", "2000", "--format", format, "--dirty", "0.2", "--seed", "7"]
        let plain = try gen(args)
        let compressed = try gen(args + ["--gzip"])
        #expect(compressed.prefix(2) == Data([0x1F, 0x8B]))
        #expect(compressed.count < plain.count)
        let gunzipped = try runTool("/bin/gzip", ["-dc"], stdin: compressed)
        #expect(gunzipped.status == 0)
        #expect(gunzipped.stdout == plain)
    }

    @Test("--output writes the file through FILE.tmp, prints nothing on stdout and a summary on stderr")
    func outputFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("batch.csv")
        let result = try runLeadspool(["gen", "--now", String(Self.now), "--rows", "50", "--output", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("wrote 50 rows (csv, dirty 0.0, seed 1"))
        #expect(result.stderr.hasSuffix("to \(path)\n"))
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == (try gen(["--rows", "50"])))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test("bad options are usage errors (64)", arguments: [
        ["--dirty", "1.5"], ["--dirty", "-0.1"], ["--rows", "-1"], ["--format", "xml"], ["--vertical", "pets"],
        ["--config", "/nonexistent/leadspool.toml"],
    ])
    func usageErrors(args: [String]) throws {
        let result = try runLeadspool(["gen"] + args)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }

    @Test("an output path that cannot be created exits 73")
    func unwritableOutput() throws {
        let result = try runLeadspool(["gen", "--rows", "5", "--output", "/nonexistent-dir/batch.csv"])
        #expect(result.status == 73)
        #expect(result.stderr.contains("/nonexistent-dir/batch.csv.tmp"))
    }

    // MARK: content

    @Test("--dirty 0: every row is a clean, valid lead; phones and emails are unique")
    func cleanRowsAreClean() throws {
        let records = try csvRecords(["--rows", "3000", "--seed", "11"])
        #expect(records.count == 3000)
        for record in records {
            let problems = cleanShapeProblems(record, format: "csv")
            #expect(problems.isEmpty, "row \(record["ref"] ?? "?"): \(problems)")
        }
        #expect(Set(records.map { $0["phone"]! }).count == records.count)
        #expect(Set(records.map { $0["email"]! }).count == records.count)
        #expect(records.first?["ref"] == "R000001")
        #expect(records.last?["ref"] == "R003000")
    }

    @Test("mixed batches hold all four verticals, each row only its own vertical's fields")
    func mixedVerticals() throws {
        let records = try csvRecords(["--rows", "400"])
        #expect(Set(records.map { $0["vertical"]! }) == Set(Self.verticals))
        for record in records {
            let own = Set(Self.verticalFields[record["vertical"]!]!)
            for (vertical, fields) in Self.verticalFields where vertical != record["vertical"] {
                for field in fields where !own.contains(field) {
                    #expect(record[field] == "", "\(field) set on a \(record["vertical"]!) row")
                }
            }
        }
    }

    @Test("a single vertical has only that vertical's rows and columns", arguments: verticals)
    func singleVertical(vertical: String) throws {
        let csv = parseCSV(text(try gen(["--rows", "100", "--vertical", vertical])))
        #expect(csv[0] == Self.baseColumns + Self.verticalFields[vertical]!)
        #expect(csv.dropFirst().allSatisfy { $0[1] == vertical })
    }

    @Test("clean JSONL has the API's types and the same leads as the CSV of the same seed")
    func jsonlTypes() throws {
        let jsonl = try gen(["--rows", "400", "--format", "jsonl", "--seed", "5"])
        let lines = text(jsonl).split(separator: "\n")
        #expect(lines.count == 400)
        let decoder = JSONDecoder()
        var seenVerticals = Set<String>()
        var leads: [APILead] = []
        for line in lines {
            // Strict types: a vehicle_year string or a homeowner number fails to decode.
            let lead = try decoder.decode(APILead.self, from: Data(line.utf8))
            leads.append(lead)
            seenVerticals.insert(lead.vertical)
            #expect(lead.phone.wholeMatch(of: /\+1[2-9]\d{9}/) != nil)
            #expect(lead.zip.wholeMatch(of: /\d{5}/) != nil)
            switch lead.vertical {
            case "insurance":
                #expect(lead.coverage_type != nil && lead.vehicle_year != nil && lead.homeowner != nil)
                #expect((2005...2025).contains(lead.vehicle_year ?? 0))
            case "mortgage":
                #expect(lead.loan_purpose != nil && lead.credit_range != nil)
                #expect((100_000...900_000).contains(lead.loan_amount ?? 0))
            case "solar":
                #expect(lead.roof_type != nil)
                #expect((80...450).contains(lead.monthly_electric_bill ?? 0))
            case "debt":
                #expect(lead.debt_type != nil)
                #expect(lead.debt_amount?.contains("–") == true)
            default:
                Issue.record("unknown vertical \(lead.vertical)")
            }
            #expect(line.contains("\"vehicle_year\"") == (lead.vertical == "insurance"))
        }
        #expect(seenVerticals == Set(Self.verticals))

        let csv = try csvRecords(["--rows", "400", "--seed", "5"])
        #expect(csv.map { $0["ref"]! } == leads.map(\.ref))
        #expect(csv.map { $0["email"]! } == leads.map(\.email))
        #expect(csv.map { $0["zip"]! } == leads.map(\.zip))
        #expect(csv.map { "+1" + $0["phone"]! } == leads.map(\.phone))
    }

    @Test("--dirty 0.3: exactly 30% of rows carry logged defects, and exactly those rows differ from clean")
    func dirtyRows() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("defects.tsv")
        let data = try gen(["--rows", "1000", "--dirty", "0.3", "--seed", "3", "--defects-log", log])
        let entries = try defectsLog(log)
        #expect(entries.count == 300)
        let fraction = Double(entries.count) / 1000
        #expect(abs(fraction - 0.3) <= 0.05)

        let csv = parseCSV(text(data))
        #expect(csv[0] == Self.spreadsheetHeader.map(\.0))
        #expect(csv.count == 1001)
        let records = csv.dropFirst().map { cells in
            #expect(cells.count == Self.spreadsheetHeader.count)
            return Dictionary(uniqueKeysWithValues: zip(Self.spreadsheetHeader.map(\.1), cells))
        }
        var seenPhones = Set<String>()
        var flagged = Set<String>()
        for record in records {
            var problems = cleanShapeProblems(record, format: "csv")
            let key = "\(record["vertical"]!) \(record["phone"]!)"
            if !seenPhones.insert(key).inserted { problems.append("repeated phone") }
            if !problems.isEmpty { flagged.insert(record["ref"]!) }
        }
        let logged = Set(entries.map(\.ref))
        #expect(flagged.subtracting(logged).isEmpty, "rows that differ from clean but are not logged")
        #expect(logged.subtracting(flagged).isEmpty, "logged rows that look clean")

        let kinds = Set(entries.flatMap(\.defects))
        #expect(kinds.count >= 20, "only \(kinds.sorted())")
        #expect(entries.contains { $0.expect == "valid" })
        #expect(entries.contains { $0.expect != "valid" })
        #expect(entries.contains { $0.defects.count == 2 })
    }

    @Test("Excel notation: exact phones keep all 10 (or 11) digits, mangled ones lose some")
    func excelPhones() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("defects.tsv")
        let csv = parseCSV(text(try gen(["--rows", "5000", "--dirty", "1", "--seed", "21", "--defects-log", log])))
        let phoneColumn = try #require(csv[0].firstIndex(of: "Phone Number"))
        var seen = (exact: 0, mangled: 0)
        for entry in try defectsLog(log) {
            let phone = csv[entry.row][phoneColumn]
            guard let match = phone.wholeMatch(of: /(\d)\.(\d+)E\+(\d\d)/) else { continue }
            let mantissaDigits = 1 + match.output.2.count
            let numberDigits = 1 + (Int(match.output.3) ?? 0)
            if entry.defects.contains("phone_excel_exact") {
                seen.exact += 1
                #expect(mantissaDigits == numberDigits, "\(phone) lost digits")
                #expect(numberDigits == 10 || numberDigits == 11)
            } else if entry.defects.contains("phone_excel_mangled") {
                seen.mangled += 1
                #expect(mantissaDigits < numberDigits, "\(phone) kept every digit")
            } else {
                Issue.record("\(phone) in scientific notation without an Excel defect")
            }
        }
        #expect(seen.exact > 50 && seen.mangled > 50)
    }

    @Test("dirty CSV is a spreadsheet export: BOM, CRLF, quoting that survives quotes and line breaks")
    func dirtyCSVQuoting() throws {
        let data = try gen(["--rows", "2000", "--dirty", "1", "--seed", "9"])
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let body = text(data)
        let hasCRLF = body.contains("\r\n")
        let hasDoubledQuote = body.contains("\"\"")
        #expect(hasCRLF)
        #expect(hasDoubledQuote)
        let csv = parseCSV(body)
        #expect(csv.count == 2001)
        #expect(csv.allSatisfy { $0.count == Self.spreadsheetHeader.count })
        let consentColumn = try #require(csv[0].firstIndex(of: "Consent Text"))
        #expect(csv.contains { $0[consentColumn].contains("\n") && $0[consentColumn].contains("\"") })
        #expect(csv.dropFirst().allSatisfy { $0[0].hasPrefix("R") })
    }

    @Test("dirty JSONL: one JSON object per line, dirty values typed as an export would type them")
    func dirtyJSONL() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("defects.tsv")
        let data = try gen(["--rows", "1500", "--format", "jsonl", "--dirty", "0.5", "--defects-log", log])
        let lines = text(data).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1500)
        var objects: [[String: Any]] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            objects.append(try #require(object))
        }
        let entries = try defectsLog(log)
        #expect(entries.count == 750)
        for entry in entries {
            let line = lines[entry.row - 1]
            #expect(line.contains("\"ref\":\"\(entry.ref)\""))
            if entry.defects.contains("missing_email") { #expect(objects[entry.row - 1]["email"] == nil) }
            if entry.defects.contains("missing_zip") { #expect(line.contains("\"zip\":null")) }
            if entry.defects.contains("zip_lost_zero") { #expect(line.contains(/"zip":\d{4}[,}]/)) }
        }
    }

    // MARK: helpers

    func csvRecords(_ args: [String]) throws -> [[String: String]] {
        let csv = parseCSV(text(try gen(args)))
        let header = try #require(csv.first)
        return csv.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    struct DefectEntry {
        var row: Int
        var ref: String
        var defects: [String]
        var expect: String
    }

    func defectsLog(_ path: String) throws -> [DefectEntry] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "row\tref\tdefects\texpect")
        return try lines.dropFirst().map { line in
            let cells = line.split(separator: "\t").map(String.init)
            try #require(cells.count == 4)
            return DefectEntry(
                row: Int(cells[0]) ?? -1, ref: cells[1], defects: cells[2].split(separator: "+").map(String.init),
                expect: cells[3])
        }
    }

    /// What differs from a clean row as the generator writes it (an empty list for a clean row).
    /// Kept simple on purpose: shapes and ranges, not the product's validation rules.
    func cleanShapeProblems(_ r: [String: String], format: String) -> [String] {
        var problems: [String] = []
        let phone = r["phone"] ?? ""
        let phonePattern = format == "csv" ? /[2-9]\d{2}[2-9]\d{6}/ : /\+1[2-9]\d{2}[2-9]\d{6}/
        if phone.wholeMatch(of: phonePattern) == nil {
            problems.append("phone shape \(phone)")
        } else {
            let digits = phone.suffix(10)
            let area = digits.prefix(3)
            let exchange = digits.dropFirst(3).prefix(3)
            if area.hasPrefix("8") && area.dropFirst().allSatisfy({ $0 == area.last }) { problems.append("toll-free") }
            if exchange == "555" || exchange.hasSuffix("11") { problems.append("exchange \(exchange)") }
        }
        if (r["zip"] ?? "").wholeMatch(of: /\d{5}/) == nil { problems.append("zip") }
        if (r["email"] ?? "").wholeMatch(of: /[a-z0-9_]+(\.[a-z0-9_]+)*@[a-z]+(\.[a-z]+)+/) == nil {
            problems.append("email")
        }
        for name in [r["first_name"] ?? "", r["last_name"] ?? ""] {
            if name.isEmpty || !name.first!.isLetter || name.last == " " { problems.append("name \(name)") }
        }
        if !Self.verticals.contains(r["vertical"] ?? "") { problems.append("vertical") }
        let text = r["tcpa_text"] ?? ""
        if text.count < 40 || text.contains("\"") || text.contains("\n") || text.contains("\r") {
            problems.append("tcpa_text")
        }
        if !(r["tcpa_url"] ?? "").hasPrefix("https://") { problems.append("tcpa_url") }
        let stamp = r["tcpa_timestamp"] ?? ""
        if stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) == nil {
            problems.append("timestamp shape \(stamp)")
        } else if let date = ISO8601DateFormatter().date(from: stamp) {
            let age = Double(Self.now) - date.timeIntervalSince1970
            if age < 0 || age > 30 * 86_400 { problems.append("timestamp age \(age)") }
        } else {
            problems.append("timestamp \(stamp)")
        }
        switch r["vertical"] {
        case "insurance":
            if !(2005...2025).contains(Int(r["vehicle_year"] ?? "") ?? 0) { problems.append("vehicle_year") }
            if !["true", "false"].contains(r["homeowner"] ?? "") { problems.append("homeowner") }
            if !["auto", "home", "life", "health"].contains(r["coverage_type"] ?? "") { problems.append("coverage") }
        case "mortgage":
            if !(100_000...900_000).contains(Int(r["loan_amount"] ?? "") ?? 0) { problems.append("loan_amount") }
            if !["purchase", "refinance"].contains(r["loan_purpose"] ?? "") { problems.append("loan_purpose") }
        case "solar":
            if !(80...450).contains(Int(r["monthly_electric_bill"] ?? "") ?? 0) { problems.append("bill") }
            if !["shingle", "tile", "metal", "flat"].contains(r["roof_type"] ?? "") { problems.append("roof") }
        case "debt":
            if (r["debt_amount"] ?? "").wholeMatch(of: /\d+–\d+/) == nil { problems.append("debt_amount") }
        default:
            break
        }
        return problems
    }
}

/// A clean JSONL record decoded with the API's types.
private struct APILead: Decodable {
    var ref: String
    var vertical: String
    var first_name: String
    var last_name: String
    var email: String
    var phone: String
    var zip: String
    var tcpa_timestamp: String
    var tcpa_text: String
    var tcpa_url: String
    var coverage_type: String?
    var vehicle_year: Int?
    var homeowner: Bool?
    var loan_purpose: String?
    var loan_amount: Int?
    var credit_range: String?
    var monthly_electric_bill: Int?
    var roof_type: String?
    var debt_amount: String?
    var debt_type: String?
}
