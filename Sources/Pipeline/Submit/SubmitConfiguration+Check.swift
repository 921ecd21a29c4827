/// A configuration the engine refuses to run with (the CLI exits 64 on it).
package struct SubmitConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: String, Sendable, Hashable {
        case invalidEndpoint = "invalid-endpoint"
        case liveTokenWithoutTLS = "live-token-without-tls"
        case invalidToken = "invalid-token"
        case invalidSetting = "invalid-setting"
        /// A CA, client certificate or key file that is missing, unreadable or not usable.
        case tlsFile = "tls-file"
    }

    package var code: Code
    /// Human text; names the setting, never the token's value.
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}

extension SubmitConfiguration {
    /// Refuses what must not run: an endpoint that is not an absolute `http`/`https` URL, a token that
    /// cannot go in a header, a `dl_live_` token sent in clear to a host that is not loopback
    /// (CONTRACT §2), and settings out of range.
    package func check() throws(SubmitConfigurationError) {
        guard let parts = EndpointParts(endpoint) else {
            throw SubmitConfigurationError(
                .invalidEndpoint, "endpoint \"\(endpoint)\" is not an absolute http or https URL with a host")
        }
        let secret = token.secret.utf8
        guard !secret.isEmpty, secret.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SubmitConfigurationError(
                .invalidToken, "the API token is empty or holds characters a header cannot carry")
        }
        if token.isLive, parts.scheme != "https", !parts.isLoopback {
            throw SubmitConfigurationError(
                .liveTokenWithoutTLS,
                "a dl_live_ token is only sent over https (or to a loopback host); endpoint host is \(parts.host)")
        }
        guard timeoutSeconds > 0, timeoutSeconds.isFinite else {
            throw SubmitConfigurationError(.invalidSetting, "timeout_seconds must be greater than 0")
        }
        guard maxInFlight >= 1 else {
            throw SubmitConfigurationError(.invalidSetting, "max_in_flight must be at least 1")
        }
        guard retryAfterMaxSeconds >= 0, maxRateLimitWaits >= 0, markBatchSize >= 1, responseBodyCap >= 1 else {
            throw SubmitConfigurationError(
                .invalidSetting, "retry_after_max_seconds, max_rate_limit_waits must not be negative")
        }
        if let rateLimit, !(rateLimit > 0 && rateLimit.isFinite) {
            throw SubmitConfigurationError(.invalidSetting, "rate_limit must be greater than 0")
        }
        if backoff.contains(where: { $0 < .zero }) {
            throw SubmitConfigurationError(.invalidSetting, "backoff waits must not be negative")
        }
    }
}

/// Scheme and host of an endpoint URL, read without Foundation's URL so the loopback rule does not
/// depend on a platform's parser.
struct EndpointParts: Equatable {
    /// Lowercased `http` or `https`.
    var scheme: String
    /// Lowercased, without IPv6 brackets.
    var host: String

    init?(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
    }

    /// `localhost`, an address in 127.0.0.0/8, or `::1` (also IPv4-mapped `::ffff:127.x.y.z`).
    var isLoopback: Bool {
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        if name == "localhost" { return true }
        if Self.isLoopbackIPv4(name) { return true }
        if Self.ipv6Groups(name) == [0, 0, 0, 0, 0, 0, 0, 1] { return true }
        if name.hasPrefix("::ffff:") { return Self.isLoopbackIPv4(String(name.dropFirst(7))) }
        return false
    }

    private static func isLoopbackIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(\.isASCII), UInt8(octet) != nil else {
                return false
            }
        }
        return octets[0] == "127"
    }

    /// The eight 16-bit groups of an IPv6 address in text form (no embedded IPv4), or `nil`.
    private static func ipv6Groups(_ text: String) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        var halves = [Substring(text)]
        if let gap = text.firstRange(of: "::") {
            halves = [text[..<gap.lowerBound], text[gap.upperBound...]]
            guard halves[1].firstRange(of: "::") == nil else { return nil }
        }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
