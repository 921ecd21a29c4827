#if canImport(Glibc)
import Glibc
#endif

/// A key of ``BatchDeduper``: 128 bits of two differently seeded `Hasher`s over the same bytes, and
/// the row that had it first. Stored as five 32-bit words, so an entry is 20 bytes in memory and on disk.
struct DedupeEntry {
    var hashLow0: UInt32
    var hashLow1: UInt32
    var hashHigh0: UInt32
    var hashHigh1: UInt32
    /// 0 = empty (rows are 1-based).
    var row: UInt32

    static let empty = DedupeEntry(hashLow0: 0, hashLow1: 0, hashHigh0: 0, hashHigh1: 0, row: 0)

    init(hashLow0: UInt32, hashLow1: UInt32, hashHigh0: UInt32, hashHigh1: UInt32, row: UInt32) {
        self.hashLow0 = hashLow0
        self.hashLow1 = hashLow1
        self.hashHigh0 = hashHigh0
        self.hashHigh1 = hashHigh1
        self.row = row
    }

    init(_ hash: DedupeHash, row: UInt32) {
        self.init(
            hashLow0: UInt32(truncatingIfNeeded: hash.low), hashLow1: UInt32(truncatingIfNeeded: hash.low >> 32),
            hashHigh0: UInt32(truncatingIfNeeded: hash.high), hashHigh1: UInt32(truncatingIfNeeded: hash.high >> 32),
            row: row)
    }

    var hash: DedupeHash {
        DedupeHash(
            low: UInt64(hashLow0) | UInt64(hashLow1) << 32, high: UInt64(hashHigh0) | UInt64(hashHigh1) << 32)
    }
}

/// A key's 128-bit hash; the order of a sorted run (by `high`, then `low`).
struct DedupeHash: Comparable {
    var low: UInt64
    var high: UInt64

    static func < (a: DedupeHash, b: DedupeHash) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// Entries of ``BatchDeduper`` moved out of memory: sorted by hash in an unlinked temporary file, with
/// the first hash of every block of ``blockEntries`` in memory (16 bytes per 128 keys), so finding a
/// key reads one block.
final class DedupeRun {
    static let blockEntries = 128
    private static let stride = MemoryLayout<DedupeEntry>.stride
    private let fd: Int32
    private(set) var count = 0
    /// The first hash of each block.
    private var index: [DedupeHash] = []
    private var pending: [DedupeEntry] = []
    private var writtenBytes = 0

    /// A new empty run in `TMPDIR` (or /tmp); nil when no file can be made there.
    init?() {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/leadspool-dedupe-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
        pending.reserveCapacity(4096)
    }

    deinit { close(fd) }

    /// Adds `entry`, which sorts after every entry added before. Answers false when the file cannot take
    /// it (the run then holds what was added before the failed write, which ``flush()`` reports).
    func append(_ entry: DedupeEntry) -> Bool {
        if count % Self.blockEntries == 0 { index.append(entry.hash) }
        pending.append(entry)
        count += 1
        return pending.count < 4096 || flush()
    }

    /// Writes what ``append(_:)`` buffered; false when the disk refused it.
    @discardableResult
    func flush() -> Bool {
        defer { pending.removeAll(keepingCapacity: true) }
        let bytes = pending.count * Self.stride
        let written = pending.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes, off_t(writtenBytes)) }
        guard written == bytes else { return false }
        writtenBytes += bytes
        return true
    }

    /// The row stored under `hash`, if this run holds it.
    func row(of hash: DedupeHash) -> UInt32? {
        // The last block whose first hash is not above `hash` is the only one that can hold it.
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if hash < index[middle] { high = middle } else { low = middle + 1 }
        }
        guard low > 0 else { return nil }
        let block = low - 1
        let first = block * Self.blockEntries
        let entries = min(Self.blockEntries, count - first)
        return withUnsafeTemporaryAllocation(of: DedupeEntry.self, capacity: entries) { buffer in
            read(buffer, from: first)
            var low = 0
            var high = entries
            while low < high {
                let middle = (low + high) / 2
                let found = buffer[middle].hash
                if found == hash { return buffer[middle].row }
                if found < hash { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// Calls `body` with every entry in order, read a block group at a time.
    func forEach(_ body: (DedupeEntry) -> Void) {
        let group = 32 * Self.blockEntries
        withUnsafeTemporaryAllocation(of: DedupeEntry.self, capacity: group) { buffer in
            var first = 0
            while first < count {
                let entries = min(group, count - first)
                read(UnsafeMutableBufferPointer(rebasing: buffer[0..<entries]), from: first)
                for i in 0..<entries { body(buffer[i]) }
                first += entries
            }
        }
    }

    /// Appends `count` entries from entry `first` on to `entries`.
    func read(into entries: inout [DedupeEntry], from first: Int, count: Int) {
        entries.append(contentsOf: repeatElement(.empty, count: count))
        let start = entries.count - count
        entries.withUnsafeMutableBufferPointer { read(UnsafeMutableBufferPointer(rebasing: $0[start...]), from: first) }
    }

    private func read(_ buffer: UnsafeMutableBufferPointer<DedupeEntry>, from entry: Int) {
        let bytes = buffer.count * Self.stride
        var done = 0
        while done < bytes {
            let got = pread(
                fd, UnsafeMutableRawPointer(buffer.baseAddress!) + done, bytes - done, off_t(entry * Self.stride + done))
            if got < 0, errno == EINTR { continue }
            // The file is this process's own, unlinked: a failed read is a failed disk, and the answers
            // that depend on it cannot be given.
            precondition(got > 0, "the in-batch dedupe table's temporary file cannot be read (errno \(errno))")
            done += got
        }
    }
}
