import Foundation
import Testing

/// The HTML pages as a browser shows them: a real run's `summary.html` and the `report --format html` page
/// rendered by headless Chromium, with no console message, the key figures in the rendered DOM, and a
/// screenshot (kept in `.build/test-artifacts/`). `make test` installs Chromium (`make deps`), so a missing
/// browser fails these tests rather than skipping them.
@Suite(.serialized, .tags(.chromium)) struct SummaryHTMLRenderTests {
    static let token = "dl_test_render"
    static let chromium = ProcessInfo.processInfo.environment["LEADSPOOL_CHROMIUM"] ?? "/usr/bin/chromium"
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../.build/test-artifacts").standardized

    @Test func runSummaryRendersWithItsFigures() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        try spool.dropRecent("insurance-clean.csv")
        try spool.drop(fixture: "debt-mixed.csv", recent: true)
        let run = try spool.run(endpoint: api.endpoint, token: Self.token)
        try #require(run.status == 0, "\(run.output)")

        let reports = try spool.list("reports")
        let summaries = reports.filter { $0.hasSuffix(".summary.json") }
        try #require(summaries.count == 2, "\(reports)")
        var renderedAccepted = 0
        for name in summaries {
            let base = spool.root + "/reports/" + name.dropLast(".summary.json".count)
            let json = try Data(contentsOf: URL(fileURLWithPath: base + ".summary.json"))
            let summary = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            let outcomes = try #require(summary["outcomes"] as? [String: Any])
            let accepted = try #require(outcomes["accepted"] as? Int)
            let revenue = try #require((summary["revenue"] as? NSNumber)?.doubleValue)
            let rows = try #require(summary["rows"] as? Int)
            renderedAccepted += accepted

            let batch = name.dropLast(".summary.json".count)
            let page = try Self.render(base + ".summary.html", screenshot: "summary-\(batch).png")
            #expect(page.console.isEmpty, "console: \(page.console)")
            #expect(page.dom.contains(Self.card("Accepted", Self.grouped(accepted))), "accepted \(accepted)")
            #expect(page.dom.contains(Self.card("Revenue", Self.dollars(revenue))), "revenue \(revenue)")
            #expect(page.dom.contains(Self.card("Rows", Self.grouped(rows))))
            #expect(page.dom.contains("<svg"), "the outcome chart is in the page")
            #expect(page.pngWidth == 1100)
        }
        #expect(renderedAccepted > 0, "the pages show accepted leads and revenue, not only zeros")
    }

    @Test func reportPageRendersWithTotals() throws {
        let spool = try TempSpool()
        defer { spool.remove() }
        let api = try SandboxProcess(seed: 8)
        defer { api.stop() }
        try spool.dropRecent("insurance-clean.csv")
        try spool.drop(fixture: "mortgage-messy.csv", recent: true)
        try #require(try spool.run(endpoint: api.endpoint, token: Self.token).status == 0)

        var accepted = 0
        var leads = 0
        var revenue = 0.0
        for name in try spool.list("reports") where name.hasSuffix(".results.jsonl") {
            let text = try String(contentsOfFile: spool.root + "/reports/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                leads += 1
                if row["outcome"] as? String == "accepted" {
                    accepted += 1
                    revenue += (row["bid_amount"] as? NSNumber)?.doubleValue ?? 0
                }
            }
        }
        try #require(accepted > 0)

        let report = try spool.invoke(
            ["report", "--spool", spool.root, "--by", "day,vertical,batch", "--format", "html"], environment: [:])
        try #require(report.status == 0, "\(report.output)")
        let path = spool.base + "/report.html"
        try Data(report.output.utf8).write(to: URL(fileURLWithPath: path))
        let page = try Self.render(path, screenshot: "report.png", width: 1400)
        #expect(page.console.isEmpty, "console: \(page.console)")
        #expect(page.dom.contains(Self.card("Accepted", Self.grouped(accepted))))
        #expect(page.dom.contains(Self.card("Leads", Self.grouped(leads))))
        #expect(page.dom.contains(Self.card("Revenue", Self.dollars(revenue))))
        #expect(page.dom.contains("<td>insurance-clean.csv</td>"))
        #expect(page.dom.contains("<td>mortgage-messy.csv</td>"))
        #expect(page.pngWidth == 1400)
    }

    /// `check`'s page: a dry run shows what would be submitted and what to fix, not revenue or acceptance.
    @Test func checkSummaryRendersWithoutRunFigures() throws {
        let work = try TemporaryDirectory("leadspool-render-check")
        let reports = work.path("reports")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fixtures/batches/mortgage-messy.csv").standardized.path
        let result = try runLeadspool(["check", "--quiet", "--report-dir", reports, fixture], directory: work.url)
        try #require(result.status == 0, "\(result.stderr)")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: reports).first { $0.hasSuffix(".summary.json") })
        let base = reports + "/" + name.dropLast(".summary.json".count)
        let json = try Data(contentsOf: URL(fileURLWithPath: base + ".summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let outcomes = try #require(summary["outcomes"] as? [String: Any])
        let page = try Self.render(base + ".summary.html", screenshot: "summary-check.png")
        #expect(page.console.isEmpty, "console: \(page.console)")
        for outcome in ["valid", "invalid", "duplicate"] {
            let label = ["valid": "Valid (would submit)", "invalid": "Invalid", "duplicate": "Duplicates"][outcome]!
            #expect(page.dom.contains(Self.card(label, Self.grouped(try #require(outcomes[outcome] as? Int)))), "\(label)")
        }
        for label in ["Accepted", "Rejected", "Revenue", "Acceptance rate"] {
            #expect(!page.dom.contains("<div class=\"k\">\(label)</div>"), "\(label) in a dry run")
        }
        #expect(page.dom.contains("How to fix"))
        #expect(page.dom.contains("format the phone column as Text in Excel"), "PHONE_EXCEL_MANGLED's fix")
        #expect(page.pngWidth == 1100)
    }

    /// The console check itself: a page that logs an error is caught.
    @Test func consoleErrorsAreCaught() throws {
        let work = try TemporaryDirectory("leadspool-render")
        let path = work.path("broken.html")
        try Data("<!DOCTYPE html><p>x</p><script>console.error('bad figure')</script>".utf8)
            .write(to: URL(fileURLWithPath: path))
        let page = try Self.render(path, screenshot: nil)
        #expect(page.console.contains { $0.contains("bad figure") }, "\(page.console)")
    }

    struct Rendering {
        /// The DOM after layout, as Chromium serialises it.
        var dom: String
        /// Console messages the page produced (Chromium logs them as `CONSOLE` lines).
        var console: [String]
        /// Width of the screenshot in pixels (from its PNG header), 0 without one.
        var pngWidth: Int
    }

    /// Renders `path` twice with headless Chromium: once dumping the DOM with console logging on, once to a
    /// PNG screenshot in `.build/test-artifacts/` (when `screenshot` names one).
    static func render(_ path: String, screenshot: String?, width: Int = 1100) throws -> Rendering {
        try #require(
            FileManager.default.isExecutableFile(atPath: chromium),
            "Chromium is missing at \(chromium): `make deps` (scripts/install-deps.sh) installs it")
        let profile = try TemporaryDirectory("leadspool-chromium")
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=" + profile.path("profile"), "--window-size=\(width),1600", "--hide-scrollbars",
        ]
        let url = URL(fileURLWithPath: path).absoluteString
        let dump = try runChromium(common + ["--enable-logging=stderr", "--v=0", "--dump-dom", url])
        try #require(dump.status == 0, "chromium --dump-dom exited \(dump.status): \(dump.stderr.suffix(2000))")
        let console = dump.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        var pngWidth = 0
        if let screenshot {
            try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
            let png = artifacts.appendingPathComponent(screenshot).path
            try? FileManager.default.removeItem(atPath: png)
            let shot = try runChromium(common + ["--screenshot=" + png, url])
            try #require(shot.status == 0, "chromium --screenshot exited \(shot.status): \(shot.stderr.suffix(2000))")
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
            try #require(bytes.count > 24 && bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            pngWidth = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        }
        return Rendering(dom: dump.stdout, console: console, pngWidth: pngWidth)
    }

    /// Runs Chromium under `timeout`, so a browser that hangs fails the test instead of stalling it.
    static func runChromium(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = try TemporaryDirectory("leadspool-chromium-out")
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["120", chromium] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// A headline card as the pages write it and Chromium serialises it.
    static func card(_ label: String, _ value: String) -> String {
        "<div class=\"k\">\(label)</div><div class=\"v\">\(value)</div>"
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    static func dollars(_ amount: Double) -> String {
        let cents = Int((amount * 100).rounded())
        let fraction = cents % 100
        return "$" + grouped(cents / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}
