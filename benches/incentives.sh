#!/usr/bin/env bash
# Benchmark: the incentive ledger on the release build with the scale data (SQLite): 10,000
# partners, 1,000,000 deals, every won deal's margin and registration discount on the ledger.
# 1. Closing a quarter: each of the last ROUNDS ended quarters is closed by the admin (one
#    request, timed by curl on loopback): every partner's volume rebate computed from its won
#    revenue and booked, and every entry of the quarter approved. Baseline in the same run:
#    closing the same quarter again, which finds it closed and writes nothing.
#    Target (issue 15): under 5 s.
# 2. A partner's statement: STATEMENTS partner admins, drawn at random, each ask for their
#    statement (all time, with this quarter's rebate forecast) three times; the latencies'
#    percentiles. Baseline in the same loop: `current_user` (the session looked up, nothing more).
#    Target (issue 15): p95 under 50 ms.
#   bash benches/incentives.sh [ROUNDS] [STATEMENTS] [PARTNERS] [DEALS]
# With TESSERA_BENCH_DB=path/to/scale.db it reuses a scale database made earlier (copied first).
source "$(dirname "$0")/lib.sh"
rounds=${1:-3}
statements=${2:-200}
partners=${3:-10000}
deals=${4:-1000000}
bench_build
bench_environment
bench_scale_data "$partners" "$deals"
bench_serve

bench_sign_in_admin

# The last ROUNDS ended quarters, oldest first, as 2026-Q3.
quarters=$(python3 - "$rounds" <<'PY'
import datetime, sys
today = datetime.date.today()
year, quarter = today.year, (today.month - 1) // 3 + 1
found = []
for _ in range(int(sys.argv[1])):
    quarter -= 1
    if quarter == 0:
        year, quarter = year - 1, 4
    found.append(f"{year}-Q{quarter}")
print(" ".join(reversed(found)))
PY
)

booked() { # rebates booked and entries approved for quarter $1 (its first day)
  python3 - "$BENCH_WORK/bench.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
start = sys.argv[2]
rebates, total = db.execute("SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM incentive_entries WHERE kind = 'rebate' AND period_start = ?", (start,)).fetchone()
approved = db.execute("SELECT COUNT(*) FROM incentive_entries e JOIN incentive_approvals a ON a.entry_id = e.id WHERE e.period_start = ?", (start,)).fetchone()[0]
print(f"{rebates} partners' rebates booked ({total / 100:,.2f} USD), {approved} entries approved")
PY
}

first_day() { python3 -c "y, q = '$1'.split('-Q'); print(f'{y}-{(int(q) - 1) * 3 + 1:02d}-01')"; }

echo "ledger entries: $(python3 -c "import sqlite3; print(sqlite3.connect('$BENCH_WORK/bench.db').execute('SELECT COUNT(*) FROM incentive_entries').fetchone()[0])")"
summary=()
for quarter in $quarters; do
  closed=$(bench_call close_period --data-urlencode "period=$quarter")
  again=$(bench_call close_period --data-urlencode "period=$quarter")
  echo "$quarter: closed in $(python3 -c "print(f'{$closed * 1000:.0f}')") ms, $(booked "$(first_day "$quarter")"); closing it again $(python3 -c "print(f'{$again * 1000:.0f}')") ms"
  summary+=("$closed|$again")
done
printf '%s\n' "${summary[@]}" | python3 -c '
import sys, statistics
rounds = [tuple(float(x) for x in line.strip().split("|")) for line in sys.stdin]
closed = statistics.median(r[0] for r in rounds) * 1000
again = statistics.median(r[1] for r in rounds) * 1000
verdict = "meets" if closed < 5000 else "MISSES"
print(f"median of {len(rounds)} quarters: closing a quarter for every partner {closed:.0f} ms ({verdict} the target: under 5 s); closing a closed one {again:.0f} ms ({closed / again:.0f}x)")
'

# Partners' statements, each partner admin signed in with its own session.
python3 - "$BENCH_URL" "$statements" "$partners" "$BENCH_WORK/bench.db" <<'PY'
import http.client, random, sqlite3, statistics, sys, time, urllib.parse
url, count, partners, database = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
host = urllib.parse.urlparse(url)
db = sqlite3.connect(database)
rng = random.Random(15)
statement_times, baseline_times, sizes = [], [], []
for index in rng.sample(range(1, partners + 1), count):
    email = f"admin{index}@partner{index}.scale.test"
    connection = http.client.HTTPConnection(host.hostname, host.port)
    body = urllib.parse.urlencode({"email": email, "password": "tessera-demo"})
    connection.request("POST", "/api/sign_in", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"{email} could not sign in: {response.status}")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    for _ in range(3):
        for endpoint, times in (("earnings", statement_times), ("current_user", baseline_times)):
            start = time.perf_counter()
            connection.request("POST", f"/api/{endpoint}", "", headers)
            answer = connection.getresponse()
            data = answer.read()
            times.append(time.perf_counter() - start)
            if answer.status != 200:
                sys.exit(f"{endpoint} answered {answer.status}: {data[:200]}")
    organisation = db.execute("SELECT organisation_id FROM users WHERE email = ?", (email,)).fetchone()[0]
    sizes.append(db.execute("SELECT COUNT(*) FROM incentive_entries WHERE organisation_id = ?", (organisation,)).fetchone()[0])
    connection.close()

def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000

p50, p95, top = percentile(statement_times, 0.5), percentile(statement_times, 0.95), max(statement_times) * 1000
b50, b95 = percentile(baseline_times, 0.5), percentile(baseline_times, 0.95)
verdict = "meets" if p95 < 50 else "MISSES"
print(f"statements: {len(statement_times)} requests by {count} partners (entries each: median {statistics.median(sizes):.0f}, most {max(sizes)}): "
      f"p50 {p50:.1f} ms, p95 {p95:.1f} ms ({verdict} the target: under 50 ms), max {top:.1f} ms")
print(f"baseline current_user in the same loop: p50 {b50:.1f} ms, p95 {b95:.1f} ms; the statement's p95 is {p95 / b95:.1f}x the baseline's")
PY
