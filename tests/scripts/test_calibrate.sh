#!/usr/bin/env bash
# test_calibrate.sh - `simsrv calibrate` end to end with the real ONNX
# Runtime library on a tiny model this test builds (python3-onnx), then
# --validate, then every bad input of the calibrator: each must exit 2 with
# one line on stderr and leave nothing written.
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
$py - "$prof" <<'PY' && ok "profile fields present and plausible" || fail "profile fields"
import json, sys
p = json.load(open(sys.argv[1]))
for k in ("name", "size_mb", "memory_mb", "hardware", "calibration"):
    assert k in p, k
cpu = p["hardware"]["cpu"]
assert cpu["ref_vcpus"] == 1
cs = cpu["cold_start"]
for k in ("sandbox", "runtime", "model_load", "first_inference_extra"):
    assert k in cs, k
assert cs["model_load"]["median_ms"] > 0, "load must take time"
assert cs["runtime"]["median_ms"] > 0
w = cpu["warm"]
assert w["a_ms"] >= 0 and w["c_ms"] > 0 and 0 <= w["sigma"] < 2, w
c = p["calibration"]
assert c["batches"] == [1, 64] and c["threads"] == [1]
assert c["runtime"]["version"] == "1.30.0"
assert c["host"]["cores"] >= 1 and c["host"]["cpu_model"]
m = c["measurements"][0]
assert len(m["cold"]) == 2
for run in m["cold"]:
    assert run["load_ms"] > 0 and run["env_ms"] > 0 and run["peak_rss_mb"] > 10
b1, b64 = m["warm"]
assert b1["batch"] == 1 and b64["batch"] == 64
assert b1["runs"] >= 50 and len(b1["latencies_ms"]) == b1["runs"]
assert b64["median_ms"] > b1["median_ms"], "latency must grow with batch"
assert w["a_ms"] + 64 * w["c_ms"] > w["a_ms"] + w["c_ms"]
assert p["memory_mb"] > 10 and 0 < p["size_mb"] < 2
print("  batch 1 median %.4f ms, batch 64 median %.4f ms, load %.1f ms" %
      (b1["median_ms"], b64["median_ms"], cs["model_load"]["median_ms"]))
PY

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

val=$tmp/val.json
if "$simsrv" calibrate --validate "$prof" --duration 2 --rate 100 \
        --replications 3 --out "$val" -q >"$tmp/val.out" 2>"$tmp/err"; then
    ok "validate: $(tr '\n' ' ' <"$tmp/val.out" | head -c 400)"
    $py - "$val" "$prof" <<'PY' && ok "validation report" || fail "validation report"
import json, sys
r = json.load(open(sys.argv[1]))
w = json.load(open(sys.argv[2]))["hardware"]["cpu"]["warm"]
assert [q["q"] for q in r["quantiles"]] == ["p50", "p95", "p99"]
assert r["requests"] > 100 and r["ready_ms"] > 0
for q in r["quantiles"]:
    assert q["measured_ms"] > 0 and q["predicted_ms"] > 0
# at 100/s against a ~0.01 ms service nobody queues and only the first
# request is cold: the predicted median is the profile's lognormal median
# a + c (batch 1), up to the 1% histogram, the sampling of ~200 requests and
# the clock's 1 us resolution (service times are whole microseconds: a
# 9.5 us median is simulated as 10 us)
median = w["a_ms"] + w["c_ms"]
p50 = r["quantiles"][0]["predicted_ms"]
assert abs(p50 - median) <= 0.05 * median + 0.001, (p50, median)
print("  predicted p50 %.5f ms, profile median a + c = %.5f ms" % (p50, median))
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
expect_fail "bad --batches" "--batches" \
    "$simsrv" calibrate "$tmp/mlp-tiny.onnx" --batches 1,x -q
for f in bad none s sym fixed nolib old; do
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
