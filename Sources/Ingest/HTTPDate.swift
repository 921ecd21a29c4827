/// HTTP dates (RFC 9110 §5.6.7), without a Foundation formatter. Reading takes the three forms a
/// recipient must accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`); writing gives IMF-fixdate.
/// The calendar arithmetic is ``CivilTime``'s.
package enum HTTPDate {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when `text` is none of the three forms.
    package static func epochSeconds(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        return imfFixdate(bytes) ?? rfc850(bytes) ?? asctime(bytes)
    }

    private static let months: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ].map { Array($0.utf8) }
    private static let shortDays: [[UInt8]] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }
    private static let longDays: [[UInt8]] = [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ].map { Array($0.utf8) }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    private static func imfFixdate(_ b: [UInt8]) -> Int64? {
        guard b.count == 29, shortDays.contains(Array(b[0..<3])), b[3] == comma, b[4] == space,
            let day = number(b, 5, 2), b[7] == space, let month = month(b, 8), b[11] == space,
            let year = number(b, 12, 4), b[16] == space, let time = clock(b, 17), b[25] == space,
            Array(b[26..<29]) == Array("GMT".utf8)
        else { return nil }
        return epoch(year: year, month: month, day: day, time: time)
    }

    /// `Sunday, 06-Nov-94 08:49:37 GMT`; a two-digit year is taken as 19xx or 20xx, whichever is
    /// not more than 50 years in the future (RFC 9110), approximated here as < 70 → 20xx.
    private static func rfc850(_ b: [UInt8]) -> Int64? {
        guard let commaIndex = b.firstIndex(of: comma), longDays.contains(Array(b[0..<commaIndex])) else {
            return nil
        }
        let s = commaIndex + 1
        guard b.count == s + 23, b[s] == space, let day = number(b, s + 1, 2), b[s + 3] == dash,
            let month = month(b, s + 4), b[s + 7] == dash, let yy = number(b, s + 8, 2), b[s + 10] == space,
            let time = clock(b, s + 11), b[s + 19] == space, Array(b[(s + 20)...]) == Array("GMT".utf8)
        else { return nil }
        return epoch(year: yy < 70 ? 2000 + yy : 1900 + yy, month: month, day: day, time: time)
    }

    /// `Sun Nov  6 08:49:37 1994`
    private static func asctime(_ b: [UInt8]) -> Int64? {
        guard b.count == 24, shortDays.contains(Array(b[0..<3])), b[3] == space, let month = month(b, 4),
            b[7] == space, b[10] == space, let time = clock(b, 11), b[19] == space, let year = number(b, 20, 4)
        else { return nil }
        let day: Int
        if b[8] == space, let units = number(b, 9, 1) {
            day = units
        } else if let both = number(b, 8, 2) {
            day = both
        } else {
            return nil
        }
        return epoch(year: year, month: month, day: day, time: time)
    }

    private static let space = UInt8(ascii: " ")
    private static let comma = UInt8(ascii: ",")
    private static let dash = UInt8(ascii: "-")
    private static let colon = UInt8(ascii: ":")

    private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for byte in b[start..<start + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func month(_ b: [UInt8], _ start: Int) -> Int? {
        guard start + 3 <= b.count, let index = months.firstIndex(of: Array(b[start..<start + 3])) else { return nil }
        return index + 1
    }

    /// `HH:MM:SS` as seconds of the day.
    private static func clock(_ b: [UInt8], _ start: Int) -> Int? {
        guard let h = number(b, start, 2), b[start + 2] == colon, let m = number(b, start + 3, 2),
            b[start + 5] == colon, let s = number(b, start + 6, 2), h < 24, m < 60, s <= 60
        else { return nil }
        return h * 3600 + m * 60 + s
    }

    private static func epoch(year: Int, month: Int, day: Int, time: Int) -> Int64? {
        guard (1...31).contains(day), Int64(day) <= CivilTime.daysInMonth(year: Int64(year), month: Int64(month))
        else { return nil }
        return CivilTime.days(year: Int64(year), month: Int64(month), day: Int64(day)) * CivilTime.secondsPerDay
            + Int64(time)
    }

    /// IMF-fixdate of a Unix time, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    package static func format(unixSeconds: Int64) -> String {
        let days = CivilTime.floorDiv(unixSeconds, CivilTime.secondsPerDay)
        let secondsOfDay = Int(unixSeconds - days * CivilTime.secondsPerDay)
        let (year, month, day) = CivilTime.date(days: days)
        // Day 0, 1970-01-01, was a Thursday (index 3 of `shortDays`).
        let weekday = shortDays[Int((days % 7 + 7 + 3) % 7)]
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return String(decoding: weekday, as: UTF8.self) + ", " + twoDigits(Int(day)) + " "
            + String(decoding: months[Int(month) - 1], as: UTF8.self) + " \(year) " + twoDigits(secondsOfDay / 3600)
            + ":" + twoDigits(secondsOfDay / 60 % 60) + ":" + twoDigits(secondsOfDay % 60) + " GMT"
    }
}
