import CSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exclusive right of one process to work on one batch of the ledger.
///
/// Two files with the same content (one batch) claimed at the same moment by two processes would
/// otherwise both send the batch's pending rows. The lease is an open-file-description lock on one
/// byte of `<ledger>.lock`, at an offset taken from the batch id: it is released when the lease is
/// released or its process dies, so a crash never leaves a batch locked. Two batches whose ids
/// share an offset merely wait for each other.
package final class BatchLease: Sendable {
    private let fd: Int32

    fileprivate init(fd: Int32) {
        self.fd = fd
    }

    deinit { close(fd) }
}

extension Ledger {
    /// Takes the lease of batch `id`, or answers `nil` at once when another holder (another process,
    /// or another lease of this process) has it. Hold the value while the batch is worked on.
    ///
    /// - Throws: `LedgerError` `.io` when the lock file cannot be opened or locked.
    package func leaseBatch(id: String) throws(LedgerError) -> BatchLease? {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError(.io, "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        if leadspool_try_lock_byte(fd, Self.leaseOffset(id)) == 0 { return BatchLease(fd: fd) }
        let error = errno
        close(fd)
        if error == EAGAIN || error == EACCES { return nil }
        throw LedgerError(.io, "cannot lock \(lockPath): \(String(cString: strerror(error)))")
    }

    /// 1 + the first 40 bits of the id's hex (offset 0 stays clear of whole-file locks).
    static func leaseOffset(_ id: String) -> Int64 {
        var value: Int64 = 0
        for byte in id.utf8.prefix(10) {
            let digit: Int64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int64(byte - UInt8(ascii: "a") + 10)
            default: digit = Int64(byte & 0x0f)
            }
            value = value << 4 | digit
        }
        return 1 + value
    }
}
