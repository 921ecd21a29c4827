import Ingest
import LeadModel
/// A consent timestamp as written, before time-zone resolution.
package struct ParsedTimestamp: Sendable, Equatable {
    /// Seconds from 1970-01-01T00:00:00 to the wall-clock time as written (fractions dropped).
    package var localSeconds: Int64
    /// The UTC offset in seconds (east positive), `nil` when the text carries no zone.
    package var offsetSeconds: Int64?
    /// True when the text already is `YYYY-MM-DDTHH:MM:SSZ`, so it can be passed on as is.
    package var isCanonicalUTC: Bool

    /// The Unix time, when the text has a zone.
    package var utcSeconds: Int64? { offsetSeconds.map { localSeconds - $0 } }
}

/// The result of parsing a timestamp.
package enum TimestampParse: Sendable, Equatable {
    case parsed(ParsedTimestamp)
    /// `detail` says why in a few words.
    case invalid(detail: String)
}

/// ISO 8601 / RFC 3339 date-times as lead forms and exports write them:
/// `YYYY-MM-DD`, `T`/`t`/space, `HH:MM[:SS[(.|,)fraction]]`, then optionally one space and a zone:
/// `Z`/`z`, `UTC`, `GMT`, `±HH:MM`, `±HHMM` or `±HH` (at most ±18:00). Fractions are dropped
/// (truncated). Dates and times must exist (no Feb 30, hour 24 or second 60).
///
/// What spreadsheets make of a date and time is read too, always without a zone (see
/// `TimestampParser+Spreadsheet.swift`); it is tried only when the text is not ISO 8601.
package enum TimestampParser {
    package static func parse(_ raw: String) -> TimestampParse {
        UTF8Bytes.with(raw) { parse($0) }
    }

    static let notISODetail = "is not an ISO 8601 date and time"

    static func parse(_ bytes: UTF8Bytes.Buffer) -> TimestampParse {
        let iso = parseISO(bytes)
        if case .invalid(let detail) = iso, detail == notISODetail, let spreadsheet = parseSpreadsheet(bytes) {
            return spreadsheet
        }
        return iso
    }

    static func parseISO(_ bytes: UTF8Bytes.Buffer) -> TimestampParse {
        let range = UTF8Bytes.trimmed(bytes)
        var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        let notISO = TimestampParse.invalid(detail: notISODetail)

        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.take(UInt8(ascii: "-")),
            let day = reader.digits(2)
        else { return notISO }
        guard let separator = reader.next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20
        else { return reader.atEnd ? .invalid(detail: "has a date but no time") : notISO }
        guard let hour = reader.digits(2), reader.take(UInt8(ascii: ":")), let minute = reader.digits(2) else {
            return notISO
        }
        var second: Int64 = 0
        var hasSeconds = false
        var hasFraction = false
        if reader.take(UInt8(ascii: ":")) {
            guard let s = reader.digits(2) else { return notISO }
            second = s
            hasSeconds = true
            if reader.take(UInt8(ascii: ".")) || reader.take(UInt8(ascii: ",")) {
                guard reader.skipDigits() > 0 else { return notISO }
                hasFraction = true
            }
        }
        guard month >= 1, month <= 12, day >= 1, year >= 1, day <= CivilTime.daysInMonth(year: year, month: month)
        else { return .invalid(detail: "is not a real date") }
        guard hour <= 23, minute <= 59, second <= 59 else { return .invalid(detail: "is not a real time of day") }
        let local = CivilTime.days(year: year, month: month, day: day) * CivilTime.secondsPerDay
            + hour * 3600 + minute * 60 + second

        let zoneStart = reader.index
        _ = reader.take(0x20)
        if reader.atEnd {
            // A trailing space alone is no zone either.
            return reader.index == zoneStart
                ? .parsed(ParsedTimestamp(localSeconds: local, offsetSeconds: nil, isCanonicalUTC: false))
                : notISO
        }
        let spacedZone = reader.index != zoneStart
        var offset: Int64 = 0
        var isZ = false
        switch reader.next() {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            isZ = true
        case UInt8(ascii: "U"):
            guard reader.take(UInt8(ascii: "T")), reader.take(UInt8(ascii: "C")) else { return notISO }
        case UInt8(ascii: "G"):
            guard reader.take(UInt8(ascii: "M")), reader.take(UInt8(ascii: "T")) else { return notISO }
        case let sign? where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
            guard let hours = reader.digits(2) else { return .invalid(detail: "has an invalid UTC offset") }
            var minutes: Int64 = 0
            if !reader.atEnd {
                _ = reader.take(UInt8(ascii: ":"))
                guard let m = reader.digits(2) else { return .invalid(detail: "has an invalid UTC offset") }
                minutes = m
            }
            guard minutes <= 59, hours * 60 + minutes <= 18 * 60 else {
                return .invalid(detail: "has an invalid UTC offset")
            }
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        default:
            return notISO
        }
        guard reader.atEnd else { return notISO }
        let canonical = isZ && !spacedZone && hasSeconds && !hasFraction && separator == UInt8(ascii: "T")
            && bytes[reader.index - 1] == UInt8(ascii: "Z") && range.count == 20
        return .parsed(ParsedTimestamp(localSeconds: local, offsetSeconds: offset, isCanonicalUTC: canonical))
    }

    struct Reader {
        let bytes: UTF8Bytes.Buffer
        var index: Int
        let end: Int

        var atEnd: Bool { index >= end }

        mutating func next() -> UInt8? {
            guard index < end else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Exactly `count` ASCII digits as a number.
        mutating func digits(_ count: Int) -> Int64? {
            guard end - index >= count else { return nil }
            var value: Int64 = 0
            for i in index..<(index + count) {
                let d = bytes[i] &- 0x30
                guard d < 10 else { return nil }
                value = value * 10 + Int64(d)
            }
            index += count
            return value
        }

        mutating func skipDigits() -> Int {
            let start = index
            while index < end, UTF8Bytes.isDigit(bytes[index]) { index += 1 }
            return index - start
        }
    }
}
