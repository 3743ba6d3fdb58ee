# Sourced by the scripts that start Tessera: waits for it to answer, or fails loudly.
#   wait_healthy URL [SECONDS]   — until URL/healthz answers 200 (default 60 s)

wait_healthy() {
  local url=$1 seconds=${2:-60}
  local tries=$((seconds * 5))
  for _ in $(seq 1 "$tries"); do
    curl -sf "$url/healthz" >/dev/null && return 0
    sleep 0.2
  done
  echo "error: Tessera at $url did not answer /healthz within ${seconds} s" >&2
  return 1
}
