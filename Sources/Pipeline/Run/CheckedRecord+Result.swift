extension CheckedRecord {
    /// The row's outcome without the network: `valid`, `duplicate` (only duplicate problems) or
    /// `invalid`.
    package func localResult() -> LeadResult {
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
        return LeadResult(
            row: row, ref: ref, vertical: vertical?.rawValue ?? "", outcome: outcome, problems: problems,
            phone: phone, zip: zip, email: email, publisher: publisher)
    }
}
