import Testing

@testable import Sandbox

@Suite struct FieldSyntaxTests {
    @Test(arguments: [
        ("+18135550100", true), ("+1813555010", false), ("+181355501000", false), ("18135550100", false),
        ("+28135550100", false), ("+1813555010a", false), ("+1 813 555 0100", false), ("", false),
    ])
    func phoneIsUSE164(value: String, valid: Bool) {
        #expect(FieldSyntax.isUSPhone(value) == valid)
    }

    @Test(arguments: [("33601", true), ("3360", false), ("336011", false), ("33601-1234", false), ("3360a", false)])
    func zipIsFiveDigits(value: String, valid: Bool) {
        #expect(FieldSyntax.isZip(value) == valid)
    }

    @Test(arguments: [
        ("m@example.com", true), ("first.last+tag@mail.example.co", true), ("m@example", false),
        ("@example.com", false), ("m@", false), ("m example@example.com", false), ("m@@example.com", false),
        ("m..x@example.com", false), ("m@example..com", false), (".m@example.com", false), ("m@.example.com", false),
        ("m@example.com.", false), ("", false),
    ])
    func emailFollowsPracticalRules(value: String, valid: Bool) {
        #expect(FieldSyntax.isEmail(value) == valid)
    }

    @Test(arguments: [
        ("2026-04-27T09:14:22Z", true), ("2026-04-27T09:14:22.123Z", true), ("2026-04-27T09:14:22+02:00", true),
        ("2026-04-27T09:14:22-0500", true), ("2026-04-27T09:14Z", true), ("2024-02-29T00:00:00Z", true),
        ("2026-04-27t09:14:22z", true), ("2026-04-27T09:14:22+05", true),
        ("2026-04-27T09:14:22", false), ("2026-04-27 09:14:22Z", false), ("2026-02-29T00:00:00Z", false),
        ("2026-13-01T00:00:00Z", false), ("2026-04-31T00:00:00Z", false), ("2026-04-27T24:00:00Z", false),
        ("2026-04-27T09:60:00Z", false), ("2026-04-27", false), ("27/04/2026 09:14", false),
        ("2026-04-27T09:14:22.Z", false), ("2026-04-27T09:14:22Z junk", false), ("", false),
    ])
    func timestampIsISO8601WithZone(value: String, valid: Bool) {
        #expect(FieldSyntax.isTimestamp(value) == valid)
    }

    @Test(arguments: [
        ("https://seo.example.com/page", true), ("http://example.com", true), ("HTTPS://Example.com/a?b#c", true),
        ("https://user@example.com:8443/x", true), ("https://[::1]/x", true),
        ("ftp://example.com", false), ("https://", false), ("https:///path", false), ("example.com/page", false),
        ("/page", false), ("https://exa mple.com", false), ("https://example.com:80x/", false), ("", false),
    ])
    func consentURLIsAbsoluteHTTP(value: String, valid: Bool) {
        #expect(FieldSyntax.isWebURL(value) == valid)
    }

    @Test(arguments: [("By submitting...", true), ("  x ", true), ("", false), ("   \t\n", false)])
    func textMustNotBeBlank(value: String, valid: Bool) {
        #expect(FieldSyntax.hasText(value) == valid)
    }
}
