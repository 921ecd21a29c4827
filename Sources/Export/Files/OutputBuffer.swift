import CSupport
import Dispatch
import Synchronization

/// Bytes on their way to one file descriptor, written out in large chunks by a background queue.
///
/// Two buffers alternate: while one chunk is written (on ``FileWriteQueue``, in order), the caller
/// formats rows into the other, so the kernel's copy of ~500 bytes per row does not add to the time
/// the pipeline spends per row. Memory is bounded by two chunks, or by the largest single item
/// written (a 1 MB cell grows both buffers once).
///
/// With `direct`, chunks go to the file with O_DIRECT when it is on a local disk file system (ext4, xfs,
/// btrfs, f2fs; not a network file system, where each would be a synchronous round trip): the device
/// reads them from this buffer, and the kernel's copy of every byte into the page cache (about a
/// tenth of `check`'s CPU time for 490 MB of reports) is gone. Direct writes must be whole aligned
/// blocks, so a flush then writes the whole 4 KiB blocks pending and keeps the rest for the next one;
/// ``drain()`` leaves direct mode and writes that last piece through the page cache. A file system
/// that refuses O_DIRECT (at `fcntl`, or with `EINVAL` at the first write) gets ordinary writes.
///
/// A plain struct over manually managed memory, so the row encoders can take it `inout` once per
/// row and then write through a raw cursor without per-byte exclusivity or uniqueness checks. The
/// owner calls ``drain()`` before reading the file, and ``deallocate()`` exactly once.
struct OutputBuffer {
    /// Flush threshold: pending bytes are handed to the writer once they reach this size.
    static let chunkSize = 256 * 1024
    /// Alignment of direct writes (buffer address, length, file offset): 4 KiB suits devices with 512-byte
    /// and 4 KiB sectors alike.
    static let blockSize = 4096

    private(set) var base: UnsafeMutablePointer<UInt8>
    /// The other buffer: idle, or being written when ``inFlight`` holds no permit.
    private var spare: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0
    /// Bytes handed to the writer so far.
    private(set) var flushedBytes = 0
    let fd: Int32
    /// For error messages only.
    let path: String
    /// Whether flushes write whole blocks with O_DIRECT (until ``drain()``).
    private(set) var direct: Bool
    private let writer: FileWriteQueue

    init(fd: Int32, path: String, direct wantsDirect: Bool = false) {
        self.fd = fd
        self.path = path
        capacity = 2 * Self.chunkSize
        base = Self.allocateBuffer(capacity)
        spare = Self.allocateBuffer(capacity)
        direct = wantsDirect && leadspool_direct_io_suits(fd) == 1 && leadspool_set_direct_io(fd, 1) == 0
        writer = FileWriteQueue(path: path)
    }

    private static func allocateBuffer(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: blockSize)
            .bindMemory(to: UInt8.self, capacity: capacity)
    }

    /// Returns once no write of this buffer is in flight (before its file descriptor is closed).
    func waitIdle() {
        writer.waitIdle()
    }

    /// Waits for any write in flight, then frees both buffers. Pending bytes are dropped.
    func deallocate() {
        writer.waitIdle()
        base.deallocate()
        spare.deallocate()
    }

    /// Total bytes written through this buffer, flushed or not.
    var totalBytes: Int { flushedBytes + count }

    /// A cursor with room for `n` bytes (checked in debug builds); finish with ``commit(_:)``.
    @inline(__always)
    mutating func reserve(_ n: Int) throws -> Cursor {
        if capacity - count < n { try makeRoom(n) }
        return Cursor(base + count, room: n)
    }

    /// Marks the bytes up to the cursor (one from ``reserve(_:)``, moved forward) as written.
    @inline(__always)
    mutating func commit(_ end: Cursor) {
        assert(end.position <= end.limit && end.limit <= base + capacity, "cursor outside the buffer")
        assert(end.position >= base + count, "cursor from another reservation")
        count = end.position - base
    }

    @inline(__always)
    mutating func flushIfFull() throws {
        if count >= Self.chunkSize { try flush() }
    }

    /// Hands the pending bytes to the writer and continues in the other buffer (after the previous
    /// write has finished with it). A failure of an earlier write is thrown here.
    /// In direct mode only the whole blocks pending are handed over; the rest moves to the front of
    /// the other buffer.
    mutating func flush() throws {
        let whole = direct ? count - count % Self.blockSize : count
        guard whole > 0 else { return }
        try writer.write(fd: fd, bytes: base, count: whole, direct: direct)
        // `write` returned once the previous write was done with `spare`.
        let rest = count - whole
        if rest > 0 { spare.update(from: base + whole, count: rest) }
        swap(&base, &spare)
        flushedBytes += whole
        count = rest
    }

    /// Flushes and waits until every byte is in the file (not yet on disk: the owner fsyncs). Ends
    /// direct mode: the last piece, shorter than a block, is written through the page cache.
    mutating func drain() throws {
        try flush()
        if direct {
            writer.waitIdle()
            direct = false
            // Should this fail, the write below is refused with EINVAL and the queue turns it off itself.
            _ = leadspool_set_direct_io(fd, 0)
            try flush()
        }
        writer.waitIdle()
        try writer.check()
    }

    private mutating func makeRoom(_ n: Int) throws {
        try flush()
        if n > capacity - count {
            // Both buffers are idle once the last write is done; grow them together, keeping what is
            // pending (a direct flush leaves up to a block).
            writer.waitIdle()
            let grown = capacity + n + Self.chunkSize
            let newBase = Self.allocateBuffer(grown)
            newBase.update(from: base, count: count)
            base.deallocate()
            spare.deallocate()
            capacity = grown
            base = newBase
            spare = Self.allocateBuffer(grown)
        }
    }

    // MARK: Convenience writers (not for the per-row hot path's inner loops)

    @inline(__always)
    mutating func append(_ byte: UInt8) throws {
        var p = try reserve(1)
        p.put(byte)
        commit(p)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) throws {
        var p = try reserve(text.utf8CodeUnitCount)
        p.put(text)
        commit(p)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        var p = try reserve(bytes.count)
        p.put(bytes)
        commit(p)
    }

    /// Appends the UTF-8 bytes of `text` unchanged.
    mutating func append(contentsOf text: String) throws {
        try withUTF8(text) { bytes in try append(bytes) }
    }
}

/// Calls `body` with the UTF-8 bytes of `text`, copying only for the rare non-contiguous string.
@inline(__always)
func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    // Generic `R?` keeps an optional `R` distinct from "no contiguous storage".
    if let answer = try text.utf8.withContiguousStorageIfAvailable(body) { return answer }
    var copy = text
    return try copy.withUTF8(body)
}

/// The background side of an ``OutputBuffer``: a serial queue that writes one chunk at a time, in
/// submission order, and keeps the first failure for the owner to throw.
final class FileWriteQueue: Sendable {
    private let queue: DispatchQueue
    /// One permit: taken while a chunk is being written.
    private let idle = DispatchSemaphore(value: 1)
    private let failure = Mutex<ExportError?>(nil)
    /// Bytes written so far (the file offset of the next chunk: every write appends).
    private let written = Mutex(0)
    private let path: String

    init(path: String) {
        self.path = path
        queue = DispatchQueue(label: "leadspool.export.write")
    }

    /// Waits for the previous write, then starts writing `count` bytes at `bytes` to `fd`; the caller
    /// must not touch those bytes until the next ``waitIdle()`` or `write` returns. Throws the
    /// failure of an earlier write instead of starting this one.
    /// `direct`: `fd` is in O_DIRECT mode; should the file system refuse a direct write (`EINVAL`), the
    /// mode is turned off and the write done through the page cache.
    func write(fd: Int32, bytes: UnsafeMutablePointer<UInt8>, count: Int, direct: Bool = false) throws {
        idle.wait()
        if let error = failure.withLock({ $0 }) {
            idle.signal()
            throw error
        }
        let chunk = Chunk(bytes: bytes, count: count)
        queue.async { [self] in
            if let error = POSIX.writeAll(fd, chunk.bytes, chunk.count, leavingDirectOnRefusal: direct) {
                let path = self.path
                failure.withLock { if $0 == nil { $0 = ExportError(.writeFailed, path: path, systemError: error) } }
            } else {
                // Start the disk write of this chunk now: the owner's fsync at the end then waits for the
                // last chunks only, not for every byte of a large report. (Best effort: a failure or a
                // system without the call leaves it all to the fsync.)
                let offset = written.withLock { offset in
                    defer { offset += chunk.count }
                    return offset
                }
                _ = leadspool_start_writeback(fd, Int64(offset), Int64(chunk.count))
            }
            idle.signal()
        }
    }

    /// Returns once no write is in flight.
    func waitIdle() {
        idle.wait()
        idle.signal()
    }

    /// Throws the first write failure, if any.
    func check() throws {
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// A chunk's memory, lent to the queue until the write signals idleness.
    private struct Chunk: @unchecked Sendable {
        let bytes: UnsafeMutablePointer<UInt8>
        let count: Int
    }
}
