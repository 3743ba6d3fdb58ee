#!/usr/bin/env bash
# Benchmark: the signed-in partner home page on the release build with the demo data.
#   bash benches/home_page.sh [DURATION_SECONDS] [ROUNDS]
# Target (issue 2): at least 5,000 requests/s with p99 under 20 ms at 64 connections.
# Prints each round and the median of the rounds; also the release WASM size and the idle
# server's memory. Uses wrk (Debian) on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
rounds=${2:-3}
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# TESSERA_BENCH_BIN / TESSERA_BENCH_SITE / TESSERA_BENCH_HASHED measure another build (see lib.sh).
bin=${TESSERA_BENCH_BIN:-./target/release/tessera}
[ -n "${TESSERA_BENCH_BIN:-}" ] || bash scripts/build.sh --release
work=$(mktemp -d /tmp/tessera-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export TESSERA_DATABASE_URL="sqlite://$work/bench.db" TESSERA_ADDR="127.0.0.1:$port" TESSERA_LOG=warn
export LEPTOS_SITE_ROOT=${TESSERA_BENCH_SITE:-target/site} LEPTOS_OUTPUT_NAME=tessera
export LEPTOS_HASH_FILES=${TESSERA_BENCH_HASHED:-true}
"$bin" seed --demo >/dev/null
"$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
source scripts/health.sh
wait_healthy "http://127.0.0.1:$port"

sleep 1
echo "idle server memory with demo data: $(awk '/VmRSS/ { print $2 " " $3 }' /proc/$pid/status) RSS"

cookie=$(curl -s -D - -o /dev/null -d 'email=partner@bluepeak.test&password=tessera-demo' \
  "http://127.0.0.1:$port/api/sign_in" | sed -n 's/^set-cookie: \(tessera_session=[^;]*\).*/\1/ip')
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/" | grep -q "Your channel manager" \
  || { echo "the signed-in partner home page did not render" >&2; exit 1; }

echo "warming up"
wrk -t2 -c64 -d5s -H "Cookie: $cookie" "http://127.0.0.1:$port/" >/dev/null
results=()
for round in $(seq 1 "$rounds"); do
  out=$(wrk -t2 -c64 -d"${duration}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/")
  rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
  p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ { print }')
  echo "round $round: $rps requests/s, p50 $p50, p99 $p99 ${errors:+($errors)}"
  results+=("$rps $p99 ${errors:+failed}")
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
def ms(v):
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if v.endswith(unit): return float(v[: -len(unit)]) * f
    return float(v)
rows = [line.split() for line in sys.stdin if line.strip()]
rps = statistics.median(float(r[0]) for r in rows)
p99 = statistics.median(ms(r[1]) for r in rows)
failed = sum(1 for r in rows if len(r) > 2)
verdict = "meets" if rps >= 5000 and p99 < 20 and not failed else "MISSES"
errors = f"; {failed} rounds had failed requests" if failed else ""
print(f"median of {len(rows)} rounds: {rps:,.0f} requests/s, p99 {p99:.2f} ms at 64 connections ({verdict} the target: >= 5,000/s, p99 < 20 ms, no failed request{errors})")
'

# Static files against a server-rendered page, in the same run: the sign-in page, and the main WASM
# file a first visit downloads (as a browser asks for it: brotli accepted).
base="http://127.0.0.1:$port"
wasm_path=$(curl -sf "$base/sign-in" | grep -o '/pkg/[^"]*\.wasm' | head -n 1)
[ -n "$wasm_path" ] || { echo "the sign-in page names no WASM file" >&2; exit 1; }
for target in "/sign-in" "$wasm_path"; do
  rates=()
  for round in $(seq 1 "$rounds"); do
    out=$(wrk -t2 -c64 -d"${duration}s" -H "Accept-Encoding: br, gzip" "$base$target")
    rates+=("$(echo "$out" | awk '/Requests\/sec/ { print $2 }')")
  done
  echo "$target: $(printf '%s\n' "${rates[@]}" | python3 -c 'import sys, statistics; r=[float(x) for x in sys.stdin]; print(f"{statistics.median(r):,.0f} requests/s (median of {len(r)} rounds: " + ", ".join(f"{x:,.0f}" for x in r) + ")")')"
done
