import CSupport
import Foundation
import Testing

@testable import Export

#if canImport(Glibc)
import Glibc
#endif

@Suite("output buffer")
struct OutputBufferTests {
    /// Whether the file system of `directory` is one the reports write directly to (a local disk file
    /// system) and takes aligned O_DIRECT writes.
    private static func directWritesWork(in directory: String) -> Bool {
        let path = directory + "/probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer {
            close(fd)
            unlink(path)
        }
        guard fd >= 0, leadspool_direct_io_suits(fd) == 1, leadspool_set_direct_io(fd, 1) == 0 else { return false }
        let block = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
        defer { block.deallocate() }
        memset(block, 0x41, 4096)
        return Glibc.write(fd, block, 4096) == 4096
    }

    /// Where two byte strings first differ (`nil` when they are equal): a short message for a long file.
    private static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String? {
        if let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) { return "byte \(i) differs" }
        return a.count == b.count ? nil : "\(a.count) bytes written, \(b.count) expected"
    }

    /// Bytes that tell every position apart (a slip by one byte anywhere changes the file).
    private static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 8) ^ seed) }
    }

    /// Writes `pieces` through a buffer (direct or not), draining after the pieces at `drainAfter`, and
    /// answers the file's bytes and whether the buffer was in direct mode at the start.
    private static func writeThrough(
        _ pieces: [[UInt8]], direct: Bool, drainAfter: Set<Int> = [], in directory: String
    ) throws -> (bytes: [UInt8], wasDirect: Bool) {
        let path = directory + "/out-\(UUID().uuidString)"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        try #require(fd >= 0)
        var buffer = OutputBuffer(fd: fd, path: path, direct: direct)
        let wasDirect = buffer.direct
        for (i, piece) in pieces.enumerated() {
            try piece.withUnsafeBufferPointer { try buffer.append($0) }
            try buffer.flushIfFull()
            if drainAfter.contains(i) { try buffer.drain() }
        }
        try buffer.drain()
        #expect(!buffer.direct, "drain leaves direct mode")
        #expect(buffer.totalBytes == pieces.reduce(0) { $0 + $1.count })
        buffer.deallocate()
        close(fd)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        unlink(path)
        return (bytes, wasDirect)
    }

    static let shapes: [(String, [Int])] = [
        ("nothing", []),
        ("one byte", [1]),
        ("one block less a byte", [4095]),
        ("one block", [4096]),
        ("one block and a byte", [4097]),
        ("rows of 487 bytes across several chunks", Array(repeating: 487, count: 3000)),
        ("rows of 4096 bytes", Array(repeating: 4096, count: 200)),
        ("a cell larger than both buffers between small rows", [100, 3, 1_300_001, 7, 600_000, 5]),
        ("a chunk's worth less a byte, then more", [OutputBuffer.chunkSize - 1, 1, 1, OutputBuffer.chunkSize + 4095]),
    ]

    @Test("every byte reaches the file in order, with and without direct writes", arguments: [false, true])
    func bytesArrive(direct: Bool) throws {
        try withTemporaryDirectory { directory in
            let directWorks = Self.directWritesWork(in: directory)
            for (name, sizes) in Self.shapes {
                let pieces = sizes.enumerated().map { Self.pattern($1, seed: $0) }
                let written = try Self.writeThrough(pieces, direct: direct, in: directory)
                #expect(Self.firstDifference(written.bytes, pieces.flatMap { $0 }) == nil, "\(name)")
                #expect(written.wasDirect == (direct && directWorks), "\(name)")
            }
        }
    }

    @Test("a drain in the middle ends direct mode and later bytes still follow in order")
    func drainInTheMiddle() throws {
        try withTemporaryDirectory { directory in
            let pieces = (0..<900).map { Self.pattern(300 + $0 % 97, seed: $0) }
            let written = try Self.writeThrough(pieces, direct: true, drainAfter: [10, 450], in: directory)
            #expect(Self.firstDifference(written.bytes, pieces.flatMap { $0 }) == nil)
        }
    }

    @Test("a direct write the file system refuses is done through the page cache instead")
    func refusedDirectWriteFallsBack() throws {
        try withTemporaryDirectory { directory in
            guard Self.directWritesWork(in: directory) else { return }
            let path = directory + "/unaligned"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            try #require(fd >= 0)
            defer { close(fd) }
            try #require(leadspool_set_direct_io(fd, 1) == 0)
            let bytes = Self.pattern(10, seed: 3)
            // Ten bytes are not a whole block: refused as is, written once direct mode is off.
            let refused = bytes.withUnsafeBytes { POSIX.writeAll(fd, $0.baseAddress!, 10) }
            #expect(refused == EINVAL)
            let fellBack = bytes.withUnsafeBytes { POSIX.writeAll(fd, $0.baseAddress!, 10, leavingDirectOnRefusal: true) }
            #expect(fellBack == nil)
            let onDisk = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(onDisk == bytes)
        }
    }

    @Test("a file on tmpfs is written through the page cache, even when asked for direct writes")
    func tmpfsGetsOrdinaryWrites() throws {
        // /dev/shm is tmpfs on Linux; without it there is nothing to check here.
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        guard mounts.split(separator: "\n").contains(where: { $0.split(separator: " ").dropFirst().prefix(2) == ["/dev/shm", "tmpfs"] })
        else { return }
        let path = "/dev/shm/leadspool-output-\(UUID().uuidString)"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        #expect(leadspool_direct_io_suits(fd) == 0)
        var buffer = OutputBuffer(fd: fd, path: path, direct: true)
        defer { buffer.deallocate() }
        #expect(!buffer.direct)
        let bytes = Self.pattern(10_000, seed: 5)
        try bytes.withUnsafeBufferPointer { try buffer.append($0) }
        try buffer.drain()
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }
}
