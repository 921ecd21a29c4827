import Ingest
import LeadModel
/// Date-times as spreadsheets write them, always wall-clock times without a zone:
///
/// - `M/D/YYYY H:MM[:SS][ AM|PM]` (US order; one or two digits for month, day and hour, so
///   `12/05/2026 22:01` and `12/5/2026 10:01 PM` both read; `12:xx AM` is just after midnight);
/// - a serial number: days since 1899-12-30 with the time of day as the fraction (`46361.917`), rounded
///   to the second. Only numbers from 1 to 2958465 (9999-12-31) with at most 7 integer digits are taken,
///   so a Unix time is not mistaken for one.
extension TimestampParser {
    /// `nil` when the text has neither shape, so the ISO 8601 answer stands.
    static func parseSpreadsheet(_ bytes: UTF8Bytes.Buffer) -> TimestampParse? {
        let range = UTF8Bytes.trimmed(bytes)
        guard !range.isEmpty else { return nil }
        var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        if let month = reader.someDigits(1...2) {
            if reader.take(UInt8(ascii: "/")) { return usDateTime(month: month, &reader) }
        }
        return serial(bytes, range)
    }

    /// The rest of `M/D/YYYY H:MM[:SS][ AM|PM]` after `M/`.
    private static func usDateTime(month: Int64, _ reader: inout Reader) -> TimestampParse? {
        guard let day = reader.someDigits(1...2), reader.take(UInt8(ascii: "/")), let year = reader.digits(4)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, year >= 1, day <= CivilTime.daysInMonth(year: year, month: month)
        else { return .invalid(detail: "is not a real date") }
        if reader.atEnd { return .invalid(detail: "has a date but no time") }
        guard reader.skipSpaces() > 0, var hour = reader.someDigits(1...2), reader.take(UInt8(ascii: ":")),
            let minute = reader.digits(2)
        else { return nil }
        var second: Int64 = 0
        if reader.take(UInt8(ascii: ":")) {
            guard let s = reader.digits(2) else { return nil }
            second = s
            if reader.take(UInt8(ascii: ".")) { guard reader.skipDigits() > 0 else { return nil } }
        }
        _ = reader.skipSpaces()
        if !reader.atEnd {
            // AM or PM, any case, with or without a space before it.
            guard let first = reader.next(), let m = reader.next(), m | 0x20 == UInt8(ascii: "m"), reader.atEnd
            else { return nil }
            let pm: Bool
            switch first | 0x20 {
            case UInt8(ascii: "a"): pm = false
            case UInt8(ascii: "p"): pm = true
            default: return nil
            }
            guard hour >= 1, hour <= 12 else { return .invalid(detail: "is not a real time of day") }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard hour <= 23, minute <= 59, second <= 59 else { return .invalid(detail: "is not a real time of day") }
        let local = CivilTime.days(year: year, month: month, day: day) * CivilTime.secondsPerDay
            + hour * 3600 + minute * 60 + second
        return .parsed(ParsedTimestamp(localSeconds: local, offsetSeconds: nil, isCanonicalUTC: false))
    }

    /// Days from 1899-12-30, a spreadsheet's day 0, to 1970-01-01.
    static let serialEpochDays: Int64 = 25_569
    static let maxSerialDay: Int64 = 2_958_465

    private static func serial(_ bytes: UTF8Bytes.Buffer, _ range: Range<Int>) -> TimestampParse? {
        var reader = Reader(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        let integerStart = reader.index
        let integerDigits = reader.skipDigits()
        guard (1...7).contains(integerDigits) else { return nil }
        var day: Int64 = 0
        for i in integerStart..<(integerStart + integerDigits) { day = day * 10 + Int64(bytes[i] &- 0x30) }
        var secondOfDay: Int64 = 0
        if reader.take(UInt8(ascii: ".")) {
            let fractionStart = reader.index
            let fractionDigits = reader.skipDigits()
            guard fractionDigits > 0 else { return nil }
            // Nine digits are finer than a millisecond a day; the rest cannot change the rounded second.
            var numerator: Int64 = 0
            var denominator: Int64 = 1
            for i in fractionStart..<(fractionStart + min(fractionDigits, 9)) {
                numerator = numerator * 10 + Int64(bytes[i] &- 0x30)
                denominator *= 10
            }
            secondOfDay = (numerator * CivilTime.secondsPerDay + denominator / 2) / denominator
        }
        guard reader.atEnd else { return nil }
        guard day >= 1, day <= maxSerialDay else { return .invalid(detail: "is not a spreadsheet date serial number") }
        let local = (day - serialEpochDays) * CivilTime.secondsPerDay + secondOfDay
        return .parsed(ParsedTimestamp(localSeconds: local, offsetSeconds: nil, isCanonicalUTC: false))
    }
}

extension TimestampParser.Reader {
    /// One to `counts.upperBound` ASCII digits (at least `counts.lowerBound`) as a number.
    mutating func someDigits(_ counts: ClosedRange<Int>) -> Int64? {
        var value: Int64 = 0
        var taken = 0
        while taken < counts.upperBound, index < end, UTF8Bytes.isDigit(bytes[index]) {
            value = value * 10 + Int64(bytes[index] &- 0x30)
            index += 1
            taken += 1
        }
        return taken >= counts.lowerBound ? value : nil
    }

    mutating func skipSpaces() -> Int {
        let start = index
        while index < end, bytes[index] == 0x20 { index += 1 }
        return index - start
    }
}
