import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `leadspool check` run as a user would, on the fixture batches, with "now" fixed.
@Suite struct CheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures").standardized
    /// 2026-11-15T00:00:00Z: the fixtures' consent times are days before it.
    static let now = "1794700800"

    /// (row, outcome, every reason code) from a results.jsonl file.
    func outcomes(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let codes = (object["reason_codes"] as? [String]) ?? []
            return "\(object["row"]!) \(object["outcome"]!) \(codes.joined(separator: ","))"
        }
    }

    func check(_ files: [String], extra: [String] = []) throws -> (status: Int32, stdout: String, reports: TemporaryDirectory) {
        let reports = try TemporaryDirectory()
        let result = try runLeadspool(
            ["check", "--quiet", "--report-dir", reports.url.path, "--now", Self.now] + extra
                + files.map { Self.fixtures.appendingPathComponent($0).path })
        return (result.status, String(decoding: result.stdout, as: UTF8.self), reports)
    }

    func resultsFile(_ reports: TemporaryDirectory, suffix: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.url.path)
        return reports.path(try #require(names.first { $0.hasSuffix(suffix) }))
    }

    @Test func messyMortgageBatch() throws {
        let (status, stdout, reports) = try check(["batches/mortgage-messy.csv"])
        #expect(status == 0)
        #expect(stdout.contains("7 rows: 1 valid, 5 invalid, 1 duplicate"))
        #expect(
            try outcomes(try resultsFile(reports, suffix: ".results.jsonl")) == [
                "1 valid ", "2 invalid EMAIL_INVALID", "3 invalid MISSING_FIELD,PHONE_EXCEL_MANGLED,FIELD_INVALID",
                "4 invalid PHONE_INVALID,TCPA_TIMESTAMP_INVALID,TCPA_URL_INVALID",
                "5 invalid PHONE_NOT_US,TCPA_TIMESTAMP_FUTURE,TCPA_TEXT_MISSING", "6 duplicate DUPLICATE_IN_BATCH",
                "7 invalid TCPA_CONSENT_EXPIRED",
            ])
        let csv = parseCSV(try String(contentsOfFile: try resultsFile(reports, suffix: ".results.csv"), encoding: .utf8))
        #expect(csv[0].prefix(6) == ["row", "ref", "vertical", "outcome", "reason_code", "reason"])
        #expect(csv[1][1] == "MTG-1")
        #expect(csv[1][10] == "'+13052472001")
        #expect(csv[2][11] == "02134")  // 4-digit ZIP repaired
        #expect(csv[4][5].contains("phone \"800-247-2004\""))
        // In the batch's own dialect (`;`), with a BOM so Excel reads it as UTF-8.
        let rejectsBytes = try Data(contentsOf: URL(fileURLWithPath: try resultsFile(reports, suffix: ".rejects.csv")))
        #expect(rejectsBytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let rejects = parseCSV(String(decoding: rejectsBytes, as: UTF8.self), delimiter: UInt8(ascii: ";"))
        #expect(rejects[0].first == "First Name")
        #expect(rejects[0].last == "leadspool_reason")
        #expect(rejects.count == 1 + 5)
        // Neutralised like every CSV cell leadspool writes (CONTRACT §6).
        #expect(rejects.contains { $0.first == "'=HYPERLINK(\"http://x\")" })
    }

    /// Two files with the same content in one call are one batch: the second does not overwrite the first's reports.
    @Test func theSameContentTwiceIsCheckedOnce() throws {
        let (status, stdout, reports) = try check(["batches/mortgage-messy.csv", "batches/mortgage-messy.csv"])
        #expect(status == 0)
        #expect(stdout.components(separatedBy: "7 rows:").count == 2, "\(stdout)")
        #expect(stdout.contains("the same content as"), "\(stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports.url.path).count == 5)
    }

    /// A FIFO (or a directory, a device, a missing path) is refused with exit 64 and what it is, without being
    /// opened: opening a FIFO for reading waits for a writer that never comes. The child is killed after
    /// 20 s, so a regression fails rather than hangs. A symlink to a regular file is read.
    @Test func pathsThatAreNotRegularFilesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.path("leads.csv")
        try #require(mkfifo(fifo, 0o600) == 0)
        let reports = dir.path("reports")
        let refused = try runLeadspool(["check", "--quiet", "--report-dir", reports, fifo], within: 20)
        #expect(!refused.timedOut, "check blocked on a FIFO")
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(fifo) is a FIFO, not a regular file"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: reports), "nothing written")

        try FileManager.default.createDirectory(atPath: dir.path("folder.csv"), withIntermediateDirectories: false)
        for (path, says) in [
            (dir.path("folder.csv"), "is a directory, not a regular file"),
            ("/dev/null", "is a character device, not a regular file"),
            (dir.path("missing.csv"), "no such file"),
        ] {
            let result = try runLeadspool(["check", "--quiet", "--report-dir", reports, path], within: 20)
            #expect(!result.timedOut)
            #expect(result.status == 64, "\(path): \(result.stderr)")
            #expect(result.stderr.contains(says) && result.stderr.contains(path), "\(result.stderr)")
        }
        // A good file before a FIFO: the whole call is refused before anything is read.
        let good = Self.fixtures.appendingPathComponent("batches/mortgage-messy.csv").path
        let mixed = try runLeadspool(["check", "--quiet", "--report-dir", reports, good, fifo], within: 20)
        #expect(!mixed.timedOut && mixed.status == 64, "\(mixed.stderr)")

        let link = dir.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: good)
        let linked = try runLeadspool(
            ["check", "--quiet", "--report-dir", reports, "--now", Self.now, link], within: 60)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("7 rows: 1 valid, 5 invalid, 1 duplicate"), "\(linked.stdout)")
    }

    @Test func jsonlAndGzipBatches() throws {
        let (status, _, reports) = try check(["batches/solar.jsonl"])
        #expect(status == 0)
        #expect(
            try outcomes(try resultsFile(reports, suffix: ".results.jsonl")) == [
                "1 valid ", "2 valid ", "3 invalid PHONE_NOT_US,FIELD_INVALID", "4 invalid RECORD_UNREADABLE",
                "5 invalid ZIP_INVALID",
            ])
        let (gzStatus, gzOut, _) = try check(["batches/insurance-clean-copy.csv.gz"])
        #expect(gzStatus == 0)
        #expect(gzOut.contains("5 rows: 5 valid"))
    }

    @Test func debtBatchDuplicatesAndVerticals() throws {
        let (_, _, reports) = try check(["batches/debt-mixed.csv"])
        #expect(
            try outcomes(try resultsFile(reports, suffix: ".results.jsonl")) == [
                "1 valid ", "2 valid ", "3 valid ", "4 invalid VERTICAL_UNKNOWN", "5 duplicate DUPLICATE_IN_BATCH",
                "6 invalid NAME_INVALID",
            ])
    }

    @Test func unreadableFilesExit65AndSayWhy() throws {
        let (status, stdout, _) = try check([
            "broken/truncated.csv.gz", "broken/spreadsheet.csv", "broken/no-header.csv", "batches/insurance-clean.csv",
        ])
        #expect(status == 65)
        #expect(stdout.contains("truncated.csv.gz: cannot be read: truncated gzip stream"))
        #expect(stdout.contains("spreadsheet.csv: cannot be read: not a text file"))
        #expect(stdout.contains("no-header.csv: cannot be read: no header"))
        #expect(stdout.contains("5 rows: 5 valid"))
    }

    @Test func redactMasksPhoneAndEmail() throws {
        let (_, _, reports) = try check(["batches/insurance-clean.csv"], extra: ["--redact"])
        let text = try String(contentsOfFile: try resultsFile(reports, suffix: ".results.csv"), encoding: .utf8)
        #expect(!text.contains("maria.garcia@example.com"))
        #expect(!text.contains("+18132471001"))
        #expect(text.contains("+1813***1001"))
    }

    @Test func configurationErrorsExit64NamingKeyAndFile() throws {
        let dir = try TemporaryDirectory()
        let config = dir.path("leadspool.toml")
        try "[validate]\nzip_chek = \"exists\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let unknown = try runLeadspool(["check", "--config", config, Self.fixtures.appendingPathComponent("batches/solar.jsonl").path])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown key 'validate.zip_chek'"))
        #expect(unknown.stderr.contains(config))

        try "[api]\nmax_in_flight = \"many\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let badType = try runLeadspool(["check", "--config", config, Self.fixtures.appendingPathComponent("batches/solar.jsonl").path])
        #expect(badType.status == 64)
        #expect(badType.stderr.contains("'api.max_in_flight' must be a whole number"))

        try "[api]\nrate_limit = 200000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let badNumber = try runLeadspool(["check", "--config", config, Self.fixtures.appendingPathComponent("batches/solar.jsonl").path])
        #expect(badNumber.status == 64)
        #expect(badNumber.stderr.contains("'api.rate_limit' must be a number of requests per second from 0.0 to 100000.0"))

        let missing = try runLeadspool(["check", "--config", dir.path("nope.toml"), "x.csv"])
        #expect(missing.status == 64)

        // Values checked when the file is read, each naming its key and the file.
        for (text, expected) in [
            ("[validate]\nassume_timezone = \"Mars/Olympus\"\n", "'validate.assume_timezone' must be an IANA time zone"),
            ("[api]\nendpoint = \"ftp://x\"\n", "'api.endpoint' must be an absolute http:// or https:// URL"),
            ("[api]\ntoken_env = \"\"\n", "'api.token_env' must be a non-empty string"),
            ("[api]\nrate_limit = -1\n", "'api.rate_limit' must be a number of requests per second"),
            ("[publishers.\"bad name\"]\ntoken_env = \"X\"\n", "'publishers.bad name': a publisher is named"),
        ] {
            try text.write(toFile: config, atomically: true, encoding: .utf8)
            let result = try runLeadspool(["check", "--config", config, Self.fixtures.appendingPathComponent("batches/solar.jsonl").path])
            #expect(result.status == 64, "\(text)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.contains(config), "\(result.stderr)")
        }

        // A directory, or bytes that are not text, are configuration errors naming the file, not crashes.
        try FileManager.default.createDirectory(atPath: dir.path("conf.d"), withIntermediateDirectories: false)
        let directory = try runLeadspool(["check", "--config", dir.path("conf.d"), "x.csv"])
        #expect(directory.status == 64)
        #expect(directory.stderr.contains("configuration file \(dir.path("conf.d")) is a directory"))
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: config))
        let binary = try runLeadspool(["check", "--config", config, "x.csv"])
        #expect(binary.status == 64)
        #expect(binary.stderr.contains("is not UTF-8 text"))
    }

    /// A CSV record that is not text (invalid UTF-8, a NUL byte) is one invalid row naming the place, and its
    /// rejects row still shows the publisher's cells (a byte that is not UTF-8 as its Windows-1252 character, a
    /// NUL as ␀, never U+FFFD), so it can be fixed.
    @Test func rejectsKeepTheCellsOfARecordThatIsNotText() throws {
        let dir = try TemporaryDirectory()
        let reports = try TemporaryDirectory()
        var bytes = Array("ref,first_name,phone\nR1,Ann,8135550100\nR2,B".utf8)
        bytes += [0xFF]
        bytes += Array("b,8135550101\nR3,Cy\u{0}d,8135550102\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path("bad.csv")))
        let result = try runLeadspool(["check", "--quiet", "--report-dir", reports.url.path, "--now", Self.now, dir.path("bad.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let rejects = parseCSV(try String(contentsOfFile: try resultsFile(reports, suffix: ".rejects.csv"), encoding: .utf8))
        let byRef: [String: [String]] = Dictionary(rejects.dropFirst().map { ($0[0], $0) }) { first, _ in first }
        #expect(byRef["R2"]?.prefix(3) == ["R2", "Bÿb", "8135550101"])
        #expect(byRef["R2"]?.last?.contains("invalid UTF-8 at byte") == true)
        #expect(byRef["R3"]?.prefix(3) == ["R3", "Cy\u{2400}d", "8135550102"])
        #expect(byRef["R3"]?.last?.contains("NUL byte at byte") == true)
    }

    /// A path that names no file, or a directory, is a usage error (64) and nothing is checked; an unreadable
    /// file is 65.
    @Test func missingFilesAndDirectoriesExit64() throws {
        let dir = try TemporaryDirectory()
        let good = Self.fixtures.appendingPathComponent("batches/solar.jsonl").path
        let missing = try runLeadspool(["check", "--report-dir", dir.path("r"), good, dir.path("nope.csv")])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no such file: \(dir.path("nope.csv"))"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("r")))
        let directory = try runLeadspool(["check", "--report-dir", dir.path("r"), dir.path("")])
        #expect(directory.status == 64)
        #expect(directory.stderr.contains("is a directory"))
    }

    @Test func configuredDefaultVerticalAppliesToFilesWithoutTheColumn() throws {
        let dir = try TemporaryDirectory()
        let file = dir.path("novertical.csv")
        try """
            first_name,last_name,email,phone,zip,tcpa_timestamp,tcpa_text,tcpa_url
            Ana,Lopez,ana@example.com,3052472001,33101,2026-11-09T14:00:00Z,I agree.,https://x.example.com/
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let config = dir.path("leadspool.toml")
        try "[validate]\ndefault_vertical = \"solar\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let reports = try TemporaryDirectory()
        let without = try runLeadspool(["check", "--quiet", "--report-dir", reports.url.path, "--now", Self.now, file])
        #expect(String(decoding: without.stdout, as: UTF8.self).contains("1 invalid"))
        let with = try runLeadspool(
            ["check", "--quiet", "--config", config, "--report-dir", reports.url.path, "--now", Self.now, file])
        #expect(String(decoding: with.stdout, as: UTF8.self).contains("1 valid"))
    }
}
