import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Sandbox

/// `leadspool sandbox`: the local Dreamy Leads API simulator (CONTRACT §8).
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the local Dreamy Leads API simulator.",
        discussion: """
            Serves POST /webhook/lead as the Dreamy Leads publisher API does, with deterministic \
            decisions from --seed and faults on demand. GET /_sandbox/stats reports what arrived; \
            POST /_sandbox/reset clears it. Faults apply to requests that passed authentication; \
            --fail-auth-after counts every POST /webhook/lead. A repeated Idempotency-Key with the \
            same body gets its first answer again (422 with another body), unless --no-idempotency.
            `leadspool sandbox deliver` plays the buyer side: signed lead webhooks to a buyer's endpoint.
            """,
        subcommands: [SandboxDeliverCommand.self]
    )

    @Option(help: "Port to listen on (0 picks a free one, printed on start).")
    var port: Int = 8080

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Seed of the decisions, bids, lead ids and faults.")
    var seed: UInt64 = 0

    @Option(help: "Accept only this bearer token (default: any dl_test_ token).")
    var token: String?

    @Option(name: .customLong("latency-ms"), help: "Delay per answer, uniform in A..B milliseconds.")
    var latency: String?

    @Option(help: "Share (0...1) of requests answered 500, 502 or 503.")
    var errorRate: String = "0"

    @Option(help: "Share (0...1) of requests whose connection is closed without an answer.")
    var dropRate: String = "0"

    @Option(help: "Requests per second allowed (N or N/s); 429 with Retry-After beyond.")
    var rateLimit: String?

    @Flag(help: "Send Retry-After as an HTTP-date instead of seconds.")
    var retryAfterDate = false

    @Flag(help: "Answer 429 without Retry-After (the client waits its default, 60 s).")
    var noRetryAfter = false

    @Option(help: "Answer 401 from the N-th POST /webhook/lead on.")
    var failAuthAfter: Int?

    @Option(
        help: ArgumentHelp(
            "Answer this share of leads (by seed and lead, on every attempt) with a fixed status: CODE@SHARE, "
                + "CODE 400...599 (429 with Retry-After: 1), or nonjson for a 200 whose body is not JSON. Repeatable.",
            valueName: "code@share"))
    var forceStatus: [String] = []

    @Flag(help: "Ignore Idempotency-Key, as an API that does not honour it: a retry of an accepted lead is a duplicate.")
    var noIdempotency = false

    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(
        help: ArgumentHelp(
            "Require a client certificate issued by a CA of this PEM file (mutual TLS; with --tls-cert).",
            valueName: "file"))
    var tlsClientCa: String?

    func sandboxConfiguration() throws -> SandboxConfiguration {
        let tls: SandboxTLS?
        switch (tlsCert, tlsKey) {
        case (let certificate?, let key?):
            tls = SandboxTLS(certificateChain: certificate, privateKey: key, clientCA: tlsClientCa)
        case (nil, nil):
            guard tlsClientCa == nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
            tls = nil
        default:
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        do throws(SandboxOptionError) {
            return try SandboxConfiguration(
                host: host,
                port: port,
                seed: seed,
                token: token,
                latencyMilliseconds: latency.map(SandboxConfiguration.parseLatency),
                errorRate: SandboxConfiguration.parseRate(errorRate, name: "error rate"),
                dropRate: SandboxConfiguration.parseRate(dropRate, name: "drop rate"),
                rateLimitPerSecond: rateLimit.map(SandboxConfiguration.parseRateLimit),
                retryAfterAsDate: retryAfterDate,
                omitsRetryAfter: noRetryAfter,
                failAuthAfter: failAuthAfter,
                forcedStatuses: forceStatus.map(SandboxConfiguration.parseForcedStatus),
                honoursIdempotencyKeys: !noIdempotency,
                tls: tls
            ).validated()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        _ = try sandboxConfiguration()
    }

    func run() async throws {
        let configuration = try sandboxConfiguration()
        let logger = Logger(label: "leadspool.sandbox")
        let host = configuration.host
        let scheme = configuration.scheme
        do {
            let application = try buildSandbox(configuration, logger: logger) { port in
                // Written unbuffered: scripts read the port from this line while the sandbox runs.
                let line = "sandbox listening on \(scheme)://\(host):\(port)/webhook/lead\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            try await application.runService()
        } catch let error as SandboxOptionError {
            throw ValidationError(error.description)
        }
    }
}
