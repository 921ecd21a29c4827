#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under `<path>.tmp` and renamed into place when complete, so a spool watcher never
/// claims a half-written batch.
package struct GenOutputFile {
    package let path: String
    package let descriptor: Int32
    private var temporaryPath: String { path + ".tmp" }

    package init(path: String) throws(GenError) {
        self.path = path
        let fd = open(path + ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GenError("cannot create \(path).tmp: \(Self.lastError())") }
        descriptor = fd
    }

    /// Flushes to disk, closes and renames into place.
    package func commit() throws(GenError) {
        if fsync(descriptor) != 0 {
            let reason = Self.lastError()
            discard()
            throw GenError("cannot write \(temporaryPath): \(reason)")
        }
        close(descriptor)
        guard rename(temporaryPath, path) == 0 else {
            let reason = Self.lastError()
            unlink(temporaryPath)
            throw GenError("cannot rename \(temporaryPath) to \(path): \(reason)")
        }
    }

    /// Closes and removes the temporary file after a failure.
    package func discard() {
        close(descriptor)
        unlink(temporaryPath)
    }

    package static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
