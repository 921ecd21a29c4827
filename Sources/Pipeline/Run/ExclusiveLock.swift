import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An flock held on a lock file for the life of the value (`run --exclusive`, one `retry` per ledger), or a
/// shared one (every other `run` and `watch` on the spool, so an exclusive run never goes ahead beside them).
final class ExclusiveLock {
    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }

    /// Takes the lock without waiting, or says why not on stderr and answers the exit code: 73 when the
    /// file cannot be opened, 75 when `holder` (e.g. "another run") holds it.
    static func take(_ path: String, shared: Bool = false, holder: String) -> Result<ExclusiveLock, ExitStatus> {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            StderrMessage.error("cannot open \(path)")
            return .failure(ExitStatus(code: 73))
        }
        guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(fd)
            StderrMessage.error("\(holder) holds \(path); nothing done")
            return .failure(ExitStatus(code: 75))
        }
        return .success(ExclusiveLock(fd: fd))
    }

    /// The spool lock of a `run` or `watch` that is not exclusive (the spool must exist).
    static func shareSpool(_ spool: String) -> Result<ExclusiveLock, ExitStatus> {
        take(spool + "/.lock", shared: true, holder: "an exclusive run (--exclusive)")
    }

    struct ExitStatus: Error {
        var code: Int32
    }
}
