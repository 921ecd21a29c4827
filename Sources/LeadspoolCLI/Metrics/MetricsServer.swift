import CoreMetrics
import Hummingbird
import Logging
import Prometheus

/// `GET /metrics` on a loopback port, in Prometheus text format.
final class MetricsServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Points swift-metrics at a new Prometheus registry. Call once per process, before any metric
    /// is created (metrics made earlier stay no-ops).
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// Listens on 127.0.0.1:`port` (0 picks a free port); `refresh` runs before each scrape.
    static func start(
        port: Int, registry: PrometheusCollectorRegistry, logger: Logger, refresh: @escaping @Sendable () -> Void
    ) async throws -> MetricsServer {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            refresh()
            let text = registry.emitToBuffer()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        // Its shutdown chatter ("Already closed") is not news; a failure to listen is thrown.
        var quiet = logger
        quiet.logLevel = .critical
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "leadspool"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: quiet)
        let task = Task {
            defer { continuation.finish() }
            // Signals belong to the watcher, which stops this server by `stop()`.
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        if let bound = await iterator.next() { return MetricsServer(port: bound, task: task) }
        try await task.value
        throw ConfigurationError("cannot listen on 127.0.0.1:\(port) for metrics")
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
