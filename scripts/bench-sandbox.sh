#!/usr/bin/env bash
# Measures the sandbox's throughput on loopback with wrk against the release binary.
# Prints `sandbox_rps=<requests per second>` as its last line.
# Env: BIN (default .build/release/leadspool), DURATION (10s), THREADS (2), CONNECTIONS (64).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.build/release/leadspool}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}

if [ ! -x "$BIN" ]; then
    swift build -c release --product leadspool >&2
fi
if ! command -v wrk >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing wrk" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi

workdir=$(mktemp -d)
# The sandbox logs one line per request on stderr; it goes to a file so the cost of logging is
# part of the measure, and so that a failure can be read.
"$BIN" sandbox --port 0 --seed 1 >"$workdir/stdout" 2>"$workdir/stderr" &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 100); do
    url=$(sed -n 's/^sandbox listening on //p' "$workdir/stdout")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$workdir/stderr" >&2; echo "sandbox did not start" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "sandbox printed no address" >&2; exit 1; }

wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench-sandbox.lua "$url" | tee "$workdir/wrk"

if grep -q "Non-2xx or 3xx responses" "$workdir/wrk"; then
    echo "warning: some answers were not 200" >&2
fi
curl -s -o "$workdir/stats.json" "${url%/webhook/lead}/_sandbox/stats" || true
echo "sandbox counted: $(grep -o '"total":[0-9]*' "$workdir/stats.json" | head -n 1 || true)"
rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$workdir/wrk")
echo "sandbox_rps=${rps:-0}"
