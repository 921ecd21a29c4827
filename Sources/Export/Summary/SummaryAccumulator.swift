package import LeadModel

/// The running totals of a batch: counts, money, latencies and the first rows needing attention.
/// Constant memory in the number of rows.
struct SummaryAccumulator {
    /// How many rows needing attention the HTML summary lists.
    static let attentionLimit = 100
    /// Distinct verticals or publishers tracked by name; any further names are counted together.
    static let groupLimit = 64

    private(set) var rows = 0
    private(set) var outcomeCounts = OutcomeCounts()
    private(set) var everyCodeCounts = [Int](repeating: 0, count: ReasonCode.ordered.count)
    private(set) var firstCodeCounts = [Int](repeating: 0, count: ReasonCode.ordered.count)
    private(set) var verticals: [GroupTotals] = []
    private(set) var publishers: [GroupTotals] = []
    private(set) var revenueCents = 0
    private(set) var bids = 0
    private(set) var sent = 0
    private(set) var remoteInvalid = 0
    private(set) var attempts = 0
    private(set) var latency = LatencyHistogram()
    private(set) var attention: [AttentionRow] = []
    private(set) var attentionTotal = 0
    /// Rejected rows per remote reason token (at most ``groupLimit`` tokens, further ones as `(other)`).
    private(set) var remoteReasons: [String: Int] = [:]

    /// Counts one row. `reason` is the (possibly redacted) reason text, kept for attention rows.
    @inline(__always)
    mutating func add(_ result: LeadResult, reason: String) {
        rows += 1
        let outcome = result.outcome
        outcomeCounts[outcome] += 1
        let problems = result.problems
        if !problems.isEmpty {
            // Indexing (not iterating) reads each code without copying the whole `Problem`.
            firstCodeCounts[problems[0].code.slot] += 1
            for i in problems.indices { everyCodeCounts[problems[i].code.slot] += 1 }
        }
        attempts += result.attempts
        var cents = 0
        var hasBid = false
        if case .accepted = outcome, let bid = result.bidAmount, let value = NumberText.cents(bid) {
            cents = value
            hasBid = true
            revenueCents += value
            bids += 1
        }
        if Self.wasSent(result) { sent += 1 }
        if let reason = result.remoteReason { countRemote(reason) }
        if case .invalid = outcome, result.httpStatus != nil { remoteInvalid += 1 }
        if let milliseconds = result.latencyMs { latency.record(milliseconds) }
        Self.count(into: &verticals, name: result.vertical, outcome: outcome, cents: cents, hasBid: hasBid)
        Self.count(into: &publishers, name: result.publisher, outcome: outcome, cents: cents, hasBid: hasBid)
        if outcome.needsAttention {
            attentionTotal += 1
            if attention.count < Self.attentionLimit {
                attention.append(AttentionRow(row: result.row, ref: result.ref, outcome: outcome, reason: reason))
            }
        }
    }

    private mutating func countRemote(_ reason: String) {
        if remoteReasons[reason] == nil && remoteReasons.count >= Self.groupLimit - 1 {
            remoteReasons[GroupTotals.otherName, default: 0] += 1
        } else {
            remoteReasons[reason, default: 0] += 1
        }
    }

    /// A row counts as sent when a request for it went out: every accepted or rejected row, and
    /// any other row with an attempt or an HTTP status (remote 400/422, failures after sending,
    /// ambiguous holds). Local invalid rows, duplicates and `check`'s valid rows were never sent.
    @inline(__always)
    static func wasSent(_ result: LeadResult) -> Bool {
        switch result.outcome {
        case .accepted, .rejected: return true
        case .valid, .duplicate: return false
        case .invalid, .failed, .unknown, .pending: return result.attempts > 0 || result.httpStatus != nil
        }
    }

    @inline(__always)
    private static func count(
        into groups: inout [GroupTotals], name: String, outcome: Outcome, cents: Int, hasBid: Bool
    ) {
        var index = -1
        // Comparing lengths first skips most string comparisons: the verticals differ in length.
        let length = name.utf8.count
        for i in groups.indices where groups[i].name.utf8.count == length && groups[i].name == name {
            index = i
            break
        }
        if index < 0 {
            if groups.count < groupLimit - 1 {
                groups.append(GroupTotals(name: name))
            } else if groups.count == groupLimit - 1 {
                // Past the limit every further name is counted in one last bucket.
                groups.append(GroupTotals(name: GroupTotals.otherName))
            }
            index = groups.count - 1
        }
        groups[index].rows += 1
        groups[index].outcomeCounts[outcome] += 1
        if hasBid {
            groups[index].revenueCents += cents
            groups[index].bids += 1
        }
    }
}

/// Totals of one vertical or publisher.
package struct GroupTotals: Sendable, Equatable {
    /// The name under which names past ``SummaryAccumulator/groupLimit`` are counted.
    package static let otherName = "(other)"

    /// The vertical or publisher; empty for rows without a known vertical.
    package var name: String
    package var rows = 0
    package var outcomeCounts = OutcomeCounts()
    package var revenueCents = 0
    /// Accepted rows with a bid.
    package var bids = 0

    package init(name: String) {
        self.name = name
    }

    package func count(of outcome: Outcome) -> Int { outcomeCounts[outcome] }
}

/// A row the account manager should look at (invalid, failed or unknown), as the HTML lists it.
package struct AttentionRow: Sendable, Equatable {
    package var row: Int
    package var ref: String
    package var outcome: Outcome
    package var reason: String
}
