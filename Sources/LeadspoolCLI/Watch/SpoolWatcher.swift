import Foundation
import Ingest
import LeadLedger
import Logging
import Pipeline
import Submission

/// The watch loop: passes over the spool, woken by inotify, the scan timer or a stop signal.
struct SpoolWatcher {
    let settings: Settings
    let token: APIToken
    let publisherTokens: [String: APIToken]
    let redact: Bool
    let metricsPort: Int?
    let inotify: Bool
    let showsProgress: Bool
    /// `--new-ledger`: start a new ledger where `ledger.key` outlived its ledger.
    var newLedger = false
    let logger: Logger

    func run(report: @escaping (String) -> Void) async throws -> ExitStatus {
        let registry = metricsPort.map { _ in MetricsServer.bootstrap() }
        let metrics = registry.map { _ in
            RunMetrics(publishers: settings.publishers.keys, ledgerPath: settings.ledgerPath)
        }
        let observer = RunObserver(showsProgress: showsProgress, metrics: metrics)
        let session = try await SpoolRun.openRunner(
            settings: settings, token: token, publisherTokens: publisherTokens, redact: redact, observer: observer,
            logger: logger, newLedger: newLedger)
        if let metrics, let finished = try? session.ledger.lastFinishedBatch()?.finishedAt {
            metrics.lastBatchSucceeded(at: finished)
        }
        let lock: ExclusiveLock
        switch ExclusiveLock.shareSpool(settings.spool) {
        case .success(let taken): lock = taken
        case .failure(let refusal):
            await session.close()
            return refusal.reported()
        }
        defer { withExtendedLifetime(lock) {} }
        let spool = session.spool
        var server: MetricsServer?
        if let metricsPort, let metrics, let registry {
            do {
                server = try await MetricsServer.start(port: metricsPort, registry: registry, logger: logger) {
                    let scan = spool.scan(nowNanos: Spool.nowNanos(), settleSeconds: settings.settleSeconds)
                    metrics.refresh(counters: session.counters, filesWaiting: scan.ready.count + scan.settling.count)
                }
            } catch {
                await session.close()
                throw ConfigurationError("cannot serve metrics on 127.0.0.1:\(metricsPort): \(error)")
            }
        }
        let wakeup = Wakeup()
        let signals = StopSignals.install(
            senders: session.senders, drainSeconds: settings.drainSeconds, logger: logger)
        signals.onStop { wakeup.signal() }
        let incoming = inotify ? IncomingWatcher(root: spool.incoming) { wakeup.signal() } : nil
        let ticker = ProgressTicker.start(observer: observer) { session.counters }
        var metadata: Logger.Metadata = [
            "spool.path": "\(spool.root)", "watch.scan_interval_seconds": "\(settings.scanIntervalSeconds)",
            "watch.inotify": "\(incoming != nil)",
        ]
        if let server { metadata["metrics.url"] = "http://127.0.0.1:\(server.port)/metrics" }
        logger.info("watching", metadata: metadata)

        let exitCode = await session.watch(
            scanInterval: settings.scanIntervalSeconds, incoming: incoming, wakeup: wakeup,
            stopped: { signals.received }, report: { report(settings.summaryOutput.line(text: $0, json: $1)) })
        ticker?.cancel()
        incoming?.stop()
        await server?.stop()
        await session.close()
        signals.finish()
        if exitCode == .authRefused {
            logger.error("the API refused the token (HTTP 401): watch stopped")
        } else if exitCode == .config {
            logger.error("the TLS settings must be fixed: watch stopped")
        } else {
            logger.info("watch stopped")
        }
        return exitCode
    }
}
