#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read in chunks: a file, a gzip stream over a file, or memory (tests).
package protocol ByteSource {
    /// Fills the start of `buffer` and answers how many bytes were written; 0 means end of stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int
}

/// Reads a regular file with `read(2)`.
package final class FileByteSource: ByteSource {
    private let fd: Int32
    package let path: String

    /// Opens `path` for reading. Anything but a regular file (a FIFO, a device, a directory, a socket) is
    /// refused: it is opened non-blocking, so a FIFO without a writer cannot hang the open, and checked
    /// with fstat(2) on the descriptor, so a path swapped after an earlier check is caught too.
    package init(path: String) throws(IngestError) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw IngestError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let text = String(cString: strerror(errno))
            close(fd)
            throw IngestError(.io, "cannot stat \(path): \(text)")
        }
        if let kind = FileSystem.nonRegularKind(mode: st.st_mode) {
            close(fd)
            throw IngestError.unreadable("\(path) is \(kind), not a regular file")
        }
        // Reads of a regular file do not block either way; the flag is dropped to read as before.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// Bytes from memory, handed out at most `chunkSize` at a time (tests feed readers 1, 7 or 65 536
/// bytes at a time through this).
package struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var position = 0

    package init(_ bytes: [UInt8], chunkSize: Int = 1 << 16) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    package init(_ text: String, chunkSize: Int = 1 << 16) {
        self.init(Array(text.utf8), chunkSize: chunkSize)
    }

    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let n = min(chunkSize, buffer.count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
