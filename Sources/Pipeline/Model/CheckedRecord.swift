/// A record after normalisation and validation: either a `lead` ready to send, or the problems
/// that keep it from being sent. The normalised phone, ZIP and email are kept either way so
/// reports can show them.
package struct CheckedRecord: Sendable {
    package var row: Int
    package var line: Int
    package var publisher: String
    /// The `ref` column as read (empty when absent).
    package var ref: String
    /// The vertical as understood (`nil` when missing or unknown).
    package var vertical: Vertical?
    /// Normalised values, empty when they could not be normalised.
    package var phone: String
    package var zip: String
    package var email: String
    /// Set when there are no problems.
    // Spelled `Optional<Lead>`, not `Lead?`, so it has no implicit `= nil`: with one, the optimiser keeps a
    // whole-record retain/release pair in the initialiser (13 atomic pairs per row in `Validator.check`).
    package var lead: Optional<Lead>
    /// Every problem of the record, in field order.
    package var problems: [Problem]

    package init(
        row: Int, line: Int, publisher: String, ref: String = "", vertical: Vertical? = nil,
        phone: String = "", zip: String = "", email: String = "", lead: Lead? = nil, problems: [Problem] = []
    ) {
        self.row = row
        self.line = line
        self.publisher = publisher
        self.ref = ref
        self.vertical = vertical
        self.phone = phone
        self.zip = zip
        self.email = email
        self.lead = lead
        self.problems = problems
    }
}
