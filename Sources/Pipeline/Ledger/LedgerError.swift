/// A run-level failure of the ledger: it cannot be opened, read or written.
///
/// `message` never carries a phone, an email or statement arguments; it may name the ledger's path and
/// SQLite's own message (which names tables and columns, not values).
package struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case cannotOpen, locked, badKey, io, corrupt, readOnly, schema, upgradeNeeded, misuse, orphanedKey
        }

        fileprivate let base: Base

        /// The file could not be opened or created (missing directory, permissions).
        package static let cannotOpen = Code(base: .cannotOpen)
        /// Another process held the write lock longer than the busy timeout.
        package static let locked = Code(base: .locked)
        /// `ledger.key` is missing (for a ledger that has keys), unreadable or not 32 bytes.
        package static let badKey = Code(base: .badKey)
        /// A read or write failed (disk full, I/O error).
        package static let io = Code(base: .io)
        /// The file is not a SQLite database or is damaged.
        package static let corrupt = Code(base: .corrupt)
        /// A write was attempted on a ledger opened read-only (or on a read-only file).
        package static let readOnly = Code(base: .readOnly)
        /// The file was written by a newer leadspool, or misses tables this one needs.
        package static let schema = Code(base: .schema)
        /// The file was written by an older leadspool: a reader cannot use it until a writing command (`run`,
        /// `watch`, `retry`) has opened it once and upgraded it.
        package static let upgradeNeeded = Code(base: .upgradeNeeded)
        /// The caller broke the ledger's contract (unknown batch, row never reserved, wrong state).
        package static let misuse = Code(base: .misuse)
        /// `ledger.key` exists but the ledger file is missing, empty or holds no ledger schema: the ledger that
        /// goes with the key is gone, and a new one would send again every lead it recorded.
        package static let orphanedKey = Code(base: .orphanedKey)

        /// Stable short text for logs and reports (`cannot_open`, `locked`, ...).
        package var shortDescription: String {
            switch base {
            case .cannotOpen: "cannot_open"
            case .locked: "locked"
            case .badKey: "bad_key"
            case .io: "io"
            case .corrupt: "corrupt"
            case .readOnly: "read_only"
            case .schema: "schema"
            case .upgradeNeeded: "upgrade_needed"
            case .misuse: "misuse"
            case .orphanedKey: "orphaned_key"
            }
        }

        package var description: String { shortDescription }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "ledger \(code.shortDescription): \(message)" }
}
