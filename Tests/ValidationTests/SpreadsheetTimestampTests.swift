import Ingest
import LeadModel
import Testing
import Validation

/// Consent times as spreadsheets write them (`12/5/2026 10:01 PM`, `2026-12-05 22:01`, serial numbers), read
/// in the publisher's zone; "now" is 2026-05-01T12:00:00Z (ValidatorFixture).
@Suite struct SpreadsheetTimestampTests {
    typealias F = ValidatorFixture

    static let newYork = Validator.Configuration(assumeTimezone: "America/New_York")
    static let newYorkYear = Validator.Configuration(assumeTimezone: "America/New_York", tcpaMaxAgeDays: 365)

    static func check(_ value: RawValue, _ configuration: Validator.Configuration, publisher: String = "default")
        -> CheckedRecord
    {
        var record = F.record(["tcpa_timestamp": value])
        record.publisher = publisher
        return F.validator(configuration).check(record)
    }

    @Test(arguments: [
        // M/D/YYYY H:MM[:SS][ AM|PM] (EDT, UTC-4, in April)
        ("4/27/2026 9:14 AM", "2026-04-27T13:14:00Z"),
        ("4/27/2026 9:14 am", "2026-04-27T13:14:00Z"),
        ("4/27/2026 9:14AM", "2026-04-27T13:14:00Z"),
        ("4/27/2026 9:14:22 PM", "2026-04-28T01:14:22Z"),
        ("4/27/2026  21:14", "2026-04-28T01:14:00Z"),
        ("4/27/2026 21:14:05", "2026-04-28T01:14:05Z"),
        ("04/27/2026 09:14", "2026-04-27T13:14:00Z"),
        ("04/07/2026 00:00", "2026-04-07T04:00:00Z"),
        (" 4/7/2026 23:59:59 ", "2026-04-08T03:59:59Z"),
        // 12 AM is midnight, 12 PM noon.
        ("4/27/2026 12:00 AM", "2026-04-27T04:00:00Z"),
        ("4/27/2026 12:59 AM", "2026-04-27T04:59:00Z"),
        ("4/27/2026 12:00 PM", "2026-04-27T16:00:00Z"),
        ("4/27/2026 12:30:15 pm", "2026-04-27T16:30:15Z"),
        ("4/27/2026 11:59 PM", "2026-04-28T03:59:00Z"),
        ("4/27/2026 1:00 PM", "2026-04-27T17:00:00Z"),
        // ISO 8601 without a zone
        ("2026-04-27 09:14", "2026-04-27T13:14:00Z"),
        ("2026-04-27 09:14:22", "2026-04-27T13:14:22Z"),
        // Serial numbers: 46139 is 2026-04-27.
        ("46139", "2026-04-27T04:00:00Z"),
        ("46139.5", "2026-04-27T16:00:00Z"),
        ("46139.75", "2026-04-27T22:00:00Z"),
        ("46139.3854166667", "2026-04-27T13:15:00Z"),
        ("46139.999994", "2026-04-28T03:59:59Z"),
        ("46139.9999999", "2026-04-28T04:00:00Z"),
    ])
    func acceptedInTheZone(raw: String, utc: String) {
        let checked = Self.check(.string(raw), Self.newYork)
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        #expect(checked.lead?.tcpaTimestamp == utc)
    }

    @Test func jsonNumberSerialIsADate() {
        #expect(Self.check(.number("46139.5"), Self.newYork).lead?.tcpaTimestamp == "2026-04-27T16:00:00Z")
    }

    @Test(arguments: [
        // Spring forward in New York, 2026-03-08 02:00 EST → 03:00 EDT (serial 46089).
        ("3/8/2026 1:59:59 AM", "2026-03-08T06:59:59Z"),
        ("3/8/2026 3:00 AM", "2026-03-08T07:00:00Z"),
        ("3/8/2026 2:30 AM", "2026-03-08T07:30:00Z"),  // in the gap: moved forward
        ("3/7/2026 11:00 PM", "2026-03-08T04:00:00Z"),
        ("3/8/2026 11:00 PM", "2026-03-09T03:00:00Z"),
        ("46089.125", "2026-03-08T07:00:00Z"),
        ("46089.0625", "2026-03-08T06:30:00Z"),
        // Fall back, 2025-11-02 02:00 EDT → 01:00 EST: 1:30 happens twice, the earlier one is taken.
        ("11/2/2025 12:59 AM", "2025-11-02T04:59:00Z"),
        ("11/2/2025 1:30 AM", "2025-11-02T05:30:00Z"),
        ("11/2/2025 2:00 AM", "2025-11-02T07:00:00Z"),
    ])
    func dstTransitionDays(raw: String, utc: String) {
        let checked = Self.check(.string(raw), Self.newYorkYear)
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        #expect(checked.lead?.tcpaTimestamp == utc)
    }

    @Test(arguments: [
        ("4/27/2026 9:14 AM", "2026-04-27T09:14:00-05:00"), ("04/27/2026 21:14", "2026-04-27T21:14:00-05:00"),
        ("2026-04-27 09:14", "2026-04-27T09:14:00-05:00"), ("2026-04-27T09:14:22", "2026-04-27T09:14:22-05:00"),
        ("46139.5", "2026-04-27T12:00:00-05:00"),
    ])
    func withoutAZoneTheRowNamesThePublishersSetting(raw: String, example: String) {
        for publisher in ["default", "acme"] {
            let checked = Self.check(.string(raw), .init(), publisher: publisher)
            #expect(
                checked.problems == [
                    Problem(
                        .tcpaTimestampInvalid, field: "tcpa_timestamp", value: raw,
                        text: "tcpa_timestamp \"\(raw)\" is not a valid timestamp (has no time zone). Expected a time "
                            + "with its time zone, e.g. \(example). Fix: set timezone under [publishers.\(publisher)] "
                            + "in leadspool.toml (e.g. \"America/New_York\"), or write the offset as in the example")
                ])
        }
    }

    @Test(arguments: [
        ("4/27/2026", "has a date but no time"),
        ("13/27/2026 9:14", "is not a real date"),
        ("4/31/2026 9:14", "is not a real date"),
        ("2/29/2026 9:14", "is not a real date"),
        ("0/1/2026 9:14", "is not a real date"),
        ("4/27/2026 13:14 PM", "is not a real time of day"),
        ("4/27/2026 0:14 AM", "is not a real time of day"),
        ("4/27/2026 24:00", "is not a real time of day"),
        ("4/27/2026 9:60", "is not a real time of day"),
        ("4/27/26 9:14", "is not an ISO 8601 date and time"),
        ("4/27/2026 9:14 XM", "is not an ISO 8601 date and time"),
        ("4/27/2026 9:14 AM EST", "is not an ISO 8601 date and time"),
        ("4/27/2026 9", "is not an ISO 8601 date and time"),
        ("27.04.2026 09:14", "is not an ISO 8601 date and time"),
        ("0.5", "is not a spreadsheet date serial number"),
        ("46139.", "is not an ISO 8601 date and time"),
        ("1777281262", "is not an ISO 8601 date and time"),
    ])
    func rejectedForms(raw: String, detail: String) {
        let checked = Self.check(.string(raw), Self.newYork)
        #expect(
            F.found(checked.problems) == [
                Problem(
                    .tcpaTimestampInvalid, field: "tcpa_timestamp", value: raw,
                    text: "tcpa_timestamp \"\(raw)\" is not a valid timestamp (\(detail))")
            ])
    }

    @Test func ageRulesApplyToTheConvertedTime() {
        #expect(Self.check(.string("5/1/2026 8:05 AM"), Self.newYork).problems.isEmpty)
        #expect(Self.check(.string("5/1/2026 8:06 AM"), Self.newYork).problems.map(\.code) == [.tcpaTimestampFuture])
        #expect(Self.check(.string("1/1/2026 9:00 AM"), Self.newYork).problems.map(\.code) == [.tcpaConsentExpired])
    }

    // MARK: a required column the header lacks

    @Test func missingColumnReasonNamesTheMapping() {
        var fields = F.validFields.filter { $0.0 != "zip" }
        fields.append(("Zip/Postal", .string("33601")))
        let checked = F.validator().check(F.record(fields))
        #expect(
            F.found(checked.problems) == [
                Problem(
                    .missingField, field: "zip", value: "",
                    text: #"zip is missing (no column for zip; columns not recognised: Zip/Postal — add "Zip/Postal" = "zip" under [publishers.default.columns])"#
                )
            ])
    }

    @Test func blankValueInAPresentColumnIsJustMissing() {
        var fields = F.validFields.map { $0.0 == "zip" ? ("zip", RawValue.string(" ")) : $0 }
        fields.append(("Zip/Postal", .string("33601")))
        #expect(F.validator().check(F.record(fields)).problems.map { F.found($0.text) } == ["zip is missing"])
    }
}
