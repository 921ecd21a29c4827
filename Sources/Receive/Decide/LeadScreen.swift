import Export
package import Foundation
package import Ingest
package import LeadModel
import Synchronization
package import Validation

/// A delivery read, validated and checked against the rules: what the endpoint knows of a lead before it is
/// written. Caps and dedupe come later, in order, when the lead is written (``DeliveryDesk``).
package struct ScreenedLead: Sendable {
    package var leadID: String
    /// The vertical as read (`nil` when missing or unknown).
    package var vertical: Vertical?
    /// The answer when the lead is refused already; `nil` for a lead that may be bought.
    package var refusal: ReceiveAnswer?
    /// The normalised phone and email, for the dedupe keys (never logged, never stored raw).
    package var phone: String
    package var email: String
    /// `bid_amount` (or `price`) of the body, in cents, when it has one.
    package var bidCents: Int?
    /// The outbox line (JSON, ending in a newline) of a lead that may be bought.
    package var outboxLine: [UInt8]
}

/// Reads, validates and screens delivery bodies: the same validation as a publisher's leads (Validator),
/// then the buyer's rules. Pure but for the validator's clock, renewed each minute so TCPA ages are right
/// in a process that runs for months.
package final class LeadScreen: Sendable {
    private let records = JSONObjectRecords()
    private let validatorConfiguration: Validator.Configuration
    private let validator: Mutex<Validator>
    package let rules: ReceiveRules

    package init(rules: ReceiveRules, validation: Validator.Configuration, now: Date = Date()) throws(ReceiveError) {
        self.rules = rules
        validatorConfiguration = validation
        do {
            validator = Mutex(try Validator(configuration: validation, now: Int64(now.timeIntervalSince1970)))
        } catch {
            throw ReceiveError(.configuration, error.description)
        }
    }

    /// The validator for `now`, made again when the one held is a minute old.
    private func validator(now: Int64) -> Validator {
        validator.withLock { held in
            if now - held.now >= 60 || now < held.now,
                let fresh = try? Validator(configuration: validatorConfiguration, now: now)
            {
                held = fresh
            }
            return held
        }
    }

    /// The screened lead, or a `JSONObjectError` when the body is not one JSON object (answered 400).
    package func screen(
        body: UnsafeRawBufferPointer, leadID: String, version: String, receivedAt: Int64
    ) -> Result<ScreenedLead, JSONObjectError> {
        let record: RawRecord
        switch records.record(body) {
        case .failure(let error): return .failure(error)
        case .success(let read): record = read
        }
        let checked = validator(now: receivedAt).check(record)
        let bid = Self.bidCents(record)
        var screened = ScreenedLead(
            leadID: leadID, vertical: checked.vertical, refusal: nil, phone: checked.phone, email: checked.email,
            bidCents: bid, outboxLine: [])
        guard let lead = checked.lead else {
            // Codes and field names only: a problem's text quotes the value, which may be PII.
            let detail = checked.problems.map { "\($0.code.rawValue)(\($0.field ?? "record"))" }
            screened.refusal = .rejected(.invalid, detail.joined(separator: ","))
            return .success(screened)
        }
        if let refusal = rules.screen(lead) {
            screened.refusal = refusal
            return .success(screened)
        }
        screened.outboxLine = OutboxLine.render(
            lead, leadID: leadID, version: version, receivedAt: receivedAt, bidCents: bid)
        return .success(screened)
    }

    /// `bid_amount` or `price` as cents, when present and a positive number.
    static func bidCents(_ record: RawRecord) -> Int? {
        for name in ["bid_amount", "price"] {
            guard let index = record.columns.names.firstIndex(of: name), let value = record.value(at: index) else {
                continue
            }
            switch value {
            case .number(let text), .string(let text):
                guard let amount = Double(text.trimmingASCIIWhitespace()), amount > 0,
                    let cents = NumberText.cents(amount)
                else { continue }
                return cents
            default: continue
            }
        }
        return nil
    }
}

/// One line of the outbox: the normalised lead, with its id, arrival, the API version it came with, the
/// state of its ZIP and its bid. The CRM file's columns are read from these names.
package enum OutboxLine {
    /// Every field a line may hold, in line order: the CRM columns to choose from.
    package static let fields = [
        "lead_id", "received_at", "version", "vertical", "first_name", "last_name", "email", "phone", "zip", "state",
        "tcpa_timestamp", "tcpa_text", "tcpa_url", "coverage_type", "vehicle_year", "homeowner", "loan_purpose",
        "loan_amount", "credit_range", "monthly_electric_bill", "roof_type", "debt_amount", "debt_type", "bid_amount",
    ]

    static func render(_ lead: Lead, leadID: String, version: String, receivedAt: Int64, bidCents: Int?) -> [UInt8] {
        var text = "{"
        func add(_ key: String, _ json: String) {
            if text.utf8.count > 1 { text += "," }
            text += JSONText.quoted(key) + ":" + json
        }
        add("lead_id", JSONText.quoted(leadID))
        add("received_at", JSONText.quoted(CivilTime.utcString(receivedAt)))
        add("version", JSONText.quoted(version))
        add("vertical", JSONText.quoted(lead.vertical.rawValue))
        add("first_name", JSONText.quoted(lead.firstName))
        add("last_name", JSONText.quoted(lead.lastName))
        add("email", JSONText.quoted(lead.email))
        add("phone", JSONText.quoted(lead.phone))
        add("zip", JSONText.quoted(lead.zip))
        if let state = ZipState.state(ofZip: lead.zip) { add("state", JSONText.quoted(state)) }
        add("tcpa_timestamp", JSONText.quoted(lead.tcpaTimestamp))
        add("tcpa_text", JSONText.quoted(lead.tcpaText))
        add("tcpa_url", JSONText.quoted(lead.tcpaURL))
        for (key, value) in lead.extras {
            switch value {
            case .string(let s): add(key, JSONText.quoted(s))
            case .integer(let i): add(key, String(i))
            case .number(let n): add(key, n)
            case .bool(let b): add(key, b ? "true" : "false")
            }
        }
        if let bidCents { add("bid_amount", NumberText.money(cents: bidCents)) }
        text += "}\n"
        return Array(text.utf8)
    }
}
