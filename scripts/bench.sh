#!/usr/bin/env bash
# make bench: release-mode throughput and memory of each stage, written to BENCHMARKS.md.
# Figures are measured here and now; nothing in this file is a threshold for tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/leadspool
BENCH=.build/release/leadspool-bench
DATA=bench-data
ROWS=${BENCH_ROWS:-1000000}
mkdir -p "$DATA"
NOW=$(date -u +%s)
out=$(mktemp)

gen() { # rows format dirty gzip file
    local file="$DATA/$5"
    if [ ! -s "$file" ]; then
        local args=(gen --rows "$1" --format "$2" --dirty "$3" --seed 7 --now "$NOW" --output "$file")
        [ "$4" = gzip ] && args+=(--gzip)
        "$BIN" "${args[@]}" 2>/dev/null
    fi
    echo "$file"
}

# Runs a command under /usr/bin/time; prints "<wall seconds> <max RSS KiB>" (or the fields of
# TIME_FORMAT) on fd 3 and the command's stdout on stdout.
timed() {
    local t
    t=$(mktemp)
    /usr/bin/time -f "${TIME_FORMAT:-%e %M}" -o "$t" "$@"
    cat "$t" >&3
    rm -f "$t"
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3" >>"$out"; }

csv1=$(gen "$ROWS" csv 0 plain "rows-${ROWS}.csv")
csv4=$(gen $((ROWS * 4)) csv 0 plain "rows-$((ROWS * 4)).csv")
jsonl=$(gen "$ROWS" jsonl 0 plain "rows-${ROWS}.jsonl")
gz=$(gen "$ROWS" csv 0 gzip "rows-${ROWS}.csv.gz")
dirty=$(gen "$ROWS" csv 0.1 plain "rows-${ROWS}-dirty.csv")

ingest() { # label file
    local json rss
    cat "$2" >/dev/null # page cache warm: the figures are CPU throughput, not disk reads
    exec 3>"$DATA/.time"
    json=$(timed "$BENCH" ingest "$2")
    exec 3>&-
    rss=$(awk '{print int($2/1024)}' "$DATA/.time")
    echo "$json" >&2
    local mbs total rows
    mbs=$(echo "$json" | sed -E 's/.*"parse_mb_s":([0-9.]+).*/\1/')
    total=$(echo "$json" | sed -E 's/.*"total_mb_s":([0-9.]+).*/\1/')
    rows=$(echo "$json" | sed -E 's/.*"rows":([0-9]+).*/\1/')
    row "ingest $1" "$mbs MB/s parsing, $total MB/s with the first pass (hash$( [ "$1" = "gzip CSV" ] && echo ", full gunzip check")) over $rows rows" "peak RSS $rss MB"
    echo "$rss"
}

{
    echo "| stage | throughput | memory |"
    echo "|---|---|---|"
} >"$out"
rss1=$(ingest "CSV ($ROWS rows)" "$csv1")
rss4=$(ingest "CSV ($((ROWS * 4)) rows)" "$csv4")
ingest "JSONL" "$jsonl" >/dev/null
ingest "gzip CSV" "$gz" >/dev/null
row "ingest RSS flatness" "$((ROWS * 4)) vs $ROWS rows: ${rss4} MB vs ${rss1} MB" ""

# `check` of FILE three times; the figure is the median run's, and all three walls are listed with its CPU
# time (user + system: on a shared host, a slow period shows as more CPU seconds for the same work).
check_median() {
    local label=$1 file=$2 reports wall rss user sys walls rate cpu
    cat "$file" >/dev/null
    : >"$DATA/.checks"
    for _ in 1 2 3; do
        reports=$(mktemp -d)
        exec 3>>"$DATA/.checks"
        TIME_FORMAT="%e %M %U %S" timed "$BIN" check --quiet --report-dir "$reports" --now "$NOW" "$file" >/dev/null
        exec 3>&-
        rm -rf "$reports"
    done
    read -r wall rss user sys < <(sort -n "$DATA/.checks" | sed -n 2p)
    walls=$(sort -n "$DATA/.checks" | awk '{printf "%s%s", (NR > 1 ? ", " : ""), $1}')
    rate=$(awk -v r="$ROWS" -v w="$wall" 'BEGIN{printf "%d", r/w}')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
    row "$label" "$rate rows/s ($ROWS rows in ${wall} s, ${cpu} CPU-s, whole process; median of 3 runs: $walls s)" "peak RSS $((rss / 1024)) MB"
}
check_median "check, dirty 0.1, reports included" "$dirty"

# The same file with every consent in the future (a "now" a year earlier): every row rejected, so
# rejects.csv is as large as the input. One run.
reports=$(mktemp -d)
exec 3>"$DATA/.time"
TIME_FORMAT="%e %M %U %S" timed "$BIN" check --quiet --report-dir "$reports" --now $((NOW - 366 * 86400)) "$dirty" >/dev/null
exec 3>&-
rm -rf "$reports"
read -r wall rss user sys <"$DATA/.time"
rate=$(awk -v r="$ROWS" -v w="$wall" 'BEGIN{printf "%d", r/w}')
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
row "check, every row rejected (consent in the future)" "$rate rows/s ($ROWS rows in ${wall} s, ${cpu} CPU-s, whole process)" "peak RSS $((rss / 1024)) MB"

# The dirty file saved as Windows-1252 (Excel's "CSV" on Windows), decoded below the reader: three runs,
# the median one's figure, beside the UTF-8 file's above.
cp1252="$DATA/rows-${ROWS}-dirty-windows-1252.csv"
[ -s "$cp1252" ] || iconv -f utf-8 -t windows-1252//TRANSLIT "$dirty" >"$cp1252"
check_median "check, dirty 0.1, windows-1252" "$cp1252"

if [ -x scripts/bench-sandbox.sh ] && "$BIN" sandbox --help >/dev/null 2>&1; then
    rps=$(scripts/bench-sandbox.sh 2>/dev/null | sed -n 's/^sandbox_rps=//p' | tail -1)
    row "sandbox (wrk, 64 connections, no latency)" "${rps:-?} requests/s" ""
fi

if [ -x scripts/bench-receive.sh ] && "$BIN" receive --help >/dev/null 2>&1; then
    figures=$(scripts/bench-receive.sh 2>/dev/null || true)
    row "receive (sandbox deliver, 128 connections, every accepted lead fsynced)" \
        "$(sed -n 's/^receive_rps=//p' <<<"$figures") deliveries/s" \
        "p99 $(sed -n 's/^receive_p99_ms=//p' <<<"$figures") ms at 1 000/s"
fi

# run: RUN_ROWS clean leads through the whole pipeline against the sandbox on loopback.
RUN_ROWS=${BENCH_RUN_ROWS:-100000}
runfile=$(gen "$RUN_ROWS" csv 0 plain "run-${RUN_ROWS}.csv")
run_bench() { # label, sandbox args...
    local label=$1
    shift
    local work port pid
    work=$(mktemp -d)
    "$BIN" sandbox --port 0 --seed 3 "$@" >"$work/sandbox.out" 2>/dev/null &
    pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's|.*127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/sandbox.out" | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    mkdir -p "$work/spool/incoming"
    cp "$runfile" "$work/spool/incoming/"
    touch "$work/spool/incoming/$(basename "$runfile").ready"
    exec 3>"$DATA/.time"
    DL_API_KEY=dl_test_bench timed "$BIN" run --quiet --spool "$work/spool" \
        --endpoint "http://127.0.0.1:$port/webhook/lead" "${RUN_EXTRA[@]}" >/dev/null || true
    exec 3>&-
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    read -r wall rss <"$DATA/.time"
    local rate
    rate=$(awk -v r="$RUN_ROWS" -v w="$wall" 'BEGIN{printf "%d", r/w}')
    row "run, $RUN_ROWS leads, $label" "$rate leads/s ($RUN_ROWS in ${wall} s, whole process)" "peak RSS $((rss / 1024)) MB"
    rm -rf "$work"
}
RUN_EXTRA=()
run_bench "sandbox without latency"
# Memory of a big batch: the same, with 1 M leads (peak RSS is the figure that matters here).
RUN_ROWS_SAVED=$RUN_ROWS
RUN_ROWS=${BENCH_BIG_RUN_ROWS:-1000000}
runfile=$(gen "$RUN_ROWS" csv 0 plain "run-${RUN_ROWS}.csv")
run_bench "sandbox without latency (memory of a big batch)"
RUN_ROWS=$RUN_ROWS_SAVED
runfile=$(gen "$RUN_ROWS" csv 0 plain "run-${RUN_ROWS}.csv")
cfg=$(mktemp)
printf '[api]\nmax_in_flight = 64\n' >"$cfg"
RUN_EXTRA=(--config "$cfg")
RUN_ROWS_SAVED=$RUN_ROWS
RUN_ROWS=${BENCH_LATENCY_ROWS:-10000}
runfile=$(gen "$RUN_ROWS" csv 0 plain "run-${RUN_ROWS}.csv")
run_bench "sandbox latency 100 ms, max_in_flight 64 (ideal 640/s)" --latency-ms 100..100
RUN_ROWS=$RUN_ROWS_SAVED
rm -f "$cfg"

if "$BENCH" ledger --help >/dev/null 2>&1; then
    for preload in 0 ${BENCH_LEDGER_PRELOAD:-10000000}; do
        j=$("$BENCH" ledger --leads 200000 --preload "$preload" 2>/dev/null | tail -1)
        row "ledger dedupe + state recording, $preload keys preloaded" "$j" ""
    done
fi

# The same writes with SQLite alone (scripts/ledger-floor.c, no leadspool code): the floor of a ledger
# that keeps one row per lead on this machine, in run's groups and in one transaction.
if command -v cc >/dev/null 2>&1 && cc -O2 -o "$DATA/ledger-floor" scripts/ledger-floor.c -lsqlite3 2>/dev/null; then
    for groups in "4096 64 64 1" "200000 200000 200000 0"; do
        rm -f "$DATA/floor.sqlite" "$DATA/floor.sqlite-wal" "$DATA/floor.sqlite-shm"
        # shellcheck disable=SC2086
        f=$("$DATA/ledger-floor" "$DATA/floor.sqlite" 200000 $groups | tail -1)
        row "SQLite alone, the ledger's writes per lead (scripts/ledger-floor.c), 0 keys" "$f" ""
    done
    rm -f "$DATA/floor.sqlite" "$DATA/floor.sqlite-wal" "$DATA/floor.sqlite-shm"
fi

# Figures measured by hand live under "## Measured by hand" at the end; a new run keeps them.
notes=$(mktemp)
sed -n '/^## Measured by hand/,$p' BENCHMARKS.md >"$notes" 2>/dev/null || true
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh), release build, whole processes timed with /usr/bin/time."
    echo "Input files are read once before each measure, so the figures are CPU throughput with the"
    echo "file in the page cache; a cold read from disk adds the disk's own time to the first pass."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    cat "$out"
    if [ -s "$notes" ]; then
        echo
        cat "$notes"
    fi
} >BENCHMARKS.md
rm -f "$out" "$notes"
cat BENCHMARKS.md

# --- Reports: `leadspool report` over a 10 M-row ledger, and what writing the reports adds to check. ---
# Self-contained (its own helpers and variables); runs after the table above is written and adds its rows
# to that table in BENCHMARKS.md, replacing rows of an earlier run. Alone:
#   sed -n '/^# --- Reports:/,$p' scripts/bench.sh | bash
bench_reports() {
    local bin=.build/release/leadspool data=bench-data md=BENCHMARKS.md
    local leads=${BENCH_ROLLUP_LEADS:-10000000} rows=${BENCH_ROWS:-1000000}
    local ledger="$data/rollup-$leads.sqlite" spool tmp rowsfile fill wall rss json
    mkdir -p "$data"
    tmp=$(mktemp)
    rowsfile=$(mktemp)
    spool=$(mktemp -d)
    # Always a fresh fill: a ledger left by an earlier build may have an older schema.
    fill=$("$BENCH" rollup-fill --leads "$leads" --path "$ledger" | tail -1)
    echo "rollup fill: $fill" >&2
    cat "$ledger" >/dev/null # page cache warm, as for the ingest figures
    for by in day,vertical publisher,batch; do
        /usr/bin/time -f "%e %M" -o "$tmp" "$bin" report --spool "$spool" --ledger "$ledger" --by "$by" \
            --format table >"$data/report-$by.txt"
        read -r wall rss <"$tmp"
        printf '| report --by %s over %s ledger rows | %s s (%s groups, whole process) | peak RSS %s MB |\n' \
            "$by" "$leads" "$wall" "$(($(wc -l <"$data/report-$by.txt") - 1))" "$((rss / 1024))" >>"$rowsfile"
    done
    # The fill spreads its answers over the 30 days before now: the period and the one before it cover them all.
    /usr/bin/time -f "%e %M" -o "$tmp" "$bin" report --spool "$spool" --ledger "$ledger" --by week,publisher \
        --since 15d --compare previous --format table >"$data/report-compare.txt"
    read -r wall rss <"$tmp"
    printf '| report --by week,publisher --since 15d --compare previous over %s ledger rows | %s s (whole process) | peak RSS %s MB |\n' \
        "$leads" "$wall" "$((rss / 1024))" >>"$rowsfile"

    local dirty="$data/rows-$rows-dirty.csv"
    [ -s "$dirty" ] || "$bin" gen --rows "$rows" --format csv --dirty 0.1 --seed 7 --output "$dirty" 2>/dev/null
    cat "$dirty" >/dev/null
    json=$("$BENCH" check-reports "$dirty" --now "$(date -u +%s)" | tail -1)
    echo "check-reports: $json" >&2
    local pct
    pct=$(echo "$json" | sed -E 's/.*"overhead_pct":(-?[0-9.]+).*/\1/')
    case "$pct" in -*) ;; *) pct="+$pct" ;; esac
    reports_field() { echo "$json" | sed -E "s/.*\"$1\":(-?[0-9.]+).*/\\1/"; }
    printf '| check pass, dirty 0.1, %s rows: writing all reports | %s %% CPU (%s s without, %s s with; wall %s s vs %s s; one thread, best of 2) | |\n' \
        "$rows" "$pct" "$(reports_field without_reports_cpu_s)" "$(reports_field with_reports_cpu_s)" \
        "$(reports_field without_reports_wall_s)" "$(reports_field with_reports_wall_s)" >>"$rowsfile"

    # Into the stage table: drop this section's rows of an earlier run, add the new ones after its last row.
    [ -f "$md" ] || printf '| stage | throughput | memory |\n|---|---|---|\n' >"$md"
    awk -v rows="$rowsfile" '
        /^\| report --by |^\| check pass, dirty .*writing all reports/ { next }
        { lines[++n] = $0 }
        /^\| stage \| throughput/ { table = 1 }
        table && /^\|/ { last = n }
        table && !/^\|/ { table = 0 }
        END {
            for (i = 1; i <= n; i++) {
                print lines[i]
                if (i == last) while ((getline line < rows) > 0) print line
            }
        }' "$md" >"$tmp"
    mv "$tmp" "$md"
    rm -rf "$rowsfile" "$spool"
    grep -E '^\| (report --by|check pass)' "$md"
}
bench_reports

# --- Against peers: the ratios of ../shared/bench's scripts and leadspool, measured in this invocation. ---
scripts/bench-peers.sh
