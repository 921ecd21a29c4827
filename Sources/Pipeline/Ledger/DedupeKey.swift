package import Foundation

/// A dedupe key as the ledger stores it: the first 16 bytes of the HMAC-SHA256 of `vertical|value` (a 16-byte
/// BLOB, compared as bytes, so `<` here is the B-tree's order).
///
/// 128 bits keep the HMAC a MAC (truncation to half the output is allowed by RFC 2104 §5) and make two
/// consumers sharing a key negligible: about n² / 2¹²⁹, 10⁻²³ for 100 million keys. Half the bytes of the full
/// HMAC make a key row 28 bytes instead of 44, so more keys share a page of the B-tree.
package struct DedupeKey: Hashable, Comparable, Sendable {
    static let size = 16

    /// Bytes 0..<8 and 8..<16, read big-endian.
    var high: UInt64
    var low: UInt64

    /// The key of the first 16 bytes of `digest` (at least 16 bytes long).
    init(digest: UnsafeRawBufferPointer) {
        high = UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The 16 bytes, for GRDB arguments.
    package var data: Data { withBytes { Data($0) } }

    /// Lends the 16 bytes as stored.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var bytes = (high.bigEndian, low.bigEndian)
        return try withUnsafeBytes(of: &bytes, body)
    }

    package static func < (a: DedupeKey, b: DedupeKey) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
