/// A value of a vertical-specific field, coerced to the API's JSON type.
package enum PayloadValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    /// A JSON number, kept as its canonical literal text (e.g. `385000`, `285.5`).
    case number(String)
    case bool(Bool)
}

/// A normalised, validated lead, ready to be sent. Field values are already in the API's form
/// (E.164 phone, 5-digit ZIP, UTC timestamp).
package struct Lead: Sendable, Hashable {
    package var vertical: Vertical
    package var firstName: String
    package var lastName: String
    package var email: String
    package var phone: String
    package var zip: String
    package var tcpaTimestamp: String
    package var tcpaText: String
    package var tcpaURL: String
    /// Vertical-specific fields present in the record, in API schema order; absent ones are omitted.
    package var extras: [(key: CanonicalFieldName, value: PayloadValue)]

    package init(
        vertical: Vertical, firstName: String, lastName: String, email: String, phone: String, zip: String,
        tcpaTimestamp: String, tcpaText: String, tcpaURL: String,
        extras: [(key: CanonicalFieldName, value: PayloadValue)] = []
    ) {
        self.vertical = vertical
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.zip = zip
        self.tcpaTimestamp = tcpaTimestamp
        self.tcpaText = tcpaText
        self.tcpaURL = tcpaURL
        self.extras = extras
    }

    package static func == (a: Lead, b: Lead) -> Bool {
        a.vertical == b.vertical && a.firstName == b.firstName && a.lastName == b.lastName && a.email == b.email
            && a.phone == b.phone && a.zip == b.zip && a.tcpaTimestamp == b.tcpaTimestamp
            && a.tcpaText == b.tcpaText && a.tcpaURL == b.tcpaURL
            && a.extras.map(\.key) == b.extras.map(\.key) && a.extras.map(\.value) == b.extras.map(\.value)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(vertical)
        hasher.combine(phone)
        hasher.combine(email)
    }
}

/// API field names of the vertical-specific fields.
package typealias CanonicalFieldName = String
