package import LeadModel

/// What `leadspool gen` makes: everything that decides the bytes, so equal options give equal output.
package struct GenOptions: Sendable {
    package var rows: Int
    /// Share of rows with a defect, 0...1; exactly `round(rows × dirty)` rows get one.
    package var dirty: Double
    package var seed: UInt64
    /// One vertical, or all four for `mixed`.
    package var verticals: [Vertical]
    /// The generation's "now" in Unix seconds: consent timestamps fall in the 30 days before it.
    package var now: Int64
    /// Clean phones as E.164 (JSONL, as the API takes them) rather than 10 plain digits (CSV).
    package var e164Phones: Bool

    package init(rows: Int, dirty: Double, seed: UInt64, verticals: [Vertical], now: Int64, e164Phones: Bool) {
        self.rows = rows
        self.dirty = dirty
        self.seed = seed
        self.verticals = verticals
        self.now = now
        self.e164Phones = e164Phones
    }

    var isDirty: Bool { dirty > 0 }
    var dirtyRowCount: Int { Int((Double(rows) * dirty).rounded()) }
}
