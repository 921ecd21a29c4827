/// The verticals the provider's page lists.
enum SandboxVertical: String, CaseIterable, Sendable {
    case insurance, mortgage, solar, debt
}

/// What the decision needs from a valid lead.
struct LeadFacts: Equatable, Sendable {
    let vertical: SandboxVertical
    let phone: String
    let email: String
}

/// The sandbox's reading of one `POST /webhook/lead` body.
enum PayloadVerdict: Equatable, Sendable {
    /// 400: not a JSON object, or these fields missing, ill-formed or of the wrong JSON type.
    case malformed(fields: [String])
    /// 422: these TCPA consent fields missing or invalid.
    case consentInvalid(fields: [String])
    case valid(LeadFacts)
}

/// The payload schema of the provider's page, written from that page alone.
enum LeadPayload {
    enum Rule: Sendable {
        case vertical, name, email, phone, zip
        case string, integer, boolean, number
        case timestamp, consentText, webURL
    }

    /// Required fields, in the page's order.
    static let required: [(name: String, rule: Rule)] = [
        ("vertical", .vertical), ("first_name", .name), ("last_name", .name), ("email", .email),
        ("phone", .phone), ("zip", .zip),
    ]

    /// The TCPA consent fields: required, answered with 422 rather than 400.
    static let consent: [(name: String, rule: Rule)] = [
        ("tcpa_timestamp", .timestamp), ("tcpa_text", .consentText), ("tcpa_url", .webURL),
    ]

    /// Vertical-specific fields: optional, but of the page's JSON type when present (`null` is not).
    static let optional: [(name: String, rule: Rule)] = [
        ("coverage_type", .string), ("vehicle_year", .integer), ("homeowner", .boolean),
        ("loan_purpose", .string), ("loan_amount", .number), ("credit_range", .string),
        ("monthly_electric_bill", .number), ("roof_type", .string),
        ("debt_amount", .string), ("debt_type", .string),
    ]

    static func check(_ body: JSONValue) -> PayloadVerdict {
        guard case .object(let members) = body else { return .malformed(fields: []) }
        var malformed: [String] = []
        for (name, rule) in required where !satisfies(members[name], rule) {
            malformed.append(name)
        }
        for (name, rule) in optional {
            if let value = members[name], !satisfies(value, rule) { malformed.append(name) }
        }
        if !malformed.isEmpty { return .malformed(fields: malformed) }
        let consentProblems = consent.filter { !satisfies(members[$0.name], $0.rule) }.map(\.name)
        if !consentProblems.isEmpty { return .consentInvalid(fields: consentProblems) }
        guard case .string(let verticalName) = members["vertical"], let vertical = SandboxVertical(rawValue: verticalName),
            case .string(let phone) = members["phone"], case .string(let email) = members["email"]
        else { return .malformed(fields: ["vertical", "phone", "email"]) }
        return .valid(LeadFacts(vertical: vertical, phone: phone, email: email))
    }

    /// `vertical|phone` as sent, when both are strings: the key the stats count attempts under.
    static func leadKey(_ body: JSONValue) -> String? {
        guard case .object(let members) = body, case .string(let vertical) = members["vertical"],
            case .string(let phone) = members["phone"]
        else { return nil }
        return vertical + "|" + phone
    }

    static func satisfies(_ value: JSONValue?, _ rule: Rule) -> Bool {
        guard let value else { return false }
        switch (rule, value) {
        case (.vertical, .string(let text)): return SandboxVertical(rawValue: text) != nil
        case (.name, .string(let text)), (.consentText, .string(let text)): return FieldSyntax.hasText(text)
        case (.email, .string(let text)): return FieldSyntax.isEmail(text)
        case (.phone, .string(let text)): return FieldSyntax.isUSPhone(text)
        case (.zip, .string(let text)): return FieldSyntax.isZip(text)
        case (.timestamp, .string(let text)): return FieldSyntax.isTimestamp(text)
        case (.webURL, .string(let text)): return FieldSyntax.isWebURL(text)
        case (.string, .string): return true
        case (.integer, .number(let number, let isInteger)):
            return isInteger && number >= -9_007_199_254_740_992 && number <= 9_007_199_254_740_992
        case (.boolean, .bool): return true
        case (.number, .number): return true
        default: return false
        }
    }
}
