import CSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX helpers: the spool needs exact semantics (no-replace renames, directory fsync,
/// lstat) that Foundation's FileManager does not promise.
package enum FileSystem {
    package struct Status: Sendable {
        package var isRegular: Bool
        package var isDirectory: Bool
        package var isSymlink: Bool
        package var size: Int
        /// Modification time in nanoseconds since the epoch.
        package var mtimeNanos: Int64
        /// Status change time (a rename sets it), in nanoseconds since the epoch.
        package var changeNanos: Int64
        package var inode: UInt64
    }

    package static func errorText() -> String { String(cString: strerror(errno)) }

    /// lstat(2): does not follow symlinks.
    package static func status(_ path: String) -> Status? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        return Status(
            isRegular: type == S_IFREG, isDirectory: type == S_IFDIR, isSymlink: type == S_IFLNK,
            size: Int(st.st_size),
            mtimeNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            changeNanos: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            inode: UInt64(st.st_ino))
    }

    package static func exists(_ path: String) -> Bool { status(path) != nil }

    /// What a path is when it is not a regular file, in words ("a FIFO", "a directory"...); `nil` for a
    /// regular file. `mode` is a `st_mode` from stat(2) or fstat(2).
    static func nonRegularKind(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symlink"
        default: return "a file of another kind"
        }
    }

    /// Why `path` cannot be read as a batch file without opening it: `.missing` when nothing is there
    /// (a dangling symlink included), `.notRegular` with what it is (a FIFO, a directory, a device, a
    /// socket). Follows symlinks: a symlink to a regular file is fine. Other stat(2) failures (no
    /// permission) answer `nil` and are left to the read to report.
    package enum PathProblem: Sendable, Equatable {
        case missing
        case notRegular(String)
    }

    package static func batchPathProblem(_ path: String) -> PathProblem? {
        var st = stat()
        guard stat(path, &st) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : nil }
        return nonRegularKind(mode: st.st_mode).map(PathProblem.notRegular)
    }

    package static func makeDirectory(_ path: String) throws(IngestError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST {
            if let st = status(path), st.isDirectory { return }
            throw IngestError(.spool, "\(path) exists and is not a directory")
        }
        if errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
            if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        }
        throw IngestError(.io, "cannot create directory \(path): \(errorText())")
    }

    /// Names in a directory (no `.`/`..`), unsorted; empty when it cannot be read.
    package static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Renames without ever replacing an existing target. Answers false when the target exists
    /// or the source is gone (someone else got there first); throws for other failures.
    package static func renameNoReplace(_ from: String, _ to: String) throws(IngestError) -> Bool {
        if leadspool_rename_noreplace(from, to) == 0 { return true }
        switch errno {
        case EEXIST, ENOENT:
            return false
        case EINVAL, ENOSYS, ENOTSUP:
            // The file system cannot do RENAME_NOREPLACE: link(2) also refuses to replace.
            if link(from, to) == 0 {
                unlink(from)
                return true
            }
            if errno == EEXIST || errno == ENOENT { return false }
            throw IngestError(.io, "cannot move \(from) to \(to): \(errorText())")
        default:
            throw IngestError(.io, "cannot move \(from) to \(to): \(errorText())")
        }
    }

    /// fsync(2) of a directory, so a rename in it survives a crash.
    package static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    package static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    package static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Writes `bytes` to `path` atomically (``AtomicFile``), then fsyncs the directory.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o640) throws(IngestError) {
        do throws(AtomicFile.Failure) {
            var file = try AtomicFile.create(finalPath: path, mode: mode)
            do throws(AtomicFile.Failure) {
                let failure = bytes.withUnsafeBytes { raw in
                    Result { () throws(AtomicFile.Failure) in try file.write(raw) }
                }
                try failure.get()
                try file.seal()
                try file.publish()
            } catch {
                file.discard()
                throw error
            }
        } catch {
            throw IngestError(.io, "cannot write \(error.path): \(String(cString: strerror(error.code)))")
        }
        syncDirectory(parent(path))
    }
}
