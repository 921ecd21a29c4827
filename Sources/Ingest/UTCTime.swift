/// UTC calendar formatting without Foundation formatters (used per row in reports and per
/// batch in names).
package enum UTCTime {
    /// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    package static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a civil date (days_from_civil).
    package static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func parts(_ t: Int64) -> (Int64, Int, Int, Int, Int, Int) {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = Int(t - days * 86_400)
        let (y, m, d) = civil(fromDays: days)
        return (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    private static func pad(_ v: Int, _ width: Int, into out: inout String) {
        var digits = String(v)
        while digits.count < width { digits = "0" + digits }
        out += digits
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, as batch names use.
    package static func compact(_ t: Int64) -> String {
        let (y, m, d, hh, mm, ss) = parts(t)
        var s = ""
        pad(Int(y), 4, into: &s); pad(m, 2, into: &s); pad(d, 2, into: &s); s += "T"
        pad(hh, 2, into: &s); pad(mm, 2, into: &s); pad(ss, 2, into: &s); s += "Z"
        return s
    }
}
