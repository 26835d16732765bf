#!/usr/bin/env bash
# test_fetch_ort.sh - scripts/fetch-onnxruntime reports a failed download in
# one line with its cause and what to do, and exits 1.  The registry is a
# closed loopback port (127.0.0.1:9), so nothing leaves the machine and the
# refusal is immediate; the script runs from a copy of the tree so an
# installed library does not short-cut it.  Skips (77) without npm.
#
# usage: test_fetch_ort.sh SOURCE_ROOT
set -u
src=$1
command -v npm >/dev/null 2>&1 || { echo "skip: npm not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tree/scripts"
cp "$src/scripts/fetch-onnxruntime" "$tmp/tree/scripts/"
npm_config_registry=http://127.0.0.1:9 npm_config_fetch_retries=0 \
npm_config_fetch_timeout=5000 npm_config_cache="$tmp/cache" \
npm_config_userconfig="$tmp/npmrc" npm_config_update_notifier=false \
    timeout 60 "$tmp/tree/scripts/fetch-onnxruntime" 2>"$tmp/err"
rc=$?
grep -v 'about 114 MB' "$tmp/err" >"$tmp/msg"
lines=$(wc -l <"$tmp/msg")
if [ $rc -ne 1 ]; then
    echo "FAIL: exit $rc, expected 1: $(cat "$tmp/err")"; exit 1
elif [ "$lines" -ne 1 ]; then
    echo "FAIL: $lines lines, expected 1: $(cat "$tmp/msg")"; exit 1
elif ! grep -q 'failed: .*ECONNREFUSED.*SIMSRV_ORT_LIB' "$tmp/msg"; then
    echo "FAIL: no cause or remedy: $(cat "$tmp/msg")"; exit 1
elif [ -e "$tmp/tree/.deps" ]; then
    echo "FAIL: .deps created after a failed download"; exit 1
fi
echo "ok: $(cat "$tmp/msg")"
