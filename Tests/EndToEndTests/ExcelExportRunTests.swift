import Foundation
import Testing

/// A Windows Excel export as a publisher sends it (Windows-1252, `;`, CRLF, accents, "Zip/Postal",
/// "Lead ID", `12/5/2026 10:01 PM` consent dates) goes through `run` with a two-line column mapping and a
/// timezone: every valid lead is submitted, and the row to fix comes back in rejects.csv with its name intact.
@Suite struct ExcelExportRunTests {
    static let token = "dl_test_excel"

    /// `M/D/YYYY h:mm AM|PM` in New York time, `hours` ago.
    static func excelDate(hoursAgo hours: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute], from: Date().addingTimeInterval(-hours * 3600))
        let hour = parts.hour!
        let clock = hour % 12 == 0 ? 12 : hour % 12
        return "\(parts.month!)/\(parts.day!)/\(parts.year!) \(clock):"
            + String(format: "%02d", parts.minute!) + (hour < 12 ? " AM" : " PM")
    }

    @Test func anExcelExportGoesThroughRunWithAMappingAndATimezone() throws {
        let sandbox = try SandboxProcess(seed: 9)
        defer { sandbox.stop() }
        let spool = try TempSpool(
            config: """
                settle_seconds = 0
                [publishers.default]
                timezone = "America/New_York"
                [publishers.default.columns]
                "Zip/Postal" = "zip"
                "Lead ID" = "ref"

                """)
        defer { spool.remove() }
        let consent = "By submitting this form, I agree to be contacted about insurance offers."
        let rows = [
            ["José", "Martínez O’Brien", "jose.martinez@example.com", "(813) 247-2001", "33601", "XL-0001"],
            ["Zoë", "Müller", "zoe.mueller@example.net", "212.333.2002", "10001", "XL-0002"],
            ["François", "D’Angelo", "francois@example.org", "8.13555E+09", "94107", "XL-0003"],
        ]
        var text = "First Name;Last Name;E-mail;Cell Phone;Zip/Postal;Lead ID;Consent Date;Consent Text;Page URL;Vertical\r\n"
        for (index, row) in rows.enumerated() {
            text += (row + [Self.excelDate(hoursAgo: Double(20 + index * 5)), consent, "https://quotes.example.com/auto",
                "insurance"]).joined(separator: ";") + "\r\n"
        }
        let bytes = try #require(text.data(using: .windowsCP1252))
        try bytes.write(to: URL(fileURLWithPath: spool.root + "/incoming/acme-export.csv"))

        let run = try spool.run(endpoint: sandbox.endpoint, token: Self.token)
        #expect(run.status == 0, "\(run.output)")
        let results = try spool.resultLines()
        #expect(results.count == 3)
        #expect(results.prefix(2).allSatisfy { ["accepted", "rejected"].contains($0.outcome) }, "\(run.output)")
        #expect(results.last?.reasonCode == "PHONE_EXCEL_MANGLED")
        #expect(try sandbox.record().byLead.count == 2, "both valid leads were submitted")
        // The report a publisher finds by the upload's name, and the row to fix with its name intact.
        let reports = try spool.list("reports")
        let rejects = try #require(reports.first { $0.contains("-acme-export-") && $0.hasSuffix(".rejects.csv") })
        let fix = try String(contentsOfFile: spool.root + "/reports/" + rejects, encoding: .utf8)
        #expect(fix.contains("François;D’Angelo;francois@example.org;8.13555E+09"), "\(fix)")
        #expect(!fix.contains("\u{FFFD}"))
    }
}
