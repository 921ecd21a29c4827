import Foundation
import Ingest
import LeadModel

/// The UTC offsets of one IANA time zone over a window of time, taken from Foundation once, so
/// that wall-clock timestamps without a zone (`assume_timezone`) convert per row without it.
///
/// Outside the window the nearest known offset is used; the window is chosen by the caller to
/// cover every time that can pass the TCPA age checks, so an approximate offset outside it can
/// only affect records that are expired or in the future either way.
package struct ZoneOffsetTable: Sendable {
    package let identifier: String
    /// Instants (Unix seconds) where the offset changes, ascending.
    private let transitions: [Int64]
    /// `offsets[i]` holds before `transitions[i]`; the last one after the last transition.
    private let offsets: [Int64]

    /// `nil` when Foundation does not know the zone.
    package init?(identifier: String, from start: Int64, to end: Int64) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        var transitions: [Int64] = []
        var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start))))]
        var cursor = Date(timeIntervalSince1970: Double(start))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next > cursor,
            next.timeIntervalSince1970 < Double(end)
        {
            let offset = Int64(zone.secondsFromGMT(for: next))
            if offset != offsets[offsets.count - 1] {
                transitions.append(Int64(next.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// The offset in force at a Unix time.
    package func offset(atUTC seconds: Int64) -> Int64 {
        var low = 0
        var high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= seconds { low = mid + 1 } else { high = mid }
        }
        return offsets[low]
    }

    /// The Unix time of a wall-clock time in this zone (as seconds from 1970-01-01T00:00:00 local).
    ///
    /// Same rule as java.time's `ZonedDateTime.of`: a time that occurs twice (clocks set back) is
    /// the earlier instant; a time that does not exist (clocks set forward) is moved forward by the
    /// length of the gap (02:30 on a spring-forward night in New York is 03:30 EDT).
    package func utc(fromLocal local: Int64) -> Int64 {
        // Offsets change at most a few times a year, so the offsets a day either side are the only
        // candidates.
        let before = offset(atUTC: local - CivilTime.secondsPerDay)
        let after = offset(atUTC: local + CivilTime.secondsPerDay)
        if before == after { return local - before }
        let beforeFits = offset(atUTC: local - before) == before
        let afterFits = offset(atUTC: local - after) == after
        switch (beforeFits, afterFits) {
        case (true, true): return min(local - before, local - after)
        case (true, false): return local - before
        case (false, true): return local - after
        case (false, false): return local - before
        }
    }
}
