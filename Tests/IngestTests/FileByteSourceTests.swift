import Foundation
import Testing

@testable import Ingest

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileByteSourceTests {
    /// Only regular files are read: a FIFO is refused with what it is, without waiting for a writer (the
    /// test holds the FIFO open for writing itself, so a reader that waited would not hang it), and so is a
    /// directory. A symlink to a regular file reads as the file.
    @Test func onlyRegularFilesAreRead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let fifo = dir.path + "/leads.csv"
        try #require(mkfifo(fifo, 0o600) == 0)
        let writer = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        try #require(writer >= 0)
        defer { close(writer) }
        let error = #expect(throws: IngestError.self) { try FileByteSource(path: fifo) }
        #expect(error?.message == "\(fifo) is a FIFO, not a regular file")
        #expect(error?.code == .unreadableFile)

        let folder = dir.path + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let notFile = #expect(throws: IngestError.self) { try FileByteSource(path: folder) }
        #expect(notFile?.message == "\(folder) is a directory, not a regular file")

        let target = try dir.write("real.csv", Array("phone\n1\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.csv", withDestinationPath: target)
        let source = try FileByteSource(path: dir.path + "/link.csv")
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = try bytes.withUnsafeMutableBytes { try source.read(into: $0) }
        #expect(Array(bytes.prefix(n)) == Array("phone\n1\n".utf8))
    }

    @Test func pathProblemsFollowSymlinks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let target = try dir.write("real.csv", Array("phone\n1\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.csv", withDestinationPath: target)
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/dangling.csv", withDestinationPath: dir.path + "/none")
        #expect(FileSystem.batchPathProblem(target) == nil)
        #expect(FileSystem.batchPathProblem(dir.path + "/link.csv") == nil)
        #expect(FileSystem.batchPathProblem(dir.path + "/dangling.csv") == .missing)
        #expect(FileSystem.batchPathProblem(dir.path + "/none/x.csv") == .missing)
        #expect(FileSystem.batchPathProblem(dir.path) == .notRegular("a directory"))
        #expect(FileSystem.batchPathProblem("/dev/null") == .notRegular("a character device"))
    }
}
