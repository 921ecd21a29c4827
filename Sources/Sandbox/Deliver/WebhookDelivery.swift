import Crypto
package import Foundation

/// One buyer webhook as the provider sends it: the lead's JSON body, its lead id and the headers of the
/// API page (`X-DreamyLeads-Signature: sha256=<hex HMAC-SHA256 of the body>`, `X-DreamyLeads-LeadId`,
/// `X-DreamyLeads-Version: 2026-04`).
package struct WebhookDelivery: Sendable, Hashable {
    package var leadID: String
    package var body: [UInt8]
    package var signature: String

    package static let version = "2026-04"

    /// `sha256=` and the lowercase hex HMAC-SHA256 of `body` keyed with `secret`, as the page's Node sample.
    package static func signature(of body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The same delivery with a signature that does not match (the last hex digit changed).
    package var badlySigned: WebhookDelivery {
        var copy = self
        let last = signature.last == "0" ? "1" : "0"
        copy.signature = String(signature.dropLast()) + last
        return copy
    }
}

/// Synthetic leads for webhooks, deterministic from a seed: every one valid under the page's schema (US
/// phones of geographic area codes, ZIPs in use, consent a few minutes old), each with its own phone and
/// email, so a receiver that buys everything accepts them all.
package struct WebhookLeads: Sendable {
    package let seed: UInt64
    private static let areaCodes = [
        206, 212, 213, 214, 303, 310, 312, 404, 415, 503, 512, 602, 612, 617, 702, 713, 801, 813, 919, 971,
    ]
    private static let zips = [
        "10001", "33602", "60601", "94103", "78701", "98101", "30303", "80202", "02139", "19103", "48226", "85004",
    ]
    private static let firstNames = ["Maria", "James", "Aiyana", "Wei", "Olu", "Sofia", "Liam", "Noor"]
    private static let lastNames = ["G.", "Smith", "Nguyen", "Okafor", "Garcia", "Kowalski", "Haddad", "Lee"]
    /// Exchanges 200...999 but N11, 555 and the test codes, as every area code above accepts them.
    private static let exchanges: [Int] = (200...999).filter { $0 % 100 != 11 && ![555, 950, 958, 959, 976].contains($0) }

    package init(seed: UInt64) {
        self.seed = seed
    }

    /// The `index`-th delivery, signed with `secret`, its consent `now` less a few minutes.
    package func delivery(_ index: Int, secret: String, now: Date) -> WebhookDelivery {
        let mix = Mixing.derive(seed, stream: UInt64(index))
        let hex = String(mix & 0xFFFF_FFFF_FFFF, radix: 16)
        let leadID = "ld_" + String(repeating: "0", count: 12 - hex.count) + hex
        // A bijection of (seed, index) onto phones, so no two deliveries of a run share one.
        let slot = (UInt64(index) &+ seed &* 7_919) % UInt64(Self.areaCodes.count * Self.exchanges.count * 10_000)
        let area = Self.areaCodes[Int(slot % UInt64(Self.areaCodes.count))]
        let rest = slot / UInt64(Self.areaCodes.count)
        let exchange = Self.exchanges[Int(rest % UInt64(Self.exchanges.count))]
        let line = rest / UInt64(Self.exchanges.count)
        let phone = "+1\(area)\(exchange)" + String(format: "%04d", Int(line))
        let vertical = ["insurance", "mortgage", "solar", "debt"][Int(mix >> 20 & 3)]
        let consent = Self.isoUTC(now.addingTimeInterval(-Double(60 + Int(mix >> 24 & 0x3FF))))
        var fields: [(String, String)] = [
            ("vertical", quoted(vertical)),
            ("first_name", quoted(Self.firstNames[Int(mix >> 34 & 7)])),
            ("last_name", quoted(Self.lastNames[Int(mix >> 37 & 7)])),
            ("email", quoted("lead\(slot)@example.com")),
            ("phone", quoted(phone)),
            ("zip", quoted(Self.zips[Int((mix >> 40) % UInt64(Self.zips.count))])),
            ("tcpa_timestamp", quoted(consent)),
            ("tcpa_text", quoted("By submitting this form you consent to be contacted about your quote.")),
            ("tcpa_url", quoted("https://seo.example.com/quote")),
        ]
        switch vertical {
        case "insurance": fields += [("coverage_type", quoted("auto")), ("vehicle_year", "2021"), ("homeowner", "true")]
        case "mortgage":
            fields += [("loan_purpose", quoted("purchase")), ("loan_amount", "385000"), ("credit_range", quoted("good"))]
        case "solar": fields += [("monthly_electric_bill", "285"), ("roof_type", quoted("shingle"))]
        default: fields += [("debt_amount", quoted("15000–25000")), ("debt_type", quoted("credit_card"))]
        }
        let cents = 500 + Int(mix >> 44 & 0xFFF) % 3500
        fields.append(("bid_amount", "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"))
        let body = Array(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
        return WebhookDelivery(leadID: leadID, body: body, signature: WebhookDelivery.signature(of: body, secret: secret))
    }

    private func quoted(_ text: String) -> String {
        var writer = JSONWriter()
        writer.string(text)
        return writer.text
    }

    static func isoUTC(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
