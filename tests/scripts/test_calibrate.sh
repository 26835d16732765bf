#!/usr/bin/env bash
# test_calibrate.sh - `simsrv calibrate` end to end with the real ONNX
# Runtime library on a tiny model this test builds (python3-onnx), then
# --validate, then every bad input of the calibrator: each must exit 2 with
# one line on stderr and leave nothing written.  No check depends on how
# fast the machine is: the profile is checked against the measurements it
# records, and --validate's prediction against a profile the test sets.
# The calibration runs again in a network namespace with no route (when
# unshare -n is available): the same exit, no error, a profile of the same
# shape, so nothing in it needs the network (ONNX Runtime's telemetry off).
#
# usage: test_calibrate.sh SIMSRV SOURCE_ROOT FAKE_ORT_SO
set -u
simsrv=$1
src=$2
fake=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

lib=${SIMSRV_ORT_LIB:-$src/.deps/onnxruntime/libonnxruntime.so.1}
if [ ! -f "$lib" ]; then
    echo "FAIL: ONNX Runtime library missing ($lib): run scripts/fetch-onnxruntime"
    exit 1
fi
export SIMSRV_ORT_LIB=$lib
# under the sanitizer build: ONNX Runtime's own process-lifetime allocations
# are not simsrv's leaks (tests/lsan-onnxruntime.supp)
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$src/tests/lsan-onnxruntime.supp:print_suppressions=0"
py=/usr/bin/python3
if ! $py -c 'import onnx' 2>/dev/null; then
    echo "FAIL: python3-onnx is not installed (apt-get install python3-onnx)"
    exit 1
fi

"$src/scripts/make-models" --out "$tmp" mlp-tiny >/dev/null || { echo "FAIL: make-models"; exit 1; }
# models with bad inputs: a string input, a free second dimension, a fixed batch
$py - "$tmp" <<'PY' || { echo "FAIL: cannot build the bad models"; exit 1; }
import sys, onnx
from onnx import TensorProto, helper
d = sys.argv[1]
def save(name, in_type, in_shape, op="Identity"):
    g = helper.make_graph([helper.make_node(op, ["x"], ["y"])], name,
                          [helper.make_tensor_value_info("x", in_type, in_shape)],
                          [helper.make_tensor_value_info("y", in_type, in_shape)])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.save(m, f"{d}/{name}.onnx")
save("strings", TensorProto.STRING, ["batch", 4])
save("symbolic", TensorProto.FLOAT, ["batch", "seq"], "Relu")
save("fixed", TensorProto.FLOAT, [1, 16], "Relu")
PY

# expect_fail NAME PATTERN [command...]: exit 2, one stderr line matching PATTERN
expect_fail() {
    local name=$1 pat=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? lines
    lines=$(wc -l <"$tmp/err")
    if [ $rc -ne 2 ]; then
        fail "$name: exit $rc, expected 2 ($(head -c 300 "$tmp/err"))"
    elif [ "$lines" -ne 1 ]; then
        fail "$name: $lines stderr lines, expected 1: $(cat "$tmp/err")"
    elif ! grep -q -- "$pat" "$tmp/err"; then
        fail "$name: message lacks '$pat': $(cat "$tmp/err")"
    else
        ok "$name: $(cat "$tmp/err")"
    fi
}

mkdir -p "$tmp/p"
prof=$tmp/p/tiny.profile.json
if "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --out "$prof" --batches 1,64 \
        --threads 1 --cold-reps 2 --min-runs 50 --min-seconds 0.2 --max-runs 2000 \
        --family mlp -q >"$tmp/cal.out" 2>"$tmp/cal.err"; then
    ok "calibrate mlp-tiny: $(head -1 "$tmp/cal.out")"
else
    fail "calibrate mlp-tiny: $(cat "$tmp/cal.err")"
fi
# The profile against the measurements it records: every figure is
# recomputed here from the raw latencies and cold-start parts in its
# "calibration" block (type-7 quantiles, the relative-residual fit of
# a + c*b, sigma = mean of (ln p95 - ln p50)/1.645, cold parts = medians over
# the repetitions), so the check holds however fast or loaded the machine
# is: nothing is compared with a wall-clock expectation.
$py - "$prof" <<'PY' && ok "profile = arithmetic on its own measurements" || fail "profile arithmetic"
import json, math, sys
p = json.load(open(sys.argv[1]))
for k in ("name", "size_mb", "memory_mb", "hardware", "calibration"):
    assert k in p, k
cpu = p["hardware"]["cpu"]
assert cpu["ref_vcpus"] == 1
cs = cpu["cold_start"]
for k in ("sandbox", "runtime", "model_load", "first_inference_extra"):
    assert k in cs, k
w = cpu["warm"]
c = p["calibration"]
assert c["batches"] == [1, 64] and c["threads"] == [1]
assert c["runtime"]["version"] == "1.30.0"
assert c["host"]["cores"] >= 1 and c["host"]["cpu_model"]
m = c["measurements"][0]
assert len(m["cold"]) == 2
for run in m["cold"]:
    assert run["load_ms"] > 0 and run["env_ms"] > 0 and run["peak_rss_mb"] > 10
assert p["memory_mb"] > 10 and 0 < p["size_mb"] < 2

def close(x, y, rel, what):
    assert abs(x - y) <= rel * abs(y) + 1e-9, (what, x, y)

def q7(v, q):  # linear between order statistics (R type 7, numpy default)
    s = sorted(v)
    h = q * (len(s) - 1)
    lo = int(math.floor(h))
    return s[-1] if lo >= len(s) - 1 else s[lo] + (h - lo) * (s[lo + 1] - s[lo])

warm = m["warm"]
assert [b["batch"] for b in warm] == [1, 64]
for b in warm:  # latencies are written with 5 digits, the figures with 6
    assert b["runs"] >= 50 and len(b["latencies_ms"]) == b["runs"]
    close(b["median_ms"], q7(b["latencies_ms"], 0.50), 2e-5, "median")
    close(b["p95_ms"], q7(b["latencies_ms"], 0.95), 2e-5, "p95")
# sigma (written with 4 digits)
sig = [max(0.0, math.log(b["p95_ms"] / b["median_ms"]) / 1.6448536269514722)
       for b in warm]
close(w["sigma"], sum(sig) / len(sig), 1e-3, "sigma")
# a, c: weighted least squares, weights 1/median^2, clamped to a, c >= 0
x = [b["batch"] for b in warm]
y = [b["median_ms"] for b in warm]
wt = [1 / v ** 2 for v in y]
sw, sx, sy = sum(wt), sum(u * v for u, v in zip(wt, x)), sum(u * v for u, v in zip(wt, y))
sxx = sum(u * v * v for u, v in zip(wt, x))
sxy = sum(u * v * t for u, v, t in zip(wt, x, y))
cc = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
aa = (sy - cc * sx) / sw
if cc < 0:
    aa, cc = sy / sw, 0.0
elif aa < 0:
    aa, cc = 0.0, sxy / sxx
close(w["a_ms"], aa, 1e-5, "a")
close(w["c_ms"], cc, 1e-5, "c")
for b in warm:
    close(b["fit_median_ms"], w["a_ms"] + w["c_ms"] * b["batch"], 1e-5, "fit median")
# cold parts: median over the 2 repetitions (their mean), written with 4-6 digits
def med(f):
    v = sorted(f(r) for r in m["cold"])
    return (v[0] + v[1]) / 2
close(cs["sandbox"]["median_ms"], med(lambda r: r["spawn_ms"]), 1e-3, "sandbox")
close(cs["runtime"]["median_ms"], med(lambda r: r["lib_ms"] + r["env_ms"]), 1e-3, "runtime")
close(cs["model_load"]["median_ms"], med(lambda r: r["load_ms"]), 1e-4, "model_load")
extra = max(0.0, med(lambda r: r["first_run_ms"]) - warm[0]["median_ms"])
assert abs(cs["first_inference_extra"]["value_ms"] - extra) <= 1e-3 * extra + 1e-5, \
    (cs["first_inference_extra"], extra)
print("  a = %.6g ms, c = %.6g ms, sigma = %.4g from batch-1 median %.4f ms and "
      "batch-64 median %.4f ms; load %.1f ms" %
      (w["a_ms"], w["c_ms"], w["sigma"], y[0], y[1], cs["model_load"]["median_ms"]))
PY

# Nothing leaves the machine: the same calibration in a network namespace
# of its own (no interface up, no route: a lookup or connection fails at
# once) exits 0 with nothing on stderr, like the one above, and writes a
# profile of the same shape (the same keys and the same settings; the
# timings are the machine's and differ run to run).  As root `unshare -n`;
# otherwise `unshare -rn` where user namespaces are allowed; else skipped.
netns=()
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    netns=(unshare -n)
elif unshare -rn true 2>/dev/null; then
    netns=(unshare -rn)
fi
if [ ${#netns[@]} -eq 0 ]; then
    echo "skip: calibration without a network: unshare -n is not available here"
elif ! routes=$("${netns[@]}" cat /proc/net/route) || [ "$(echo "$routes" | wc -l)" -ne 1 ]; then
    fail "the network namespace has routes: $routes"
else
    nprof=$tmp/p/netns.profile.json
    "${netns[@]}" "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --out "$nprof" --batches 1,64 \
        --threads 1 --cold-reps 2 --min-runs 50 --min-seconds 0.2 --max-runs 2000 \
        --family mlp -q >"$tmp/ncal.out" 2>"$tmp/ncal.err"
    rc=$?
    if [ $rc -ne 0 ] || [ -s "$tmp/ncal.err" ]; then
        fail "calibrate in a namespace without a network (${netns[*]}): exit $rc: $(cat "$tmp/ncal.err")"
    elif $py - "$prof" "$nprof" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
def same_shape(x, y, where):  # the same keys all the way down; lists by
    # their first items; any two numbers alike (a timing may print as 0)
    num = (int, float)
    if isinstance(x, dict) and isinstance(y, dict):
        assert x.keys() == y.keys(), (where, sorted(x.keys() ^ y.keys()))
        for k in x:
            same_shape(x[k], y[k], where + "." + k)
    elif isinstance(x, list) and isinstance(y, list):
        if x and y:
            same_shape(x[0], y[0], where + "[0]")
    elif not (isinstance(x, num) and isinstance(y, num)):
        assert type(x) == type(y), (where, x, y)
same_shape(a, b, "profile")
ca, cb = a["calibration"], b["calibration"]
for k in ("batches", "threads", "runtime"):
    assert ca[k] == cb[k], (k, ca[k], cb[k])
assert a["name"] == b["name"] and a["size_mb"] == b["size_mb"]
PY
    then
        ok "calibrate in a namespace without a network (${netns[*]}, no route): exit 0, nothing on stderr, a profile of the same shape and settings"
    else
        fail "calibrate in a namespace without a network: the profile differs in shape (above)"
    fi
fi

# a scenario uses the calibrated profile by name
cat >"$tmp/p/use.json" <<JSON
{"name": "use", "seed": 1, "horizon_s": 600, "slo_ms": 100, "models_dir": ".",
 "model": "tiny.profile", "workload": {"type": "poisson", "rate_per_s": 2},
 "defaults": {"memory_mb": 512, "vcpus": 1, "batch": 64, "beyond_limits": true},
 "alternatives": [{"name": "lambda"}]}
JSON
if "$simsrv" run "$tmp/p/use.json" --out "$tmp/run" -q >/dev/null 2>"$tmp/err"; then
    ok "simsrv run with the calibrated profile"
else
    fail "simsrv run with the calibrated profile: $(cat "$tmp/err")"
fi

# --validate on a profile whose figures this test sets: the real serving run
# is measured (reported, not judged: its speed is the machine's), and the
# prediction is checked against what the simulated queue must give.  Warm
# service at batch 64 is a + 64 c = 0.36 + 0.64 = 1 ms with sigma 0
# (deterministic), the cold start 5 + 10 + 20 ms, one instance, FCFS.  At
# 100/s the load is rho = 0.1, so about 90% of requests (M/G/1: P(no wait) =
# 1 - rho) find the instance idle and take exactly 1 ms: the predicted p50 is
# 1 ms up to the simulator's 1 us clock.  The arrivals are fixed and nothing
# is random, so the 3 replications agree (+-0).  Nothing waits longer than
# the first request, which starts cold (35 + 1 ms), while the later ones
# clear its backlog at rho = 0.1: p99 <= 36 ms.
$py - "$prof" "$tmp/p/set.profile.json" <<'PY' || fail "cannot write the set profile"
import json, sys
p = json.load(open(sys.argv[1]))
hw = p["hardware"]["cpu"]
hw["warm"] = {"a_ms": 0.36, "c_ms": 0.01, "sigma": 0}
hw["cold_start"] = {k: {"dist": "constant", "value_ms": v} for k, v in
                    (("sandbox", 5), ("runtime", 10), ("model_load", 20),
                     ("first_inference_extra", 0))}
p["name"] = "set"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
val=$tmp/val.json
if "$simsrv" calibrate --validate "$tmp/p/set.profile.json" --batch 64 --duration 2 \
        --rate 100 --replications 3 --out "$val" -q >"$tmp/val.out" 2>"$tmp/err"; then
    ok "validate: $(tr '\n' ' ' <"$tmp/val.out" | head -c 400)"
    $py - "$val" <<'PY' && ok "validation report" || fail "validation report"
import json, sys
r = json.load(open(sys.argv[1]))
assert [q["q"] for q in r["quantiles"]] == ["p50", "p95", "p99"]
assert r["batch"] == 64 and r["requests"] == 202 and r["ready_ms"] > 0
for q in r["quantiles"]:
    assert q["measured_ms"] > 0, q
    assert q["predicted_half_ms"] == 0, ("replications differ", q)
p50, p95, p99 = (q["predicted_ms"] for q in r["quantiles"])
print("  predicted p50 %.4f ms: theory 1 ms +- 0.001 (the 1 us clock); "
      "p99 %.3f ms <= 36 ms (cold 35 + 1)" % (p50, p99))
assert abs(p50 - 1.0) <= 0.001, p50
assert p50 <= p95 <= p99 <= 36.0, (p50, p95, p99)
PY
else
    fail "validate: $(cat "$tmp/err")"
fi

# bad input: one line, exit 2, nothing written
expect_fail "validate: batch never measured" "batch 8 was never measured" \
    "$simsrv" calibrate --validate "$prof" --batch 8 --out "$tmp/val8.json"
[ -e "$tmp/val8.json" ] && fail "a report was written for a refused validation"
expect_fail "validate: profile without calibration" "calibration" \
    "$simsrv" calibrate --validate "$src/models/resnet50.json" --out "$tmp/v2.json"
echo "this is not a model" >"$tmp/bad.onnx"
expect_fail "not an ONNX file" "bad.onnx" \
    "$simsrv" calibrate "$tmp/bad.onnx" --out "$tmp/p/bad.json" -q
expect_fail "missing file" "cannot open" \
    "$simsrv" calibrate "$tmp/none.onnx" --out "$tmp/p/none.json" -q
expect_fail "string input" "element type 8" \
    "$simsrv" calibrate "$tmp/strings.onnx" --out "$tmp/p/s.json" -q
expect_fail "symbolic dimension without value" "--dim seq=N" \
    "$simsrv" calibrate "$tmp/symbolic.onnx" --out "$tmp/p/sym.json" -q
expect_fail "fixed batch" "fixed first dimension" \
    "$simsrv" calibrate "$tmp/fixed.onnx" --out "$tmp/p/fixed.json" -q
SIMSRV_ORT_LIB=$tmp/missing.so expect_fail "library missing" "fetch-onnxruntime" \
    "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --out "$tmp/p/nolib.json" -q
SIMSRV_ORT_LIB=$fake expect_fail "library of the wrong version" "ONNX Runtime 1.2.3" \
    "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --out "$tmp/p/old.json" -q
# ONNX Runtime's telemetry is off before any session: the stand-in library,
# posing as the pinned version, logs its calls and fails the first call
# after the environment, so calibrate stops there with one line
: >"$tmp/fake.log"
FAKE_ORT_VERSION=1.30.0 FAKE_ORT_LOG=$tmp/fake.log SIMSRV_ORT_LIB=$fake \
    expect_fail "telemetry check library" "not implemented" \
    "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --out "$tmp/p/tele.json" -q
calls=$(head -n 3 "$tmp/fake.log" | tr '\n' ' ')
if [ "$calls" = "CreateEnv ORT_DISABLE_TELEMETRY=1 DisableTelemetryEvents " ]; then
    ok "telemetry: $calls"
else
    fail "telemetry: expected CreateEnv, ORT_DISABLE_TELEMETRY=1, DisableTelemetryEvents first; got: $(tr '\n' ' ' <"$tmp/fake.log")"
fi
expect_fail "bad --batches" "--batches" \
    "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --batches 1,x -q
for f in bad none s sym fixed nolib old tele; do
    [ -e "$tmp/p/$f.json" ] && fail "$f.json was written"
done
if ls "$tmp/p" | grep -q '\.tmp\.'; then fail "temporary files left"; fi

# a symbolic dimension with a value calibrates
if "$simsrv" calibrate "$tmp/symbolic.onnx" --dim seq=16 --out "$tmp/p/sym.json" \
        --batches 1,4 --threads 1 --cold-reps 1 --min-seconds 0.05 -q >/dev/null 2>"$tmp/err" &&
    grep -q '"seq": 16' "$tmp/p/sym.json"; then
    ok "--dim seq=16"
else
    fail "--dim seq=16: $(cat "$tmp/err")"
fi

if [ $failures -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all calibrate checks passed"
