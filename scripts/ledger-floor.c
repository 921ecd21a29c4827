/*
 * The floor of a ledger that keeps one SQLite row per lead: what SQLite itself costs on this machine for
 * the writes `leadspool run` makes per lead, with nothing of leadspool around them (no hashing, no
 * conflict handling, no Swift). Same tables as the ledger (leads WITHOUT ROWID with its partial roll-up
 * index, 16-byte keys WITHOUT ROWID), WAL, synchronous NORMAL, 8 MiB page cache.
 *
 * Per lead: 2 key inserts and 1 row insert (reserve), 1 update (marked sending), 1 update (the answer),
 * each a prepared single-row statement, grouped in transactions of RESERVE / MARK / RECORD rows.
 *
 *   ledger-floor PATH LEADS RESERVE MARK RECORD SYNC_MARKS [PRELOAD_KEYS]
 *
 * SYNC_MARKS 1 runs each mark transaction with synchronous FULL (an fsync), as the ledger does. With
 * PRELOAD_KEYS the keys (and half as many answered rows) are inserted first, untimed.
 * Prints leads per second of wall time and per CPU-second of the timed part.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, error);
        exit(1);
    }
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return statement;
}

static void step(sqlite3 *db, sqlite3_stmt *statement) {
    if (sqlite3_step(statement) != SQLITE_DONE) {
        fprintf(stderr, "step: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(statement);
}

/* xorshift64: random keys, as HMACs are. */
static unsigned long long state = 88172645463325252ULL;
static unsigned long long next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static void bind_random_key(sqlite3_stmt *statement) {
    unsigned long long halves[2] = {next_random(), next_random()};
    sqlite3_bind_blob(statement, 1, halves, 16, SQLITE_TRANSIENT);
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s PATH LEADS RESERVE MARK RECORD SYNC_MARKS [PRELOAD_KEYS]\n", argv[0]);
        return 64;
    }
    const char *path = argv[1];
    int leads = atoi(argv[2]), reserve_group = atoi(argv[3]), mark_group = atoi(argv[4]);
    int record_group = atoi(argv[5]), sync_marks = atoi(argv[6]);
    long preload = argc > 7 ? atol(argv[7]) : 0;
    /* Another sequence in every process: a timed run on a copy of a preloaded file must not meet its keys. */
    state ^= (unsigned long long)getpid() * 0x9E3779B97F4A7C15ULL;

    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return 73;
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 8192;"
             "PRAGMA cache_size = -8192;");
    exec(db, "CREATE TABLE IF NOT EXISTS leads (batch_seq INTEGER NOT NULL, row INTEGER NOT NULL, state TEXT NOT NULL,"
             " vertical TEXT, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER, reason_code TEXT, problems TEXT,"
             " reason_text TEXT, lead_id TEXT, bid_amount REAL, submitted_at INTEGER, answered_at INTEGER,"
             " latency_ms INTEGER, idempotency_key TEXT, PRIMARY KEY (batch_seq, row)) WITHOUT ROWID;"
             "CREATE INDEX IF NOT EXISTS leads_by_answered_at ON leads (answered_at, vertical, state)"
             " WHERE answered_at IS NOT NULL;"
             "CREATE TABLE IF NOT EXISTS dedupe_keys (key BLOB NOT NULL PRIMARY KEY, kind INTEGER NOT NULL,"
             " batch_seq INTEGER NOT NULL, row INTEGER NOT NULL) WITHOUT ROWID;");
    sqlite3_stmt *insert_key = prepare(db, "INSERT INTO dedupe_keys VALUES (?, ?, ?, ?)");
    sqlite3_stmt *insert_lead = prepare(db, "INSERT INTO leads (batch_seq, row, state, vertical) VALUES (?, ?, 'pending', ?)");
    sqlite3_stmt *mark = prepare(db, "UPDATE leads SET state = 'sending', idempotency_key = ?, submitted_at = ?"
                                     " WHERE batch_seq = ? AND row = ?");
    sqlite3_stmt *record = prepare(db, "UPDATE leads SET state = ?, http_status = 200, attempts = 1, lead_id = ?,"
                                       " bid_amount = 18.5, answered_at = ?, latency_ms = 3 WHERE batch_seq = ? AND row = ?");

    if (preload > 0) {
        exec(db, "PRAGMA cache_size = -2000000; BEGIN");
        for (long i = 0; i < preload; i++) {
            bind_random_key(insert_key);
            sqlite3_bind_int(insert_key, 2, (int)(i & 1));
            sqlite3_bind_int(insert_key, 3, 0);
            sqlite3_bind_int64(insert_key, 4, i / 2);
            step(db, insert_key);
            if (i % 2 == 0) {
                sqlite3_bind_int(insert_lead, 1, 0);
                sqlite3_bind_int64(insert_lead, 2, i / 2);
                sqlite3_bind_text(insert_lead, 3, "solar", -1, SQLITE_STATIC);
                step(db, insert_lead);
            }
        }
        exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA cache_size = -8192; PRAGMA shrink_memory;");
    }

    double wall0 = wall(), cpu0 = cpu(), reserve_s = 0, mark_s = 0, record_s = 0;
    char text[48];
    for (int base = 0; base < leads; base += reserve_group) {
        int end = base + reserve_group < leads ? base + reserve_group : leads;
        double t = wall();
        exec(db, "BEGIN IMMEDIATE");
        for (int row = base; row < end; row++) {
            for (int kind = 0; kind < 2; kind++) {
                bind_random_key(insert_key);
                sqlite3_bind_int(insert_key, 2, kind);
                sqlite3_bind_int(insert_key, 3, 1);
                sqlite3_bind_int(insert_key, 4, row);
                step(db, insert_key);
            }
            sqlite3_bind_int(insert_lead, 1, 1);
            sqlite3_bind_int(insert_lead, 2, row);
            sqlite3_bind_text(insert_lead, 3, "insurance", -1, SQLITE_STATIC);
            step(db, insert_lead);
        }
        exec(db, "COMMIT");
        reserve_s += wall() - t;

        for (int first = base; first < end; first += mark_group) {
            int last = first + mark_group < end ? first + mark_group : end;
            t = wall();
            if (sync_marks) exec(db, "PRAGMA synchronous = FULL");
            exec(db, "BEGIN IMMEDIATE");
            for (int row = first; row < last; row++) {
                snprintf(text, sizeof text, "0123456789abcdef-%d", row);
                sqlite3_bind_text(mark, 1, text, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(mark, 2, 1700000000);
                sqlite3_bind_int(mark, 3, 1);
                sqlite3_bind_int(mark, 4, row);
                step(db, mark);
            }
            exec(db, "COMMIT");
            if (sync_marks) exec(db, "PRAGMA synchronous = NORMAL");
            mark_s += wall() - t;
        }

        for (int first = base; first < end; first += record_group) {
            int last = first + record_group < end ? first + record_group : end;
            t = wall();
            exec(db, "BEGIN IMMEDIATE");
            for (int row = first; row < last; row++) {
                snprintf(text, sizeof text, "ld_%016llx", next_random());
                sqlite3_bind_text(record, 1, row % 3 ? "accepted" : "rejected", -1, SQLITE_STATIC);
                sqlite3_bind_text(record, 2, text, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int(record, 3, 1700000000 + row / 1000);
                sqlite3_bind_int(record, 4, 1);
                sqlite3_bind_int(record, 5, row);
                step(db, record);
            }
            exec(db, "COMMIT");
            record_s += wall() - t;
        }
    }
    double seconds = wall() - wall0, cpu_seconds = cpu() - cpu0;
    printf("%.0f leads/s wall, %.0f leads per CPU-second, %.2f us CPU per lead "
           "(reserve %.3f s, mark %.3f s, record %.3f s; %d leads, groups %d/%d/%d, marks %s, %ld keys preloaded)\n",
           leads / seconds, leads / cpu_seconds, cpu_seconds / leads * 1e6, reserve_s, mark_s, record_s, leads,
           reserve_group, mark_group, record_group, sync_marks ? "synced" : "unsynced", preload);
    sqlite3_finalize(insert_key);
    sqlite3_finalize(insert_lead);
    sqlite3_finalize(mark);
    sqlite3_finalize(record);
    sqlite3_close(db);
    return 0;
}
