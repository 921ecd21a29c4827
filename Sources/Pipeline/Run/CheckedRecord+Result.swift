extension CheckedRecord {
    /// The row's outcome without the network: `valid`, `duplicate` (only duplicate problems) or
    /// `invalid`.
    package func localResult() -> LeadResult {
        let outcome: Outcome
        if lead != nil && problems.isEmpty {
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
