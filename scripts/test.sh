#!/usr/bin/env bash
# Set up everything and run the whole test suite: once on SQLite, once on PostgreSQL.
# Extra arguments go to pytest (for example: scripts/test.sh -k login).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -qq --disable-pip-version-check -e '.[test]'

echo "== Lint (ruff) =="
.venv/bin/ruff check .

echo "== Test suite on SQLite =="
.venv/bin/python -m pytest "$@"

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true but no PostgreSQL server binaries were found (set PG_BIN)." >&2
    exit 1
  fi
  echo "== PostgreSQL run skipped: no server binaries found (apt-get install postgresql, or set PG_BIN) =="
  exit 0
fi

# A throwaway cluster on loopback, removed again when the run ends.
PGDATA_DIR=$(mktemp -d /tmp/vg-pg.XXXXXX)
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR"
cleanup() { as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA_DIR"; }
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR/data" -A trust -U postgres --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
  -o "-p $PORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null

echo "== Test suite on PostgreSQL ($("$PG_BIN/postgres" --version)) =="
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres" .venv/bin/python -m pytest "$@"
