/// A report being written: a hidden temporary file beside its final name, renamed into place once
/// complete. The name starts with `.` and ends in `.tmp`, which the spool scanner ignores.
struct TempFile {
    let finalPath: String
    let tempPath: String
    private(set) var fd: Int32

    static func create(finalPath: String, mode: UInt32) throws -> TempFile {
        let slash = finalPath.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(finalPath[..<$0]) + "/" } ?? ""
        let name = slash.map { String(finalPath[finalPath.index(after: $0)...]) } ?? finalPath
        var attempts = 0
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let tempPath = directory + "." + name + "." + suffix + ".tmp"
            let fd = POSIX.openExclusive(tempPath, mode: mode)
            if fd >= 0 {
                // The umask may have narrowed the mode given to open(2): set it exactly.
                if let error = POSIX.setMode(fd, mode) {
                    POSIX.closeQuietly(fd)
                    POSIX.unlinkQuietly(tempPath)
                    throw ExportError(.createFailed, path: tempPath, systemError: error)
                }
                return TempFile(finalPath: finalPath, tempPath: tempPath, fd: fd)
            }
            let error = POSIX.lastError
            attempts += 1
            if error != POSIX.alreadyExists || attempts > 8 {
                throw ExportError(.createFailed, path: tempPath, systemError: error)
            }
        }
    }

    /// fsync and close; the file is complete on disk under its temporary name.
    mutating func seal() throws {
        guard fd >= 0 else { return }
        if let error = POSIX.sync(fd) { throw ExportError(.syncFailed, path: tempPath, systemError: error) }
        POSIX.closeQuietly(fd)
        fd = -1
    }

    func publish() throws {
        if let error = POSIX.rename(tempPath, finalPath) {
            throw ExportError(.renameFailed, path: finalPath, systemError: error)
        }
    }

    /// Closes and removes the temporary file (after ``publish()`` it is gone already; nothing happens).
    mutating func discard() {
        if fd >= 0 {
            POSIX.closeQuietly(fd)
            fd = -1
        }
        POSIX.unlinkQuietly(tempPath)
    }
}
