#!/usr/bin/env bash
# Runs every plotting script on a small fresh result and checks that each
# writes a PNG (the PNG signature, more than 5 kB).  Arguments: the simsrv
# binary and the source root (meson passes both).
set -euo pipefail
simsrv=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=$root/models
cat > "$work/base.json" <<JSON
{"name": "plots", "horizon_s": 3600, "seed": 3, "replications": 2,
 "timeseries_interval_s": 60, "models_dir": "$models", "model": "resnet50",
 "workload": {"type": "mmpp", "rate_on_per_s": 5, "rate_off_per_s": 0.1,
              "mean_on_s": 60, "mean_off_s": 600},
 "alternatives": [
   {"name": "lambda", "memory_mb": 2048},
   {"name": "lambda-ka30", "memory_mb": 2048, "keepalive": {"keepalive_s": 30}},
   {"name": "vm", "platform": "vm", "vm": {"instance_type": "c7i.large", "slots": 2}}]}
JSON
cat > "$work/sweep.json" <<JSON
{"scenario": "base.json", "replications": 2,
 "grid": {"alternatives[1].keepalive.keepalive_s": [0, 30, 300],
          "workload.rate_on_per_s": [2, 8]}}
JSON
"$simsrv" run "$work/base.json" --out "$work/run" --quiet > /dev/null
"$simsrv" sweep "$work/sweep.json" --out "$work/sweep" --quiet > /dev/null
check() {
    local png=$1
    [ -s "$png" ] || { echo "FAIL: $png missing"; exit 1; }
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
        { echo "FAIL: $png is not a PNG"; exit 1; }
    [ "$(stat -c %s "$png")" -gt 5000 ] || { echo "FAIL: $png is too small"; exit 1; }
    echo "ok: $(basename "$png") $(stat -c %s "$png") bytes"
}
s=$root/scripts
"$s/plot_pareto.py" "$work/run/summary.csv" --out "$work/pareto.png" > /dev/null
check "$work/pareto.png"
"$s/plot_timeseries.py" "$work/run/timeseries.csv" --alternative lambda-ka30 --out "$work/ts.png" > /dev/null
check "$work/ts.png"
"$s/plot_cdf.py" "$work/run/summary.json" --out "$work/cdf.png" > /dev/null
check "$work/cdf.png"
"$s/plot_keepalive.py" "$work/sweep/points.csv" --alternative lambda-ka30 --out "$work/ka.png" > /dev/null
check "$work/ka.png"
"$s/plot_heatmap.py" "$work/sweep/points.csv" --out "$work/heat.png" > /dev/null
check "$work/heat.png"
echo "5 passed, 0 failed"
