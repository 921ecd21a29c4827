import Foundation
import Ingest
import LeadModel
import Testing
import Validation

/// `tcpa_timestamp` parsing, UTC conversion and the TCPA age checks, against the injected
/// now of 2026-05-01T12:00:00Z.
@Suite struct ConsentTimestampTests {
    typealias F = ValidatorFixture

    static func timestamp(_ raw: String, _ configuration: Validator.Configuration = .init()) -> CheckedRecord {
        F.check(["tcpa_timestamp": .string(raw)], configuration)
    }


    @Test(arguments: [
        ("2026-04-27T09:14:22Z", "2026-04-27T09:14:22Z"),
        ("2026-04-27t09:14:22z", "2026-04-27T09:14:22Z"),
        ("2026-04-27 09:14:22Z", "2026-04-27T09:14:22Z"),
        ("  2026-04-27T09:14:22Z ", "2026-04-27T09:14:22Z"),
        ("2026-04-27T09:14:22.987654Z", "2026-04-27T09:14:22Z"),
        ("2026-04-27T09:14:22,5Z", "2026-04-27T09:14:22Z"),
        ("2026-04-27T09:14Z", "2026-04-27T09:14:00Z"),
        ("2026-04-27T14:44:22+05:30", "2026-04-27T09:14:22Z"),
        ("2026-04-27T14:44:22+0530", "2026-04-27T09:14:22Z"),
        ("2026-04-27T02:14:22-07", "2026-04-27T09:14:22Z"),
        ("2026-04-27T02:14:22.5-07:00", "2026-04-27T09:14:22Z"),
        ("2026-04-27 09:14:22 +00:00", "2026-04-27T09:14:22Z"),
        ("2026-04-27 09:14:22 UTC", "2026-04-27T09:14:22Z"),
        ("2026-04-27T09:14:22GMT", "2026-04-27T09:14:22Z"),
        ("2026-04-26T23:30:00-10:00", "2026-04-27T09:30:00Z"),
        ("2026-04-27T00:30:00+01:00", "2026-04-26T23:30:00Z"),
        ("2026-03-01T00:00:00+00:30", "2026-02-28T23:30:00Z"),
        ("2026-02-28T23:59:59-12:00", "2026-03-01T11:59:59Z"),
    ])
    func acceptedForms(raw: String, utc: String) {
        let checked = Self.timestamp(raw)
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        #expect(checked.lead?.tcpaTimestamp == utc)
    }

    @Test(arguments: [
        ("2026-04-27", "has a date but no time"),
        ("2026/04/27 09:14:22Z", "is not an ISO 8601 date and time"),
        ("27.04.2026 09:14", "is not an ISO 8601 date and time"),
        ("04/27/2026 9:14 AM", "has no time zone"),
        ("2026-4-27T09:14:22Z", "is not an ISO 8601 date and time"),
        ("2026-04-27T9:14:22Z", "is not an ISO 8601 date and time"),
        ("2026-04-27T09:14:22.Z", "is not an ISO 8601 date and time"),
        ("2026-04-27T09:14:22ZZ", "is not an ISO 8601 date and time"),
        ("2026-04-27T09:14:22 EST", "is not an ISO 8601 date and time"),
        ("2026-04-27T09:14:22+5", "has an invalid UTC offset"),
        ("2026-04-27T09:14:22+05:3", "has an invalid UTC offset"),
        ("2026-04-27T09:14:22+19:00", "has an invalid UTC offset"),
        ("2026-04-27T09:14:22+05:60", "has an invalid UTC offset"),
        ("2026-02-30T09:14:22Z", "is not a real date"),
        ("2025-02-29T09:14:22Z", "is not a real date"),
        ("2026-13-01T09:14:22Z", "is not a real date"),
        ("2026-04-31T09:14:22Z", "is not a real date"),
        ("2026-00-10T09:14:22Z", "is not a real date"),
        ("2026-04-27T25:14:22Z", "is not a real time of day"),
        ("2026-04-27T24:00:00Z", "is not a real time of day"),
        ("2026-04-27T09:60:22Z", "is not a real time of day"),
        ("2026-04-27T09:14:60Z", "is not a real time of day"),
        ("2026-04-27T09:14:22", "has no time zone"),
        ("2026-04-27 09:14:22 ", "has no time zone"),
        ("1777281262", "is not an ISO 8601 date and time"),
    ])
    func rejectedForms(raw: String, detail: String) {
        let checked = Self.timestamp(raw)
        #expect(
            F.found(checked.problems) == [
                Problem(
                    .tcpaTimestampInvalid, field: "tcpa_timestamp", value: raw,
                    text: "tcpa_timestamp \"\(raw)\" is not a valid timestamp (\(detail))"
                )
            ]
        )
    }

    @Test func leapDayIsAccepted() {
        let checked = Self.timestamp("2024-02-29T12:00:00Z", .init(tcpaMaxAgeDays: 3650))
        #expect(checked.lead?.tcpaTimestamp == "2024-02-29T12:00:00Z")
    }

    @Test func jsonNumberTimestampIsInvalid() {
        let checked = F.check(["tcpa_timestamp": .number("1777281262")])
        #expect(checked.problems.map(\.code) == [.tcpaTimestampInvalid])
    }

    // MARK: the injected clock

    @Test(arguments: [
        ("2026-05-01T12:05:00Z", nil), ("2026-05-01T12:05:00.999Z", nil),
        ("2026-05-01T12:05:01Z", ReasonCode.tcpaTimestampFuture),
        ("2026-05-01T08:05:00-04:00", nil), ("2026-05-01T08:05:01-04:00", .tcpaTimestampFuture),
        ("2026-01-31T12:00:00Z", nil), ("2026-01-31T11:59:59Z", .tcpaConsentExpired),
        ("2026-01-31T11:59:59.999Z", .tcpaConsentExpired), ("2026-01-31T13:00:00+01:00", nil),
        ("2026-01-31T12:59:59+01:00", .tcpaConsentExpired), ("2027-01-01T00:00:00Z", .tcpaTimestampFuture),
        ("2019-06-01T00:00:00Z", .tcpaConsentExpired),
    ])
    func defaultWindowBoundaries(raw: String, code: ReasonCode?) {
        let checked = Self.timestamp(raw)
        #expect(checked.problems.map(\.code) == (code.map { [$0] } ?? []))
        #expect((checked.lead != nil) == (code == nil))
    }

    @Test(arguments: [
        ("2026-05-01T12:00:00Z", nil), ("2026-05-01T12:00:01Z", ReasonCode.tcpaTimestampFuture),
        ("2026-04-01T12:00:00Z", nil), ("2026-04-01T11:59:59Z", .tcpaConsentExpired),
    ])
    func configuredWindowBoundaries(raw: String, code: ReasonCode?) {
        let configuration = Validator.Configuration(tcpaMaxAgeDays: 30, futureToleranceSeconds: 0)
        #expect(Self.timestamp(raw, configuration).problems.map(\.code) == (code.map { [$0] } ?? []))
    }

    @Test func windowProblemsNameTheUTCTime() {
        #expect(
            Self.timestamp("2026-05-02T09:00:00+02:00").problems.map { F.found($0.text) } == [
                #"tcpa_timestamp "2026-05-02T09:00:00+02:00" is in the future (2026-05-02T07:00:00Z)"#
            ]
        )
        #expect(
            Self.timestamp("2025-12-24 18:00:00-05:00").problems.map { F.found($0.text) } == [
                #"tcpa_timestamp "2025-12-24 18:00:00-05:00" is older than 90 days (2025-12-24T23:00:00Z)"#
            ]
        )
    }

    @Test func vehicleYearLimitFollowsTheInjectedClock() throws {
        let january2031: Int64 = 1_924_992_000  // 2031-01-01T00:00:00Z
        let validator = try Validator(configuration: .init(), now: january2031)
        var fields = F.validFields.filter { $0.0 != "tcpa_timestamp" }
        fields.append(("tcpa_timestamp", .string("2030-12-31T23:00:00Z")))
        fields.append(("vehicle_year", .string("2032")))
        #expect(validator.check(F.record(fields)).lead?.extras.first?.value == .integer(2032))
        fields[fields.count - 1] = ("vehicle_year", .string("2033"))
        #expect(validator.check(F.record(fields)).problems.map(\.code) == [.fieldInvalid])
    }

    // MARK: assume_timezone

    static let newYork = Validator.Configuration(assumeTimezone: "America/New_York", tcpaMaxAgeDays: 365)

    @Test(arguments: [
        ("2026-01-15 12:00:00", "2026-01-15T17:00:00Z"),  // EST
        ("2026-04-20T12:00:00", "2026-04-20T16:00:00Z"),  // EDT
        ("2026-03-08 01:59:59", "2026-03-08T06:59:59Z"),  // last second of EST
        ("2026-03-08 03:00:00", "2026-03-08T07:00:00Z"),  // first second of EDT
        ("2026-03-08 02:30:00", "2026-03-08T07:30:00Z"),  // in the spring-forward gap: moved forward
        ("2025-11-02 00:59:59", "2025-11-02T04:59:59Z"),
        ("2025-11-02 01:30:00", "2025-11-02T05:30:00Z"),  // happens twice: the earlier (EDT) one
        ("2025-11-02 02:00:00", "2025-11-02T07:00:00Z"),
        ("2026-04-20T12:00:00.75", "2026-04-20T16:00:00Z"),
        ("2026-04-20T12:00:00+02:00", "2026-04-20T10:00:00Z"),  // an explicit offset wins
        ("2026-04-20T12:00:00Z", "2026-04-20T12:00:00Z"),
    ])
    func assumedZoneIsDSTCorrect(raw: String, utc: String) {
        let checked = Self.timestamp(raw, Self.newYork)
        #expect(checked.problems.isEmpty, "\(checked.problems.map(\.text))")
        #expect(checked.lead?.tcpaTimestamp == utc)
    }

    @Test func assumedZoneBoundaryUsesTheConvertedTime() {
        // 08:05 EDT is 12:05Z: exactly at the limit; one second later is in the future.
        let configuration = Validator.Configuration(assumeTimezone: "America/New_York")
        #expect(Self.timestamp("2026-05-01 08:05:00", configuration).problems.isEmpty)
        #expect(Self.timestamp("2026-05-01 08:05:01", configuration).problems.map(\.code) == [.tcpaTimestampFuture])
    }

    @Test(arguments: [
        "America/New_York", "America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
    ])
    func zoneTableAgreesWithFoundationHourByHour(identifier: String) throws {
        let start = F.now - 400 * 86_400
        let table = try #require(ZoneOffsetTable(identifier: identifier, from: start, to: F.now + 86_400 * 30))
        let zone = try #require(TimeZone(identifier: identifier))
        var instant = start
        while instant < F.now {
            let foundation = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
            #expect(table.offset(atUTC: instant) == Int64(foundation))
            // Local times that exist exactly once round-trip.
            let offset = table.offset(atUTC: instant)
            let local = instant + offset
            if table.offset(atUTC: instant - 86_400) == table.offset(atUTC: instant + 86_400) {
                #expect(table.utc(fromLocal: local) == instant)
            }
            instant += 3600 + 17
        }
    }

    @Test func fixedZonesWork() throws {
        let table = try #require(ZoneOffsetTable(identifier: "Asia/Kolkata", from: 0, to: F.now))
        #expect(table.utc(fromLocal: 19_800) == 0)
        #expect(ZoneOffsetTable(identifier: "Not/AZone", from: 0, to: F.now) == nil)
    }

    // MARK: calendar arithmetic

    @Test(arguments: [
        (Int64(1970), Int64(1), Int64(1), Int64(0)), (2000, 3, 1, 11_017), (2026, 5, 1, 20_574),
        (1969, 12, 31, -1), (2024, 2, 29, 19_782), (1900, 1, 1, -25_567), (2400, 2, 29, 157_113),
    ])
    func daysFromCivil(year: Int64, month: Int64, day: Int64, days: Int64) {
        #expect(CivilTime.days(year: year, month: month, day: day) == days)
        #expect(CivilTime.date(days: days) == (year, month, day))
    }

    @Test func civilRoundTripOverFourCenturies() {
        var previous: (year: Int64, month: Int64, day: Int64) = CivilTime.date(days: -200_000)
        for days in Int64(-199_999)...Int64(200_000) {
            let date = CivilTime.date(days: days)
            #expect(CivilTime.days(year: date.year, month: date.month, day: date.day) == days)
            let nextDay = previous.day + 1 <= CivilTime.daysInMonth(year: previous.year, month: previous.month)
            if nextDay {
                #expect(date == (previous.year, previous.month, previous.day + 1))
            } else {
                #expect(date.day == 1)
            }
            previous = date
        }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_777_281_262, "2026-04-27T09:14:22Z"), (-1, "1969-12-31T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"), (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func utcStrings(seconds: Int64, text: String) {
        #expect(CivilTime.utcString(seconds) == text)
    }
}
