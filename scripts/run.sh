#!/usr/bin/env bash
# README command 1: set up, build the release portal, load the demo data into the embedded
# database (./data/tessera.db) and serve it on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

bash scripts/build.sh --release
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tessera LEPTOS_HASH_FILES=true
./target/release/tessera seed --demo --history
echo "[run] Tessera is starting on http://${TESSERA_ADDR:-127.0.0.1:3000} (Ctrl-C stops it)"
exec ./target/release/tessera serve
