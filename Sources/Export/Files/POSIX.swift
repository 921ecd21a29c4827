import CSupport

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the few system calls the report files need, retrying on `EINTR`.
enum POSIX {
    static var lastError: Int32 { errno }

    static func openForReading(_ path: String) -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    static func openDirectory(_ path: String) -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    /// Writes every byte or answers the `errno` of the failure. With `leavingDirectOnRefusal`, a write
    /// refused with `EINVAL` (O_DIRECT on a file system or offset that cannot take it) turns O_DIRECT
    /// off and is tried again.
    static func writeAll(
        _ fd: Int32, _ base: UnsafeRawPointer, _ count: Int, leavingDirectOnRefusal: Bool = false
    ) -> Int32? {
        var done = 0
        var mayLeaveDirect = leavingDirectOnRefusal
        while done < count {
            let n = write(fd, base + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL, mayLeaveDirect {
                    mayLeaveDirect = false
                    if leadspool_set_direct_io(fd, 0) == 0 { continue }
                    return EINVAL
                }
                return errno
            }
            done += n
        }
        return nil
    }

    /// Reads up to `count` bytes; `0` at end of file, `-1` on error (`errno` set).
    static func readSome(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let n = read(fd, base, count)
            if n >= 0 || errno != EINTR { return n }
        }
    }

    static func sync(_ fd: Int32) -> Int32? {
        while fsync(fd) != 0 {
            if errno != EINTR { return errno }
        }
        return nil
    }

    static func closeQuietly(_ fd: Int32) {
        _ = close(fd)
    }

    /// Creates `path` and its missing parents with `mode`.
    static func makeDirectories(_ path: String, mode: UInt32) -> Int32? {
        var isDirectory = stat()
        if stat(path, &isDirectory) == 0 {
            return (isDirectory.st_mode & S_IFMT) == S_IFDIR ? nil : ENOTDIR
        }
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex {
            let parent = String(path[..<slash])
            if let error = makeDirectories(parent, mode: mode) { return error }
        }
        if mkdir(path, mode_t(truncatingIfNeeded: mode)) != 0, errno != EEXIST { return errno }
        return nil
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

