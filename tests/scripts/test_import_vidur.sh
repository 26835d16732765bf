#!/usr/bin/env bash
# test_import_vidur.sh - scripts/import-vidur turns Vidur's profiles into
# exactly the committed models/llama-2-7b.json, llama-3-8b.json and
# llama-2-70b.json (--check: nothing written), and its log states every
# fit's error on held-out rows (printed here).  Vidur's data are read from
# $SIMSRV_VIDUR_DIR, or ../shared/reference/llm/vidur-profiling beside the
# source tree; skips (77) naming the folder when it is absent.  A folder
# that is not Vidur's is refused in one line, exit 1.
#
# usage: test_import_vidur.sh SOURCE_ROOT
set -u
src=$1
dir=${SIMSRV_VIDUR_DIR:-$src/../shared/reference/llm/vidur-profiling}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/scripts/import-vidur" "$tmp" 2>"$tmp/err" >/dev/null
rc=$?
if [ $rc -ne 1 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
   ! grep -q 'not a Vidur profiling folder' "$tmp/err"; then
    echo "FAIL: a folder without compute/: exit $rc: $(cat "$tmp/err")"
    exit 1
fi
if [ ! -d "$dir/compute" ]; then
    echo "skip: Vidur's profiles not found in $dir (set SIMSRV_VIDUR_DIR)"
    exit 77
fi
python3 "$src/scripts/import-vidur" --check --out "$src/models" "$dir" \
    >"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
if [ $rc -ne 0 ]; then
    echo "FAIL: import-vidur --check: exit $rc"; exit 1
fi
n=$(grep -c 'held-out median' "$tmp/log")
if [ "$n" -lt 40 ]; then
    echo "FAIL: $n fit lines with held-out errors, expected >= 40"; exit 1
fi
echo "ok: the three profiles are what the data give; $n fits with held-out errors"
