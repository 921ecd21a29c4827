import Export
import Ingest
package import LeadLedger
package import LeadModel

/// Counts for the short summary printed after a batch.
package struct OutcomeTally: Sendable {
    package var rows = 0
    package var byOutcome: [Outcome: Int] = [:]
    package var byReason: [ReasonCode: Int] = [:]
    /// In cents, each bid rounded as the summaries round it, so the three figures agree.
    package var revenueCents = 0
    /// The publisher of the batch's rows (of its first row: a batch has one publisher).
    package var publisher = Publisher.defaultName
    /// Rows by vertical and outcome, and revenue in cents by vertical, for the metrics: flat tables indexed
    /// by ``verticalIndex(_:)`` (cheaper per row than a dictionary keyed by name).
    var byVerticalOutcome = [Int](repeating: 0, count: Self.verticalNames.count * Self.outcomes.count)
    var revenueCentsByVertical = [Int](repeating: 0, count: Self.verticalNames.count)

    package mutating func add(_ result: LeadResult) {
        rows += 1
        if rows == 1 { publisher = result.publisher }
        byOutcome[result.outcome, default: 0] += 1
        let vertical = Self.verticalIndex(result.vertical)
        byVerticalOutcome[vertical * Self.outcomes.count + Self.outcomeIndex(result.outcome)] += 1
        if let code = result.reasonCode { byReason[code, default: 0] += 1 }
        if result.outcome == .accepted, let bid = result.bidAmount, let cents = NumberText.cents(bid) {
            revenueCents += cents
            revenueCentsByVertical[vertical] += cents
        }
    }

    package func render(file: String, batch: String, resultsPath: String) -> String {
        // The file name is escaped here too, so a newline in it cannot start a line of its own.
        var lines = ["\(TerminalText.escaped(file))  batch \(batch)"]
        let outcomes = Outcome.allCases.compactMap { o in byOutcome[o].map { "\($0) \(o.rawValue)" } }
        lines.append("  \(rows) rows: " + (outcomes.isEmpty ? "none" : outcomes.joined(separator: ", ")))
        if byOutcome[.accepted, default: 0] > 0 {
            lines.append("  revenue $" + NumberText.money(cents: revenueCents))
        }
        let top = byReason.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.prefix(5)
        if !top.isEmpty {
            lines.append("  top reasons: " + top.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        lines.append("  results: \(resultsPath)")
        return lines.joined(separator: "\n")
    }

    package init() {}

    /// The batch's figures as JSON members: rows, a count per outcome (every outcome, 0 included), every
    /// reason code that occurs with its count, revenue in dollars, and the results file.
    package func json(file: String, publisher: String?, batch: String?, resultsPath: String?) -> JSONLine {
        var line = JSONLine()
        line.add("file", file)
        line.add("publisher", publisher)
        line.add("batch", batch)
        line.add("rows", rows)
        var outcomes = JSONLine()
        for outcome in Outcome.allCases { outcomes.add(outcome.rawValue, byOutcome[outcome] ?? 0) }
        line.add("outcomes", outcomes)
        var reasons = JSONLine()
        for (code, count) in byReason.sorted(by: { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }) {
            reasons.add(code.rawValue, count)
        }
        line.add("reasons", reasons)
        line.add("revenue", number: NumberText.money(cents: revenueCents))
        line.add("results", resultsPath)
        return line
    }

    /// The batch's final counts for the ledger.
    package var counts: BatchCounts {
        BatchCounts(
            total: rows, accepted: byOutcome[.accepted] ?? 0, rejected: byOutcome[.rejected] ?? 0,
            invalid: byOutcome[.invalid] ?? 0, duplicate: byOutcome[.duplicate] ?? 0, failed: byOutcome[.failed] ?? 0,
            unknown: byOutcome[.unknown] ?? 0)
    }
}
