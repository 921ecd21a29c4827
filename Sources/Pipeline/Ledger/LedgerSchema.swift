import GRDB
import LeadModel

/// The ledger's tables, one migration per schema change (never edit a shipped migration).
///
/// - `batches`: one row per batch (content SHA-256 `id`), with an integer `seq` that the other tables use.
/// - `leads`: one row per input row of a batch, keyed `(batch_seq, row)`, WITHOUT ROWID (rows are appended
///   in row order). Times are whole UTC seconds since 1970. `problems` holds local problems as
///   `CODE:field` tokens; `reason_text` only remote reason texts (scrubbed) and our own PII-free texts.
///   The batch's publisher lives on `batches` (joined by reports).
/// - `dedupe_keys`: one row per HMAC key (16-byte BLOB since `dedupe-key-16`, primary key, WITHOUT ROWID)
///   naming the lead that holds it. Whether the key still blocks is read from the holder's row in `leads`
///   (state and `answered_at`) when another lead collides with it, so recording an answer never rewrites key
///   rows and a `failed` or `invalid` holder releases its keys in the same write that records it.
/// - `dedupe_recent`: keys taken since the last merge, in the same shape, ahead of `dedupe_keys` (since
///   `dedupe-recent`, see `registerRecentKeys`).
enum LedgerSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batches (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        file_name TEXT NOT NULL,
                        publisher TEXT NOT NULL,
                        claimed_at INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('processing', 'done')),
                        finished_at INTEGER,
                        total INTEGER NOT NULL DEFAULT 0,
                        accepted INTEGER NOT NULL DEFAULT 0,
                        rejected INTEGER NOT NULL DEFAULT 0,
                        invalid INTEGER NOT NULL DEFAULT 0,
                        duplicate INTEGER NOT NULL DEFAULT 0,
                        failed INTEGER NOT NULL DEFAULT 0,
                        unknown INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX batches_by_publisher ON batches (publisher, claimed_at);
                    CREATE INDEX batches_by_claimed_at ON batches (claimed_at);

                    CREATE TABLE leads (
                        batch_seq INTEGER NOT NULL,
                        row INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'accepted', 'rejected',
                            'invalid', 'duplicate', 'failed', 'unknown')),
                        vertical TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        http_status INTEGER,
                        reason_code TEXT,
                        problems TEXT,
                        reason_text TEXT,
                        lead_id TEXT,
                        bid_amount REAL,
                        submitted_at INTEGER,
                        answered_at INTEGER,
                        latency_ms INTEGER,
                        idempotency_key TEXT,
                        PRIMARY KEY (batch_seq, row)
                    ) WITHOUT ROWID;
                    -- Roll-ups by day, vertical and outcome. Partial: rows in flight are not indexed, so
                    -- reserve and markSending do no index work; record adds one entry near the end.
                    CREATE INDEX leads_by_answered_at ON leads (answered_at, vertical, state)
                        WHERE answered_at IS NOT NULL;

                    CREATE TABLE dedupe_keys (
                        key BLOB NOT NULL PRIMARY KEY,
                        kind INTEGER NOT NULL,
                        batch_seq INTEGER NOT NULL,
                        row INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """
            )
        }
        LedgerSchema.registerRollupIndex(&migrator)
        LedgerSchema.registerShortKeys(&migrator)
        LedgerSchema.registerRecentKeys(&migrator)
        LedgerSchema.registerKeyCheck(&migrator)
        LedgerSchema.registerBatchFigures(&migrator)
        LedgerSchema.registerRemoteReason(&migrator)
        return migrator
    }()

    /// SQL condition, over a holder lead `l`, under which its dedupe key still blocks other leads: it is in
    /// flight, or it was answered `accepted`, `rejected` or `unknown` at or after the cutoff of its vertical
    /// (whole seconds; parameters `?firstCutoff` onwards, in `Vertical.allCases` order; the holder's vertical
    /// is the new lead's, as the key is made over it). `invalid`, `failed` and `duplicate` holders never
    /// block: their keys are free.
    static func holderBlocks(firstCutoff: Int) -> String {
        let cases = Vertical.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN ?\(firstCutoff + $0)" }
        return """
            (l.state IN ('pending', 'sending') \
            OR (l.state IN ('accepted', 'rejected', 'unknown') \
            AND l.answered_at >= CASE l.vertical \(cases.joined(separator: " ")) END))
            """
    }
}
