import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ledger.key`: 32 random bytes that key the dedupe HMACs. Losing it makes every stored key unmatchable,
/// so an existing key is never replaced.
package enum LedgerKeyFile {
    static let size = 32

    /// The key at `path`, or `nil` when there is no file there.
    static func load(path: String) throws(LedgerError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw LedgerError(.badKey, "cannot read key file \(path): \(errnoText())")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LedgerError(.badKey, "cannot read key file \(path): \(errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        guard count == size else {
            throw LedgerError(.badKey, "key file \(path) must hold exactly \(size) bytes")
        }
        return Array(bytes.prefix(size))
    }

    /// The key at `path`, created (mode 0600) when absent.
    ///
    /// The new key is written to a private temporary file, synced, then hard-linked to `path`: `link` fails
    /// when another process created the key first, and then that key is used, so two processes opening a
    /// fresh ledger at once agree on one key.
    package static func loadOrCreate(path: String) throws(LedgerError) -> [UInt8] {
        if let key = try load(path: path) { return key }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError(.badKey, "cannot create key file \(path): \(errnoText())") }
        defer { unlink(temporary) }
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        let synced = fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        close(fd)
        guard written == size, synced else {
            throw LedgerError(.badKey, "cannot write key file \(path): \(errnoText())")
        }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let existing = try load(path: path) else {
                throw LedgerError(.badKey, "cannot create key file \(path): \(errnoText())")
            }
            return existing
        }
        syncDirectory(of: path)
        return key
    }

    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
