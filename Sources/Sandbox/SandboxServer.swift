import Hummingbird
package import Logging

/// A sandbox running in the background of this process, e.g. for `leadspool demo` and tests.
///
/// ```swift
/// let sandbox = try await SandboxServer.start(SandboxConfiguration(seed: 7), logger: logger)
/// let endpoint = sandbox.endpoint   // "http://127.0.0.1:<port>/webhook/lead"
/// ...
/// await sandbox.stop()
/// ```
package final class SandboxServer: Sendable {
    /// The port the sandbox listens on (the real one when port 0 was asked for).
    package let port: Int
    package let host: String
    /// `http`, or `https` when it serves TLS.
    package let scheme: String
    private let task: Task<Void, any Error>

    /// `http://host:port` (`https://` with TLS)
    package var baseURL: String { "\(scheme)://\(host):\(port)" }
    /// `http://host:port/webhook/lead`, the endpoint to submit leads to.
    package var endpoint: String { baseURL + "/webhook/lead" }

    private init(host: String, port: Int, scheme: String, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.scheme = scheme
        self.task = task
    }

    /// Starts a sandbox and returns once it listens. Throws when it cannot bind.
    package static func start(_ configuration: SandboxConfiguration, logger: Logger) async throws -> SandboxServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try buildSandbox(configuration, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            // No signal handling in-process: the caller stops the sandbox by `stop()`.
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        if let port = await iterator.next() {
            return SandboxServer(host: configuration.host, port: port, scheme: configuration.scheme, task: task)
        }
        try await task.value
        throw SandboxStartError()
    }

    /// Stops the sandbox: closes the listener and open connections, and waits until it has.
    package func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// The sandbox's server ended before it listened.
package struct SandboxStartError: Error, CustomStringConvertible {
    package var description: String { "the sandbox stopped before it listened" }
}

/// Runs `body` against a sandbox started for it, and stops the sandbox afterwards.
package func withSandbox<Result: Sendable>(
    _ configuration: SandboxConfiguration,
    logger: Logger,
    _ body: (SandboxServer) async throws -> Result
) async throws -> Result {
    let server = try await SandboxServer.start(configuration, logger: logger)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
