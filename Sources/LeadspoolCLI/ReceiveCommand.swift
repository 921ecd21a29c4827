import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Pipeline
import Receive

/// `leadspool receive`: the buyer's endpoint for signed lead webhooks (docs/receive.md).
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive signed lead webhooks as a buyer: verify, decide, spool accepted leads for the CRM.",
        discussion: """
            Answers POST /leads/inbound ([receive] path). The webhook secret comes from DL_WEBHOOK_SECRET or \
            --secret-file (one per line, all accepted while the provider rotates them); never from the command \
            line. Accepted leads are synced into <dir>/outbox/ before the answer leaves and rotate into \
            <dir>/ready/ as JSONL, CSV for the CRM and a summary. SIGINT/SIGTERM: stop listening, answer what \
            arrived, move the outbox to ready/, exit 0.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Address and port to listen on (default 127.0.0.1:8443).", valueName: "addr:port"))
    var listen: String?

    @Option(help: "Receive directory: outbox/, ready/, ledger.sqlite (default ./receive).")
    var dir: String?

    @Option(help: "File with the webhook secret(s), one per line (otherwise DL_WEBHOOK_SECRET).")
    var secretFile: String?

    // Only here to refuse it: a secret in argv shows in `ps` and shell history.
    @Option(name: .long, help: .hidden)
    var secret: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: "Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")
    var metricsPort: Int?

    func run() async throws {
        try await withExitCodes {
            let settings = try global.loadSettings()
            global.bootstrapLogging(settings)
            let configuration = try receiveConfiguration(settings)
            let logger = Logger(label: "leadspool.receive")
            let metricsPort = metricsPort ?? settings.receive.metricsPort
            let registry = metricsPort.map { _ in MetricsServer.bootstrap() }
            let metrics = ReceiveMetrics()
            do {
                let endpoint = "\(configuration.scheme)://\(configuration.host):%d\(configuration.path)"
                let (application, desk) = try buildReceiver(configuration, metrics: metrics, logger: logger) { port in
                    // Unbuffered: scripts read the port from this line while the receiver runs.
                    let line = "receive listening on " + endpoint.replacingOccurrences(of: "%d", with: "\(port)")
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
                try desk.start()
                var metricsServer: MetricsServer?
                if let metricsPort, let registry {
                    metricsServer = try await MetricsServer.start(
                        port: metricsPort, registry: registry, logger: logger, refresh: {})
                    logger.info("metrics on http://127.0.0.1:\(metricsServer!.port)/metrics")
                }
                try await application.runService()
                desk.stop()
                await metricsServer?.stop()
            } catch let error as ReceiveError {
                if error.code == .configuration { throw ConfigurationError(error.message) }
                StderrMessage.error(error.message)
                return .cantCreate
            }
            return .ok
        }
    }

    /// Flags over `[receive]` over the defaults, and the secrets from the file or the environment.
    func receiveConfiguration(
        _ settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ReceiveConfiguration {
        if secret != nil {
            throw ConfigurationError(
                "--secret is refused (a secret on the command line leaks into ps and shell history); "
                    + "set DL_WEBHOOK_SECRET or use --secret-file FILE")
        }
        let receive = settings.receive
        var secrets: [String]
        if let file = secretFile ?? receive.secretFile {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else { throw ConfigurationError("--secret-file \(file): cannot be read") }
            secrets = WebhookSecrets.lines(ofFile: text)
            guard !secrets.isEmpty else { throw ConfigurationError("--secret-file \(file) holds no secret") }
        } else {
            secrets = WebhookSecrets.lines(ofFile: environment["DL_WEBHOOK_SECRET"] ?? "")
        }
        var configuration = ReceiveConfiguration(directory: dir ?? receive.directory, secrets: try WebhookSecrets(secrets))
        let listen = listen ?? receive.listen
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            colon > listen.startIndex
        else { throw ConfigurationError("--listen must be ADDRESS:PORT, such as 127.0.0.1:8443") }
        configuration.host = String(listen[..<colon]).trimmingCharacters(in: ["[", "]"])
        configuration.port = port
        configuration.path = receive.path
        switch (tlsCert ?? receive.tlsCert, tlsKey ?? receive.tlsKey) {
        case (let certificate?, let key?): configuration.tls = ReceiveTLS(certificateChain: certificate, privateKey: key)
        case (nil, nil): break
        default: throw ConfigurationError("--tls-cert and --tls-key go together")
        }
        configuration.deadline = .milliseconds(receive.deadlineMilliseconds)
        configuration.validation = try settings.validatorConfiguration()
        configuration.desk = DeliveryDesk.Configuration(
            rules: receive.rules, rotateLeads: receive.rotateLeads, rotateSeconds: receive.rotateSeconds,
            capTimeZone: TimeZone(identifier: receive.capTimezone) ?? TimeZone(identifier: "UTC")!,
            export: ReadyExport(columns: receive.columns))
        do {
            return try configuration.validated()
        } catch {
            throw ConfigurationError(error.message)
        }
    }
}
