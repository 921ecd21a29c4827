import Export

/// What the endpoint answers a signed delivery with (HTTP 200): `{"status":"accepted"}` or
/// `{"status":"rejected","reason":"...","detail":"..."}`. The same lead id again gets the same answer.
package struct ReceiveAnswer: Sendable, Hashable {
    /// `nil` for an accepted lead.
    package var reason: RejectReason?
    /// Which fields or rules, never a field's value (the seller has the lead; logs must not).
    package var detail: String?

    package static let accepted = ReceiveAnswer(reason: nil, detail: nil)

    package static func rejected(_ reason: RejectReason, _ detail: String? = nil) -> ReceiveAnswer {
        ReceiveAnswer(reason: reason, detail: detail)
    }

    package var isAccepted: Bool { reason == nil }

    /// `accepted` or `rejected`.
    package var status: String { isAccepted ? "accepted" : "rejected" }

    /// The JSON body.
    package var json: String {
        guard let reason else { return #"{"status":"accepted"}"# }
        var text = #"{"status":"rejected","reason":"# + JSONText.quoted(reason.rawValue)
        if let detail { text += #","detail":"# + JSONText.quoted(detail) }
        return text + "}"
    }
}

/// Why a lead was not bought: stable names a seller can read and a summary counts by.
package enum RejectReason: String, Sendable, Hashable, CaseIterable {
    /// The lead fails the validation a publisher's lead must pass (E.164 phone, ZIP, TCPA fields...);
    /// `detail` lists the reason codes and fields.
    case invalid
    /// A vertical not in `[receive] verticals`.
    case verticalNotBought = "vertical_not_bought"
    /// A ZIP outside `[receive] zip_prefixes` and `states`.
    case areaNotBought = "area_not_bought"
    /// A vertical field `[receive.required_fields]` asks for is absent.
    case missingField = "missing_field"
    /// The vertical's `[receive.daily_caps]` is reached for today.
    case dailyCap = "daily_cap"
    /// The phone or email was bought in this vertical within `dedupe_days`.
    case duplicate
    /// No decision within the internal deadline.
    case timeout
}
