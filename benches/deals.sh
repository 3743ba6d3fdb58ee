#!/usr/bin/env bash
# Benchmark: deal registration on the release build with the scale data on SQLite.
#   bash benches/deals.sh [SUBMIT_SECONDS] [CLIENTS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
# 1. `tessera seed --scale --partners 10000 --deals 1000000`, timed (target: under 2 minutes);
# 2. the conflict check, 5,000 checks by 4 clients: latency percentiles (target: p95 < 20 ms);
# 3. 32 clients submitting deals for 60 s (target: >= 500 submissions/s), then every acknowledged
#    deal is looked up in the database and nothing unacknowledged may exist (none lost or duplicated).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
clients=${2:-32}
partners=${3:-10000}
deals=${4:-1000000}
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

cargo leptos build --release >/dev/null 2>&1 || cargo leptos build --release
# The load generator, built once: the path of its binary (running `cargo bench` again with other
# environment variables would rebuild the Leptos crates).
bench_bin=$(cargo bench -p tessera --bench deals --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "deals" and m.get("executable"):
        print(m["executable"])')
[ -x "$bench_bin" ] || { echo "could not build the load generator" >&2; exit 1; }
work=$(mktemp -d /tmp/tessera-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export TESSERA_DATABASE_URL="sqlite://$work/scale.db" TESSERA_ADDR="127.0.0.1:$port" TESSERA_LOG=warn
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tessera

if [ -n "${TESSERA_BENCH_DB:-}" ]; then
  cp "$TESSERA_BENCH_DB" "$work/scale.db"
  echo "reusing the scale database $TESSERA_BENCH_DB"
else
  start=$(date +%s.%N)
  ./target/release/tessera seed --scale --partners "$partners" --deals "$deals" >"$work/seed.log"
  grep '^Scale data' "$work/seed.log"
  echo "seed --scale --partners $partners --deals $deals: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s wall clock, $(du -m "$work/scale.db" | cut -f1) MB on disk"
fi

./target/release/tessera serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

"$bench_bin" "http://127.0.0.1:$port" "$TESSERA_DATABASE_URL" "$seconds" "$clients"
