package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Ingest
package import Logging

/// Builds the buyer's endpoint (`leadspool receive`): the Hummingbird application, and the desk that writes
/// its answers. Start the desk (``DeliveryDesk/start()``) before the application, stop it after.
///
/// - Parameters:
///   - onServerRunning: called with the bound port once the server listens (useful with port 0).
/// - Throws: ``ReceiveError`` when the directory, the ledger or the TLS files cannot be used.
package func buildReceiver(
    _ configuration: ReceiveConfiguration,
    metrics: ReceiveMetrics,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(ReceiveError) -> (application: some ApplicationProtocol, desk: DeliveryDesk) {
    do {
        try FileSystem.makeDirectory(configuration.directory)
    } catch {
        throw ReceiveError(.io, "cannot create \(configuration.directory): \(error)")
    }
    let store = try ReceiveStore(
        path: configuration.directory + "/ledger.sqlite", keyPath: configuration.directory + "/ledger.key")
    let desk = try DeliveryDesk(
        directory: configuration.directory, store: store, configuration: configuration.desk, metrics: metrics,
        logger: logger)
    let screen = try LeadScreen(rules: configuration.desk.rules, validation: configuration.validation)
    let responder = ReceiveResponder(
        configuration: configuration, screen: screen, desk: desk, metrics: metrics, logger: logger)
    var server = HTTPServerBuilder.http1()
    if let tls = configuration.tls {
        let tlsConfiguration = try tls.serverConfiguration()
        do {
            server = try .tls(.http1(), tlsConfiguration: tlsConfiguration)
        } catch {
            throw ReceiveError(.configuration, "cannot serve HTTPS with these files: \(error)")
        }
    }
    let application = Application(
        responder: responder,
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "leadspool"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    return (application, desk)
}

/// A receiver running in the background of this process (tests, the benchmark).
package final class ReceiveServer: Sendable {
    package let port: Int
    package let desk: DeliveryDesk
    private let task: Task<Void, any Error>

    private init(port: Int, desk: DeliveryDesk, task: Task<Void, any Error>) {
        self.port = port
        self.desk = desk
        self.task = task
    }

    /// Starts the desk and the server; returns once it listens.
    package static func start(
        _ configuration: ReceiveConfiguration, metrics: ReceiveMetrics = ReceiveMetrics(), logger: Logger
    ) async throws -> ReceiveServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let (application, desk) = try buildReceiver(configuration, metrics: metrics, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        try desk.start()
        let task = Task {
            defer { continuation.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        if let port = await iterator.next() { return ReceiveServer(port: port, desk: desk, task: task) }
        desk.stop()
        try await task.value
        throw ReceiveError(.configuration, "the receiver stopped before it listened")
    }

    /// Stops the server, then the desk (the outbox moves to `ready/`).
    package func stop() async {
        task.cancel()
        _ = try? await task.value
        desk.stop()
    }
}
