#!/usr/bin/env bash
# Benchmark: this tree's release build against an earlier build, side by side on the same demo
# data, in alternating rounds, so that the machine's noise falls on both alike. Measures the
# partner's home page (signed in) and the sign-in page (signed out, brotli accepted), and prints
# each build's median of the rounds and their ratio.
#   TESSERA_BENCH_BASE=DIR bash benches/pages_compare.sh [ROUNDS] [SECONDS]
# TESSERA_BENCH_PARTNER names whose home is measured (partner@bluepeak.test; partner@pinecone.test
# is onboarding, so its home starts with the checklist).
# DIR holds the earlier build's `tessera` binary; for a build with hashed file names also its
# hash.txt and its site (DIR/site). Make one with `cargo build --release -p tessera` in a worktree
# of the earlier commit (or `scripts/build.sh --release`, copying target/site as well).
source "$(dirname "$0")/lib.sh"
rounds=${1:-5}
seconds=${2:-6}
partner=${TESSERA_BENCH_PARTNER:-partner@bluepeak.test}
base_dir=${TESSERA_BENCH_BASE:?set TESSERA_BENCH_BASE to the directory of the build to compare with}
[ -x "$base_dir/tessera" ] || { echo "no tessera binary in $base_dir" >&2; exit 1; }
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
bash scripts/build.sh --release
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d /tmp/tessera-bench.XXXXXX)
mkdir -p "$work/empty-site"
pids=()
trap 'kill ${pids[*]} 2>/dev/null; wait ${pids[*]} 2>/dev/null; rm -rf "$work"' EXIT
source scripts/health.sh

# start NAME BINARY SITE HASHED: seeds its own demo database, serves it; sets url_NAME and cookie_NAME.
start() {
  local name=$1 binary=$2 site=$3 hashed=$4 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  (
    export TESSERA_DATABASE_URL="sqlite://$work/$name.db" TESSERA_ADDR="127.0.0.1:$port" TESSERA_LOG=warn
    export LEPTOS_SITE_ROOT=$site LEPTOS_OUTPUT_NAME=tessera LEPTOS_HASH_FILES=$hashed
    "$binary" seed --demo >/dev/null
    exec "$binary" serve
  ) &
  pids+=($!)
  printf -v "url_$name" '%s' "http://127.0.0.1:$port"
  wait_healthy "http://127.0.0.1:$port"
  local cookie
  cookie=$(curl -s -D - -o /dev/null -d "email=$partner&password=tessera-demo" \
    "http://127.0.0.1:$port/api/sign_in" | sed -n 's/^set-cookie: \(tessera_session=[^;]*\).*/\1/ip')
  [ -n "$cookie" ] || { echo "$name: could not sign in" >&2; exit 1; }
  printf -v "cookie_$name" '%s' "$cookie"
}

base_hashed=false
[ -f "$base_dir/hash.txt" ] && base_hashed=true
base_site=$work/empty-site
[ -d "$base_dir/site" ] && base_site=$base_dir/site
start base "$base_dir/tessera" "$base_site" "$base_hashed"
start tree ./target/release/tessera target/site true

# rate BUILD PATH SIGNED_IN SECONDS → requests per second
rate() {
  local url="url_$1" cookie="cookie_$1" headers=(-H "Accept-Encoding: br, gzip")
  [ "$3" = yes ] && headers+=(-H "Cookie: ${!cookie}")
  wrk -t2 -c64 -d"$4s" "${headers[@]}" "${!url}$2" | awk '/Requests\/sec/ { print $2 }'
}

for page in "/ yes" "/sign-in no"; do
  read -r path signed_in <<<"$page"
  rate base "$path" "$signed_in" 3 >/dev/null
  rate tree "$path" "$signed_in" 3 >/dev/null
  base_rates=() tree_rates=()
  for _ in $(seq 1 "$rounds"); do
    base_rates+=("$(rate base "$path" "$signed_in" "$seconds")")
    tree_rates+=("$(rate tree "$path" "$signed_in" "$seconds")")
  done
  python3 - "$path" "$signed_in" "${base_rates[*]}" "${tree_rates[*]}" <<'EOF'
import statistics, sys
path, signed_in, base, tree = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
who = "signed in as a partner" if signed_in == "yes" else "signed out"
b, t = statistics.median(base), statistics.median(tree)
rounds = lambda rs: ", ".join(f"{r:,.0f}" for r in rs)
print(f"{path} ({who}), median of {len(base)} alternating rounds: earlier build {b:,.0f} requests/s ({rounds(base)}); "
      f"this tree {t:,.0f} requests/s ({rounds(tree)}); ratio {t / b:.2f}")
EOF
done
