#!/usr/bin/env bash
# Benchmark: deal registration on the release build with the scale data on SQLite.
#   bash benches/deals.sh [SUBMIT_SECONDS] [CLIENTS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
# 1. `tessera seed --scale --partners 10000 --deals 1000000`, timed (target: under 2 minutes);
# 2. the conflict check, 5,000 checks by 4 clients: latency percentiles (target: p95 < 20 ms);
# 3. 32 clients submitting deals for 60 s (target: >= 500 submissions/s), then every acknowledged
#    deal is looked up in the database and nothing unacknowledged may exist (none lost or duplicated).
source "$(dirname "$0")/lib.sh"
seconds=${1:-60}
clients=${2:-32}
partners=${3:-10000}
deals=${4:-1000000}
bench_build
load_generator=$(bench_load_generator deals)
bench_environment
bench_scale_data "$partners" "$deals"
bench_serve
# The KPI fact cache loads as the server starts (1,000,000 deals: seconds of one core): measure
# after it, by waiting for one dashboard answer (an older build loads it on that request).
curl -sf -c "$BENCH_WORK/admin.cookies" -d "email=admin@acme.test&password=tessera-demo" "$BENCH_URL/api/sign_in" >/dev/null
curl -sf -b "$BENCH_WORK/admin.cookies" -d "period=month" -o /dev/null "$BENCH_URL/api/dashboard" \
  || { echo "the dashboard did not answer" >&2; exit 1; }
"$load_generator" "$BENCH_URL" "$TESSERA_DATABASE_URL" "$seconds" "$clients"
