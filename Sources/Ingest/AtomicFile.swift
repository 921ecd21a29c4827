#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a hidden temporary name beside its final one (`.<name>.<random>.tmp`, which the
/// spool scanner ignores), fsynced, then renamed over the final name: the final name never holds a
/// partial file. The one atomic-write helper: reports, `.error.txt` notes, `init`'s configuration.
/// The owner fsyncs the directory after ``publish()`` (``FileSystem/syncDirectory(_:)``).
package struct AtomicFile {
    package enum Step: Sendable, Equatable {
        case create, write, sync, rename
    }

    /// A failed system call: which step, on which path (the temporary one, or the final one for a
    /// rename), with its `errno`.
    package struct Failure: Error, Sendable, Equatable {
        package var step: Step
        package var path: String
        package var code: Int32
    }

    package let finalPath: String
    package let tempPath: String
    /// Open for writing until ``seal()`` or ``discard()``; -1 after.
    package private(set) var fd: Int32

    /// Creates the temporary file with exactly `mode` (the umask does not narrow it).
    package static func create(finalPath: String, mode: UInt32) throws(Failure) -> AtomicFile {
        let directory = FileSystem.parent(finalPath)
        let prefix = (finalPath.contains("/") ? directory + "/" : "") + "." + FileSystem.baseName(finalPath) + "."
        var attempts = 0
        while true {
            let tempPath = prefix + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
            let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(truncatingIfNeeded: mode))
            if fd >= 0 {
                guard fchmod(fd, mode_t(truncatingIfNeeded: mode)) == 0 else {
                    let code = errno
                    close(fd)
                    unlink(tempPath)
                    throw Failure(step: .create, path: tempPath, code: code)
                }
                return AtomicFile(finalPath: finalPath, tempPath: tempPath, fd: fd)
            }
            let code = errno
            attempts += 1
            if code == EINTR { continue }
            if code != EEXIST || attempts > 8 { throw Failure(step: .create, path: tempPath, code: code) }
        }
    }

    /// Writes all of `bytes` (for files written in one piece; streams write to ``fd`` themselves).
    package func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(step: .write, path: tempPath, code: errno)
            }
            done += n
        }
    }

    /// fsync and close: the file is complete on disk under its temporary name.
    package mutating func seal() throws(Failure) {
        guard fd >= 0 else { return }
        while fsync(fd) != 0 {
            if errno != EINTR { throw Failure(step: .sync, path: tempPath, code: errno) }
        }
        close(fd)
        fd = -1
    }

    /// Renames the sealed file over its final name.
    package func publish() throws(Failure) {
        guard rename(tempPath, finalPath) == 0 else { throw Failure(step: .rename, path: finalPath, code: errno) }
    }

    /// Closes and removes the temporary file (after ``publish()`` it is gone already; nothing happens).
    package mutating func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(tempPath)
    }
}

// `write` is shadowed inside `AtomicFile` by the method of the same name.
private func systemWrite(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, base, count)
}
