import Export
import Foundation
import Ingest
import Logging
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
    func run(report: (String) -> Void) async throws -> Int32 {
        var lock: ExclusiveLock?
        if exclusive {
            try? FileManager.default.createDirectory(atPath: settings.spool, withIntermediateDirectories: true)
            switch ExclusiveLock.take(settings.spool + "/.lock", holder: "another run") {
            case .success(let taken): lock = taken
            case .failure(let status): return status.code
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let session: SpoolSession
        do {
            session = try await SpoolSession.open(
                settings: settings, token: token, publisherTokens: publisherTokens, redact: redact, observer: observer,
                logger: logger, newLedger: newLedger)
        } catch let failure as SpoolSession.StartFailure {
            StderrMessage.error("\(failure.message)")
            return failure.exitCode
        }
        if lock == nil {
            switch ExclusiveLock.shareSpool(settings.spool) {
            case .success(let taken): lock = taken
            case .failure(let status):
                await session.close()
                return status.code
            }
        }
        let signals = handlesSignals ? StopSignals.install(session: session, logger: logger) : nil
        let ticker = observer.flatMap { ProgressTicker.start(observer: $0) { session.counters } }
        var pass = await session.pass(stopping: { signals?.received ?? false }, report: report)
        // A file whose content another process was working on waits until every other file is done: then this
        // run waits for that process and finishes its copy (nothing is sent again).
        if pass.busy > 0, !pass.authStopped, !pass.interrupted, !(signals?.received ?? false) {
            pass.append(await session.pass(stopping: { signals?.received ?? false }, waitForBusy: true, report: report))
        }
        ticker?.cancel()
        await session.close()
        signals?.finish()
        let output = settings.summaryOutput
        if pass.processed == 0 && !pass.interrupted {
            if pass.unclaimed > 0 {
                report(
                    output.line(
                        "nothing processed: \(pass.unclaimed) ready file(s) in \(session.spool.incoming) could not be "
                            + "claimed (an error logged above, or another run took it, or a file of the same name is "
                            + "still in work/)"))
            } else {
                report(output.line("nothing to do: no ready file in \(session.spool.incoming)"))
            }
        }
        if let settling = pass.settling {
            // Files seen but not ready yet: a run from cron says when the next one will take them.
            let seconds = max(1, Int(((Double(settling.readyAt) / 1e9) - Date().timeIntervalSince1970).rounded(.up)))
            report(
                output.line(
                    "\(settling.count) file(s) in \(session.spool.incoming) still settling (size or mtime changed less "
                        + "than settle_seconds = \(NumberText.fixed(settings.settleSeconds, decimals: 0)) s ago): the "
                        + "first is ready in \(seconds) s; a later run takes them (or write <name>.ready to skip the wait)"))
        }
        if pass.interrupted || (signals?.received ?? false) {
            report(output.line("stopped by a signal; unfinished files stay in work/"))
        }
        return pass.exitCode
    }
}
