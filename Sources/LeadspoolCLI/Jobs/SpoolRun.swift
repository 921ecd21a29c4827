import Export
import Foundation
import Ingest
import Logging
import Pipeline
import Submission

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One pass over a spool with a live submitter: what `run` does, and `demo` after it.
struct SpoolRun {
    let settings: Settings
    let token: APIToken
    /// Publishers with their own token (`[publishers.NAME] token_env`); the others use `token`.
    var publisherTokens: [String: APIToken] = [:]
    var redact = false
    var exclusive = false
    /// Stop signals drain the run (`run`), or are left to the default action (`demo`).
    var handlesSignals = false
    var observer: RunObserver?
    /// `--new-ledger`: start a new ledger where `ledger.key` outlived its ledger.
    var newLedger = false
    let logger: Logger

    /// Processes every orphaned and ready file; answers the exit code (CONTRACT §3). `report` gets
    /// each batch's short summary.
    func run(report: (String) -> Void) async throws -> ExitStatus {
        var lock: ExclusiveLock?
        if exclusive {
            try? FileManager.default.createDirectory(atPath: settings.spool, withIntermediateDirectories: true)
            switch ExclusiveLock.take(settings.spool + "/.lock", holder: "another run") {
            case .success(let taken): lock = taken
            case .failure(let refusal): return refusal.reported()
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let session = try await Self.openRunner(
            settings: settings, token: token, publisherTokens: publisherTokens, redact: redact, observer: observer,
            logger: logger, newLedger: newLedger)
        if lock == nil {
            switch ExclusiveLock.shareSpool(settings.spool) {
            case .success(let taken): lock = taken
            case .failure(let refusal):
                await session.close()
                return refusal.reported()
            }
        }
        let signals =
            handlesSignals
            ? StopSignals.install(senders: session.senders, drainSeconds: settings.drainSeconds, logger: logger) : nil
        let ticker = observer.flatMap { ProgressTicker.start(observer: $0) { session.counters } }
        let output = settings.summaryOutput
        let status = await session.runOnce(stopping: { signals?.received ?? false }) { text, json in
            report(output.line(text: text, json: json))
        }
        ticker?.cancel()
        await session.close()
        signals?.finish()
        return status
    }

    /// Opens the batch run of `run` and `watch`; when it cannot start, says why on stderr and throws the exit
    /// code.
    static func openRunner(
        settings: Settings, token: APIToken, publisherTokens: [String: APIToken], redact: Bool, observer: RunObserver?,
        logger: Logger, newLedger: Bool
    ) async throws -> BatchRunner<ReportFiles> {
        let configuration = try settings.runConfiguration(redact: redact)
        do {
            return try await BatchRunner.open(
                configuration: configuration,
                senders: {
                    try await SenderPool.open(
                        token: token, publisherTokens: publisherTokens, logger: logger,
                        configuration: settings.submitConfiguration(token:))
                },
                sinks: ReportFiles(configuration.reports), observer: observer, logger: logger, newLedger: newLedger)
        } catch {
            StderrMessage.error("\(error.message)")
            throw error.exitCode
        }
    }
}

extension ExclusiveLock.Refusal {
    /// Says why on stderr; answers the exit code.
    func reported() -> ExitStatus {
        StderrMessage.error(message)
        return status
    }
}
