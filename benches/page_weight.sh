#!/usr/bin/env bash
# What a first visit to each page downloads (empty cache, Debian's Chromium): bytes on the wire
# and decoded, WASM and JS apart, on the release build with the demo data.
#   bash benches/page_weight.sh
# Targets (issue 10): the sign-in page or a partner's home ≤ 200 KB in all, their WASM and JS
# ≤ 150 KB compressed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
bash scripts/build.sh --release
work=$(mktemp -d /tmp/tessera-weight.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export TESSERA_DATABASE_URL="sqlite://$work/weight.db" TESSERA_ADDR="127.0.0.1:$port" TESSERA_LOG=warn
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tessera LEPTOS_HASH_FILES=true
./target/release/tessera seed --demo --history >/dev/null
./target/release/tessera serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
source scripts/health.sh
wait_healthy "http://127.0.0.1:$port"
echo "site files (pkg): $(ls target/site/pkg | grep -c '\.wasm$') WASM files, $(du -cb target/site/pkg/*.wasm | tail -n 1 | cut -f1) bytes of WASM raw"
(cd end2end && TESSERA_URL="http://127.0.0.1:$port" node page-weight.mjs)
