#!/usr/bin/env bash
# Output sets, temporaries and the folder lock, through the real CLI:
#  - a write that fails (the test hook SIMSRV_TEST_FAIL_WRITE=N fails the
#    Nth output file as a full disk would; and, when run as root, a real
#    64 kB tmpfs filled up) gives exit 2, exactly one line on stderr, no
#    temporary left, and the previous set byte-for-byte untouched -- for
#    `run` (each of its 4 files with --requests: summary.json, summary.csv,
#    timeseries.csv, requests.h5), `sweep` and `merge` (each of cells.csv,
#    points.csv, diffs.csv, sweep.h5; 3 files without HDF5);
#  - a stale "*.tmp.PID" of a dead process is removed by the next run into
#    the folder; one of a live process is left;
#  - requests.h5 and sweep.h5 are the same bytes on two identical runs (no
#    HDF5 object timestamps);
#  - a second sweep into a folder whose .simsrv.lock a live process holds
#    fails in one line naming that PID (exit 2); a dead process's lock is
#    taken over, and the lock is gone after the sweep.
# Does not pin the wording of the messages beyond the file and PID named.
# Arguments: the simsrv binary and the source root (meson passes both).
set -euo pipefail
simsrv=$1
root=$2
work=$(mktemp -d)
mnt=""
cleanup() {
    if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$work/base.json" <<JSON
{"name": "outsets", "horizon_s": 600, "seed": 7, "replications": 2,
 "timeseries_interval_s": 60, "models_dir": "$root/models",
 "model": "mlp-tabular",
 "workload": {"type": "poisson", "rate_per_s": 2.385},
 "alternatives": [{"name": "ka", "memory_mb": 512},
                  {"name": "pc", "memory_mb": 512, "provisioned": 1}]}
JSON
cat > "$work/sweep.json" <<JSON
{"scenario": "base.json", "replications": 2,
 "grid": {"alternatives[0].keepalive.keepalive_s": [0, 60]}}
JSON
# a PID that is certainly dead and one that is alive for the test
sh -c 'exit 0' &
dead=$!
wait "$dead"
kill -0 "$dead" 2> /dev/null && fail "pid $dead is still alive"
sleep 60 &
live=$!
have_h5=1
"$simsrv" run "$work/base.json" --out "$work/probe" -q --requests \
    > /dev/null 2>&1 || have_h5=0

# expect_failure NAME DIR CMD...: exit 2, one stderr line, DIR unchanged
# against its copy DIR.before, and no temporary left in DIR.
expect_failure() {
    local name=$1 dir=$2
    shift 2
    local rc=0
    "$@" > "$work/out.txt" 2> "$work/err.txt" || rc=$?
    [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2 ($(cat "$work/err.txt"))"
    [ "$(wc -l < "$work/err.txt")" -eq 1 ] ||
        fail "$name: stderr is not one line: $(cat "$work/err.txt")"
    diff -r "$dir.before" "$dir" > /dev/null ||
        fail "$name: the previous output set changed"
    ! ls "$dir" | grep -q '\.tmp' || fail "$name: temporaries left: $(ls "$dir")"
    echo "ok: $name: exit 2, '$(cat "$work/err.txt")'"
}

# --- 5. the fault hook: every file of each set in turn -------------------
run_args=(run "$work/base.json" --out "$work/r" -q)
n_run=3
if [ "$have_h5" -eq 1 ]; then run_args+=(--requests); n_run=4; fi
"$simsrv" "${run_args[@]}" --seed 1 > /dev/null
cp -a "$work/r" "$work/r.before"
for n in $(seq 1 "$n_run"); do
    expect_failure "run, output file number $n (in finishing order) fails" "$work/r" \
        env SIMSRV_TEST_FAIL_WRITE="$n" "$simsrv" "${run_args[@]}" --seed 2
done
"$simsrv" "${run_args[@]}" --seed 2 > /dev/null
diff -r "$work/r.before" "$work/r" > /dev/null &&
    fail "a successful run did not replace the set"

n_sweep=3
[ "$have_h5" -eq 1 ] && n_sweep=4
"$simsrv" sweep "$work/sweep.json" --out "$work/s" -q > /dev/null
# a failed sweep rewrites its shard file (resume: nothing left to do), so
# compare the tables only
mkdir "$work/s.before"
cp -a "$work/s"/*.csv "$work/s.before/"
[ "$have_h5" -eq 1 ] && cp -a "$work/s/sweep.h5" "$work/s.before/"
for n in $(seq 1 "$n_sweep"); do
    expect_failure "sweep, output file number $n (in finishing order) fails" "$work/s" \
        env SIMSRV_TEST_FAIL_WRITE="$n" "$simsrv" sweep "$work/sweep.json" \
        --out "$work/s" -q
done
for n in $(seq 1 "$n_sweep"); do
    expect_failure "merge, output file number $n (in finishing order) fails" "$work/s" \
        env SIMSRV_TEST_FAIL_WRITE="$n" "$simsrv" merge "$work/sweep.json" \
        --out "$work/s"
done

# --- 5. a real full disk (root only) -----------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "skip: disk-full case needs root to mount a tmpfs"
elif ! { mkdir "$work/tmpfs" && mount -t tmpfs -o size=64k tmpfs "$work/tmpfs"; } 2>/dev/null; then
    echo "skip: disk-full case: cannot mount a 64 kB tmpfs here"
else
    mnt=$work/tmpfs
    "$simsrv" run "$work/base.json" --out "$mnt/r" -q --no-timeseries > /dev/null ||
        fail "the first run into the tmpfs failed"
    cp -a "$mnt/r" "$work/fullr.before"
    dd if=/dev/zero of="$mnt/filler" bs=4k 2> /dev/null || true
    # compare against the copy outside the full disk
    full_check() { # NAME r|s CMD...
        local name=$1 d=$2
        shift 2
        local rc=0
        "$@" > /dev/null 2> "$work/err.txt" || rc=$?
        [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
        [ "$(wc -l < "$work/err.txt")" -eq 1 ] ||
            fail "$name: stderr is not one line: $(cat "$work/err.txt")"
        diff -r "$work/full$d.before" "$mnt/$d" > /dev/null ||
            fail "$name: the previous output set changed"
        ! ls "$mnt/$d" | grep -q '\.tmp' || fail "$name: temporaries left"
        echo "ok: $name: exit 2, '$(cat "$work/err.txt")'"
    }
    full_check "run into a full 64 kB tmpfs" r \
        "$simsrv" run "$work/base.json" --out "$mnt/r" -q --seed 3
    if [ "$have_h5" -eq 1 ]; then
        full_check "run --requests into a full 64 kB tmpfs" r \
            "$simsrv" run "$work/base.json" --out "$mnt/r" -q --seed 3 --requests
    fi
    # the sweep gets a fresh 64 kB tmpfs of its own
    umount "$mnt"
    mount -t tmpfs -o size=64k tmpfs "$mnt" || fail "cannot remount the tmpfs"
    "$simsrv" sweep "$work/sweep.json" --out "$mnt/s" -q > /dev/null ||
        fail "the first sweep into the tmpfs failed"
    # a dead run's lock, planted before the disk fills: taking it over
    # frees the page the new lock needs, so the tables are what fails
    echo "$dead" > "$mnt/s/.simsrv.lock"
    cp -a "$mnt/s" "$work/fulls.before"
    rm "$work/fulls.before/.simsrv.lock"
    dd if=/dev/zero of="$mnt/filler" bs=4k 2> /dev/null || true
    full_check "merge into a full 64 kB tmpfs" s \
        "$simsrv" merge "$work/sweep.json" --out "$mnt/s"
    grep -q "simsrv.lock" "$work/err.txt" && fail "merge failed at the lock"
    echo "$dead" > "$mnt/s/.simsrv.lock"
    full_check "sweep into a full 64 kB tmpfs" s \
        "$simsrv" sweep "$work/sweep.json" --out "$mnt/s" -q
    grep -q "simsrv.lock" "$work/err.txt" && fail "sweep failed at the lock"
    umount "$mnt"
    mnt=""
fi

# --- 6. stale temporaries ---------------------------------------------
touch "$work/r/summary.json.tmp.$dead" "$work/r/requests.h5.tmp.$dead" \
      "$work/r/summary.csv.tmp.$live"
"$simsrv" run "$work/base.json" --out "$work/r" -q > /dev/null
[ -e "$work/r/summary.json.tmp.$dead" ] && fail "stale temp of dead pid $dead left"
[ -e "$work/r/requests.h5.tmp.$dead" ] && fail "stale temp of dead pid $dead left"
[ -e "$work/r/summary.csv.tmp.$live" ] || fail "temp of live pid $live removed"
echo "ok: run removed the temporaries of dead pid $dead, kept live pid $live's"
touch "$work/s/cells.csv.tmp.$dead"
"$simsrv" sweep "$work/sweep.json" --out "$work/s" -q > /dev/null
[ -e "$work/s/cells.csv.tmp.$dead" ] && fail "sweep left a stale temp"
echo "ok: sweep removed the temporary of dead pid $dead"

# --- 7. the same bytes twice --------------------------------------------
if [ "$have_h5" -eq 1 ]; then
    for i in 1 2; do
        "$simsrv" run "$work/base.json" --out "$work/d$i" -q --requests > /dev/null
        sleep 1.1 # HDF5 timestamps have one-second resolution
        "$simsrv" sweep "$work/sweep.json" --out "$work/w$i" -q > /dev/null
        sleep 1.1
    done
    cmp "$work/d1/requests.h5" "$work/d2/requests.h5" ||
        fail "requests.h5 differs between identical runs"
    cmp "$work/w1/sweep.h5" "$work/w2/sweep.h5" ||
        fail "sweep.h5 differs between identical sweeps"
    echo "ok: requests.h5 and sweep.h5 are byte-identical between identical runs"
else
    echo "skip: built without HDF5"
fi

# --- 10. the lock -------------------------------------------------------
cp -a "$work/s" "$work/s.before2"
rm -rf "$work/s.before"
mv "$work/s.before2" "$work/s.before"
echo "$live" > "$work/s/.simsrv.lock"
cp "$work/s/.simsrv.lock" "$work/s.before/.simsrv.lock"
expect_failure "sweep into a folder locked by live pid $live" "$work/s" \
    "$simsrv" sweep "$work/sweep.json" --out "$work/s" -q
grep -q "$live" "$work/err.txt" || fail "the lock message does not name pid $live"
grep -q ".simsrv.lock" "$work/err.txt" || fail "the lock message does not name the file"
expect_failure "merge into a folder locked by live pid $live" "$work/s" \
    "$simsrv" merge "$work/sweep.json" --out "$work/s"
echo "$dead" > "$work/s/.simsrv.lock"
"$simsrv" sweep "$work/sweep.json" --out "$work/s" -q > /dev/null ||
    fail "a dead pid's lock was not taken over"
[ -e "$work/s/.simsrv.lock" ] && fail "the lock is left after the sweep"
echo "ok: dead pid $dead's lock taken over and removed at exit"
kill "$live" 2> /dev/null || true
echo "all output-set checks passed"
