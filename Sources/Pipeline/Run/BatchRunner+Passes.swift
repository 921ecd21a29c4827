import Export
import Foundation
package import Ingest
import Logging

/// `leadspool run` and `watch`: passes over the spool, once or again and again.
extension BatchRunner {
    /// Processes every orphaned and ready file once; a file whose content another process was working on
    /// waits until every other file is done, then this run waits for that process and finishes its copy
    /// (nothing is sent again).
    ///
    /// - Parameters:
    ///   - stopping: checked before each claim (a stop signal); `true` ends the run.
    ///   - report: gets each batch's short summary (and the same as one JSON object), and the run's messages.
    /// - Returns: the exit code of `run` (CONTRACT §3).
    package func runOnce(
        stopping: () -> Bool, report: (_ text: String, _ json: JSONLine?) -> Void
    ) async -> ExitStatus {
        var pass = await self.pass(stopping: stopping, report: report)
        if pass.busy > 0, !pass.authStopped, !pass.interrupted, !stopping() {
            pass.append(await self.pass(stopping: stopping, waitForBusy: true, report: report))
        }
        if pass.processed == 0 && !pass.interrupted {
            if pass.unclaimed > 0 {
                report(
                    "nothing processed: \(pass.unclaimed) ready file(s) in \(spool.incoming) could not be claimed (an "
                        + "error logged above, or another run took it, or a file of the same name is still in work/)",
                    nil)
            } else {
                report("nothing to do: no ready file in \(spool.incoming)", nil)
            }
        }
        if let settling = pass.settling {
            // Files seen but not ready yet: a run from cron says when the next one will take them.
            let seconds = max(1, Int(((Double(settling.readyAt) / 1e9) - Date().timeIntervalSince1970).rounded(.up)))
            report(
                "\(settling.count) file(s) in \(spool.incoming) still settling (size or mtime changed less than "
                    + "settle_seconds = \(NumberText.fixed(configuration.settleSeconds, decimals: 0)) s ago): the "
                    + "first is ready in \(seconds) s; a later run takes them (or write <name>.ready to skip the wait)",
                nil)
        }
        if pass.interrupted || stopping() {
            report("stopped by a signal; unfinished files stay in work/", nil)
        }
        return pass.exitCode
    }

    /// Passes over the spool until `stopped()` (a stop signal) or a 401 or refused TLS handshake, each woken
    /// by `wakeup` (inotify events, the stop signal) or after `scanInterval` seconds, or earlier when a settling
    /// file is due. A file that failed mid-way stays in `work/` and is tried again after a growing pause (up to
    /// 5 minutes) while the others go on.
    ///
    /// - Parameter report: gets each batch's short summary, and the same as one JSON object.
    /// - Returns: `ok`, or the exit code of a 401 (77) or refused TLS handshake (78).
    package func watch(
        scanInterval: Double, incoming: IncomingWatcher?, wakeup: Wakeup, stopped: () -> Bool,
        report: (_ text: String, _ json: JSONLine?) -> Void
    ) async -> ExitStatus {
        /// Longest wait before a file that failed mid-way is tried again.
        let maxRetryDelay: Double = 300

        var retryAt: [String: (at: ContinuousClock.Instant, failures: Int)] = [:]
        var exitCode = ExitStatus.ok
        while !stopped() {
            incoming?.refresh()
            let now = ContinuousClock.now
            retryAt = retryAt.filter { $0.value.at > now || FileSystem.status($0.key) != nil }
            let pass = await self.pass(
                stopping: { stopped() },
                deferred: { path in retryAt[path].map { $0.at > ContinuousClock.now } ?? false },
                report: report)
            for path in pass.failed {
                let failures = (retryAt[path]?.failures ?? 0) + 1
                let delay = min(maxRetryDelay, scanInterval * Double(1 << min(failures, 16)))
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
            if pass.interrupted || stopped() { break }
            // Sleep until the next scan, or until a settling file is due, whichever comes first.
            var timeout = scanInterval
            if let due = pass.earliestSettled {
                timeout = min(timeout, max(0.05, Double(due - Spool.nowNanos()) / 1e9 + 0.01))
            }
            if let nextRetry = retryAt.values.map(\.at).min() {
                timeout = min(timeout, max(0.05, (ContinuousClock.now.duration(to: nextRetry)).seconds))
            }
            await wakeup.wait(timeout: .milliseconds(Int64(timeout * 1000)))
        }
        return exitCode
    }
}
