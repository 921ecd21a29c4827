/// Bytes on their way to one file descriptor, written out in large chunks.
///
/// A plain struct over manually managed memory, so the row encoders can take it `inout` once per
/// row and then write through a raw cursor without per-byte exclusivity or uniqueness checks.
/// Memory is bounded by the chunk size, or by the largest single item written (a 1 MB cell grows it
/// once). The owner calls ``deallocate()``.
struct OutputBuffer {
    /// Flush threshold: pending bytes are written once they reach this size.
    static let chunkSize = 256 * 1024

    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0
    /// Bytes handed to the file so far.
    private(set) var flushedBytes = 0
    let fd: Int32
    /// For error messages only.
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        capacity = 2 * Self.chunkSize
        base = .allocate(capacity: capacity)
    }

    func deallocate() {
        base.deallocate()
    }

    /// Total bytes written through this buffer, flushed or not.
    var totalBytes: Int { flushedBytes + count }

    /// A cursor with room for at least `n` bytes; finish with ``commit(_:)``.
    @inline(__always)
    mutating func reserve(_ n: Int) throws -> UnsafeMutablePointer<UInt8> {
        if capacity - count < n { try makeRoom(n) }
        return base + count
    }

    /// Marks the bytes up to `end` (a cursor from ``reserve(_:)`` moved forward) as written.
    @inline(__always)
    mutating func commit(_ end: UnsafeMutablePointer<UInt8>) {
        count = end - base
    }

    @inline(__always)
    mutating func flushIfFull() throws {
        if count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws {
        guard count > 0 else { return }
        if let error = POSIX.writeAll(fd, base, count) {
            throw ExportError(.writeFailed, path: path, systemError: error)
        }
        flushedBytes += count
        count = 0
    }

    private mutating func makeRoom(_ n: Int) throws {
        try flush()
        if n > capacity {
            base.deallocate()
            capacity = n + Self.chunkSize
            base = .allocate(capacity: capacity)
        }
    }

    // MARK: Convenience writers (not for the per-row hot path's inner loops)

    @inline(__always)
    mutating func append(_ byte: UInt8) throws {
        let p = try reserve(1)
        p.pointee = byte
        commit(p + 1)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) throws {
        let n = text.utf8CodeUnitCount
        let p = try reserve(n)
        p.update(from: text.utf8Start, count: n)
        commit(p + n)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        let p = try reserve(bytes.count)
        p.update(from: source, count: bytes.count)
        commit(p + bytes.count)
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
