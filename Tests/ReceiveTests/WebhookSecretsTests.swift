import Crypto
import Foundation
import Receive
import Testing

@Suite struct WebhookSecretsTests {
    static let body = Array(#"{"vertical":"insurance","first_name":"Maria"}"#.utf8)

    static func sign(_ body: [UInt8], _ secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    @Test func acceptsEverySecretOfARotation() throws {
        let secrets = try WebhookSecrets(["old-secret", "new-secret"])
        #expect(secrets.verify(signature: Self.sign(Self.body, "old-secret"), body: Self.body))
        #expect(secrets.verify(signature: Self.sign(Self.body, "new-secret"), body: Self.body))
        #expect(!secrets.verify(signature: Self.sign(Self.body, "other"), body: Self.body))
    }

    @Test func refusesAChangedBodyAMissingOrMalformedHeader() throws {
        let secrets = try WebhookSecrets(["s3cret"])
        let signature = Self.sign(Self.body, "s3cret")
        var changed = Self.body
        changed[changed.count - 2] ^= 0x01
        #expect(!secrets.verify(signature: signature, body: changed))
        #expect(!secrets.verify(signature: nil, body: Self.body))
        #expect(!secrets.verify(signature: String(signature.dropFirst(7)), body: Self.body))
        #expect(!secrets.verify(signature: "sha256=" + String(repeating: "z", count: 64), body: Self.body))
        #expect(!secrets.verify(signature: signature + "0", body: Self.body))
        // Upper-case hex is the same signature.
        #expect(secrets.verify(signature: "sha256=" + signature.dropFirst(7).uppercased(), body: Self.body))
    }

    @Test func neverShowsASecret() throws {
        let secrets = try WebhookSecrets(["do-not-print-me"])
        #expect(!"\(secrets)".contains("do-not-print-me"))
        #expect(!String(reflecting: secrets).contains("do-not-print-me"))
        #expect(throws: ReceiveError.self) { try WebhookSecrets([]) }
    }

    @Test func secretFileLines() {
        #expect(WebhookSecrets.lines(ofFile: "# rotation\nold\r\n\n  new  \n") == ["old", "new"])
    }
}
