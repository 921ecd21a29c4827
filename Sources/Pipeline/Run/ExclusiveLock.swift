#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An flock held on a lock file for the life of the value (`run --exclusive`, one `retry` per ledger), or a
/// shared one (every other `run` and `watch` on the spool, so an exclusive run never goes ahead beside them).
package final class ExclusiveLock {
    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// Why the lock was not taken: the message for stderr and the exit code.
    package struct Refusal: Error {
        package var message: String
        package var status: ExitStatus
    }

    /// Takes the lock without waiting, or answers why not: 73 when the file cannot be opened, 75 when
    /// `holder` (e.g. "another run") holds it.
    package static func take(_ path: String, shared: Bool = false, holder: String) -> Result<ExclusiveLock, Refusal> {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            return .failure(Refusal(message: "cannot open \(path)", status: .cantCreate))
        }
        guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(fd)
            return .failure(Refusal(message: "\(holder) holds \(path); nothing done", status: .tempFail))
        }
        return .success(ExclusiveLock(fd: fd))
    }

    /// The spool lock of a `run` or `watch` that is not exclusive (the spool must exist).
    package static func shareSpool(_ spool: String) -> Result<ExclusiveLock, Refusal> {
        take(spool + "/.lock", shared: true, holder: "an exclusive run (--exclusive)")
    }
}
