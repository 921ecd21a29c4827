import Ingest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The accepted leads on disk: `outbox/<segment>.jsonl`, one JSON line per lead, appended and fsynced before
/// the leads are answered; rotated (renamed) into `ready/<UTC time>-<segment>.jsonl` every so many leads or
/// seconds, where ``ReadyExport`` writes its CRM CSV and summary.
///
/// Only the writer thread of ``DeliveryDesk`` uses an outbox (not `Sendable`).
package final class Outbox {
    package let directory: String
    package var outboxDirectory: String { directory + "/outbox" }
    package var readyDirectory: String { directory + "/ready" }
    /// The batch lines are appended to; answers are counted in it (`ReceiveStore.Row.segment`).
    package private(set) var segment: Int
    /// Leads in the current segment's file.
    package private(set) var leads = 0
    /// Answers (accepted or not) given in the current segment.
    package private(set) var answers = 0
    private var fd: Int32 = -1
    private var size: off_t = 0

    /// Makes `directory`, `outbox/` and `ready/`; the first segment is the one after `lastSegment` and after
    /// every segment file already there.
    package init(directory: String, lastSegment: Int) throws(ReceiveError) {
        self.directory = directory
        for path in [directory, directory + "/outbox", directory + "/ready"] {
            do { try FileSystem.makeDirectory(path) } catch {
                throw ReceiveError(.io, "cannot create \(path): \(error)")
            }
        }
        let onDisk = FileSystem.list(directory + "/outbox").compactMap(Self.segment(ofOutboxName:))
            + FileSystem.list(directory + "/ready").compactMap(Self.segment(ofReadyName:))
        segment = max(lastSegment, onDisk.max() ?? 0) + 1
    }

    deinit { if fd >= 0 { close(fd) } }

    package static func outboxName(_ segment: Int) -> String { pad(segment) + ".jsonl" }

    static func pad(_ segment: Int) -> String {
        let digits = String(segment)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// `000017.jsonl` → 17
    static func segment(ofOutboxName name: String) -> Int? {
        guard name.hasSuffix(".jsonl"), !name.hasPrefix(".") else { return nil }
        return Int(name.dropLast(6))
    }

    /// `20260427T091422Z-000017.jsonl` (or `.csv`, `.summary.json`) → 17
    package static func segment(ofReadyName name: String) -> Int? {
        guard !name.hasPrefix("."), let dash = name.firstIndex(of: "-") else { return nil }
        let rest = name[name.index(after: dash)...]
        return Int(rest.prefix { $0.isNumber })
    }

    /// Segment files a stopped process left in `outbox/`, oldest first, with their paths.
    package func leftovers() -> [(segment: Int, path: String)] {
        FileSystem.list(outboxDirectory).compactMap { name in
            Self.segment(ofOutboxName: name).map { ($0, outboxDirectory + "/" + name) }
        }.sorted { $0.segment < $1.segment }
    }

    /// Cuts a last line a crash left half written (no newline at its end): it was never answered.
    package static func truncateTornTail(_ path: String) throws(ReceiveError) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw ReceiveError(.io, "cannot open \(path): \(FileSystem.errorText())") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReceiveError(.io, "cannot stat \(path): \(FileSystem.errorText())") }
        var end = st.st_size
        var byte: UInt8 = 0
        while end > 0 {
            guard pread(fd, &byte, 1, end - 1) == 1 else {
                throw ReceiveError(.io, "cannot read \(path): \(FileSystem.errorText())")
            }
            if byte == 0x0A { break }
            end -= 1
        }
        if end < st.st_size {
            guard ftruncate(fd, end) == 0, fsync(fd) == 0 else {
                throw ReceiveError(.io, "cannot truncate \(path): \(FileSystem.errorText())")
            }
        }
    }

    /// Counts an answer given in the current segment.
    package func counted(answers count: Int) { answers += count }

    /// Appends `bytes` (whole lines) and syncs them to disk; on failure the file is cut back to where it was.
    package func append(_ bytes: [UInt8], lines: Int) throws(ReceiveError) {
        guard !bytes.isEmpty else { return }
        let path = outboxDirectory + "/" + Self.outboxName(segment)
        if fd < 0 {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw ReceiveError(.io, "cannot open \(path): \(FileSystem.errorText())") }
            var st = stat()
            size = fstat(fd, &st) == 0 ? st.st_size : 0
            FileSystem.syncDirectory(outboxDirectory)
        }
        var written = 0
        var failure: String?
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = FileSystem.errorText()
                break
            }
            written += n
        }
        if failure == nil, fdatasync(fd) != 0 { failure = FileSystem.errorText() }
        if let failure {
            // Leads not answered must not stay: a retry of them would be written twice.
            guard ftruncate(fd, size) == 0, fsync(fd) == 0 else {
                fatalError("outbox \(path) holds lines that were not answered and cannot be cut: \(failure)")
            }
            throw ReceiveError(.io, "cannot write \(path): \(failure)")
        }
        size += off_t(bytes.count)
        leads += lines
    }

    /// Cuts the last `count` bytes written (their answers could not be recorded) and syncs.
    package func unappend(_ count: Int, lines: Int) {
        guard fd >= 0, count > 0 else { return }
        guard ftruncate(fd, size - off_t(count)) == 0, fsync(fd) == 0 else {
            fatalError("outbox holds lines that were not answered and cannot be cut: \(FileSystem.errorText())")
        }
        size -= off_t(count)
        leads -= lines
    }

    /// Moves the current segment to `ready/` (an empty file when it got only rejections) and starts the next.
    /// Answers `nil` when nothing was answered in it.
    package func rotate(now: Int64) throws(ReceiveError) -> (segment: Int, path: String)? {
        guard answers > 0 || leads > 0 else { return nil }
        let from = outboxDirectory + "/" + Self.outboxName(segment)
        if fd >= 0 {
            close(fd)
            fd = -1
        } else if !FileSystem.exists(from) {
            let created = open(from, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
            guard created >= 0 else { throw ReceiveError(.io, "cannot create \(from): \(FileSystem.errorText())") }
            close(created)
        }
        let moved = try Self.moveToReady(from, segment: segment, readyDirectory: readyDirectory, now: now)
        let done = segment
        segment += 1
        leads = 0
        answers = 0
        size = 0
        return (done, moved)
    }

    /// Renames an outbox file into `ready/` under `<UTC time>-<segment>.jsonl`, durably.
    package static func moveToReady(
        _ from: String, segment: Int, readyDirectory: String, now: Int64
    ) throws(ReceiveError) -> String {
        let stamp = UTCTime.compact(now)
        let to = readyDirectory + "/" + stamp + "-" + pad(segment) + ".jsonl"
        guard rename(from, to) == 0 else {
            throw ReceiveError(.io, "cannot move \(from) to \(to): \(FileSystem.errorText())")
        }
        FileSystem.syncDirectory(readyDirectory)
        FileSystem.syncDirectory(FileSystem.parent(from))
        return to
    }
}
