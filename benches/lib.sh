# What the benchmark scripts share; sourced, not run. Every benchmark runs the release build on
# loopback, with its own throwaway database and server.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The server binary and site to measure: the release build of this tree, or, to compare with an
# earlier build in the same run, TESSERA_BENCH_BIN (its site in TESSERA_BENCH_SITE, and
# TESSERA_BENCH_HASHED=false for a build that does not hash file names).
BENCH_BIN=${TESSERA_BENCH_BIN:-./target/release/tessera}

# Tools, and the release build of the portal (unless another binary is measured).
bench_build() {
  bash scripts/setup.sh
  export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
  [ -n "${TESSERA_BENCH_BIN:-}" ] || bash scripts/build.sh --release
}

# Builds a load generator of server/benches once and prints its binary's path (running `cargo
# bench` again with other environment variables would rebuild the Leptos crates).
bench_load_generator() {
  local name=$1 binary
  binary=$(cargo bench -p tessera --bench "$name" --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$name")
  [ -x "$binary" ] || { echo "could not build the load generator $name" >&2; exit 1; }
  echo "$binary"
}

# A work directory, a free port and the server's environment: sets BENCH_WORK, BENCH_PORT, BENCH_URL.
bench_environment() {
  BENCH_WORK=$(mktemp -d /tmp/tessera-bench.XXXXXX)
  BENCH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  BENCH_URL="http://127.0.0.1:$BENCH_PORT"
  export TESSERA_DATABASE_URL="sqlite://$BENCH_WORK/bench.db" TESSERA_ADDR="127.0.0.1:$BENCH_PORT" TESSERA_LOG=warn
  export LEPTOS_SITE_ROOT=${TESSERA_BENCH_SITE:-target/site} LEPTOS_OUTPUT_NAME=tessera
  export LEPTOS_HASH_FILES=${TESSERA_BENCH_HASHED:-true}
}

# The scale data: a copy of $TESSERA_BENCH_DB when set, else seeded now (and timed).
bench_scale_data() {
  local partners=$1 deals=$2 start
  if [ -n "${TESSERA_BENCH_DB:-}" ]; then
    cp "$TESSERA_BENCH_DB" "$BENCH_WORK/bench.db"
    echo "reusing the scale database $TESSERA_BENCH_DB"
  else
    start=$(date +%s.%N)
    "$BENCH_BIN" seed --scale --partners "$partners" --deals "$deals" >"$BENCH_WORK/seed.log"
    grep '^Scale data' "$BENCH_WORK/seed.log"
    echo "seed --scale --partners $partners --deals $deals: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s wall clock, $(du -m "$BENCH_WORK/bench.db" | cut -f1) MB on disk"
  fi
}

# Starts the release server, stops it (and removes the work directory) on exit: sets BENCH_PID.
bench_serve() {
  "$BENCH_BIN" serve &
  BENCH_PID=$!
  trap 'kill $BENCH_PID 2>/dev/null; wait $BENCH_PID 2>/dev/null; rm -rf "$BENCH_WORK"' EXIT
  source scripts/health.sh
  wait_healthy "$BENCH_URL"
}

# Signs the demo admin in, keeping the session in $BENCH_WORK/admin.cookies for bench_call.
bench_sign_in_admin() {
  curl -sf -c "$BENCH_WORK/admin.cookies" -d "email=admin@acme.test&password=tessera-demo" "$BENCH_URL/api/sign_in" \
    >/dev/null || { echo "the admin could not sign in" >&2; exit 1; }
}

# Calls a server function as the admin: bench_call endpoint curl-arguments… → the response time
# in seconds (the body in $BENCH_WORK/body.json); anything but 200 stops the benchmark.
bench_call() {
  local endpoint=$1
  shift
  [ $# -gt 0 ] || set -- --data '' # a server function is always a POST
  curl -s -b "$BENCH_WORK/admin.cookies" -o "$BENCH_WORK/body.json" -w '%{http_code} %{time_total}\n' "$@" \
    "$BENCH_URL/api/$endpoint" | {
    read -r status seconds
    [ "$status" = 200 ] || { echo "$endpoint answered $status: $(head -c 300 "$BENCH_WORK/body.json")" >&2; exit 1; }
    echo "$seconds"
  }
}
