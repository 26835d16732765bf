#!/usr/bin/env bash
# `simsrv optimize` gives the same finalists.csv, pareto.csv and
# recommended.json, byte for byte, with 1 and 2 threads; unsharded and as
# 2 and 3 shards (each shard rerun until it says every run is there, then
# the unsharded command writes the outputs; or as a Slurm array task, from
# SLURM_ARRAY_TASK_ID/COUNT); resumed after a kill -9 in the
# middle of a stage (the test hook SIMSRV_TEST_STOP_AFTER_CELLS); for the
# full elimination and the monotone search; and under `mpirun -np 2
# simsrv-mpi optimize` when built with MPI (skipped with a message
# otherwise).  A shard that lacks other shards' runs says which; a log of
# another plan and a changed row are refused with one line, exit 2.
# Arguments: simsrv, simsrv-mpi ('' without MPI), the source root.
set -euo pipefail
simsrv=$1
simsrv_mpi=$2
root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/base.json" <<JSON
{"horizon_s": 600, "seed": 11, "timeseries_interval_s": 0, "slo_ms": 300,
 "models_dir": "$root/models", "model": "resnet50",
 "workload": {"type": "poisson", "rate_per_s": 6},
 "alternatives": [
   {"name": "lambda", "platform": "serverless", "pricing": "aws-lambda-x86",
    "memory_mb": 2048, "timeout_s": 60},
   {"name": "vm", "platform": "vm",
    "vm": {"instance_type": "c7i.large", "count": 1, "slots": 2}}]}
JSON
cat > "$work/all.json" <<JSON
{"scenario": "base.json",
 "space": {"alternatives[0].memory_mb": {"log_range": [1024, 6144], "count": 4},
           "alternatives[1].vm.count": {"range": [1, 4]}},
 "constraints": [{"metric": "p99_ms", "<=": 150}],
 "objective": "usd_per_month",
 "replications": {"initial": 4, "batch": 4, "max": 16}}
JSON
cat > "$work/mono.json" <<JSON
{"scenario": "base.json", "alternatives": ["vm"], "search": "monotone",
 "space": {"alternatives[1].vm.count": {"range": [1, 8]}},
 "constraints": [{"metric": "p99_ms", "<=": 150}],
 "objective": "usd_per_month",
 "replications": {"initial": 4, "batch": 4, "max": 16}}
JSON
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
same() { # same DIR_A DIR_B what
    local f
    for f in finalists.csv pareto.csv recommended.json; do
        if ! cmp -s "$1/$f" "$2/$f"; then
            bad "$3: $f differs"
            return
        fi
    done
    ok "$3: the same three files"
}
# shards PROBLEM K DIR: reruns every shard until each says every run is
# there (at most 20 rounds), then finishes unsharded
shards() {
    local round k said
    for round in $(seq 20); do
        said=0
        for k in $(seq 0 $(($2 - 1))); do
            "$simsrv" optimize "$work/$1.json" --shard "$k/$2" --out "$3" \
                --quiet > "$3.last"
            grep -q "every run of the optimisation is in" "$3.last" &&
                said=$((said + 1))
        done
        [ "$said" = "$2" ] && break
    done
    "$simsrv" optimize "$work/$1.json" --out "$3" --quiet > "$3.final"
}

for prob in all mono; do
    "$simsrv" optimize "$work/$prob.json" --threads 1 --out "$work/$prob-t1" \
        --quiet > "$work/$prob-t1.out"
    grep -q "^recommended: candidate" "$work/$prob-t1.out" ||
        bad "$prob: no recommendation"
    "$simsrv" optimize "$work/$prob.json" --threads 2 --out "$work/$prob-t2" \
        --quiet > /dev/null
    same "$work/$prob-t1" "$work/$prob-t2" "$prob, 1 and 2 threads"
    for K in 2 3; do
        shards "$prob" "$K" "$work/$prob-s$K"
        same "$work/$prob-t1" "$work/$prob-s$K" "$prob, unsharded and $K shards"
        [ -f "$work/$prob-s$K/opt-shard-$((K - 1))-of-$K.csv" ] ||
            bad "$prob: shard $((K - 1))/$K wrote no log"
    done
    # a kill -9 after 10 runs, in the middle of stage 1 (or of a probe)
    rc=0
    SIMSRV_TEST_STOP_AFTER_CELLS=10 "$simsrv" optimize "$work/$prob.json" \
        --threads 2 --out "$work/$prob-kill" --quiet > /dev/null || rc=$?
    [ "$rc" = 137 ] || bad "$prob: the kill hook did not fire (rc $rc)"
    [ ! -f "$work/$prob-kill/finalists.csv" ] ||
        bad "$prob: a killed run wrote outputs"
    # and a torn last line, as a kill in the middle of a write leaves
    printf '0,11,1234,0.5' >> "$work/$prob-kill/opt-shard-0-of-1.csv"
    "$simsrv" optimize "$work/$prob.json" --out "$work/$prob-kill" --quiet \
        > "$work/$prob-kill.out"
    if grep -q "^resumed: 10 runs read from" "$work/$prob-kill.out"; then
        ok "$prob: the rerun resumed from the 10 runs the killed one logged"
    else
        bad "$prob: no resume line: $(head -1 "$work/$prob-kill.out")"
    fi
    same "$work/$prob-t1" "$work/$prob-kill" "$prob, uninterrupted and resumed"
    if tail -n +2 "$work/$prob-kill.out" | sed "s|$prob-kill|$prob-t1|g" |
        cmp -s - "$work/$prob-t1.out"; then
        ok "$prob: the resumed run printed the same summary"
    else
        bad "$prob: the resumed run printed another summary"
    fi
done

# a rerun of a finished optimisation makes nothing
"$simsrv" optimize "$work/all.json" --out "$work/all-t1" --quiet > "$work/again.out"
runs=$(sed -n 's/^[0-9]* candidates, [0-9]* stages, \([0-9]*\) runs.*/\1/p' "$work/all-t1.out")
if grep -q "^resumed: $runs runs read from $work/all-t1/opt-shard-\*.csv, 0 made now$" "$work/again.out"; then
    ok "a rerun of a finished optimisation reads its $runs runs and makes none"
else
    bad "the rerun said: $(head -1 "$work/again.out")"
fi

# a first round of 2 shards: shard 0 lacks shard 1's runs of stage 1
"$simsrv" optimize "$work/all.json" --shard 0/2 --out "$work/first" --quiet \
    > "$work/first.out"
if grep -q "^shard 0/2: stage 1 lacks 16 runs of shard 1 (the first: candidate 0 replication 1); 16 runs made here" "$work/first.out"; then
    ok "a shard names the runs it lacks"
else
    bad "shard 0/2 said: $(cat "$work/first.out")"
fi

# a Slurm array task (without --shard) is its shard: task 0 of 2 says what
# --shard 0/2 said
SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=2 "$simsrv" optimize "$work/all.json" \
    --out "$work/slurm" --quiet > "$work/slurm.out"
if sed "s|$work/slurm|$work/first|g" "$work/slurm.out" | cmp -s - "$work/first.out" &&
    [ -f "$work/slurm/opt-shard-0-of-2.csv" ]; then
    ok "a Slurm array task runs its shard"
else
    bad "array task 0 of 2 said: $(cat "$work/slurm.out")"
fi

# refused: a log of another plan, a changed row
sed 's/"<=": 150/"<=": 160/' "$work/all.json" > "$work/other.json"
rc=0
"$simsrv" optimize "$work/other.json" --out "$work/all-t1" --quiet \
    > /dev/null 2> "$work/err" || rc=$?
if [ "$rc" = 2 ] && grep -q "opt-shard-0-of-1.csv: belongs to another optimisation" "$work/err" &&
    [ "$(wc -l < "$work/err")" = 1 ]; then
    ok "a log of another plan is refused"
else
    bad "another plan's log: rc $rc, $(cat "$work/err")"
fi
log=$work/all-t1/opt-shard-0-of-1.csv
awk -F, -v OFS=, 'NR == 5 { $3 = $3 + 1 } { print }' "$log" > "$work/changed"
cp "$work/changed" "$log"
rc=0
"$simsrv" optimize "$work/all.json" --out "$work/all-t1" --quiet \
    > /dev/null 2> "$work/err" || rc=$?
if [ "$rc" = 2 ] && grep -q "opt-shard-0-of-1.csv: line 5: the row does not match its crc32" "$work/err"; then
    ok "a changed row is refused"
else
    bad "a changed row: rc $rc, $(cat "$work/err")"
fi

if [ -n "$simsrv_mpi" ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    for prob in all mono; do
        mpirun --oversubscribe -np 2 "$simsrv_mpi" optimize "$work/$prob.json" \
            --out "$work/$prob-mpi" --threads 1 > /dev/null 2>&1
        same "$work/$prob-t1" "$work/$prob-mpi" "$prob, threaded and 2 MPI ranks"
    done
else
    echo "skipped: simsrv-mpi not built (meson -Dmpi=enabled) - the MPI path is not tested"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
