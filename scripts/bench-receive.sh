#!/usr/bin/env bash
# The buyer side in release mode: signed deliveries per second that `leadspool receive` answers with every
# accepted lead fsynced (sandbox deliver as fast as 128 connections allow), and the answer latency at a
# steady 1 000/s. The sender runs on the same machine and takes its share of the CPU.
# Prints receive_rps=, receive_p50_ms=, receive_p99_ms= (at 1 000/s) for scripts/bench.sh; nothing here is a
# test threshold.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/leadspool}
COUNT=${BENCH_RECEIVE_COUNT:-60000}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
head -c 32 /dev/urandom | base64 >"$work/secret"
printf '[receive]\ndir = "%s/receive"\nrotate_leads = 5000\n' "$work" >"$work/leadspool.toml"
"$BIN" receive --config "$work/leadspool.toml" --listen 127.0.0.1:0 --secret-file "$work/secret" --quiet \
    >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/out")

# Warm-up, then the throughput run.
"$BIN" sandbox deliver --to "$url" --secret-file "$work/secret" --count 2000 --rate 0 --seed 1 >/dev/null
fast=$("$BIN" sandbox deliver --to "$url" --secret-file "$work/secret" --count "$COUNT" --rate 0 \
    --concurrency 128 --seed 2)
echo "$fast" >&2
steady=$("$BIN" sandbox deliver --to "$url" --secret-file "$work/secret" --count 20000 --rate 1000 \
    --concurrency 64 --seed 3)
echo "$steady" >&2
accepted=$(echo "$fast" | sed -n 's/^  200 accepted: //p')
echo "receive_rps=$(echo "$fast" | sed -n 's/.*(\([0-9]*\)\/s).*/\1/p')"
echo "receive_accepted=$accepted"
echo "receive_p50_ms=$(echo "$steady" | sed -n 's/^latency p50 \([0-9.]*\) ms.*/\1/p')"
echo "receive_p99_ms=$(echo "$steady" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')"
