#!/usr/bin/env bash
# make bench, second part: leadspool beside what a user would run instead (../shared/bench, or BENCH_PEERS),
# in the same invocation on the same machine, as ratios. Writes the section "## Against peers" of
# BENCHMARKS.md (replacing the one of an earlier run). Alone: scripts/bench-peers.sh (after make release).
#
# Peers: a Python `check` script (csv + phonenumbers + email-validator + a ZIP set), a Python aiohttp sender
# with a sqlite3 dedupe table, and a bare Node keep-alive sender. The Python packages come from PyPI into a
# venv under .build; Node is the machine's.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/leadspool}
PEERS=${BENCH_PEERS:-../shared/bench}
DATA=bench-data
CHECK_ROWS=${BENCH_PEER_CHECK_ROWS:-1000000}
PY_ROWS=${BENCH_PEER_PY_ROWS:-20000}
RUN_ROWS=${BENCH_PEER_RUN_ROWS:-50000}
MEM_ROWS=${BENCH_PEER_MEM_ROWS:-1000000}
VENV=.build/bench-venv
mkdir -p "$DATA"
NOW=$(date -u +%s)
section=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$work" "$section"' EXIT

[ -x "$BIN" ] || { echo "bench-peers: $BIN missing (make release)" >&2; exit 1; }
[ -d "$PEERS" ] || { echo "bench-peers: no peers at $PEERS (set BENCH_PEERS)" >&2; exit 1; }
scripts/install-deps.sh wrk python3-venv >&2
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q phonenumbers email-validator zipcodes aiohttp >&2
fi
PY="$VENV/bin/python"

# /usr/bin/time fields of one command into $work/t: wall user sys maxrss(KiB)
measure() { /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@"; }
cpu_of() { awk '{printf "%.2f", $2 + $3}' "$work/t"; }
wall_of() { awk '{print $1}' "$work/t"; }
rss_mb() { awk '{print int($4 / 1024)}' "$work/t"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) print "?"; else printf "%.2f", a / b }'; }
line() { echo "$*" >>"$section"; }

gen_csv() { # rows dirty file
    [ -s "$3" ] || "$BIN" gen --rows "$1" --format csv --dirty "$2" --seed 7 --now "$NOW" --output "$3" 2>/dev/null
}

# --- check against the Python script: the same dirty file, Python on its first PY_ROWS rows. ---
dirty="$DATA/rows-$CHECK_ROWS-dirty.csv"
gen_csv "$CHECK_ROWS" 0.1 "$dirty"
head -n $((PY_ROWS + 1)) "$dirty" >"$work/py.csv"
cat "$dirty" >/dev/null
check_once() { # file → rows/s into $work/rate
    local reports
    reports=$(mktemp -d)
    measure "$BIN" check --quiet --report-dir "$reports" --now "$NOW" "$1" >/dev/null
    rm -rf "$reports"
}
check_once "$dirty"
ls_wall=$(wall_of); ls_cpu=$(cpu_of); ls_rss=$(rss_mb)
ls_rate=$(awk -v r="$CHECK_ROWS" -v w="$ls_wall" 'BEGIN{printf "%d", r / w}')
py_rate=$("$PY" "$PEERS/baseline_python.py" "$work/py.csv" | grep -oE '[0-9]+([.][0-9]+)? rows/s' | grep -oE '^[0-9.]+' | head -1)
py_rate=${py_rate%.*}
line "| \`check\` vs the Python script (dirty 0.1) | leadspool $ls_rate rows/s ($CHECK_ROWS rows, $ls_wall s, $ls_cpu CPU-s, whole process); Python ${py_rate:-?} rows/s ($PY_ROWS rows) | **$(ratio "$ls_rate" "${py_rate:-0}")×** (target ≥ 100×) |"

# A cold `check` of a 20-row file, process start to exit: median of five.
head -n 21 "$dirty" >"$work/small.csv"
: >"$work/cold"
for _ in 1 2 3 4 5; do
    check_once "$work/small.csv"
    wall_of >>"$work/cold"
done
cold=$(sort -n "$work/cold" | sed -n 3p)
line "| cold \`check\` of a 20-row file | $cold s, process start to exit (median of 5: $(sort -n "$work/cold" | paste -sd, -) s) | |"

# --- memory in the batch size: check and run at MEM_ROWS and 4×MEM_ROWS rows. ---
big="$DATA/rows-$((MEM_ROWS * 4))-dirty.csv"
small="$DATA/rows-$MEM_ROWS-dirty.csv"
gen_csv "$MEM_ROWS" 0.1 "$small"
gen_csv $((MEM_ROWS * 4)) 0.1 "$big"
check_once "$small"; c1=$(rss_mb)
check_once "$big"; c4=$(rss_mb)
line "| peak RSS of \`check\`, $MEM_ROWS vs $((MEM_ROWS * 4)) rows | $c1 MB vs $c4 MB | $(ratio "$c4" "$c1")× (target ≤ 1.1×, ≤ 96 MB) |"

# --- run against both senders, alternating, each against a fresh sandbox (../shared/bench/compare_run.sh). ---
compare() { # rows concurrency latency rounds → lines "who wall=… cpu=… rate=… rss_mb=…"
    PEER_PY="$PY" bash "$PEERS/compare_run.sh" "$BIN" "$1" "$2" "$3" "$4" 2>/dev/null
}
compare "$RUN_ROWS" 64 0 2 >"$work/cmp"
median_field() { # who field → median over rounds
    grep "^$1 " "$work/cmp" | grep -oE "$2=[0-9.]+" | cut -d= -f2 | sort -n | awk '{a[NR]=$1} END{print a[int((NR + 1) / 2)]}'
}
for who in leadspool node aiohttp; do
    eval "${who}_rate=\$(median_field $who rate)"
    eval "${who}_cpu=\$(median_field $who cpu)"
done
# shellcheck disable=SC2154
{
    us() { awk -v c="$1" -v r="$RUN_ROWS" 'BEGIN{ printf "%d", c / r * 1e6 }'; }
    line "| \`run\` throughput, $RUN_ROWS leads, 64 in flight, no latency | leadspool $leadspool_rate/s, Node $node_rate/s, aiohttp $aiohttp_rate/s | $(ratio "$leadspool_rate" "$node_rate")× Node (target ≥ 1.2×), $(ratio "$leadspool_rate" "$aiohttp_rate")× aiohttp |"
    line "| \`run\` client CPU per lead | leadspool $(us "$leadspool_cpu") µs, Node $(us "$node_cpu") µs, aiohttp $(us "$aiohttp_cpu") µs | $(ratio "$leadspool_cpu" "$node_cpu")× Node's CPU (target ≤ 0.8×) |"
}
grep . "$work/cmp" | sed 's/^/    /' >"$work/cmp.txt"

# 100 ms latency, 256 in flight: the ideal is 2 560 leads/s.
lat_rows=$((RUN_ROWS / 2))
rm -rf "$work/spool"; mkdir -p "$work/spool/incoming"
"$BIN" gen --rows "$lat_rows" --format csv --dirty 0 --seed 11 --output "$work/spool/incoming/b.csv" 2>/dev/null
touch "$work/spool/incoming/b.csv.ready"
printf '[api]\nmax_in_flight = 256\n' >"$work/lat.toml"
"$BIN" sandbox --port 0 --seed 3 --latency-ms 100..100 >"$work/sb.out" 2>/dev/null &
sb=$!
port=""
for _ in $(seq 100); do
    port=$(sed -n 's|.*127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/sb.out" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
DL_API_KEY=dl_test_bench measure "$BIN" run --quiet --config "$work/lat.toml" --spool "$work/spool" \
    --endpoint "http://127.0.0.1:$port/webhook/lead" >/dev/null 2>&1 || true
kill "$sb" 2>/dev/null; wait "$sb" 2>/dev/null || true
lat_rate=$(awk -v r="$lat_rows" -v w="$(wall_of)" 'BEGIN{printf "%d", r / w}')
line "| \`run\`, 100 ms latency, 256 in flight, $lat_rows leads | $lat_rate leads/s | $(awk -v r="$lat_rate" 'BEGIN{printf "%d", r / 2560 * 100}') % of the ideal 2 560/s (target ≥ 90 %) |"

# The hour's speed: wrk against the sandbox (64 connections, no latency), beside the ratios above.
wrk_rps="?"
if command -v wrk >/dev/null 2>&1 && [ -x scripts/bench-sandbox.sh ]; then
    wrk_rps=$(scripts/bench-sandbox.sh 2>/dev/null | sed -n 's/^sandbox_rps=//p' | tail -1)
fi

# Into BENCHMARKS.md, before "## Measured by hand" (a section of an earlier run is replaced).
md=BENCHMARKS.md
{
    echo "## Against peers"
    echo
    echo "Written by \`make bench\` (scripts/bench-peers.sh): leadspool and the peers of ../shared/bench in one"
    echo "invocation on this machine, so the ratios hold while absolute figures move with the hour."
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- the hour's speed: wrk against the sandbox, ${wrk_rps:-?} requests/s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| measure | figures | ratio |"
    echo "|---|---|---|"
    cat "$section"
    echo
    echo "compare_run.sh, line by line:"
    echo
    cat "$work/cmp.txt"
    echo
} >"$work/peers.md"
touch "$md"
awk -v peers="$work/peers.md" '
    /^## Against peers/ { skip = 1; next }
    skip && /^## / { skip = 0 }
    skip { next }
    /^## Measured by hand/ && !done { while ((getline l < peers) > 0) print l; done = 1 }
    { print }
    END { if (!done) { print ""; while ((getline l < peers) > 0) print l } }
' "$md" >"$work/md" && cp "$work/md" "$md"
cat "$work/peers.md"
