#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL and Redis on loopback for Palaver's
# tests and benchmarks, from Debian's `postgresql` and `redis-server` packages.
#
#   scripts/services.sh start [DIR]   # prints the environment to export
#   scripts/services.sh stop  [DIR]
#
# `start` writes DIR/env (DATABASE_URL=…, REDIS_URL=…): `. DIR/env` before the
# tests. Nothing is installed here; .ci/run installs the packages.
set -euo pipefail

command=${1:-start}
dir=${2:-${PALAVER_SERVICES_DIR:-/tmp/palaver-services}}
pg_port=${PALAVER_PG_PORT:-55432}
redis_port=${PALAVER_REDIS_PORT:-56379}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    : > "$dir/env"
    if [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
      if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
      if [ ! -d "$dir/pg" ]; then
        as_postgres "$pg_bin/initdb -D $dir/pg -A trust -U postgres >/dev/null"
      fi
      if ! as_postgres "$pg_bin/pg_ctl -D $dir/pg status >/dev/null 2>&1"; then
        # fsync stays on: FULL durability is what the tests and benchmarks measure.
        as_postgres "$pg_bin/pg_ctl -D $dir/pg -l $dir/pg.log -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k $dir -c max_connections=300\" start >/dev/null"
      fi
      echo "DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres" >> "$dir/env"
    else
      echo "services: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    fi
    if command -v redis-server >/dev/null 2>&1; then
      if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
        redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
          --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
        for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
      fi
      echo "REDIS_URL=redis://127.0.0.1:$redis_port" >> "$dir/env"
    else
      echo "services: Redis is not installed (Debian: apt-get install redis-server)" >&2
    fi
    sed 's/^/export /' "$dir/env"
    ;;
  stop)
    if [ -n "$pg_bin" ] && [ -d "$dir/pg" ]; then as_postgres "$pg_bin/pg_ctl -D $dir/pg -m fast stop >/dev/null 2>&1" || true; fi
    if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    ;;
  *)
    echo "usage: scripts/services.sh start|stop [DIR]" >&2
    exit 2
    ;;
esac
