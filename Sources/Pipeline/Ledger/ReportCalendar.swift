package import Foundation
import Ingest

/// Days, ISO weeks and months in the reporting time zone (`reports.timezone`, default UTC), for `leadspool
/// report`: which local day a time falls on, when a local day starts, the period names (`2026-11-21`,
/// `2026-W47`, `2026-11`) and the named starts `--since`/`--until` take (`today`, `last-week`, ...).
///
/// Days are numbered from 1970-01-01 as `CivilTime` numbers them; a local day starts at the zone's local
/// midnight (in a zone whose clocks skip midnight, at the first instant after it).
package struct ReportCalendar: Sendable {
    package let zone: TimeZone

    package init(zone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.zone = zone
    }

    /// Seconds east of UTC at `seconds`.
    package func offset(at seconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }

    /// The local day of an instant.
    package func localDay(_ seconds: Int64) -> Int64 {
        CivilTime.floorDiv(seconds + offset(at: seconds), CivilTime.secondsPerDay)
    }

    /// The instant (Unix seconds) local day `day` starts.
    package func start(ofDay day: Int64) -> Int64 {
        let midnight = day * CivilTime.secondsPerDay
        // The offset in force at local midnight: guess with the offset at that UTC time, then correct once.
        var start = midnight - offset(at: midnight)
        start = midnight - offset(at: start)
        // A zone whose clocks skip midnight starts the day at the first instant of it.
        while localDay(start) < day { start += 900 }
        while localDay(start - 1) >= day { start -= 900 }
        return start
    }

    /// The zone's offsets from `low` to `high`: the offset at `low`, then each change with the instant it
    /// takes effect.
    package func transitions(from low: Int64, to high: Int64) -> [(from: Int64, offset: Int64)] {
        var out = [(from: low, offset: offset(at: low))]
        var cursor = Date(timeIntervalSince1970: Double(low))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < Double(high) {
            let seconds = Int64(next.timeIntervalSince1970.rounded(.down))
            out.append((from: seconds, offset: offset(at: seconds)))
            cursor = next
        }
        return out
    }

    /// The first local day of the ISO week (Monday) holding `day`.
    package static func weekStart(_ day: Int64) -> Int64 {
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
        day - ((day + 3) % 7 + 7) % 7
    }

    /// The first local day of the month holding `day`.
    package static func monthStart(_ day: Int64) -> Int64 {
        let (year, month, _) = CivilTime.date(days: day)
        return CivilTime.days(year: year, month: month, day: 1)
    }

    /// `2026-11-21`.
    package static func dayName(_ day: Int64) -> String {
        let (year, month, dayOfMonth) = CivilTime.date(days: day)
        return "\(year)-\(two(month))-\(two(dayOfMonth))"
    }

    /// `2026-W47`: the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday).
    package static func weekName(_ day: Int64) -> String {
        let thursday = weekStart(day) + 3
        let year = CivilTime.date(days: thursday).year
        let week = (thursday - CivilTime.days(year: year, month: 1, day: 1)) / 7 + 1
        return "\(year)-W\(two(week))"
    }

    /// `2026-11`.
    package static func monthName(_ day: Int64) -> String {
        let (year, month, _) = CivilTime.date(days: day)
        return "\(year)-\(two(month))"
    }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The instant `text` names for `--since`/`--until`: `YYYY-MM-DD` (its local midnight), `Nd` (N days before
    /// `now`), or `today`, `yesterday`, `this-week`, `last-week`, `this-month`, `last-month` (the start of that
    /// local day, ISO week or month). `nil` for anything else.
    package func instant(named text: String, now: Int64) -> Int64? {
        if text.hasSuffix("d"), let days = Int64(text.dropLast()), days >= 0 {
            return now - days * CivilTime.secondsPerDay
        }
        let today = localDay(now)
        let day: Int64
        switch text {
        case "today": day = today
        case "yesterday": day = today - 1
        case "this-week": day = Self.weekStart(today)
        case "last-week": day = Self.weekStart(today) - 7
        case "this-month": day = Self.monthStart(today)
        case "last-month": day = Self.monthStart(Self.monthStart(today) - 1)
        default:
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, let year = Int64(parts[0]), let month = Int64(parts[1]),
                let dayOfMonth = Int64(parts[2]), (1...12).contains(month),
                (1...CivilTime.daysInMonth(year: year, month: month)).contains(dayOfMonth)
            else { return nil }
            day = CivilTime.days(year: year, month: month, day: dayOfMonth)
        }
        return start(ofDay: day)
    }
}
