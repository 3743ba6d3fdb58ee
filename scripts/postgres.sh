#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests, never the system one.
#   scripts/postgres.sh start DIR PORT   — creates and starts it
#   scripts/postgres.sh stop DIR         — stops it and removes DIR
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

case "${1:-}" in
  start)
    [ $# -eq 3 ] || usage
    dir=$2 port=$3
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres >'$dir/initdb.log' 2>&1"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w \
      -o \"-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400\" start >/dev/null"
    ;;
  stop)
    [ $# -eq 2 ] || usage
    dir=$2
    if [ -d "$dir/data" ]; then
      as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast stop >/dev/null 2>&1" || true
    fi
    rm -rf "$dir"
    ;;
  *)
    usage
    ;;
esac
