
/// Proleptic Gregorian calendar arithmetic on Unix seconds (the days-from-civil algorithms), so
/// timestamps need no Foundation calendar or formatter per row.
package enum CivilTime {
    package static let secondsPerDay: Int64 = 86_400

    /// Days since 1970-01-01 of a civil date (month 1–12, day 1–31).
    @inline(__always)
    package static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        UTCTime.days(year: year, month: Int(month), day: Int(day))
    }

    /// The civil date of a day number (inverse of ``days(year:month:day:)``).
    @inline(__always)
    package static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = UTCTime.civil(fromDays: days)
        return (year, Int64(month), Int64(day))
    }

    package static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The calendar year (UTC) of a Unix time.
    package static func year(ofUnixSeconds seconds: Int64) -> Int64 {
        date(days: floorDiv(seconds, secondsPerDay)).year
    }

    @inline(__always)
    package static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (years 0–9999).
    package static func utcString(_ seconds: Int64) -> String {
        let days = floorDiv(seconds, secondsPerDay)
        let secondOfDay = seconds - days * secondsPerDay
        let (year, month, day) = date(days: days)
        return UTF8Bytes.build(count: 20) { out in
            @inline(__always)
            func put(_ value: Int64, width: Int, at offset: Int) {
                var v = max(0, min(value, 9999))
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[position] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                }
            }
            put(year, width: 4, at: 0)
            put(month, width: 2, at: 5)
            put(day, width: 2, at: 8)
            put(secondOfDay / 3600, width: 2, at: 11)
            put(secondOfDay / 60 % 60, width: 2, at: 14)
            put(secondOfDay % 60, width: 2, at: 17)
            out[4] = UInt8(ascii: "-")
            out[7] = UInt8(ascii: "-")
            out[10] = UInt8(ascii: "T")
            out[13] = UInt8(ascii: ":")
            out[16] = UInt8(ascii: ":")
            out[19] = UInt8(ascii: "Z")
        }
    }
}
