import LeadModel

extension BatchSummary {
    /// The leads the API rejected (`REMOTE_REJECTED`), by the API's own reason, with what each means: what an
    /// account manager takes to the publisher.
    func remoteReasonTable() -> String {
        let rejected = count(of: .rejected)
        return "<p class=\"muted\">\(HTMLText.grouped(rejected)) leads rejected by the API "
            + "(<code>REMOTE_REJECTED</code>), by the reason it gave.</p>\n"
            + ReasonGuideTable.html(ReasonGuideTable.remote(remoteReasons), countHeading: "Leads")
    }
}
