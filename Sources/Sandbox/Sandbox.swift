package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
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
/// - Throws: ``SandboxOptionError`` when the TLS files (``SandboxConfiguration/tls``) cannot be used.
package func buildSandbox(
    _ configuration: SandboxConfiguration,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(SandboxOptionError) -> some ApplicationProtocol {
    let state = SandboxState(
        rateLimitPerSecond: configuration.rateLimitPerSecond,
        failAuthAfter: configuration.failAuthAfter
    )
    let responder = SandboxResponder(configuration: configuration, state: state, logger: logger)
    var server = HTTPServerBuilder.http1()
    if let tls = configuration.tls {
        let tlsConfiguration = try tls.serverConfiguration()
        do {
            server = try .tls(.http1(), tlsConfiguration: tlsConfiguration)
        } catch {
            throw SandboxOptionError(description: "cannot serve HTTPS with these files: \(error)")
        }
    }
    return Application(
        responder: responder,
        server: server,
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
