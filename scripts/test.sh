#!/usr/bin/env bash
# README command 2: set up and run every test —
#   unit tests of the shared code and the server,
#   integration tests over HTTP against a real SQLite file and a real (throwaway) PostgreSQL,
#   end-to-end tests in Debian's Chromium through Playwright, with JavaScript off and on,
#   and the REST API against its OpenAPI document (Schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

work=$(mktemp -d /tmp/tessera-test.XXXXXX)
chmod 0755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  bash scripts/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pg_port=$(free_port)
echo "[test] starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
bash scripts/postgres.sh start "$work/pg" "$pg_port"
export TESSERA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

echo "[test] unit and integration tests (SQLite and PostgreSQL)"
set +e
cargo test -p app -p tessera 2>&1 | tee "$work/cargo.log"
cargo_status=${PIPESTATUS[0]}
set -e

echo "[test] end-to-end: building the portal and serving the demo data"
bash scripts/build.sh
app_port=$(free_port)
export TESSERA_DATABASE_URL="sqlite://$work/e2e.db" TESSERA_ADDR="127.0.0.1:$app_port" TESSERA_LOG=warn TESSERA_DATA_DIR="$work/data"
# Schemathesis sends hundreds of requests a second with one token.
export TESSERA_API_REQUESTS_PER_MINUTE=1000000
export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tessera LEPTOS_HASH_FILES=true
./target/debug/tessera seed --demo >/dev/null
./target/debug/tessera serve &
server_pid=$!
source scripts/health.sh
wait_healthy "http://127.0.0.1:$app_port"
set +e
(cd end2end && TESSERA_URL="http://127.0.0.1:$app_port" TESSERA_BIN="$PWD/../target/debug/tessera" npx playwright test) 2>&1 | tee "$work/e2e.log"
e2e_status=${PIPESTATUS[0]}
echo "[test] the REST API against its OpenAPI document (Schemathesis)"
bash scripts/api-schema.sh "http://127.0.0.1:$app_port" 2>&1 | tee "$work/schema.log"
schema_status=${PIPESTATUS[0]}
set -e

passed=$(grep -ho '[0-9]* passed' "$work/cargo.log" "$work/e2e.log" | awk '{ n += $1 } END { print n + 0 }')
failed=$(grep -ho '[0-9]* failed' "$work/cargo.log" "$work/e2e.log" | awk '{ n += $1 } END { print n + 0 }')
unit_and_integration=$(grep -o '[0-9]* passed' "$work/cargo.log" | awk '{ n += $1 } END { print n + 0 }')
schema_cases=$(grep -o '[0-9]* generated, [0-9]* passed' "$work/schema.log" | awk '{ n += $3 } END { print n + 0 }')
echo "[test] cargo: $unit_and_integration passed; end-to-end: $(grep -o '[0-9]* passed' "$work/e2e.log" | tail -n 1); API schema: $schema_cases generated requests passed (status $schema_status)"
if [ "$cargo_status" -ne 0 ] || [ "$e2e_status" -ne 0 ] || [ "$schema_status" -ne 0 ]; then
  [ "$failed" -eq 0 ] && failed=1
fi
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
