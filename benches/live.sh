#!/usr/bin/env bash
# Benchmark: live fan-out on the release build with the scale data on SQLite. STREAMS live streams
# (as many open dashboards and leaderboards) on one server, held by 100 people's sessions, and
# EVENTS deals submitted one after another; for every notice on every stream, the time from the
# event (stamped before its commit) to its arrival. Target (issue 4): p95 < 250 ms at 1,000 streams.
# Then again with every page re-reading its dashboard or leaderboard after each notice, as the
# browser does (REREAD_EVENTS events, default 20): the time until the fresh figures arrive.
#   bash benches/live.sh [STREAMS] [EVENTS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
source "$(dirname "$0")/lib.sh"
streams=${1:-1000}
events=${2:-50}
rereads=${REREAD_EVENTS:-20}
partners=${3:-10000}
deals=${4:-1000000}
# A stream is a socket at each end.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
bench_build
load_generator=$(bench_load_generator live)
bench_environment
bench_scale_data "$partners" "$deals"
bench_serve
echo "== notices only"
"$load_generator" "$BENCH_URL" "$streams" "$events"
echo "server memory with $streams streams open: $(awk '/VmRSS/ { print $2 " " $3 }' /proc/$BENCH_PID/status) RSS"
echo "== every page re-reading its figures after each notice, as the browser does"
"$load_generator" "$BENCH_URL" "$streams" "$rereads" reread
