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
        // Swapped into a result built empty: built from the values, it was copied once more on return.
        var result = LeadResult(row: row, vertical: vertical?.rawValue ?? "", outcome: localOutcome, publisher: "")
        swap(&result.ref, &ref)
        swap(&result.problems, &problems)
        swap(&result.phone, &phone)
        swap(&result.zip, &zip)
        swap(&result.email, &email)
        swap(&result.publisher, &publisher)
        return result
    }

    private var localOutcome: Outcome {
        let outcome: Outcome
        // `case .some`, not `lead != nil`: the comparison takes a copy of the lead (a retain and release of
        // each of its strings, per row).
        if case .some = lead, problems.isEmpty {
            outcome = .valid
        } else if !problems.isEmpty && onlyDuplicateProblems {
            outcome = .duplicate
        } else {
            outcome = .invalid
        }
        return outcome
    }

    /// Every problem is a duplicate one. By index and code: `allSatisfy` hands each problem to its closure
    /// as a copy (a retain and release of its three strings).
    private var onlyDuplicateProblems: Bool {
        for i in problems.indices where problems[i].code != .duplicateInBatch && problems[i].code != .duplicateInLedger {
            return false
        }
        return true
    }
}
