package import LeadModel

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The figures of one batch, as `summary.json` and `summary.html` show them. Available from
/// ``BatchReportWriter/summary`` after ``BatchReportWriter/finish(summary:)``, e.g. for the CLI's
/// closing line.
package struct BatchSummary: Sendable {
    package var inputs: SummaryInputs
    package var rows: Int
    /// Every outcome in `Outcome.allCases` order, zero counts included.
    package var outcomes: [(outcome: Outcome, count: Int)]
    /// How often each code occurs among all problems of all rows (`ReasonCode.allCases` order).
    package var reasonCodes: [(code: ReasonCode, count: Int)]
    /// How often each code is a row's first (its `reason_code`).
    package var firstReasonCodes: [(code: ReasonCode, count: Int)]
    /// Rows a request went out for: accepted, rejected, remote 400/422, and failed or unknown rows with at
    /// least one attempt.
    package var sent: Int
    /// `invalid` rows the API refused (400/422), as opposed to local validation.
    package var remoteInvalid: Int
    /// Sum of the bids of accepted rows, in cents (each bid rounded to the cent first).
    package var revenueCents: Int
    /// Accepted rows that carried a bid.
    package var bids: Int
    /// Requests made for the batch's rows (the sum of `attempts`).
    package var attempts: Int
    package var latencyCount: Int
    package var latencyP50: Int?
    package var latencyP95: Int?
    package var latencyMax: Int?
    package var verticals: [GroupTotals]
    package var publishers: [GroupTotals]
    /// The first ``SummaryAccumulator/attentionLimit`` invalid, failed or unknown rows.
    package var attention: [AttentionRow]
    package var attentionTotal: Int
    /// Rejected rows per remote reason token (`low_score`), most frequent first, ties by token.
    package var remoteReasons: [(reason: String, count: Int)]
    /// Rows written to `rejects.csv`.
    package var rejects: Int

    package func count(of outcome: Outcome) -> Int {
        outcomes.first { $0.outcome == outcome }?.count ?? 0
    }

    /// Rows the API judged: accepted + rejected, as `leadspool report` counts them.
    package var submitted: Int { count(of: .accepted) + count(of: .rejected) }

    /// accepted / submitted (accepted + rejected), as `leadspool report` computes it; `nil` when the API
    /// judged nothing (always in `check`).
    package var acceptanceRate: Double? {
        submitted > 0 ? Double(count(of: .accepted)) / Double(submitted) : nil
    }

    /// Revenue per accepted row with a bid, in cents (rounded); `nil` without bids.
    package var averageBidCents: Int? {
        Self.averageCents(revenueCents, over: bids)
    }

    /// Seconds of work on the batch: `SummaryInputs.workSeconds` when given (a batch passed over more than
    /// once), else from claim to finish.
    package var durationSeconds: Double {
        inputs.workSeconds ?? inputs.finishedAt.timeIntervalSince(inputs.claimedAt)
    }

    /// Rows per second of work; `nil` for a zero duration.
    package var rowsPerSecond: Double? {
        let seconds = durationSeconds
        return seconds > 0 ? Double(rows) / seconds : nil
    }

    init(accumulator a: SummaryAccumulator, inputs: SummaryInputs, rejects: Int) {
        self.inputs = inputs
        rows = a.rows
        outcomes = a.outcomeCounts.all
        reasonCodes = ReasonCode.ordered.map { ($0, a.everyCodeCounts[$0.slot]) }
        firstReasonCodes = ReasonCode.ordered.map { ($0, a.firstCodeCounts[$0.slot]) }
        sent = a.sent
        remoteInvalid = a.remoteInvalid
        revenueCents = a.revenueCents
        bids = a.bids
        attempts = a.attempts
        latencyCount = a.latency.count
        latencyP50 = a.latency.percentile(50)
        latencyP95 = a.latency.percentile(95)
        latencyMax = a.latency.count > 0 ? a.latency.max : nil
        verticals = a.verticals.sorted(by: Self.groupOrder)
        publishers = a.publishers.sorted(by: Self.groupOrder)
        attention = a.attention
        attentionTotal = a.attentionTotal
        self.rejects = rejects
        remoteReasons = a.remoteReasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { (reason: $0.key, count: $0.value) }
    }

    /// By name, rows without a name last.
    private static func groupOrder(_ a: GroupTotals, _ b: GroupTotals) -> Bool {
        if a.name.isEmpty != b.name.isEmpty { return b.name.isEmpty }
        return a.name < b.name
    }
}
