#!/usr/bin/env bash
# Installs leadspool into a temporary prefix with `make install` and checks that what it installed runs
# on a Debian machine without Swift: the binary loads no library from the Swift toolchain (ldd, and the
# dynamic loader's own log), allocates with jemalloc, runs `--help` and a whole `demo` (which crashes if
# two allocators share the process) with an empty environment, and the man page and the bash, zsh and
# fish completions are in place. The release build takes 12+ minutes on 2 cores.
#
# PREFIX (default: a new temporary directory) and STATIC_BUILD (make's default) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-$(mktemp -d /tmp/leadspool-prefix.XXXXXX)}"
make install PREFIX="$prefix" ${STATIC_BUILD:+STATIC_BUILD="$STATIC_BUILD"}
bin="$prefix/bin/leadspool"
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# The toolchain's runtime libraries (libswiftCore.so, libFoundation*.so, ...) live here.
toolchain_lib=""
if command -v swift >/dev/null 2>&1; then
    toolchain_lib="$(cd "$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux" && pwd -P)"
fi
echo "== installed under $prefix; toolchain libraries: ${toolchain_lib:-none (no swift on PATH)}"
ls -l "$bin"

echo "== ldd $bin"
ldd_out="$(ldd "$bin")"
echo "$ldd_out"
if grep -Eq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu' <<<"$ldd_out"; then
    fail "the binary needs a Swift runtime library"
else
    ok "no Swift runtime library needed"
fi
if grep -q 'not found' <<<"$ldd_out"; then fail "a library is missing"; fi
if [ -n "$toolchain_lib" ] && grep -qF "$toolchain_lib" <<<"$ldd_out"; then
    fail "a library resolves into the toolchain ($toolchain_lib)"
fi

echo "== the Debian packages the binary's libraries come from"
awk '/=> \// { print $3 }' <<<"$ldd_out" | while read -r lib; do
    real="$(readlink -f "$lib")"
    pkg="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || echo "?: not from a package")"
    echo "  $lib: ${pkg%%:*}"
done

echo "== jemalloc: the allocator of the binary and of the libraries it loads, with the binary's options"
if grep -q 'libjemalloc.so' <<<"$ldd_out" &&
    env -i PATH=/usr/bin:/bin MALLOC_CONF=stats_print:true "$bin" --help 2>&1 | grep -q 'opt.narenas: 1$'; then
    ok "jemalloc in use (malloc_conf of CSupport read)"
else
    fail "jemalloc not in use as built"
fi

echo "== env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= $bin --help"
if env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$bin" --help >/tmp/leadspool-help.$$ 2>&1; then
    head -3 /tmp/leadspool-help.$$
    ok "--help runs with an empty environment"
else
    cat /tmp/leadspool-help.$$
    fail "--help failed with an empty environment"
fi
rm -f /tmp/leadspool-help.$$

echo "== LD_DEBUG=libs: the libraries the loader really opens"
loaded="$(env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= LD_DEBUG=libs "$bin" --help 2>&1 >/dev/null |
    sed -n 's/.*calling init: //p' | sort -u)"
echo "$loaded"
if [ -n "$toolchain_lib" ] && grep -qF "$toolchain_lib" <<<"$loaded"; then
    fail "a library was loaded from the toolchain"
elif grep -q 'libswift' <<<"$loaded"; then
    fail "a Swift runtime library was loaded"
else
    ok "nothing loaded from the toolchain"
fi

echo "== env -i ... $bin demo (the whole pipeline: SQLite, gzip, HTTP to the sandbox on loopback)"
demo_dir="$(mktemp -d /tmp/leadspool-demo.XXXXXX)"
if (cd "$demo_dir" && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= HOME="$demo_dir" TMPDIR="$demo_dir" \
    "$bin" demo --quiet) >"$demo_dir/out" 2>&1; then
    tail -4 "$demo_dir/out"
    ok "demo ran"
else
    tail -20 "$demo_dir/out"
    fail "demo failed"
fi
rm -rf "$demo_dir"

echo "== man page and completions"
for file in share/man/man1/leadspool.1 share/bash-completion/completions/leadspool \
    share/zsh/site-functions/_leadspool share/fish/vendor_completions.d/leadspool.fish; do
    if [ -s "$prefix/$file" ]; then ok "$file"; else fail "$file missing or empty"; fi
done
if bash -n "$prefix/share/bash-completion/completions/leadspool"; then ok "bash completion parses"; else fail "bash completion"; fi
if command -v man >/dev/null 2>&1; then
    if MANWIDTH=80 man -l "$prefix/share/man/man1/leadspool.1" 2>/dev/null | grep -q 'leadspool'; then
        ok "man page renders"
    else
        fail "man page does not render"
    fi
fi

if [ "$failures" -gt 0 ]; then
    echo "check-install: $failures failed"
    exit 1
fi
echo "check-install: all passed ($prefix)"
