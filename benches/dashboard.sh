#!/usr/bin/env bash
# Benchmark: the performance pages' server functions on the release build with the scale data
# (SQLite). After one request that loads the KPI fact cache (timed), ROUNDS rounds of REQUESTS
# requests in a row for each case, each timed on loopback by curl; prints every round's p50, p95
# and max and, per case, the median of the rounds. Target (issue 4): the whole-program dashboard's
# p95 under 150 ms.
#   bash benches/dashboard.sh [REQUESTS] [ROUNDS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
source "$(dirname "$0")/lib.sh"
requests=${1:-200}
rounds=${2:-3}
partners=${3:-10000}
deals=${4:-1000000}
bench_build
bench_environment
bench_scale_data "$partners" "$deals"
bench_serve

sign_in() {
  curl -sf -c "$BENCH_WORK/$1.cookies" -d "email=$2&password=tessera-demo" "$BENCH_URL/api/sign_in" >/dev/null \
    || { echo "$2 could not sign in" >&2; exit 1; }
}
sign_in admin admin@acme.test
sign_in cam cam@acme.test
sign_in partner admin1@partner1.scale.test

call() { # who endpoint form → the response time in seconds; the body in $BENCH_WORK/body.json
  curl -sf -b "$BENCH_WORK/$1.cookies" -o "$BENCH_WORK/body.json" -w '%{time_total}\n' -d "$3" "$BENCH_URL/api/$2"
}

first=$(call admin dashboard "period=month")
grep -q '"TotalRevenue"' "$BENCH_WORK/body.json" || { echo "the dashboard did not answer" >&2; exit 1; }
echo "first dashboard request, loading the KPI fact cache: $(python3 -c "print(f'{$first * 1000:.0f}')") ms"

summary=()
measure() { # label who endpoint form
  local label=$1 line
  call "$2" "$3" "$4" >/dev/null
  grep -q '"as_of"' "$BENCH_WORK/body.json" || { echo "$label did not answer: $(head -c 300 "$BENCH_WORK/body.json")" >&2; exit 1; }
  for round in $(seq 1 "$rounds"); do
    : >"$BENCH_WORK/times"
    for _ in $(seq 1 "$requests"); do call "$2" "$3" "$4" >>"$BENCH_WORK/times"; done
    line=$(sort -n "$BENCH_WORK/times" | awk '{ t[NR] = $1 * 1000 } END {
      printf "%.1f %.1f %.1f", t[int(NR * 0.5 + 0.5)], t[int(NR * 0.95 + 0.5)], t[NR] }')
    read -r p50 p95 max <<<"$line"
    echo "$label, round $round: $requests requests, p50 $p50 ms, p95 $p95 ms, max $max ms"
    summary+=("$label|$p50|$p95")
  done
}
measure "dashboard, whole program, month" admin dashboard "period=month"
measure "dashboard, whole program, year" admin dashboard "period=year"
measure "dashboard, a channel manager's partners, year" cam dashboard "period=year"
measure "leaderboard, a partner's view, month" partner leaderboard "period=month"
measure "scorecard, a partner's own" partner scorecard ""

printf '%s\n' "${summary[@]}" | python3 -c '
import sys, statistics
cases = {}
for line in sys.stdin:
    label, p50, p95 = line.strip().split("|")
    cases.setdefault(label, []).append((float(p50), float(p95)))
for label, rounds in cases.items():
    p50 = statistics.median(r[0] for r in rounds)
    p95 = statistics.median(r[1] for r in rounds)
    verdict = ""
    if label.startswith("dashboard, whole program"):
        verdict = " (meets the target: p95 < 150 ms)" if p95 < 150 else " (MISSES the target: p95 < 150 ms)"
    print(f"median of {len(rounds)} rounds, {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms{verdict}")
'
