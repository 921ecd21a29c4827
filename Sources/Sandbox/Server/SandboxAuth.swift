/// How a request's `Authorization` header fares.
enum SandboxAuth: Equatable, Sendable {
    case accepted
    /// A production token: refused with a message saying this is a sandbox.
    case liveToken
    case missing
    case invalid

    /// Any `dl_test_…` token, or only `expected` when one is configured. `dl_live_` never passes.
    static func check(header: String?, expected: String?) -> SandboxAuth {
        guard let header else { return .missing }
        let scheme = header.prefix(7)
        guard scheme.count == 7, scheme.lowercased() == "bearer " else { return .invalid }
        let token = header.dropFirst(7).drop { $0 == " " }
        if token.hasPrefix("dl_live_") { return .liveToken }
        if let expected { return token == expected ? .accepted : .invalid }
        return token.hasPrefix("dl_test_") && token.count > 8 ? .accepted : .invalid
    }
}
