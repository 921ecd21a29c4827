/// A run-level failure of `leadspool receive`: a setting it cannot work with, or a directory, file or
/// database it cannot use. Leads are never errors: each gets an answer (``ReceiveAnswer``).
package struct ReceiveError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: Hashable, Sendable { case configuration, io, store }
        fileprivate let base: Base

        /// A setting or secret is missing or wrong (exit 64).
        package static let configuration = Code(base: .configuration)
        /// The receive directory, the outbox or a ready file cannot be written (exit 73).
        package static let io = Code(base: .io)
        /// The receive ledger cannot be opened or written (exit 73).
        package static let store = Code(base: .store)

        package var description: String {
            switch base {
            case .configuration: "configuration"
            case .io: "io"
            case .store: "store"
            }
        }
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
