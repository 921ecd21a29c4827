package import LeadModel

/// What the buyer buys (`[receive]` of leadspool.toml). Empty lists mean "any".
package struct ReceiveRules: Sendable, Equatable {
    /// Verticals bought; empty: all four.
    package var verticals: Set<Vertical> = []
    /// ZIP prefixes bought (1 to 5 digits each).
    package var zipPrefixes: [String] = []
    /// States bought (USPS codes). With ``zipPrefixes`` too, a ZIP matching either is bought.
    package var states: Set<String> = []
    /// Vertical fields a lead must carry, per vertical (`coverage_type`, `loan_amount`, ...).
    package var requiredFields: [Vertical: [String]] = [:]
    /// Accepted leads per vertical and day at most.
    package var dailyCaps: [Vertical: Int] = [:]
    /// A phone or email bought in the same vertical within this many days is a duplicate (0: no dedupe).
    package var dedupeDays = 30

    package init() {}

    /// The first rule `lead` breaks, in the order vertical, area, required fields; `nil` when it breaks none.
    /// Caps and dedupe depend on what was bought before and are decided when the lead is written.
    package func screen(_ lead: Lead) -> ReceiveAnswer? {
        if !verticals.isEmpty, !verticals.contains(lead.vertical) {
            return .rejected(.verticalNotBought, lead.vertical.rawValue)
        }
        if !zipPrefixes.isEmpty || !states.isEmpty {
            let byPrefix = zipPrefixes.contains { lead.zip.hasPrefix($0) }
            let byState = ZipState.state(ofZip: lead.zip).map(states.contains) ?? false
            if !byPrefix && !byState { return .rejected(.areaNotBought) }
        }
        if let required = requiredFields[lead.vertical] {
            let present = Set(lead.extras.map(\.key))
            let missing = required.filter { !present.contains($0) }
            if !missing.isEmpty { return .rejected(.missingField, missing.joined(separator: ",")) }
        }
        return nil
    }

    /// The vertical fields `vertical` may require (those of the API schema).
    package static func fields(of vertical: Vertical) -> [String] {
        switch vertical {
        case .insurance: ["coverage_type", "vehicle_year", "homeowner"]
        case .mortgage: ["loan_purpose", "loan_amount", "credit_range"]
        case .solar: ["monthly_electric_bill", "roof_type"]
        case .debt: ["debt_amount", "debt_type"]
        }
    }
}
