package import LeadModel

/// The tally's breakdown by vertical, which the metrics label their counts with.
extension OutcomeTally {
    /// Every vertical's name, then "" for rows whose vertical could not be read: the slots of
    /// `byVerticalOutcome` and `revenueCentsByVertical`.
    static let verticalNames = Vertical.allCases.map(\.rawValue) + [""]
    /// Kept once: `allCases` of an enum makes a new array at each call, and `add` runs per row.
    static let outcomes = Outcome.allCases

    /// The slot of a result's vertical name (an unknown or empty one: the last).
    static func verticalIndex(_ name: String) -> Int {
        verticalNames.firstIndex(of: name) ?? verticalNames.count - 1
    }

    static func outcomeIndex(_ outcome: Outcome) -> Int {
        outcomes.firstIndex(of: outcome)!
    }

    /// Calls `body` with every vertical and outcome that has rows ("" for rows whose vertical could not be
    /// read).
    package func forEachVerticalCount(_ body: (_ vertical: String, _ outcome: Outcome, _ rows: Int) -> Void) {
        for (v, vertical) in Self.verticalNames.enumerated() {
            for (o, outcome) in Self.outcomes.enumerated() {
                let rows = byVerticalOutcome[v * Self.outcomes.count + o]
                if rows > 0 { body(vertical, outcome, rows) }
            }
        }
    }

    /// Calls `body` with every vertical that earned revenue, in cents.
    package func forEachVerticalRevenue(_ body: (_ vertical: String, _ cents: Int) -> Void) {
        for (v, vertical) in Self.verticalNames.enumerated() where revenueCentsByVertical[v] > 0 {
            body(vertical, revenueCentsByVertical[v])
        }
    }
}
