#!/usr/bin/env bash
# A first measurement of the whole-program dashboard on the release build with the scale data
# (SQLite): N requests in a row as the admin, each timed on loopback by curl, after one warm-up
# request that loads the KPI fact cache. Prints the cache load time and p50/p95/max.
#   bash benches/dashboard.sh [REQUESTS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
partners=${2:-10000}
deals=${3:-1000000}
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
cargo leptos build --release >/dev/null 2>&1 || cargo leptos build --release
work=$(mktemp -d /tmp/tessera-dashboard.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export TESSERA_DATABASE_URL="sqlite://$work/scale.db" TESSERA_ADDR="127.0.0.1:$port" TESSERA_LOG=warn
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tessera
if [ -n "${TESSERA_BENCH_DB:-}" ]; then
  cp "$TESSERA_BENCH_DB" "$work/scale.db"
else
  ./target/release/tessera seed --scale --partners "$partners" --deals "$deals" | grep '^Scale data'
fi
./target/release/tessera serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
curl -sf -c "$work/cookies" -d 'email=admin@acme.test&password=tessera-demo' "$base/api/sign_in" >/dev/null
for period in month year; do
  warm=$(curl -sf -b "$work/cookies" -o "$work/first.json" -w '%{time_total}' -d "period=$period" "$base/api/dashboard")
  grep -q '"TotalRevenue"' "$work/first.json" || { echo "the dashboard did not answer" >&2; exit 1; }
  : >"$work/times"
  for _ in $(seq 1 "$requests"); do
    curl -sf -b "$work/cookies" -o /dev/null -w '%{time_total}\n' -d "period=$period" "$base/api/dashboard" >>"$work/times"
  done
  sort -n "$work/times" | awk -v period="$period" -v warm="$warm" '{ t[NR] = $1 * 1000 } END {
    printf "dashboard (%s, whole program): first request %.0f ms; %d requests: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
      period, warm * 1000, NR, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.95 + 0.5)], t[NR] }'
done
