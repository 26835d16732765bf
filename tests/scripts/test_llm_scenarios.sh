#!/usr/bin/env bash
# test_llm_scenarios.sh - the shipped LLM scenarios (scenarios/llm-replay.json,
# scenarios/llm-70b.json) run on a short horizon: each is copied with
# "horizon_s" 600 beside the source tree's models/ and traces/ (the shipped
# synthetic traces/example-llm.csv, never the public trace), runs with exit 0,
# and every alternative completes requests.  Pinned by hand: the per-token
# API alternative without a rate limit (api-together-8b, $0.18 per 1M input
# and output tokens, TTFT 350 ms, 150 tokens/s) costs exactly the trace's
# tokens at those prices -- every request arriving before the horizon pays
# its prompt and the output tokens streamed by 600 s (token k at arrival +
# 0.35 s + (k - 1) / 150 s) -- and completes the requests whose last token
# comes by then; the two runs print the interval they check.
#
# usage: test_llm_scenarios.sh SIMSRV SOURCE_ROOT
set -u
simsrv=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/scenarios"
ln -s "$src/models" "$tmp/models"
ln -s "$src/traces" "$tmp/traces"
for name in llm-replay llm-70b; do
    sed 's/"horizon_s": 3600/"horizon_s": 600/' "$src/scenarios/$name.json" \
        >"$tmp/scenarios/$name.json"
    if ! grep -q '"horizon_s": 600' "$tmp/scenarios/$name.json"; then
        echo "FAIL: $name: no \"horizon_s\": 3600 to shorten"; exit 1
    fi
    if ! "$simsrv" run "$tmp/scenarios/$name.json" --quiet \
        --out "$tmp/$name" >"$tmp/$name.log" 2>&1; then
        cat "$tmp/$name.log"; echo "FAIL: $name: simsrv run failed"; exit 1
    fi
    cat "$tmp/$name.log"
done
python3 - "$tmp" "$src/traces/example-llm.csv" <<'EOF' || exit 1
import csv, math, sys
from datetime import datetime
tmp, trace = sys.argv[1], sys.argv[2]

def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))

for name in ("llm-replay", "llm-70b"):
    for r in rows(f"{tmp}/{name}/summary.csv"):
        if float(r["completed"]) <= 0:
            sys.exit(f"FAIL: {name}: {r['alternative']} completed nothing")
        if not float(r["cost_usd"]) > 0:
            sys.exit(f"FAIL: {name}: {r['alternative']} cost nothing")
    print(f"ok: {name}: every alternative completed requests in 600 s")

# api-together-8b by hand from the trace
horizon, ttft, rate, usd = 600.0, 0.35, 150.0, 0.18e-6
t0 = None
prompt = streamed = completed = 0
for row in rows(trace):
    t = datetime.strptime(row["TIMESTAMP"][:26], "%Y-%m-%d %H:%M:%S.%f")
    t0 = t0 or t
    a = (t - t0).total_seconds()
    if a >= horizon:
        continue
    p, o = int(row["ContextTokens"]), int(row["GeneratedTokens"])
    prompt += p
    by_h = 0 if a + ttft > horizon else math.floor((horizon - a - ttft) * rate) + 1
    streamed += min(o, by_h)
    completed += by_h >= o
want = (prompt + streamed) * usd
alt = next(r for r in rows(f"{tmp}/llm-replay/summary.csv")
           if r["alternative"] == "api-together-8b")
got, n = float(alt["cost_usd"]), int(float(alt["completed"]))
tol = 2 * usd  # a token at the horizon's microsecond either way
print(f"api-together-8b: cost {got:.9f} USD, by hand ({prompt} prompt + "
      f"{streamed} streamed output tokens) x $0.18/1M = {want:.9f} "
      f"+- {tol:.2e}; completed {n}, by hand {completed}")
if abs(got - want) > tol or n != completed:
    sys.exit("FAIL: the api alternative's cost or completions differ")
print("ok: the per-token API's cost is the trace's tokens at its prices")
EOF
