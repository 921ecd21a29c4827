/// Reads back the length-prefixed records of the rejects spool file, one at a time.
struct SpoolReader {
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private let fd: Int32
    private let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        capacity = 256 * 1024
        buffer = .allocateUninitialized(capacity)
    }

    func deallocate() {
        buffer.deallocate()
    }

    /// The next record's bytes (valid until the next call), or `nil` at the end of the file.
    mutating func next() throws -> UnsafeRawBufferPointer? {
        guard try fill(4) else { return nil }
        let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        guard try fill(4 + length) else { throw ExportError(.readFailed, path: path) }
        let record = UnsafeRawBufferPointer(start: buffer + start + 4, count: length)
        start += 4 + length
        return record
    }

    /// Makes `n` bytes available from `start`; false at a clean end of file before any of them.
    private mutating func fill(_ n: Int) throws -> Bool {
        while end - start < n {
            if start > 0 {
                (buffer + 0).copyMemory(from: buffer + start, byteCount: end - start)
                end -= start
                start = 0
            }
            if n > capacity {
                let grown = UnsafeMutableRawPointer.allocateUninitialized(n + 64 * 1024)
                grown.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = grown
                capacity = n + 64 * 1024
            }
            let got = POSIX.readSome(fd, buffer + end, capacity - end)
            if got < 0 { throw ExportError(.readFailed, path: path, systemError: POSIX.lastError) }
            if got == 0 {
                if end - start == 0 { return false }
                throw ExportError(.readFailed, path: path)
            }
            end += got
        }
        return true
    }
}

extension UnsafeMutableRawPointer {
    fileprivate static func allocateUninitialized(_ byteCount: Int) -> UnsafeMutableRawPointer {
        .allocate(byteCount: byteCount, alignment: 8)
    }
}
