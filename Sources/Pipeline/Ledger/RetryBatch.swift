package import Foundation

/// A finished batch with leads to re-drive (`leadspool retry`).
package struct RetryBatch: Sendable, Hashable {
    /// Content SHA-256, hex.
    package var id: String
    /// The reports' base name.
    package var name: String
    package var fileName: String
    package var publisher: String
    package var claimedAt: Date
    /// Rows to re-drive by their state now: the asked-for `failed` / `unknown`, plus `pending` or
    /// `sending` rows an interrupted retry left behind.
    package var rows: [LeadState: Int]

    package init(
        id: String, name: String, fileName: String, publisher: String, claimedAt: Date, rows: [LeadState: Int]
    ) {
        self.id = id
        self.name = name
        self.fileName = fileName
        self.publisher = publisher
        self.claimedAt = claimedAt
        self.rows = rows
    }

    package var rowCount: Int { rows.values.reduce(0, +) }
}
