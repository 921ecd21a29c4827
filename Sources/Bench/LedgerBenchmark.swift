import Crypto
import Foundation
import GRDB
import Ingest
import LeadLedger
import LeadModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger's part of `make bench`: dedupe and state recording of synthetic leads on a real file, as a run
/// does it (`reserve` per chunk of rows, then `markSending` and `record` per send window).
enum LedgerBenchmark {
    struct Result: Sendable {
        package var leads: Int
        package var preloadKeys: Int
        package var reserveWindow: Int
        package var sendWindow: Int
        package var recordWindow: Int
        /// `markSending` calls, each one synced commit when `Configuration.syncSendMarks` is on.
        package var markCalls: Int
        /// Time in `reserve` + `markSending` + `record` (lead generation and the preload excluded).
        package var seconds: Double
        package var reserveSeconds: Double
        package var markSeconds: Double
        package var recordSeconds: Double
        package var preloadSeconds: Double
        /// Process CPU time (user + system) of the timed part: on a shared machine, wall time also counts
        /// the waits for other processes.
        package var cpuSeconds: Double
        /// Size of the ledger file and its WAL afterwards.
        package var fileBytes: Int64

        package var leadsPerSecond: Double { seconds > 0 ? Double(leads) / seconds : 0 }
        package var leadsPerCPUSecond: Double { cpuSeconds > 0 ? Double(leads) / cpuSeconds : 0 }
    }

    /// Runs the benchmark on a fresh ledger at `path` (replaced if present; its key is `path.key`).
    ///
    /// - Parameters:
    ///   - leads: synthetic leads to reserve and record, all new (no duplicates), four verticals mixed.
    ///   - preloadKeys: dedupe keys already in the ledger before the timed part (half as many answered leads).
    ///   - reserveWindow: rows per `reserve` call (the pipeline reserves a chunk of rows ahead of sending:
    ///     bigger chunks write each touched page of the dedupe index once for more keys).
    ///   - sendWindow: rows per `markSending` call (the submitter's `markBatchSize`).
    ///   - recordWindow: rows per `record` call (`run` records answers in groups).
    ///   - keepPreload: keep the preloaded file beside `path` and start from a copy of it when one with the
    ///     same keys, page size and key width is there (comparing settings at 10 M keys then skips the
    ///     minute-long preload).
    static func run(
        path: String, leads: Int, preloadKeys: Int, reserveWindow: Int = 10_000, sendWindow: Int = 1_000,
        recordWindow: Int = 1_000, configuration: Ledger.Configuration = Ledger.Configuration(),
        keepPreload: Bool = false
    ) throws -> Result {
        let keyPath = path + ".key"
        for file in [path, path + "-wal", path + "-shm", keyPath] { try? FileManager.default.removeItem(atPath: file) }
        let clock = ContinuousClock()
        let kept = "\(path).preload-\(preloadKeys)-\(configuration.newFilePageSize)-\(DedupeKey.size)"
        let reuse = keepPreload && preloadKeys > 0 && FileManager.default.fileExists(atPath: kept)
        let preloadStart = clock.now
        if reuse {
            try FileManager.default.copyItem(atPath: kept, toPath: path)
            try FileManager.default.copyItem(atPath: kept + ".key", toPath: keyPath)
        }
        let ledger = try Ledger(path: path, keyPath: keyPath, configuration: configuration)
        let now = Date()

        if preloadKeys > 0, !reuse {
            try preload(ledger, keys: preloadKeys, answeredAt: now.addingTimeInterval(-86_400))
            // Move the preload out of the WAL now, so the timed part does not pay for its checkpoint.
            _ = try Ledger.mapErrors("cannot checkpoint") {
                try ledger.database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            }
            if keepPreload {
                for file in [kept, kept + ".key"] { try? FileManager.default.removeItem(atPath: file) }
                try FileManager.default.copyItem(atPath: path, toPath: kept)
                try FileManager.default.copyItem(atPath: keyPath, toPath: kept + ".key")
            }
        }
        let preloadSeconds = (clock.now - preloadStart).seconds

        let batch = SHA256.hash(data: Data("bench \(now.timeIntervalSince1970)".utf8))
            .map { String(format: "%02x", $0) }.joined()
        _ = try ledger.beginBatch(id: batch, name: "bench", fileName: "bench.csv", publisher: "bench", claimedAt: now)

        var reserveTime = Duration.zero
        var markTime = Duration.zero
        var recordTime = Duration.zero
        var markCalls = 0
        let cpuStart = cpuTime()
        let verticals = Vertical.allCases
        var start = 1
        while start <= leads {
            let rows = start...min(start + reserveWindow - 1, leads)
            let chunk = rows.map { row in
                LedgerLead(
                    row: row, vertical: verticals[row % verticals.count], phone: "+1\(3_000_000_000 + row)",
                    email: "lead\(row)@bench.example"
                )
            }
            var t = clock.now
            let reserved = try ledger.reserve(chunk, batch: batch, now: now)
            reserveTime += clock.now - t
            let owned = zip(rows, reserved).filter { $0.1 == .owned }.map(\.0)

            var outcomes: [LeadOutcomeRecord] = []
            outcomes.reserveCapacity(recordWindow)
            func flush() throws {
                t = clock.now
                try ledger.record(outcomes, batch: batch)
                recordTime += clock.now - t
                outcomes.removeAll(keepingCapacity: true)
            }
            var sendStart = 0
            while sendStart < owned.count {
                let window = owned[sendStart..<min(sendStart + sendWindow, owned.count)]
                t = clock.now
                try ledger.markSending(
                    batch: batch, rows: Array(window), idempotencyKeys: window.map { "\(batch.prefix(12))-\($0)" },
                    now: now
                )
                markTime += clock.now - t
                markCalls += 1
                for row in window {
                    outcomes.append(outcome(row: row, now: now))
                    if outcomes.count == recordWindow { try flush() }
                }
                sendStart += sendWindow
            }
            if !outcomes.isEmpty { try flush() }
            start = rows.upperBound + 1
        }
        let cpuSeconds = cpuTime() - cpuStart
        try ledger.finishBatch(id: batch, counts: BatchCounts(rowStates: ledger.stateCounts(batch: batch)))

        let size = [path, path + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.int64Value
        }.reduce(0, +)
        return Result(
            leads: leads, preloadKeys: preloadKeys, reserveWindow: reserveWindow, sendWindow: sendWindow,
            recordWindow: recordWindow, markCalls: markCalls,
            seconds: (reserveTime + markTime + recordTime).seconds, reserveSeconds: reserveTime.seconds,
            markSeconds: markTime.seconds, recordSeconds: recordTime.seconds, preloadSeconds: preloadSeconds,
            cpuSeconds: cpuSeconds, fileBytes: size
        )
    }

    /// A mix of answers: 2 % failed (their keys are released), 8 % rejected with a reason text, the rest
    /// accepted.
    private static func outcome(row: Int, now: Date) -> LeadOutcomeRecord {
        switch row % 50 {
        case 0:
            LeadOutcomeRecord(
                row: row, state: .failed, httpStatus: 503, attempts: 5, reasonCode: .serverErrorExhausted,
                answeredAt: now, latencyMs: 15_000)
        case 1...4:
            LeadOutcomeRecord(
                row: row, state: .rejected, httpStatus: 200, reasonCode: .remoteRejected,
                reasonText: "no buyer match", answeredAt: now, latencyMs: 120)
        default:
            LeadOutcomeRecord(
                row: row, state: .accepted, httpStatus: 200, leadID: "ld_\(String(row, radix: 16))",
                bidAmount: 18.5, answeredAt: now, latencyMs: 95)
        }
    }

    /// `keys` random dedupe keys held by `keys / 2` leads answered `accepted` at `answeredAt` in one done
    /// batch, written in one transaction by SQL (keys sorted first, so the B-tree is filled in order).
    private static func preload(_ ledger: Ledger, keys: Int, answeredAt: Date) throws {
        let leads = (keys + 1) / 2
        try ledger.write("cannot preload") { db in
            try db.execute(
                sql: """
                    INSERT INTO batches (id, name, file_name, publisher, claimed_at, state, finished_at, total,
                        accepted)
                    VALUES ('preload', 'preload', 'preload.csv', 'bench', ?1, 'done', ?1, ?2, ?2)
                    """,
                arguments: [answeredAt.ledgerSeconds, leads]
            )
            let seq = db.lastInsertedRowID
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
                    INSERT INTO leads (batch_seq, row, state, vertical, attempts, http_status, lead_id, bid_amount,
                        submitted_at, answered_at, latency_ms)
                    SELECT ?1, i, 'accepted', 'insurance', 1, 200, printf('ld_%08x', i), 18.5, ?3, ?3, 95 FROM n
                    """,
                arguments: [seq, leads, answeredAt.ledgerSeconds]
            )
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
                    INSERT INTO dedupe_keys (key, kind, batch_seq, row)
                    SELECT randomblob(\(DedupeKey.size)) AS k, i % 2, ?1, i / 2 + 1 FROM n ORDER BY k
                    """,
                arguments: [seq, keys]
            )
        }
    }

    /// User + system CPU time of this process, in seconds (also for the CLI's other benchmarks).
    static func cpuTime() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

