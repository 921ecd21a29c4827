#!/usr/bin/env bash
# Installs what leadspool builds with, when missing (Debian): the C libraries it links against (SQLite,
# zlib, jemalloc), and any further packages named as arguments (`make test` adds the tools its tests use).
set -euo pipefail
need=()
for pkg in libsqlite3-dev zlib1g-dev libjemalloc-dev "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
