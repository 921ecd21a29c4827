import Crypto
package import LeadModel

/// Turns a normalised phone or email into its dedupe key: HMAC-SHA256 over `vertical|value`, keyed with
/// `ledger.key`, cut to its first 16 bytes (`DedupeKey`). The vertical is part of the input, so one consumer
/// may be sold once per vertical.
package struct DedupeKeyer: Sendable {
    private let key: [UInt8]

    package init(key: [UInt8]) {
        self.key = key
    }

    /// A keyed HMAC state to copy per value: the key schedule is computed once per call site, not per lead.
    package func session() -> Session { Session(prototype: HMAC<SHA256>(key: SymmetricKey(data: key))) }

    package struct Session {
        fileprivate let prototype: HMAC<SHA256>
        private var input: [UInt8] = []

        fileprivate init(prototype: HMAC<SHA256>) {
            self.prototype = prototype
            input.reserveCapacity(320)
        }

        /// The key of `value` in `vertical`.
        package mutating func key(_ vertical: Vertical, _ value: String) -> DedupeKey {
            input.removeAll(keepingCapacity: true)
            input.append(contentsOf: vertical.rawValue.utf8)
            input.append(UInt8(ascii: "|"))
            input.append(contentsOf: value.utf8)
            var hmac = prototype
            input.withUnsafeBytes { hmac.update(data: $0) }
            return hmac.finalize().withUnsafeBytes { DedupeKey(digest: $0) }
        }
    }
}
