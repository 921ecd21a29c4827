import LeadGenerator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `archive_gzip = true`: compresses an original once it is in `done/`.
enum ArchiveGzip {
    /// Writes `<path>.gz` (through a temporary file, synced) and removes `path`; answers the new
    /// path. When `<path>.gz` exists already, leaves the file as it is rather than replace anything.
    static func compress(_ path: String, mode: UInt32 = 0o640) throws(GenError) -> String {
        let target = path + ".gz"
        guard access(target, F_OK) != 0 else { return path }
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw GenError("cannot open \(path): \(GenOutputFile.lastError())") }
        defer { close(input) }
        let output = try GenOutputFile(path: target)
        fchmod(output.descriptor, mode_t(mode))
        do throws(GenError) {
            let gzip = try GzipSink(wrapping: FileDescriptorSink(descriptor: output.descriptor, name: target))
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
            defer { chunk.deallocate() }
            while true {
                let n = read(input, chunk.baseAddress, chunk.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw GenError("cannot read \(path): \(GenOutputFile.lastError())")
                }
                if n == 0 { break }
                try gzip.write(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            }
            try gzip.finish()
        } catch {
            output.discard()
            throw error
        }
        try output.commit()
        unlink(path)
        return target
    }
}
