package import Foundation
import Ingest
package import LeadLedger
import LeadModel

/// The store opened read-only for `check`: marks leads the ledger already holds as
/// `DUPLICATE_IN_LEDGER`, writing nothing.
package struct LedgerLookup {
    package let ledger: any LeadStore
    let now: Date

    /// `nil` when no ledger exists yet (nothing is created).
    package static func openReadOnly(
        path: String, keyPath: String, configuration: Ledger.Configuration, now: Date = Date(),
        keyIfReadable: Bool = false
    ) throws -> LedgerLookup? {
        guard let ledger = try Ledger.openReadOnly(
            path: path, keyPath: keyPath, configuration: configuration, keyIfReadable: keyIfReadable)
        else { return nil }
        return LedgerLookup(ledger: ledger, now: now)
    }

    /// - Throws: the ledger's error when it cannot be read: the rows' verdicts would then be wrong.
    func markDuplicates(_ group: inout [(CheckedRecord, RawRecord?)]) throws(LedgerError) {
        var indices: [Int] = []
        var leads: [LedgerLead] = []
        for (i, (checked, _)) in group.enumerated() {
            guard let lead = checked.lead else { continue }
            indices.append(i)
            leads.append(LedgerLead(row: checked.row, vertical: lead.vertical, phone: lead.phone, email: lead.email))
        }
        guard !leads.isEmpty else { return }
        let answers = try ledger.dedupeCheck(leads, now: now)
        for (i, answer) in zip(indices, answers) {
            if case .duplicate(let holder) = answer {
                group[i].0.lead = nil
                group[i].0.problems.append(
                    Problem(.duplicateInLedger, field: holder.kind == .phone ? "phone" : "email", value: nil,
                        text: holder.text))
            }
        }
    }
}
