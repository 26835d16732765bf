#!/usr/bin/env bash
# HDF5 is loaded when a file in it is written, not when simsrv starts
# (src/output/h5dl.h), through the real CLI:
#  - `simsrv --version` and a `run` without --requests load no libhdf5
#    (glibc's LD_DEBUG=libs lists every library a process loads);
#  - `run --requests` loads it and writes requests.h5;
#  - with the library missing (SIMSRV_HDF5_LIB naming no file) `run
#    --requests` exits 2 with one line naming requests.h5 and why, and the
#    folder's previous set is untouched; `sweep` exits 2 naming sweep.h5
#    before it runs a cell or creates its folder; `merge` likewise leaves
#    the shards and writes nothing;
#  - a library that is not HDF5 (libz) is refused naming the symbol it
#    lacks.
# Skips (77) in a build without HDF5.
# Arguments: the simsrv binary and the source root (meson passes both).
set -euo pipefail
simsrv=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$work/s.json" <<JSON
{"name": "h5", "horizon_s": 120, "seed": 3, "models_dir": "$root/models",
 "model": "mlp-tabular", "workload": {"type": "poisson", "rate_per_s": 2},
 "alternatives": [{"name": "a", "memory_mb": 512}]}
JSON
cat > "$work/w.json" <<JSON
{"scenario": "s.json", "replications": 2,
 "grid": {"alternatives[0].keepalive.keepalive_s": [0, 60]}}
JSON

if ! "$simsrv" run "$work/s.json" --out "$work/probe" -q --requests \
    > /dev/null 2>&1; then
    echo "SKIP: this simsrv writes no HDF5"
    exit 77
fi

# loads NAME CMD...: whether the command's process loaded a libhdf5
loads() {
    local log=$work/ld.txt
    LD_DEBUG=libs "$@" > /dev/null 2> "$log" || fail "$* failed"
    grep -q "calling init: .*libhdf5" "$log"
}
loads "$simsrv" --version && fail "--version loaded libhdf5"
loads "$simsrv" run "$work/s.json" --out "$work/r1" -q &&
    fail "a run without --requests loaded libhdf5"
[ -e "$work/r1/summary.csv" ] || fail "the run wrote no summary.csv"
loads "$simsrv" run "$work/s.json" --out "$work/r2" -q --requests ||
    fail "run --requests did not load libhdf5"
[ -s "$work/r2/requests.h5" ] || fail "run --requests wrote no requests.h5"
echo "ok: libhdf5 loaded only by run --requests"

# refused NAME FILE CMD...: exit 2, one stderr line naming FILE and the
# reason for a missing library
refused() {
    local name=$1 file=$2 want=$3
    shift 3
    local rc=0
    "$@" > "$work/out.txt" 2> "$work/err.txt" || rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit $rc, not 2"
    [ "$(wc -l < "$work/err.txt")" -eq 1 ] ||
        fail "$name: not one stderr line: $(cat "$work/err.txt")"
    grep -qF "$file: " "$work/err.txt" ||
        fail "$name: does not name $file: $(cat "$work/err.txt")"
    grep -qF "$want" "$work/err.txt" ||
        fail "$name: does not say '$want': $(cat "$work/err.txt")"
    echo "ok: $name: $(cat "$work/err.txt")"
}
missing=$work/no/libhdf5.so
cp -a "$work/r2" "$work/r2.before"
SIMSRV_HDF5_LIB=$missing refused "run --requests, no library" \
    "$work/r2/requests.h5" "cannot load the HDF5 library" \
    "$simsrv" run "$work/s.json" --out "$work/r2" -q --requests
diff -r "$work/r2" "$work/r2.before" > /dev/null ||
    fail "run --requests, no library: the previous set changed"
SIMSRV_HDF5_LIB=$missing refused "sweep, no library" "$work/sw/sweep.h5" \
    "cannot load the HDF5 library" \
    "$simsrv" sweep "$work/w.json" --out "$work/sw" -q
[ ! -e "$work/sw" ] || fail "sweep, no library: it created its folder"
SIMSRV_HDF5_LIB=$missing "$simsrv" sweep "$work/w.json" --out "$work/sk" -q \
    --shard 0/2 > /dev/null 2>&1 ||
    fail "a shard (which writes no sweep.h5) needed the library"
# 2 points x 2 replications = 4 cells: shard 0 of 2 holds cells 0 and 2
# (below its two header lines)
rows=$(tail -n +3 "$work/sk/shard-0-of-2.csv" | wc -l)
[ "$rows" -eq 2 ] || fail "shard 0/2 holds $rows cells, not 2"
"$simsrv" sweep "$work/w.json" --out "$work/sk" -q --shard 1/2 \
    > /dev/null 2>&1 || fail "the second shard failed"
cp -a "$work/sk" "$work/sk.before"
SIMSRV_HDF5_LIB=$missing refused "merge, no library" "$work/sk/sweep.h5" \
    "cannot load the HDF5 library" \
    "$simsrv" merge "$work/w.json" --out "$work/sk"
diff -r "$work/sk" "$work/sk.before" > /dev/null ||
    fail "merge, no library: the shards' folder changed"
notz=$(ldd "$simsrv" | awk '/libz\.so/ {print $3; exit}') # (zlib: simsrv's)
[ -f "$notz" ] || fail "no libz found beside simsrv"
SIMSRV_HDF5_LIB=$notz refused "run --requests, not HDF5" \
    "$work/r2/requests.h5" "has no H5" \
    "$simsrv" run "$work/s.json" --out "$work/r2" -q --requests
echo "all HDF5 on-demand checks passed"
