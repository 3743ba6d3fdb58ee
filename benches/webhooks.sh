#!/usr/bin/env bash
# Benchmark: webhook delivery on the release build (server/benches/webhooks.rs): EVENTS events
# queued in one transaction for an endpoint on a local receiver, timed until all arrive, ROUNDS
# times, beside the same posts sent straight to the receiver as the baseline. On SQLite; on
# PostgreSQL too with TESSERA_BENCH_POSTGRES_URL naming an empty database.
# Target (issue 16): 10,000 events delivered in under 60 s.
#   bash benches/webhooks.sh [EVENTS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo bench -p tessera --bench webhooks -- "${1:-10000}" "${2:-3}"
