import Dispatch
import Foundation
import Logging
import Pipeline
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGTERM and SIGINT for `run` and `watch`.
///
/// The first signal stops claiming and drains: leads already started go on to their answer, nothing
/// new starts, reports are written for what finished. After `drain_seconds` requests still in flight
/// are cut off (they follow the `ambiguous` setting on the next start). A second signal exits at
/// once; the ledger stays consistent because every write is one SQLite transaction.
///
/// `@unchecked Sendable`: `sources` is written only by `install` before the value is shared, and
/// read by `finish`, which its one owner calls once.
final class StopSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let state = Mutex<(received: Bool, hardStop: Task<Void, Never>?, onStop: [@Sendable () -> Void])>(
        (false, nil, []))

    /// Whether a stop signal came.
    var received: Bool { state.withLock { $0.received } }

    /// Installs the handlers; `senders` are drained on the first signal, and shut down `drainSeconds` later.
    static func install(senders session: SenderPool, drainSeconds: Double, logger: Logger) -> StopSignals {
        let signals = StopSignals()
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
            source.setEventHandler {
                let first = signals.state.withLock { state -> Bool in
                    defer { state.received = true }
                    return !state.received
                }
                guard first else {
                    StatusLine.shared.print("leadspool: second \(name): exiting now\n")
                    _exit(128 + number)
                }
                logger.warning(
                    "\(name): no new files or leads; waiting up to \(drainSeconds) s for the leads in flight",
                    metadata: ["drain.seconds": "\(drainSeconds)"])
                session.drain()
                let hardStop = Task {
                    try? await Task.sleep(for: .milliseconds(Int64(drainSeconds * 1000)))
                    guard !Task.isCancelled else { return }
                    logger.warning("drain time over: cutting off the requests still in flight")
                    session.shutDown()
                }
                let listeners = signals.state.withLock { state in
                    state.hardStop = hardStop
                    return state.onStop
                }
                for listener in listeners { listener() }
            }
            source.resume()
            signals.sources.append(source)
        }
        return signals
    }

    /// Calls `listener` on the first signal (at once if it came already).
    func onStop(_ listener: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.received { return true }
            state.onStop.append(listener)
            return false
        }
        if now { listener() }
    }

    /// The work is over: no more hard stop, signals take their default action again.
    func finish() {
        state.withLock { $0.hardStop?.cancel() }
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }
}
