extension RemoteReason {
    /// The label and fix of the API's reasons the provider documents (`low_score`, `no_buyer_match`,
    /// `filter_mismatch`, `duplicate`): the one table behind summary.html, `leadspool report` and
    /// docs/reports.md (a test keeps that page in step with it). Other reasons get a label made from the token.
    package static func guide(_ token: String) -> ReasonCode.Guide {
        switch token {
        case "low_score":
            ReasonCode.Guide(
                label: "Lead scored too low",
                fix: "The buyers' scoring found the lead weak: check the traffic source and that the consent page "
                    + "and form collect real, current details")
        case "no_buyer_match":
            ReasonCode.Guide(
                label: "No buyer for this lead",
                fix: "No buyer takes leads of this vertical and area right now: send fewer from these ZIPs or states, "
                    + "or ask Dreamy Leads which areas buyers cover")
        case "filter_mismatch":
            ReasonCode.Guide(
                label: "Outside the buyers' filters",
                fix: "The lead fails a buyer's filter (credit, property, vehicle or debt fields): check those fields "
                    + "against the vertical's requirements before sending")
        case "duplicate":
            ReasonCode.Guide(
                label: "Already sold to Dreamy Leads",
                fix: "The API has this consumer already (from this or another publisher): dedupe against earlier "
                    + "batches before sending")
        default:
            ReasonCode.Guide(
                label: token.split(separator: "_").joined(separator: " ").capitalisedFirst,
                fix: "A reason the API documentation does not list: ask Dreamy Leads what it means")
        }
    }

    /// The reasons ``guide(_:)`` knows, in the order the docs list them.
    package static let documented = ["low_score", "no_buyer_match", "filter_mismatch", "duplicate"]
}

extension String {
    fileprivate var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
