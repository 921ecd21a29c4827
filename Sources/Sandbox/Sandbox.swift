package import Hummingbird
package import Logging
import NIOCore

/// Builds the sandbox application: the local simulator of the Dreamy Leads publisher endpoint.
///
/// Run it with `runService()` (stops on SIGINT/SIGTERM) or `run()` in a task you cancel; or use
/// ``SandboxServer`` to run it in the background and learn its port.
///
/// - Parameters:
///   - configuration: where to listen and how to behave; call `validated()` on user input first.
///   - logger: receives one info line per request (method, route, status, latency), no PII.
///   - onServerRunning: called with the bound port once the server listens (useful with port 0).
package func buildSandbox(
    _ configuration: SandboxConfiguration,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let state = SandboxState(
        rateLimitPerSecond: configuration.rateLimitPerSecond,
        failAuthAfter: configuration.failAuthAfter
    )
    let responder = SandboxResponder(configuration: configuration, state: state, logger: logger)
    return Application(
        responder: responder,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "leadspool-sandbox"
        ),
        onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}
