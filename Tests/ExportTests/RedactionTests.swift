import Export
import Testing

@Suite("Redaction")
struct RedactionTests {
    @Test(
        "phone",
        arguments: [
            ("+18135550100", "+1813***0100"),
            ("(813) 555-0100", "(813)***0100"),
            ("5550100", "***"),
            ("", ""),
        ])
    func phone(value: String, expected: String) {
        #expect(Redaction.maskPhone(value) == expected)
    }

    @Test(
        "email",
        arguments: [
            ("mary@example.com", "m***@example.com"),
            ("zoë@example.com", "z***@example.com"),
            ("é@example.com", "é***@example.com"),
            ("@example.com", "***@example.com"),
            ("not-an-email", "***"),
            ("a@b@example.com", "a***@example.com"),
            ("", ""),
        ])
    func email(value: String, expected: String) {
        #expect(Redaction.maskEmail(value) == expected)
    }
}
