#!/usr/bin/env bash
# Runs every plotting script on a small fresh result and checks that each
# writes a PNG (the PNG signature, more than 5 kB); then, on a run of 12
# alternatives, that the CDF and Pareto figures give each alternative its
# own style, that the CDF has a log tail axis and the Pareto plot point
# labels and the SLO line; and that each script's --help shows its whole
# description.  Arguments: the simsrv binary and the source root (meson
# passes both).
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

# an optimisation's two figures: every evaluated candidate, the front, the
# bound and the star; each evaluated candidate with its reason
cat > "$work/opt.json" <<JSON
{"scenario": "base.json", "space": {"alternatives[2].vm.count": {"range": [1, 3]}},
 "constraints": [{"metric": "p99_ms", "<=": 2000}],
 "replications": {"initial": 3, "batch": 3, "max": 6}}
JSON
"$simsrv" optimize "$work/opt.json" --out "$work/opt" --quiet > /dev/null
"$s/plot_optimize.py" "$work/opt" --out "$work/opt" > /dev/null
check "$work/opt-pareto.png"
check "$work/opt-finalists.png"
/usr/bin/python3 - "$s" "$work/opt" <<'PY' || { echo "FAIL: optimize figure checks"; exit 1; }
import sys
sys.path.insert(0, sys.argv[1])
import plot_optimize
fin, par, obj, lat = plot_optimize.read(sys.argv[2])
assert (obj, lat) == ("cost_usd", "p99_ms"), (obj, lat)
ax = plot_optimize.draw_pareto(fin, par, obj, lat).axes[0]
labels = [l.get_label() for l in ax.get_lines()]
assert "Pareto front" in labels and "recommended" in labels, labels
assert any(list(l.get_xdata()) == [2000, 2000] for l in ax.get_lines()), "no bound line"
ax = plot_optimize.draw_finalists(fin, obj).axes[0]
assert len(ax.texts) == len(fin) == 5, (len(ax.texts), len(fin))
assert all(t.get_text() for t in ax.texts), "a candidate without its reason"
print("ok: optimize: %d candidates, front, bound at 2000 ms, star; each with its reason"
      % len(fin))
PY

# 12 alternatives: more than the 10 colours of the default cycle
/usr/bin/python3 - "$work/base.json" "$work/base12.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
alts = [{"name": "lambda-ka%d" % k, "memory_mb": 2048, "keepalive": {"keepalive_s": k}}
        for k in (0, 10, 30, 60, 120, 300, 600, 900)]
alts += [{"name": "lambda-%dmb" % m, "memory_mb": m} for m in (3008, 4096)]
alts += [{"name": "lambda-prov1", "memory_mb": 2048, "provisioned": 1},
         {"name": "vm", "platform": "vm", "vm": {"instance_type": "c7i.large", "slots": 2}}]
b["alternatives"] = alts
json.dump(b, open(sys.argv[2], "w"))
PY
"$simsrv" run "$work/base12.json" --out "$work/run12" --quiet > /dev/null
"$s/plot_cdf.py" "$work/run12/summary.json" --out "$work/cdf12.png" > /dev/null
check "$work/cdf12.png"
"$s/plot_pareto.py" "$work/run12/summary.csv" --out "$work/pareto12.png" > /dev/null
check "$work/pareto12.png"
/usr/bin/python3 - "$s" "$work/run12" <<'PY' || { echo "FAIL: figure checks"; exit 1; }
import json, sys
sys.path.insert(0, sys.argv[1])
import pandas as pd
import plot_cdf, plot_common, plot_pareto
st = plot_common.styles(100)
assert len({(x["color"], x["linestyle"]) for x in st[:40]}) == 40, "40 line styles"
assert len({(x["color"], x["marker"]) for x in st}) == 100, "100 marker styles"
assert len(set(plot_common.colours(30))) == 30, "30 colours"
summary = json.load(open(sys.argv[2] + "/summary.json"))
names = [a["name"] for a in summary["alternatives"]]
assert len(names) == 12 and summary["slo_ms"] == 1000
fig = plot_cdf.draw(summary)
cdf, tail = fig.axes[:2]
lines = [l for l in cdf.get_lines() if l.get_label() in names]
assert len(lines) == 12, len(lines)
assert len({(l.get_color(), l.get_linestyle()) for l in lines}) == 12, "CDF styles repeat"
assert tail.get_yscale() == "log" and tail.get_ylim()[0] <= 1e-3, "no log tail axis"
assert any(list(l.get_xdata()) == [1000, 1000] for l in tail.get_lines()), "CDF: no SLO line"
print("ok: CDF: 12 distinct line styles, 1 - CDF on a log axis down to %g, SLO line"
      % tail.get_ylim()[0])
df = pd.read_csv(sys.argv[2] + "/summary.csv")
assert plot_pareto.slo_beside(sys.argv[2] + "/summary.csv") == 1000
fig = plot_pareto.draw(df, "p99_ms", 1000)
ax = fig.axes[0]
dots = [c.lines[0] for c in ax.containers if c.get_label() in names]
assert len(dots) == 12, len(dots)
assert len({(d.get_color(), d.get_marker()) for d in dots}) == 12, "Pareto styles repeat"
text = " ".join(t.get_text() for t in ax.texts)
missing = [n for n in names if n not in text.replace(",", " ").split()]
assert not missing, "Pareto: unlabelled %s" % missing
slo = [l for l in ax.get_lines() if list(l.get_xdata()) == [1000, 1000]]
assert slo and slo[0].get_label() == "SLO 1000 ms", "Pareto: no SLO line"
print("ok: Pareto: 12 distinct marker styles, every point labelled, SLO line at 1000 ms")
PY

# --help shows the docstring's whole first paragraph, a complete sentence
for p in plot_cdf plot_pareto plot_timeseries plot_keepalive plot_heatmap plot_optimize; do
    "$s/$p.py" --help > "$work/help.txt" || { echo "FAIL: $p --help exits non-zero"; exit 1; }
    /usr/bin/python3 - "$s/$p.py" "$work/help.txt" <<'PY' || { echo "FAIL: $p --help"; exit 1; }
import ast, sys
doc = ast.get_docstring(ast.parse(open(sys.argv[1]).read()))
head = " ".join(doc.split("\n\n")[0].split())
shown = " ".join(open(sys.argv[2]).read().split())
assert head.endswith("."), "description is not a sentence: " + head
assert head in shown, "--help lacks: " + head
print("ok: %s --help: %s" % (sys.argv[1].rsplit("/", 1)[1], head[:60] + "..."))
PY
done
echo "all plot checks passed"
