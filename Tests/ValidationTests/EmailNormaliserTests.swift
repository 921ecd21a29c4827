import Testing
import Validation

@Suite struct EmailNormaliserTests {
    @Test(arguments: [
        ("m@example.com", "m@example.com"),
        ("  m@example.com\t", "m@example.com"),
        ("Maria.Garcia@Example.COM", "Maria.Garcia@example.com"),
        ("o'brien+leads@mail.example.co.uk", "o'brien+leads@mail.example.co.uk"),
        ("a!#$%&'*+-/=?^_`{|}~z@example.com", "a!#$%&'*+-/=?^_`{|}~z@example.com"),
        ("first.middle.last@sub-domain.example.org", "first.middle.last@sub-domain.example.org"),
        ("x@a.io", "x@a.io"),
        ("user@123.example.com", "user@123.example.com"),
        ("user@xn--mnchen-3ya.de", "user@xn--mnchen-3ya.de"),
        ("user@XN--MNCHEN-3YA.DE", "user@xn--mnchen-3ya.de"),
        ("user@example.xn--p1ai", "user@example.xn--p1ai"),
        (String(repeating: "a", count: 64) + "@example.com", String(repeating: "a", count: 64) + "@example.com"),
        ("a@" + String(repeating: "b", count: 63) + ".com", "a@" + String(repeating: "b", count: 63) + ".com"),
        (longest, longest),
    ])
    func valid(raw: String, normalised: String) {
        #expect(EmailNormaliser.check(raw) == .valid(normalised))
    }

    /// 254 bytes exactly: 64 + 1 + 189.
    static let longest =
        String(repeating: "l", count: 64) + "@" + String(repeating: "d", count: 60) + "."
        + String(repeating: "e", count: 60) + "." + String(repeating: "f", count: 59) + ".example"

    @Test(arguments: [
        ("", "is empty"),
        ("maria", "has no @"),
        ("maria@@example.com", "has more than one @"),
        ("maria@example@com", "has more than one @"),
        ("@example.com", "has nothing before the @"),
        ("maria@", "has nothing after the @"),
        (".maria@example.com", "starts with a dot"),
        ("maria.@example.com", "has a dot right before the @"),
        ("ma..ria@example.com", "has two dots in a row"),
        ("ma ria@example.com", "contains a space"),
        ("maria@exa mple.com", "contains a space"),
        ("maria@example", "has no dot after the @"),
        ("maria@.example.com", "has a dot right after the @"),
        ("maria@example.com.", "ends with a dot"),
        ("maria@example..com", "has two dots in a row after the @"),
        ("maria@-example.com", "has a domain label starting or ending with a hyphen"),
        ("maria@example-.com", "has a domain label starting or ending with a hyphen"),
        ("maria@ab--cd.com", "has a domain label with -- in the third and fourth place"),
        ("maria@example.123", "has a top-level domain that does not end in a letter"),
        ("maria@example.c0m1", "has a top-level domain that does not end in a letter"),
        ("maria@1.2.3.4", "has a top-level domain that does not end in a letter"),
        ("maria@[1.2.3.4]", "contains '[' after the @"),
        ("maria@exam_ple.com", "contains '_' after the @"),
        ("ma(ria)@example.com", "contains '(' before the @"),
        ("ma,ria@example.com", "contains ',' before the @"),
        ("\"maria\"@example.com", "has a quoted local part"),
        ("Maria <maria@example.com>", "contains a space"),
        ("maría@example.com", "contains a non-ASCII character before the @"),
        ("maria@münchen.de", "contains a non-ASCII character after the @"),
        ("maria\u{0}@example.com", "contains a control character"),
        ("maria@example.test", "uses a reserved domain that cannot receive mail"),
        ("maria@mail.LOCALHOST", "uses a reserved domain that cannot receive mail"),
        ("maria@printer.local", "uses a reserved domain that cannot receive mail"),
        ("maria@x.onion", "uses a reserved domain that cannot receive mail"),
        ("maria@1.in-addr.arpa", "uses a reserved domain that cannot receive mail"),
        ("maria@foo.invalid", "uses a reserved domain that cannot receive mail"),
        (String(repeating: "a", count: 65) + "@example.com", "has more than 64 characters before the @"),
        ("a@" + String(repeating: "b", count: 64) + ".com", "has a domain label longer than 63 characters"),
        (
            "a@" + String(repeating: String(repeating: "b", count: 63) + ".", count: 4) + "com",
            "has more than 253 characters after the @"
        ),
        ("l" + longest, "has more than 64 characters before the @"),
        (
            String(repeating: "l", count: 60) + "@" + String(repeating: "d.", count: 96) + "com",
            "is longer than 254 characters"
        ),
    ])
    func invalid(raw: String, detail: String) {
        #expect(EmailNormaliser.check(raw) == .invalid(detail: detail))
    }
}
