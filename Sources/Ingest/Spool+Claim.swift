#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file this process owns in `work/`: renamed there, and locked with `flock(2)` for as long as
/// the object lives. The lock is how other processes tell a live claim from one whose owner died.
package final class ClaimedFile: @unchecked Sendable {
    package let path: String
    package let name: String
    package let publisher: String
    private var fd: Int32

    init(path: String, name: String, publisher: String, fd: Int32) {
        self.path = path
        self.name = name
        self.publisher = publisher
        self.fd = fd
    }

    deinit { release() }

    /// Drops the lock (the file stays where it is).
    package func release() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    /// What `fstat(2)` says of the claimed file now (the one this claim holds, whatever its path names).
    package func identity() -> FileIdentity? {
        fd >= 0 ? FileIdentity.of(descriptor: fd) : nil
    }

    /// Reads from the claimed file at `offset` through the descriptor that holds the claim.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: off_t) throws(IngestError) -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, offset)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError(.io, "cannot read \(path): \(FileSystem.errorText())")
        }
    }

    /// Opens and locks `path` without waiting; `nil` when another live process holds it.
    static func lock(path: String, name: String, publisher: String) -> ClaimedFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        // The file may have moved on (archived by its previous owner) between open and lock.
        guard FileSystem.exists(path) else {
            close(fd)
            return nil
        }
        return ClaimedFile(path: path, name: name, publisher: publisher, fd: fd)
    }
}

extension Spool {
    /// Claims an incoming file: renames it into `work/` (never replacing anything) and locks it.
    /// Answers `nil` when another process claimed it first; that is not an error.
    package func claim(_ file: IncomingFile) throws(IngestError) -> ClaimedFile? {
        let folder = Spool.publisherPath(work, file.publisher)
        try FileSystem.makeDirectory(folder)
        let target = folder + "/" + file.name
        guard try FileSystem.renameNoReplace(file.path, target) else {
            // Lost the race, or a file of the same name is already being worked on: leave it.
            return nil
        }
        FileSystem.syncDirectory(folder)
        FileSystem.syncDirectory(FileSystem.parent(file.path))
        if file.hasMarker { unlink(file.path + ".ready") }
        return ClaimedFile.lock(path: target, name: file.name, publisher: file.publisher)
    }

    /// Files in `work/` whose owner is gone (no process holds their lock), locked for this process.
    package func reclaimOrphans() -> [ClaimedFile] {
        var claimed: [ClaimedFile] = []
        func visit(_ dir: String, publisher: String, allowSubfolders: Bool) {
            for name in FileSystem.list(dir).sorted() {
                let path = dir + "/" + name
                guard let st = FileSystem.status(path) else { continue }
                if st.isDirectory {
                    if allowSubfolders && Publisher.isValidName(name) {
                        visit(path, publisher: name, allowSubfolders: false)
                    }
                    continue
                }
                guard st.isRegular, !Spool.isIgnoredName(name) else { continue }
                if let file = ClaimedFile.lock(path: path, name: name, publisher: publisher) { claimed.append(file) }
            }
        }
        visit(work, publisher: Publisher.defaultName, allowSubfolders: true)
        return claimed
    }

    /// Whether some live process holds the claim on a file in `work/`.
    package static func isClaimAlive(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }

    /// Moves a processed file to `done/` (a numbered name when one of that name exists).
    package func archive(_ file: ClaimedFile) throws(IngestError) -> String {
        try moveOut(file, to: Spool.publisherPath(done, file.publisher))
    }

    /// Moves an unreadable file to `failed/` with `<name>.error.txt` saying why.
    package func quarantine(_ file: ClaimedFile, reason: String) throws(IngestError) -> String {
        let folder = Spool.publisherPath(failed, file.publisher)
        let target = try moveOut(file, to: folder)
        let text = "file: \(file.name)\npublisher: \(file.publisher)\nreason: \(reason)\n"
        try FileSystem.writeAtomically(Array(text.utf8), to: target + ".error.txt", mode: 0o640)
        return target
    }

    private func moveOut(_ file: ClaimedFile, to folder: String) throws(IngestError) -> String {
        let target = try moveOut(file.path, name: file.name, to: folder)
        file.release()
        return target
    }

    /// Renames `path` into `folder` as `name` (a numbered name when one of that name exists).
    func moveOut(_ path: String, name: String, to folder: String) throws(IngestError) -> String {
        try FileSystem.makeDirectory(folder)
        var attempt = 0
        while true {
            let candidate = attempt == 0 ? name : Spool.numbered(name, attempt)
            let target = folder + "/" + candidate
            if try FileSystem.renameNoReplace(path, target) {
                FileSystem.syncDirectory(folder)
                FileSystem.syncDirectory(FileSystem.parent(path))
                return target
            }
            guard FileSystem.exists(path) else {
                throw IngestError(.io, "\(path) disappeared while it was claimed")
            }
            attempt += 1
        }
    }

    /// `name.csv` → `name.1.csv` (the number goes before the format suffixes).
    static func numbered(_ name: String, _ n: Int) -> String {
        var stem = Substring(name)
        var suffix = ""
        for ext in [".gz", ".csv", ".jsonl", ".ndjson"] where stem.lowercased().hasSuffix(ext) {
            suffix = String(stem.suffix(ext.count)) + suffix
            stem = stem.dropLast(ext.count)
        }
        return "\(stem).\(n)\(suffix)"
    }
}
