#!/usr/bin/env bash
# `mpirun -np 2 simsrv-mpi` gives the same tables as the threaded run, byte
# for byte (with --quiet, which the final merge takes too).  Arguments:
# simsrv, simsrv-mpi, the source root.
set -euo pipefail
simsrv=$1
simsrv_mpi=$2
root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/base.json" <<JSON
{"horizon_s": 1800, "seed": 9, "timeseries_interval_s": 0,
 "models_dir": "$root/models", "model": "mlp-tabular",
 "workload": {"type": "poisson", "rate_per_s": 4},
 "alternatives": [{"name": "a", "memory_mb": 512},
                  {"name": "b", "memory_mb": 512, "provisioned": 1}]}
JSON
cat > "$work/sweep.json" <<JSON
{"scenario": "base.json", "replications": 3,
 "grid": {"alternatives[0].keepalive.keepalive_s": [0, 10, 600],
          "workload.rate_per_s": [1, 4, 9]}}
JSON
"$simsrv" sweep "$work/sweep.json" --threads 2 --out "$work/threads" --quiet > /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np 2 "$simsrv_mpi" "$work/sweep.json" --out "$work/mpi" --quiet \
    --threads 1 > /dev/null
pass=0
for f in cells.csv points.csv diffs.csv; do
    if cmp -s "$work/threads/$f" "$work/mpi/$f"; then
        echo "ok: $f identical"
        pass=$((pass + 1))
    else
        echo "FAIL: $f differs between the threaded and the MPI run"
    fi
done
[ -f "$work/mpi/shard-1-of-2.csv" ] || { echo "FAIL: rank 1 wrote no shard"; exit 1; }
echo "$pass passed, $((3 - pass)) failed"
[ "$pass" = 3 ]
