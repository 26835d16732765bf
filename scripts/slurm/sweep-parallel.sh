#!/bin/bash
# Many small shards inside ONE allocation with GNU parallel, instead of a
# flood of tiny array jobs (sites ask for fewer than ~10 allocations a
# minute; scheduler overhead was ~1.3 s per task on a one-node Slurm).
#
#   salloc -N 1 -c 32 scripts/slurm/sweep-parallel.sh SWEEP_FILE OUT_DIR 64 4
#   (64 shards, 4 at a time, each with 32 / 4 = 8 OpenMP threads)
# Works without Slurm too (any machine with GNU parallel).
set -euo pipefail
sweep=${1:?usage: sweep-parallel.sh SWEEP_FILE OUT_DIR SHARDS JOBS}
out=${2:?}
shards=${3:-16}
jobs=${4:-2}
cpus=${SLURM_CPUS_PER_TASK:-$(nproc)}
export OMP_NUM_THREADS=$(( cpus / jobs > 0 ? cpus / jobs : 1 ))
simsrv=${SIMSRV:-build/simsrv}
seq 0 $(( shards - 1 )) | parallel --jobs "$jobs" --halt now,fail=1 \
    "$simsrv" sweep "$sweep" --out "$out" --shard {}/"$shards" --quiet
"$simsrv" merge "$sweep" --out "$out"
