import Ingest
import Pipeline

/// `--redact`: masks phone numbers and email addresses so reports can travel without them.
///
/// Phone: the first five and last four characters stay (`+18135550100` → `+1813***0100`); a value
/// shorter than ten characters becomes `***`. Email: the first character of the local part and the
/// whole domain stay (`mary@example.com` → `m***@example.com`); without an `@` it becomes `***`.
/// Empty stays empty.
package enum Redaction {
    package static func maskPhone(_ value: String) -> String {
        if value.isEmpty { return "" }
        let scalars = value.unicodeScalars
        guard scalars.count >= 10 else { return "***" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(5))
        out.append(contentsOf: "***".unicodeScalars)
        out.append(contentsOf: scalars.suffix(4))
        return String(out)
    }

    package static func maskEmail(_ value: String) -> String {
        if value.isEmpty { return "" }
        guard let at = value.lastIndex(of: "@") else { return "***" }
        let local = value[..<at]
        let domain = value[value.index(after: at)...]
        guard let first = local.first else { return "***@" + domain }
        return String(first) + "***@" + domain
    }

    /// The row's reason text with every phone or email value it quotes masked: the values of
    /// problems about `phone` or `email`, and the row's own normalised phone and email.
    static func maskReason(_ reason: String, problems: [Problem], phone: String, email: String) -> String {
        var text = reason
        for problem in problems {
            // Shorter values identify no one, and replacing them would garble the text around them.
            guard let value = problem.value, value.utf8.count >= 4 else { continue }
            if problem.field == CanonicalField.phone.rawValue {
                text = text.replacing(value, with: maskPhone(value))
            } else if problem.field == CanonicalField.email.rawValue {
                text = text.replacing(value, with: maskEmail(value))
            }
        }
        if phone.utf8.count >= 4 { text = text.replacing(phone, with: maskPhone(phone)) }
        if email.utf8.count >= 4 { text = text.replacing(email, with: maskEmail(email)) }
        return text
    }
}
