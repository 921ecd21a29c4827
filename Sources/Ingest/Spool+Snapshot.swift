#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat(2)` says of a file's identity and content, without reading it: any write, truncation,
/// append or replacement by another file changes at least one of these.
package struct FileIdentity: Sendable, Equatable {
    package var device: UInt64
    package var inode: UInt64
    package var size: Int64
    package var modified: Int64
    package var modifiedNanos: Int
    package var changed: Int64
    package var changedNanos: Int

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = Int64(st.st_mtim.tv_sec)
        modifiedNanos = Int(st.st_mtim.tv_nsec)
        changed = Int64(st.st_ctim.tv_sec)
        changedNanos = Int(st.st_ctim.tv_nsec)
    }

    /// The identity of the file open as `fd`.
    static func of(descriptor fd: Int32) -> FileIdentity? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return FileIdentity(st)
    }

    /// The identity of the file at `path` now (following a link).
    static func of(path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(st)
    }

    /// How `now` differs from this one, in words; `nil` when it does not.
    func change(to now: FileIdentity) -> String? {
        if now.size != size { return "its size went from \(size) to \(now.size) bytes" }
        if now.modified != modified || now.modifiedNanos != modifiedNanos || now.changed != changed
            || now.changedNanos != changedNanos
        {
            return "it was written to"
        }
        return nil
    }
}

/// A private copy of a claimed file, taken once at the start of its batch: the batch id is the hash of
/// this copy, every row sent and reported is read from it, and it is what goes to `done/`. A publisher
/// rewriting, appending to or replacing the claimed file afterwards cannot change what is sent; the
/// change is noticed (``change(of:)``) and the batch stops.
///
/// The copy is `.leadspool-snapshot.<name>` beside the claimed file (a dot name: scans and orphan claims
/// pass over it), mode 0600 until it is archived. A crash leaves it behind; the next claim of the same
/// file copies it again over it.
package final class BatchSnapshot: @unchecked Sendable {
    /// The copy.
    package let path: String
    /// The claimed file as it was when the copy began.
    let original: FileIdentity

    init(path: String, original: FileIdentity) {
        self.path = path
        self.original = original
    }

    /// Why the claimed file no longer holds the content copied (it was written to, truncated, grew, or
    /// another file took its place or its name); `nil` while it still does.
    package func change(of file: ClaimedFile) -> String? {
        // The name first: replacing or removing the file also changes the old one's times (its link count).
        guard let named = FileIdentity.of(path: file.path) else { return "it was removed from \(file.path)" }
        if named.device != original.device || named.inode != original.inode {
            return "another file was put in its place"
        }
        guard let locked = file.identity() else { return "it can no longer be read" }
        return original.change(to: locked)
    }

    /// Removes the copy (when the batch did not archive it).
    package func discard() { unlink(path) }

    /// The copy's name beside a claimed file.
    static func path(for file: ClaimedFile) -> String {
        FileSystem.parent(file.path) + "/.leadspool-snapshot." + file.name
    }
}

extension Spool {
    /// Copies a claimed file to its private snapshot (see ``BatchSnapshot``) through the descriptor
    /// that holds the claim.
    ///
    /// - Throws: `.io` when the file cannot be read or the copy cannot be written.
    package func snapshot(_ file: ClaimedFile) throws(IngestError) -> BatchSnapshot {
        guard let before = file.identity() else {
            throw IngestError(.io, "cannot read \(file.path): \(FileSystem.errorText())")
        }
        let target = BatchSnapshot.path(for: file)
        let out = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard out >= 0 else {
            throw IngestError(.io, "cannot write \(target): \(FileSystem.errorText())")
        }
        defer { close(out) }
        fchmod(out, 0o600)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var offset: off_t = 0
        do throws(IngestError) {
            while true {
                let n = try file.read(into: chunk, at: offset)
                if n == 0 { break }
                var written = 0
                while written < n {
                    let w = write(out, chunk.baseAddress! + written, n - written)
                    if w < 0 {
                        if errno == EINTR { continue }
                        throw IngestError(.io, "cannot write \(target): \(FileSystem.errorText())")
                    }
                    written += w
                }
                offset += off_t(n)
            }
        } catch {
            unlink(target)
            throw error
        }
        return BatchSnapshot(path: target, original: before)
    }

    /// Moves a batch's snapshot to `done/` under the claimed file's name (synced to disk first, with
    /// `mode`) and, when `removeOriginal`, removes the claimed file; drops the claim. Answers the path
    /// in `done/`.
    package func archive(
        _ file: ClaimedFile, snapshot: BatchSnapshot, mode: UInt32, removeOriginal: Bool
    ) throws(IngestError) -> String {
        let fd = open(snapshot.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IngestError(.io, "cannot open \(snapshot.path): \(FileSystem.errorText())") }
        fchmod(fd, mode_t(mode))
        let synced = fsync(fd) == 0
        close(fd)
        guard synced else { throw IngestError(.io, "cannot sync \(snapshot.path): \(FileSystem.errorText())") }
        let target = try moveOut(snapshot.path, name: file.name, to: Spool.publisherPath(done, file.publisher))
        if removeOriginal {
            // Only the claimed file itself: a file put in its place meanwhile stays for the next run.
            if let locked = file.identity(), let named = FileIdentity.of(path: file.path),
                locked.device == named.device, locked.inode == named.inode
            {
                unlink(file.path)
                FileSystem.syncDirectory(FileSystem.parent(file.path))
            }
            file.release()
        }
        return target
    }
}
