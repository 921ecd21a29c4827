package import Foundation

/// A batch as the ledger knows it.
package struct BatchStatus: Sendable, Hashable {
    package enum State: String, Sendable, Hashable {
        case processing, done
    }

    /// Content SHA-256, hex.
    package var id: String
    /// `<claim time>-<first 12 hex>`, the reports' base name.
    package var name: String
    package var fileName: String
    package var publisher: String
    package var claimedAt: Date
    package var state: State
    /// `true` when `beginBatch` created it; `false` when the batch was seen before (resume or re-drop).
    package var isNew: Bool
    package var finishedAt: Date?
    /// The counts stored by `finishBatch` (zero while processing).
    package var counts: BatchCounts
    /// Rows recorded so far, by state (lets a resumed run say how far it got).
    package var rowStates: [LeadState: Int]
    /// What the earlier passes over the batch did (`Ledger.addFigures`).
    package var figures: BatchFigures

    package init(
        id: String, name: String, fileName: String, publisher: String, claimedAt: Date, state: State,
        isNew: Bool, finishedAt: Date? = nil, counts: BatchCounts = BatchCounts(), rowStates: [LeadState: Int] = [:],
        figures: BatchFigures = BatchFigures()
    ) {
        self.id = id
        self.name = name
        self.fileName = fileName
        self.publisher = publisher
        self.claimedAt = claimedAt
        self.state = state
        self.isNew = isNew
        self.finishedAt = finishedAt
        self.counts = counts
        self.rowStates = rowStates
        self.figures = figures
    }
}

/// Final counts of a batch, one per outcome.
package struct BatchCounts: Sendable, Hashable {
    package var total = 0
    package var accepted = 0
    package var rejected = 0
    package var invalid = 0
    package var duplicate = 0
    package var failed = 0
    package var unknown = 0

    package init(
        total: Int = 0, accepted: Int = 0, rejected: Int = 0, invalid: Int = 0, duplicate: Int = 0,
        failed: Int = 0, unknown: Int = 0
    ) {
        self.total = total
        self.accepted = accepted
        self.rejected = rejected
        self.invalid = invalid
        self.duplicate = duplicate
        self.failed = failed
        self.unknown = unknown
    }

    /// Counts of the final states in `rowStates`; `total` counts every row.
    package init(rowStates: [LeadState: Int]) {
        self.init(
            total: rowStates.values.reduce(0, +), accepted: rowStates[.accepted] ?? 0,
            rejected: rowStates[.rejected] ?? 0, invalid: rowStates[.invalid] ?? 0,
            duplicate: rowStates[.duplicate] ?? 0, failed: rowStates[.failed] ?? 0, unknown: rowStates[.unknown] ?? 0
        )
    }
}
