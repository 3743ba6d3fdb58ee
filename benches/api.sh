#!/usr/bin/env bash
# Benchmark: the REST API's deal list on the release build with the demo program and its
# eighteen months of deals. ROUNDS rounds of wrk at 64 connections for DURATION seconds each
# against `GET /api/v1/deals?limit=25` with a partner admin's token (Bluepeak's deals, newest
# change first) and with the program admin's (every partner's), and, as the baseline in the same
# run, /healthz (the same layers, one database ping). Prints each round, the medians and the
# ratios, and checks every answer was 200.
# Target (issue 16): at least 5,000 requests/s with p99 under 20 ms at 64 connections.
#   bash benches/api.sh [DURATION_SECONDS] [ROUNDS]
source "$(dirname "$0")/lib.sh"
duration=${1:-20}
rounds=${2:-3}
bench_build
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bench_environment
# One token makes every request: the rate limit must not be what is measured.
export TESSERA_API_REQUESTS_PER_MINUTE=100000000
"$BENCH_BIN" seed --demo --history >/dev/null
partner=$("$BENCH_BIN" token --email partner@bluepeak.test --name Benchmark --scopes deals:read)
admin=$("$BENCH_BIN" token --email admin@acme.test --name Benchmark --scopes deals:read)
bench_serve

list="$BENCH_URL/api/v1/deals?limit=25"
for token in "$partner" "$admin"; do
  count=$(curl -sf -H "Authorization: Bearer $token" "$list" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["data"]))')
  [ "$count" -gt 0 ] || { echo "the deal list answered no deal" >&2; exit 1; }
  echo "a page holds $count deals"
done
echo "deals in the database: $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM deals").fetchone()[0])' "$BENCH_WORK/bench.db")"

measure() { # label url [token] → one line per round: "RPS P99 [failed]"
  local label=$1 url=$2 token=${3:-} out rps p50 p99 errors
  for round in $(seq 1 "$rounds"); do
    if [ -n "$token" ]; then
      out=$(wrk -t2 -c64 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url")
    else
      out=$(wrk -t2 -c64 -d"${duration}s" --latency "$url")
    fi
    rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
    p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
    p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ { print }')
    echo "$label round $round: $rps requests/s, p50 $p50, p99 $p99 ${errors:+($errors)}" >&2
    echo "$rps $p99 ${errors:+failed}"
  done
}

echo "warming up"
wrk -t2 -c64 -d5s -H "Authorization: Bearer $partner" "$list" >/dev/null
as_partner=$(measure "deal list, partner token" "$list" "$partner")
as_admin=$(measure "deal list, program token" "$list" "$admin")
baseline=$(measure "/healthz" "$BENCH_URL/healthz")

python3 - <<PY
import statistics
def parse(block):
    rows = [l.split() for l in block.strip().splitlines() if l.strip()]
    def ms(v):
        for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
            if v.endswith(unit): return float(v[: -len(unit)]) * f
        return float(v)
    return statistics.median(float(r[0]) for r in rows), statistics.median(ms(r[1]) for r in rows), sum(len(r) > 2 for r in rows)
base_rps, base_p99, _ = parse("""$baseline""")
for label, block in (("partner token", """$as_partner"""), ("program token", """$as_admin""")):
    rps, p99, failed = parse(block)
    verdict = "meets" if rps >= 5000 and p99 < 20 and not failed else "MISSES"
    print(f"GET /api/v1/deals?limit=25, {label}: median {rps:,.0f} requests/s, p99 {p99:.2f} ms at 64 connections "
          f"({verdict} the target: >= 5,000/s, p99 < 20 ms, every answer 200); {rps / base_rps:.2f}x the baseline's rate")
print(f"baseline /healthz: median {base_rps:,.0f} requests/s, p99 {base_p99:.2f} ms")
PY
