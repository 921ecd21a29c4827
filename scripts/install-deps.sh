#!/usr/bin/env bash
# Installs what leadspool builds and tests with, when missing (Debian): the C libraries it links
# against, and Chromium, which the end-to-end tests use to render the HTML reports headless.
set -euo pipefail
need=()
for pkg in libsqlite3-dev zlib1g-dev chromium "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
