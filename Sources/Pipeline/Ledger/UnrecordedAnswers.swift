import Foundation
import LeadModel
package import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers the API gave that the ledger could not store (a full disk, a failing device), kept in a file
/// beside the ledger so the next run records them instead of sending those leads again.
///
/// Each process that sends opens its own `<ledger>.unrecorded-<pid>-<random>` (locked with `flock` while it lives),
/// with `reserve` bytes allocated up front: writing answers into space already allocated needs no free
/// blocks when the disk fills up later. One JSON object per line, up to the first NUL byte. A file whose
/// process is gone is read by the next opener, recorded in the ledger and removed; until that succeeds the
/// opener fails, as sending would re-send the leads it holds. The file holds no phone or email: only rows,
/// states, the API's ids and bids, and reason texts scrubbed as the ledger scrubs them.
package final class UnrecordedAnswers: @unchecked Sendable {
    /// One line of the file: an answer (`state` final), or a row that never reached the API (`pending`).
    struct Line: Codable {
        var batch: String
        var row: Int
        var state: String
        var http_status: Int?
        var attempts: Int
        var lead_id: String?
        var bid: Double?
        var reason_code: String?
        var reason_text: String?
        var submitted_at: Double?
        var answered_at: Double?
        var latency_ms: Int?
        var remote_reason: String?
    }

    package let path: String
    private let fd: Int32
    private let offset = Mutex<Int>(0)

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        finish()
        close(fd)
    }

    /// At the end of the process's work: with nothing written, the file goes; otherwise it stays for the
    /// next opener.
    package func finish() {
        offset.withLock { offset in
            if offset == 0 { unlink(path) }
        }
    }

    /// The prefix of every such file beside the ledger at `ledgerPath`.
    package static func prefix(forLedger ledgerPath: String) -> String { ledgerPath + ".unrecorded-" }

    /// Records in `ledger` what earlier processes left in their files (those whose process is gone), removes
    /// those files, and opens this process's own.
    ///
    /// - Returns: the file, and how many answers were recorded from earlier files.
    /// - Throws: `LedgerError` when earlier answers cannot be recorded, or this process's file cannot be
    ///   made: the caller must not send.
    package static func open(
        beside ledger: Ledger, reserve: Int = 1 << 20, logger: Logger
    ) throws(LedgerError) -> (UnrecordedAnswers, replayed: Int) {
        let replayed = try replay(into: ledger, logger: logger)
        // A name of its own (never an existing file: that would be another opener's).
        var path = ""
        var fd: Int32 = -1
        while fd < 0 {
            let unique = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            path = prefix(forLedger: ledger.path) + "\(getpid())-\(unique)"
            fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                if errno == EEXIST { continue }
                throw LedgerError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw LedgerError(.io, "cannot lock \(path)")
        }
        // Allocated now, while there is room; a file system without fallocate gets what ftruncate gives.
        if posix_fallocate(fd, 0, off_t(reserve)) != 0 {
            logger.debug("could not reserve space for unrecorded answers", metadata: ["ledger.path": "\(path)"])
        }
        return (UnrecordedAnswers(path: path, fd: fd), replayed)
    }

    /// Appends answers and rows a stopped batch could not store in the ledger, synced to disk.
    ///
    /// - Throws: `.io` when even this write fails (the caller reports the leads instead).
    package func keep(batch: String, answers: [LeadOutcomeRecord], unsent: [StoppedRow]) throws(LedgerError) {
        guard !answers.isEmpty || !unsent.isEmpty else { return }
        var lines: [Line] = answers.map { answer in
            Line(
                batch: batch, row: answer.row, state: answer.state.rawValue, http_status: answer.httpStatus,
                attempts: answer.attempts, lead_id: answer.leadID, bid: answer.bidAmount,
                reason_code: answer.reasonCode?.rawValue, reason_text: answer.reasonText.map(LedgerText.scrub),
                submitted_at: answer.submittedAt?.timeIntervalSince1970,
                answered_at: answer.answeredAt.timeIntervalSince1970, latency_ms: answer.latencyMs,
                remote_reason: answer.remoteReason.flatMap(RemoteReason.token))
        }
        lines += unsent.map { row in
            Line(
                batch: batch, row: row.row, state: row.backToPending ? "pending" : "sending", attempts: row.attempts)
        }
        let encoder = JSONEncoder()
        var bytes: [UInt8] = []
        for line in lines {
            guard let data = try? encoder.encode(line) else { continue }
            bytes += data
            bytes.append(0x0A)
        }
        try offset.withLock { (offset: inout Int) throws(LedgerError) in
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes {
                    pwrite(fd, $0.baseAddress! + written, bytes.count - written, off_t(offset + written))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LedgerError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
            guard fdatasync(fd) == 0 else {
                throw LedgerError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Records the lines of every file beside the ledger whose process is gone, and removes each file once
    /// its lines are in the ledger.
    static func replay(into ledger: Ledger, logger: Logger) throws(LedgerError) -> Int {
        let prefix = prefix(forLedger: ledger.path)
        let folder = (prefix as NSString).deletingLastPathComponent
        let stem = (prefix as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        var recorded = 0
        for name in names.sorted() where name.hasPrefix(stem) {
            let path = (folder.isEmpty ? "" : folder + "/") + name
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            // A live process still holds it.
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LedgerError(.io, "cannot read \(path)")
            }
            recorded += try record(data, into: ledger, logger: logger, source: path)
            unlink(path)
        }
        return recorded
    }

    /// Records what this process kept (a batch that failed to record, in a `watch` that goes on), before
    /// it sends again; then the file is empty again.
    ///
    /// - Throws: `LedgerError` when the ledger still cannot record them: nothing may be sent.
    package func recordKept(into ledger: any LeadStore, logger: Logger) throws(LedgerError) {
        try offset.withLock { (offset: inout Int) throws(LedgerError) in
            guard offset > 0 else { return }
            var bytes = [UInt8](repeating: 0, count: offset)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, offset, 0) }
            guard n == offset else { throw LedgerError(.io, "cannot read \(path)") }
            _ = try Self.record(Data(bytes), into: ledger, logger: logger, source: path)
            let zeros = [UInt8](repeating: 0, count: offset)
            _ = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress!, offset, 0) }
            _ = fdatasync(fd)
            offset = 0
        }
    }

    /// Records the lines of one file's content in `ledger`; answers how many answers it held.
    private static func record(
        _ data: Data, into ledger: any LeadStore, logger: Logger, source path: String
    ) throws(LedgerError) -> Int {
        var recorded = 0
        let text = data.prefix { $0 != 0 }
        var byBatch: [String: (answers: [LeadOutcomeRecord], unsent: [StoppedRow])] = [:]
        let decoder = JSONDecoder()
        for piece in text.split(separator: 0x0A) {
            guard let line = try? decoder.decode(Line.self, from: Data(piece)),
                let state = LeadState(rawValue: line.state)
            else { continue }
            if state.isFinal {
                byBatch[line.batch, default: ([], [])].answers.append(
                    LeadOutcomeRecord(
                        row: line.row, state: state, httpStatus: line.http_status, attempts: line.attempts,
                        leadID: line.lead_id, bidAmount: line.bid,
                        reasonCode: line.reason_code.flatMap(ReasonCode.init(rawValue:)),
                        reasonText: line.reason_text,
                        submittedAt: line.submitted_at.map(Date.init(timeIntervalSince1970:)),
                        answeredAt: Date(timeIntervalSince1970: line.answered_at ?? Date().timeIntervalSince1970),
                        latencyMs: line.latency_ms, remoteReason: line.remote_reason))
            } else {
                byBatch[line.batch, default: ([], [])].unsent.append(
                    StoppedRow(row: line.row, attempts: line.attempts, backToPending: state == .pending))
            }
        }
        for (batch, lines) in byBatch.sorted(by: { $0.key < $1.key }) {
            do throws(LedgerError) {
                try ledger.record(lines.answers, batch: batch)
                try ledger.settleStopped(batch: batch, rows: lines.unsent)
            } catch where error.code == .misuse {
                // The batch or its rows are not in this ledger (another ledger's file, or a restore from an
                // older backup): nothing to record them against.
                logger.warning(
                    "unrecorded answers of a batch this ledger does not hold were dropped",
                    metadata: ["ledger.path": "\(path)", "batch.id": "\(batch.prefix(12))"])
            }
            recorded += lines.answers.count
        }
        if !byBatch.isEmpty {
            logger.notice(
                "answers a stopped run could not record are now in the ledger",
                metadata: ["ledger.path": "\(path)", "ledger.answers": "\(recorded)"])
        }
        return recorded
    }
}
