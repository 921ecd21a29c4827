import Foundation
import Ingest
import LeadLedger
import Logging
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

    /// Longest wait before a file that failed mid-way is tried again.
    static let maxRetryDelay: Double = 300

    func run(report: @escaping (String) -> Void) async throws -> Int32 {
        let registry = metricsPort.map { _ in MetricsServer.bootstrap() }
        let metrics = registry.map { _ in
            RunMetrics(publishers: settings.publishers.keys, ledgerPath: settings.ledgerPath)
        }
        let observer = RunObserver(showsProgress: showsProgress, metrics: metrics)
        let session: SpoolSession
        do {
            session = try await SpoolSession.open(
                settings: settings, token: token, publisherTokens: publisherTokens, redact: redact,
                observer: observer, logger: logger, newLedger: newLedger)
        } catch let failure as SpoolSession.StartFailure {
            StderrMessage.error("\(failure.message)")
            return failure.exitCode
        }
        if let metrics, let finished = try? session.ledger.lastFinishedBatch()?.finishedAt {
            metrics.lastBatchSucceeded(at: finished)
        }
        let lock: ExclusiveLock
        switch ExclusiveLock.shareSpool(settings.spool) {
        case .success(let taken): lock = taken
        case .failure(let status):
            await session.close()
            return status.code
        }
        defer { withExtendedLifetime(lock) {} }
        let spool = session.spool
        var server: MetricsServer?
        if let metricsPort, let metrics, let registry {
            do {
                server = try await MetricsServer.start(port: metricsPort, registry: registry, logger: logger) {
                    let scan = spool.scan(nowNanos: SpoolSession.nowNanos(), settleSeconds: settings.settleSeconds)
                    metrics.refresh(counters: session.counters, filesWaiting: scan.ready.count + scan.settling.count)
                }
            } catch {
                await session.close()
                throw ConfigurationError("cannot serve metrics on 127.0.0.1:\(metricsPort): \(error)")
            }
        }
        let wakeup = Wakeup()
        let signals = StopSignals.install(session: session, logger: logger)
        signals.onStop { wakeup.signal() }
        let incoming = inotify ? IncomingWatcher(root: spool.incoming) { wakeup.signal() } : nil
        let ticker = ProgressTicker.start(observer: observer) { session.counters }
        var metadata: Logger.Metadata = [
            "spool.path": "\(spool.root)", "watch.scan_interval_seconds": "\(settings.scanIntervalSeconds)",
            "watch.inotify": "\(incoming != nil)",
        ]
        if let server { metadata["metrics.url"] = "http://127.0.0.1:\(server.port)/metrics" }
        logger.info("watching", metadata: metadata)

        var retryAt: [String: (at: ContinuousClock.Instant, failures: Int)] = [:]
        var exitCode: Int32 = 0
        while !signals.received {
            incoming?.refresh()
            let now = ContinuousClock.now
            retryAt = retryAt.filter { $0.value.at > now || FileSystem.status($0.key) != nil }
            let pass = await session.pass(
                stopping: { signals.received },
                deferred: { path in retryAt[path].map { $0.at > ContinuousClock.now } ?? false },
                report: report)
            for path in pass.failed {
                let failures = (retryAt[path]?.failures ?? 0) + 1
                let delay = min(Self.maxRetryDelay, settings.scanIntervalSeconds * Double(1 << min(failures, 16)))
                retryAt[path] = (ContinuousClock.now + .milliseconds(Int64(delay * 1000)), failures)
                logger.warning(
                    "batch failed; it stays in work/ and is tried again in \(Int(delay.rounded(.up))) s",
                    metadata: ["spool.path": "\(path)"])
            }
            if pass.authStopped {
                // 77 (401) or 78 (TLS refused).
                exitCode = pass.exitCode
                break
            }
            if pass.interrupted || signals.received { break }
            // Sleep until the next scan, or until a settling file is due, whichever comes first.
            var timeout = settings.scanIntervalSeconds
            if let due = pass.earliestSettled {
                timeout = min(timeout, max(0.05, Double(due - SpoolSession.nowNanos()) / 1e9 + 0.01))
            }
            if let nextRetry = retryAt.values.map(\.at).min() {
                timeout = min(timeout, max(0.05, (ContinuousClock.now.duration(to: nextRetry)).seconds))
            }
            await wakeup.wait(timeout: .milliseconds(Int64(timeout * 1000)))
        }
        ticker?.cancel()
        incoming?.stop()
        await server?.stop()
        await session.close()
        signals.finish()
        if exitCode == 77 {
            logger.error("the API refused the token (HTTP 401): watch stopped")
        } else if exitCode == 78 {
            logger.error("the TLS settings must be fixed: watch stopped")
        } else {
            logger.info("watch stopped")
        }
        return exitCode
    }
}
