package import Logging
package import Submission

/// One transport and submitter per API token (the run's token and the publishers' own), shared by every
/// batch that uses it.
package final class SenderPool: Sendable {
    private struct Sender: Sendable {
        let transport: any LeadTransport
        let submitter: Submitter<ContinuousClock>
    }

    /// Makes the transport of one token's configuration: AsyncHTTPClient (``HTTPLeadTransport``) unless a
    /// test puts another behind the seam.
    package typealias TransportFactory = @Sendable (SubmitConfiguration) throws -> any LeadTransport

    private let token: APIToken
    private let publisherTokens: [String: APIToken]
    private let senders: [APIToken: Sender]

    private init(token: APIToken, publisherTokens: [String: APIToken], senders: [APIToken: Sender]) {
        self.token = token
        self.publisherTokens = publisherTokens
        self.senders = senders
    }

    /// - Parameter configuration: the submit configuration of a token.
    /// - Throws: the transport's error for an endpoint or token it refuses (a configuration error, exit 64).
    package static func open(
        token: APIToken, publisherTokens: [String: APIToken], logger: Logger,
        configuration: (APIToken) -> SubmitConfiguration,
        transport: TransportFactory = { try HTTPLeadTransport(configuration: $0) }
    ) async throws -> SenderPool {
        var senders: [APIToken: Sender] = [:]
        for token in Set([token] + publisherTokens.values) {
            let configuration = configuration(token)
            do {
                let transport = try transport(configuration)
                let submitter = Submitter(
                    configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
                senders[token] = Sender(transport: transport, submitter: submitter)
            } catch {
                for sender in senders.values { await Self.close(sender.transport) }
                throw error
            }
        }
        return SenderPool(token: token, publisherTokens: publisherTokens, senders: senders)
    }

    /// The submitter for a publisher's batches.
    package func submitter(for publisher: String) -> Submitter<ContinuousClock> {
        senders[publisherTokens[publisher] ?? token]!.submitter
    }

    /// Closes the HTTP clients.
    package func close() async {
        for sender in senders.values { await Self.close(sender.transport) }
    }

    private static func close(_ transport: any LeadTransport) async {
        if let client = transport as? HTTPLeadTransport { try? await client.shutdown() }
    }

    /// The run-wide submission figures of every token.
    package var counters: SubmitCounters { .sum(senders.values.map(\.submitter.counters)) }

    /// First stop signal: no new leads start; started ones go on to their answer.
    package func drain() {
        for sender in senders.values { sender.submitter.drain() }
    }

    /// Drain time over: requests in flight are cut off.
    package func shutDown() {
        for sender in senders.values { sender.submitter.shutDown() }
    }
}

extension SubmitCounters {
    /// The sum of several submitters' figures (one per token).
    package static func sum(_ all: [SubmitCounters]) -> SubmitCounters {
        var total = SubmitCounters()
        for counters in all {
            total.attempts += counters.attempts
            total.retries += counters.retries
            total.rateLimitWaits += counters.rateLimitWaits
            total.answered += counters.answered
            total.inFlight += counters.inFlight
            total.concurrencyLimit += counters.concurrencyLimit
            if let pause = counters.pauseRemaining { total.pauseRemaining = max(total.pauseRemaining ?? .zero, pause) }
        }
        return total
    }
}
