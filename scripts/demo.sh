#!/usr/bin/env bash
# make demo (interim): generates batches for every vertical, clean and messy, CSV, JSONL and gzip,
# adds the broken fixture files, and runs `leadspool check` over them. Says where the reports are.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/leadspool}
dir=$(mktemp -d /tmp/leadspool-demo.XXXXXX)
mkdir -p "$dir/batches" "$dir/reports"
"$BIN" gen --rows 400 --vertical insurance --seed 1 --output "$dir/batches/insurance-clean.csv" 2>/dev/null
"$BIN" gen --rows 300 --vertical mortgage --dirty 0.3 --seed 2 --output "$dir/batches/mortgage-messy.csv" 2>/dev/null
"$BIN" gen --rows 300 --vertical solar --format jsonl --dirty 0.2 --seed 3 --output "$dir/batches/solar.jsonl" 2>/dev/null
"$BIN" gen --rows 500 --dirty 0.25 --seed 4 --gzip --output "$dir/batches/mixed.csv.gz" 2>/dev/null
cp fixtures/broken/* "$dir/batches/"
echo "leadspool demo: checking $(ls "$dir/batches" | wc -l) batches in $dir/batches"
echo
set +e
"$BIN" check --quiet --report-dir "$dir/reports" "$dir"/batches/*
status=$?
set -e
echo
echo "exit status $status (65: some files could not be read at all; they are listed above)"
echo "reports: $dir/reports"
ls "$dir/reports" | sed 's/^/  /'
