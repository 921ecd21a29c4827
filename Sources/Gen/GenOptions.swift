import LeadModel

/// What `leadspool gen` makes: everything that decides the bytes, so equal options give equal output.
struct GenOptions {
    var rows: Int
    /// Share of rows with a defect, 0...1; exactly `round(rows × dirty)` rows get one.
    var dirty: Double
    var seed: UInt64
    /// One vertical, or all four for `mixed`.
    var verticals: [Vertical]
    /// The generation's "now" in Unix seconds: consent timestamps fall in the 30 days before it.
    var now: Int64
    /// Clean phones as E.164 (JSONL, as the API takes them) rather than 10 plain digits (CSV).
    var e164Phones: Bool

    var isDirty: Bool { dirty > 0 }
    var dirtyRowCount: Int { Int((Double(rows) * dirty).rounded()) }
}
