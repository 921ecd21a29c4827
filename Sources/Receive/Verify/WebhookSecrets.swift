package import Foundation
import Crypto

/// The webhook secrets a delivery may be signed with: several at once while the provider rotates them.
///
/// The secrets never leave this value: `description` and the mirror show only how many there are, so a
/// secret cannot reach a log or an error by accident.
package struct WebhookSecrets: Sendable, CustomStringConvertible, CustomReflectable {
    /// The secrets' bytes (`SymmetricKey` is not `Sendable`; one is made per check).
    private let keys: [[UInt8]]

    /// - Throws: ``ReceiveError`` `.configuration` when `secrets` is empty or holds an empty secret.
    package init(_ secrets: [String]) throws(ReceiveError) {
        guard !secrets.isEmpty else {
            throw ReceiveError(.configuration, "no webhook secret: set DL_WEBHOOK_SECRET or give --secret-file")
        }
        guard secrets.allSatisfy({ !$0.isEmpty }) else {
            throw ReceiveError(.configuration, "a webhook secret is empty")
        }
        keys = secrets.map { Array($0.utf8) }
    }

    /// The secrets of a secret file: one per line; blank lines and lines starting with `#` are skipped, and
    /// surrounding spaces, tabs and CR are not part of a secret.
    package static func lines(ofFile text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
            let trimmed = line.trimmingCharacters(in: [" ", "\t", "\r"])
            return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : trimmed
        }
    }

    package var count: Int { keys.count }

    package var description: String { "\(keys.count) webhook secret(s), redacted" }

    package var customMirror: Mirror { Mirror(self, children: ["count": keys.count]) }

    /// Whether `header` (`sha256=<hex>`, several separated by `,` or spaces allowed) holds the HMAC-SHA256 of
    /// `body` under one of the secrets.
    ///
    /// Each candidate is compared in constant time (`HMAC.isValidAuthenticationCode`), and every secret is
    /// tried whatever the outcome, so the time taken does not tell how much of a signature was right.
    package func verify(signature header: String?, body: some DataProtocol) -> Bool {
        guard let header else { return false }
        var valid = false
        for candidate in header.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let mac = Self.digest(candidate) else { continue }
            for key in keys {
                let match = HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: key))
                valid = match || valid
            }
        }
        return valid
    }

    /// The 32 bytes of `sha256=<64 hex digits>` (either case), or `nil`.
    static func digest(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        let prefix = Array("sha256=".utf8)
        guard utf8.count == prefix.count + 64, Array(utf8[..<prefix.count]) == prefix else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        var index = prefix.count
        while index < utf8.count {
            guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
