/// A command-line value the sandbox cannot use; `description` says why.
package struct SandboxOptionError: Error, CustomStringConvertible, Equatable {
    package let description: String
}

extension SandboxConfiguration {
    /// `A..B` (or a single `A`) milliseconds, `0 ≤ A ≤ B`.
    package static func parseLatency(_ text: String) throws(SandboxOptionError) -> ClosedRange<Int> {
        let parts = text.split(separator: "..", maxSplits: 1, omittingEmptySubsequences: false)
        guard let low = parts.first.flatMap({ Int($0) }), let high = parts.count == 2 ? Int(parts[1]) : low,
            low >= 0, low <= high
        else {
            throw SandboxOptionError(description: "latency '\(text)' is not A..B milliseconds with 0 <= A <= B")
        }
        return low...high
    }

    /// `N` or `N/s`, a positive count of requests per second.
    package static func parseRateLimit(_ text: String) throws(SandboxOptionError) -> Int {
        let count = text.hasSuffix("/s") ? text.dropLast(2) : Substring(text)
        guard let value = Int(count), value > 0 else {
            throw SandboxOptionError(description: "rate limit '\(text)' is not N or N/s with N > 0")
        }
        return value
    }

    /// A share between 0 and 1.
    package static func parseRate(_ text: String, name: String) throws(SandboxOptionError) -> Double {
        guard let value = Double(text), value >= 0, value <= 1 else {
            throw SandboxOptionError(description: "\(name) '\(text)' is not a number between 0 and 1")
        }
        return value
    }

    /// `CODE@SHARE`: CODE a status from 400 to 599 (429 comes with the rate limit's `Retry-After` of 1 s),
    /// or `nonjson` for a 200 whose body is not JSON; SHARE between 0 and 1.
    package static func parseForcedStatus(_ text: String) throws(SandboxOptionError) -> ForcedStatus {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let usage = "forced status '\(text)' is not CODE@SHARE (CODE 400...599, or nonjson)"
        guard parts.count == 2 else { throw SandboxOptionError(description: usage) }
        let share = try parseRate(String(parts[1]), name: "forced status share")
        if parts[0] == "nonjson" { return ForcedStatus(.notJSON, share: share) }
        guard let code = Int(parts[0]), (400...599).contains(code) else {
            throw SandboxOptionError(description: usage)
        }
        return ForcedStatus(.status(code), share: share)
    }

    /// Checks what each option cannot check alone.
    package func validated() throws(SandboxOptionError) -> SandboxConfiguration {
        guard (0...65_535).contains(port) else { throw SandboxOptionError(description: "port \(port) is out of range") }
        guard (0...1).contains(errorRate), (0...1).contains(dropRate), errorRate + dropRate <= 1 else {
            throw SandboxOptionError(description: "error rate and drop rate must be in 0...1 and add up to at most 1")
        }
        if let failAuthAfter, failAuthAfter < 1 {
            throw SandboxOptionError(description: "fail-auth-after must be at least 1")
        }
        if let rateLimitPerSecond, rateLimitPerSecond < 1 {
            throw SandboxOptionError(description: "rate limit must be at least 1 per second")
        }
        if let token, token.isEmpty { throw SandboxOptionError(description: "token must not be empty") }
        if let token, token.hasPrefix("dl_live_") {
            throw SandboxOptionError(description: "the sandbox never accepts dl_live_ tokens; use a dl_test_ token")
        }
        guard forcedStatuses.allSatisfy({ (0...1).contains($0.share) }),
            forcedStatuses.reduce(0, { $0 + $1.share }) <= 1 + 1e-9
        else {
            throw SandboxOptionError(description: "forced status shares must be in 0...1 and add up to at most 1")
        }
        guard maximumBodyBytes > 0 else { throw SandboxOptionError(description: "maximum body size must be positive") }
        return self
    }
}
