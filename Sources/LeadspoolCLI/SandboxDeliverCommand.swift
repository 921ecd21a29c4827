import ArgumentParser
import Foundation
import Sandbox

/// `leadspool sandbox deliver`: signed buyer webhooks, as Dreamy Leads sends them, to rehearse a buyer's
/// endpoint (`leadspool receive` or another).
struct SandboxDeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send signed lead webhooks to a buyer's endpoint and tally its answers.",
        discussion: """
            Each delivery carries the API page's headers (X-DreamyLeads-Signature: sha256=<HMAC-SHA256 of the \
            body>, X-DreamyLeads-LeadId, X-DreamyLeads-Version: 2026-04) and a valid lead of the page's schema. \
            The secret is the first line of --secret-file (otherwise DL_WEBHOOK_SECRET). Prints the answers by \
            status, and latency p50/p99.
            """
    )

    @Option(help: "The endpoint, e.g. http://127.0.0.1:8443/leads/inbound.")
    var to: String

    @Option(help: "File whose first secret signs the deliveries (otherwise DL_WEBHOOK_SECRET).")
    var secretFile: String?

    @Option(help: "Deliveries to send.")
    var count = 100

    @Option(help: "Deliveries per second (0: as fast as --concurrency allows).")
    var rate = 100.0

    @Option(help: "Deliveries sent at once, the bursts spaced to keep --rate.")
    var burst = 1

    @Option(help: "Share (0...1) of deliveries sent with a wrong signature.")
    var badSignatureRate = 0.0

    @Option(help: "Share (0...1) of deliveries that repeat an earlier one (same lead id and body).")
    var replayRate = 0.0

    @Option(help: "Seed of the leads, lead ids, replays and bad signatures.")
    var seed: UInt64 = 0

    @Option(help: "Requests in flight at most.")
    var concurrency = 64

    @Option(help: ArgumentHelp("Write each answer as a JSON line to this file.", valueName: "file"))
    var answers: String?

    func run() async throws {
        let secret: String
        if let secretFile {
            guard let text = try? String(contentsOfFile: secretFile, encoding: .utf8),
                let first = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
                    .first(where: { !$0.isEmpty && !$0.hasPrefix("#") })
            else { throw ValidationError("--secret-file \(secretFile): no secret to read") }
            secret = first
        } else {
            guard let value = ProcessInfo.processInfo.environment["DL_WEBHOOK_SECRET"], !value.isEmpty else {
                throw ValidationError("no webhook secret: give --secret-file or set DL_WEBHOOK_SECRET")
            }
            secret = value
        }
        var configuration = DeliverConfiguration(url: to, secret: secret)
        configuration.count = count
        configuration.rate = rate
        configuration.burst = burst
        configuration.badSignatureRate = badSignatureRate
        configuration.replayRate = replayRate
        configuration.seed = seed
        configuration.concurrency = concurrency
        configuration.answersPath = answers
        do {
            configuration = try configuration.validated()
        } catch {
            throw ValidationError(error.description)
        }
        let tally = try await DeliverRun.run(configuration)
        FileHandle.standardOutput.write(Data(tally.text.utf8))
    }
}
