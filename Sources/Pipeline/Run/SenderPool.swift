import Logging
import Submission

/// One HTTP client and submitter per API token (the run's token and the publishers' own), shared by
/// every batch that uses it.
final class SenderPool: Sendable {
    private struct Sender: Sendable {
        let transport: HTTPLeadTransport
        let submitter: Submitter<ContinuousClock>
    }

    private let token: APIToken
    private let publisherTokens: [String: APIToken]
    private let senders: [APIToken: Sender]

    private init(token: APIToken, publisherTokens: [String: APIToken], senders: [APIToken: Sender]) {
        self.token = token
        self.publisherTokens = publisherTokens
        self.senders = senders
    }

    /// - Throws: ``ConfigurationError`` for an endpoint or token the client refuses (exit 64).
    static func open(
        settings: Settings, token: APIToken, publisherTokens: [String: APIToken], logger: Logger
    ) async throws -> SenderPool {
        var senders: [APIToken: Sender] = [:]
        for token in Set([token] + publisherTokens.values) {
            let configuration = settings.submitConfiguration(token: token)
            do {
                let transport = try HTTPLeadTransport(configuration: configuration)
                let submitter = Submitter(
                    configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
                senders[token] = Sender(transport: transport, submitter: submitter)
            } catch {
                for sender in senders.values { try? await sender.transport.shutdown() }
                throw ConfigurationError("\(error)")
            }
        }
        return SenderPool(token: token, publisherTokens: publisherTokens, senders: senders)
    }

    /// The submitter for a publisher's batches.
    func submitter(for publisher: String) -> Submitter<ContinuousClock> {
        senders[publisherTokens[publisher] ?? token]!.submitter
    }

    /// Closes the HTTP clients.
    func close() async {
        for sender in senders.values { try? await sender.transport.shutdown() }
    }

    /// The run-wide submission figures of every token.
    var counters: SubmitCounters { .sum(senders.values.map(\.submitter.counters)) }

    /// First stop signal: no new leads start; started ones go on to their answer.
    func drain() {
        for sender in senders.values { sender.submitter.drain() }
    }

    /// Drain time over: requests in flight are cut off.
    func shutDown() {
        for sender in senders.values { sender.submitter.shutDown() }
    }
}
