import Foundation
import GRDB
import LeadLedger

extension LedgerBenchmark {
    /// Fills a fresh ledger at `path` (replaced if present) with `leads` answered rows for `make bench`'s
    /// roll-up figure: `batches` batches of three publishers, four verticals, answers spread evenly over the
    /// `days` before `now`, seven in ten accepted and the rest rejected, duplicate, invalid, failed or unknown
    /// with their reason codes, the rejected ones with one of the API's four documented reasons. Rows go in by SQL in answer-time order, so every B-tree is appended to.
    ///
    /// - Returns: the seconds the fill took.
    static func fillForRollup(path: String, leads: Int, batches: Int, days: Int, now: Date) throws -> Double {
        for file in [path, path + "-wal", path + "-shm", path + ".key"] {
            try? FileManager.default.removeItem(atPath: file)
        }
        let started = ContinuousClock.now
        let ledger = try Ledger(path: path, keyPath: path + ".key")
        let end = now.ledgerSeconds
        let span = Int64(days) * 86_400
        let perBatch = max(1, (leads + batches - 1) / batches)
        try ledger.write("cannot fill the roll-up bench") { db in
            try db.execute(sql: "PRAGMA cache_size = -262144")
            try db.execute(
                sql: """
                    WITH RECURSIVE n(b) AS (SELECT 0 UNION ALL SELECT b + 1 FROM n WHERE b < ?1 - 1)
                    INSERT INTO batches (seq, id, name, file_name, publisher, claimed_at, state, finished_at, total)
                    SELECT b + 1, printf('%064x', b), strftime('%Y%m%dT%H%M%SZ', ?2 + b * ?3 / ?1, 'unixepoch')
                            || printf('-%012x', b),
                        printf('batch-%05d.csv', b),
                        CASE b % 3 WHEN 0 THEN 'default' WHEN 1 THEN 'acme' ELSE 'zenith' END,
                        ?2 + b * ?3 / ?1, 'done', ?2 + b * ?3 / ?1, ?4
                    FROM n
                    """,
                arguments: [batches, end - span, span, perBatch]
            )
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1),
                    r AS (SELECT i, i % 100 AS p FROM n)
                    INSERT INTO leads (batch_seq, row, state, vertical, attempts, http_status, reason_code, lead_id,
                        bid_amount, submitted_at, answered_at, latency_ms, remote_reason)
                    SELECT i / ?2 + 1, i % ?2 + 1,
                        CASE WHEN p < 70 THEN 'accepted' WHEN p < 80 THEN 'rejected' WHEN p < 88 THEN 'duplicate'
                            WHEN p < 96 THEN 'invalid' WHEN p < 98 THEN 'failed' ELSE 'unknown' END,
                        CASE i % 4 WHEN 0 THEN 'insurance' WHEN 1 THEN 'solar' WHEN 2 THEN 'mortgage' ELSE 'debt' END,
                        CASE WHEN p < 80 THEN 1 WHEN p < 96 THEN 0 ELSE 5 END,
                        CASE WHEN p < 80 THEN 200 WHEN p < 96 THEN NULL WHEN p < 98 THEN 503 ELSE NULL END,
                        CASE WHEN p < 70 THEN NULL WHEN p < 80 THEN 'REMOTE_REJECTED'
                            WHEN p < 88 THEN 'DUPLICATE_IN_LEDGER' WHEN p < 91 THEN 'ZIP_INVALID'
                            WHEN p < 94 THEN 'PHONE_INVALID' WHEN p < 96 THEN 'EMAIL_INVALID'
                            WHEN p < 98 THEN 'SERVER_ERROR_EXHAUSTED' ELSE 'AMBIGUOUS_HELD' END,
                        CASE WHEN p < 70 THEN printf('ld_%08x', i) END,
                        CASE WHEN p < 70 THEN 10 + (i % 30) * 0.5 END,
                        CASE WHEN p < 80 OR p >= 96 THEN ?3 + i * ?4 / ?1 END,
                        ?3 + i * ?4 / ?1,
                        CASE WHEN p < 80 THEN 80 + i % 200 END,
                        CASE WHEN p >= 70 AND p < 80 THEN CASE (i / 7) % 4 WHEN 0 THEN 'low_score'
                            WHEN 1 THEN 'no_buyer_match' WHEN 2 THEN 'filter_mismatch' ELSE 'duplicate' END END
                    FROM r
                    """,
                arguments: [leads, perBatch, end - span, span]
            )
        }
        _ = try Ledger.mapErrors("cannot checkpoint") {
            try ledger.database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
