extension CheckedRecord {
    /// The row's outcome without the network: `valid`, `duplicate` (only duplicate problems) or
    /// `invalid`.
    package func localResult() -> LeadResult {
        LeadResult(
            row: row, ref: ref, vertical: vertical?.rawValue ?? "", outcome: localOutcome, problems: problems,
            phone: phone, zip: zip, email: email, publisher: publisher)
    }

    /// ``localResult()`` for a record that is done with: its strings and problems move into the result
    /// (the record keeps empty ones) instead of being copied, which saves a retain and a release of each per row.
    package mutating func takeLocalResult() -> LeadResult {
        func take<T>(_ value: inout T, _ empty: T) -> T {
            var taken = empty
            swap(&taken, &value)
            return taken
        }
        let outcome = localOutcome
        return LeadResult(
            row: row, ref: take(&ref, ""), vertical: vertical?.rawValue ?? "", outcome: outcome,
            problems: take(&problems, []), phone: take(&phone, ""), zip: take(&zip, ""), email: take(&email, ""),
            publisher: take(&publisher, ""))
    }

    private var localOutcome: Outcome {
        let outcome: Outcome
        // `case .some`, not `lead != nil`: the comparison takes a copy of the lead (a retain and release of
        // each of its strings, per row).
        if case .some = lead, problems.isEmpty {
            outcome = .valid
        } else if !problems.isEmpty
            && problems.allSatisfy({ $0.code == .duplicateInBatch || $0.code == .duplicateInLedger })
        {
            outcome = .duplicate
        } else {
            outcome = .invalid
        }
        return outcome
    }
}
