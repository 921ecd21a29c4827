import Ingest
import LeadModel

/// The per-row state of a ``BatchReportWriter`` in one struct, so that adding a row is a single
/// access to the writer's storage (one exclusivity check, not one per buffer and counter).
struct RowFold {
    var csv: OutputBuffer
    var jsonl: OutputBuffer
    var rejects: RejectsSpool
    var totals = SummaryAccumulator()
    let redact: Bool
    /// The batch's publisher, for rows that carry none.
    let publisher: String
    let batch: String
    private var encoder: ResultRowEncoder

    init(csv: OutputBuffer, jsonl: OutputBuffer, rejects: RejectsSpool, redact: Bool, publisher: String, batch: String)
    {
        self.csv = csv
        self.jsonl = jsonl
        self.rejects = rejects
        self.redact = redact
        self.publisher = publisher
        self.batch = batch
        encoder = ResultRowEncoder(batch: batch)
    }

    /// Returns once no background write is in flight.
    func waitIdle() {
        csv.waitIdle()
        jsonl.waitIdle()
        rejects.waitIdle()
    }

    func deallocate() {
        csv.deallocate()
        jsonl.deallocate()
        rejects.deallocate()
        encoder.deallocate()
    }

    mutating func add(_ result: LeadResult, raw: RawRecord?) throws {
        var reason = ""
        if !result.problems.isEmpty {
            reason = result.problems.count == 1 ? result.problems[0].text : result.reason
            if redact {
                reason = Redaction.maskReason(
                    reason, problems: result.problems, phone: result.phone, email: result.email)
            }
        }
        let rowPublisher = result.publisher.isEmpty ? publisher : result.publisher
        if redact {
            try encoder.write(
                result, reason: reason, phone: Redaction.maskPhone(result.phone),
                email: Redaction.maskEmail(result.email),
                publisher: rowPublisher, csv: &csv, jsonl: &jsonl)
        } else {
            try encoder.write(
                result, reason: reason, phone: result.phone, email: result.email, publisher: rowPublisher,
                csv: &csv, jsonl: &jsonl)
        }
        if !rejects.isSeeded { try rejects.seed(raw) }
        if case .invalid = result.outcome { try rejects.add(raw, reason: reason) }
        totals.add(result, reason: reason)
        try csv.flushIfFull()
        try jsonl.flushIfFull()
    }
}
