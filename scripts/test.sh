#!/usr/bin/env bash
# Runs Corridor's whole test suite on this machine.
#
# The store's conformance suite runs against the embedded SQLite store and a real PostgreSQL
# server. If CORRIDOR_TEST_POSTGRES_URL is not set, this script installs PostgreSQL from
# Debian's packages when it is missing (needs root) and starts a throwaway cluster on
# 127.0.0.1 for the duration of the run.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

PGTMP=
cleanup() {
  if [ -n "$PGTMP" ] && [ -f "$PGTMP/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$PGTMP" ] && rm -rf "$PGTMP"
}
trap cleanup EXIT

# The real public data the research tests read (../shared/data beside the clone, or this
# machine's shared directory); under CI those tests fail without it.
if [ -z "${CORRIDOR_SHARED_DATA:-}" ]; then
  for candidate in "$PWD/../shared/data" /work/shared/data; do
    if [ -f "$candidate/PROVENANCE.md" ]; then export CORRIDOR_SHARED_DATA="$candidate"; break; fi
  done
fi
echo "== public data: ${CORRIDOR_SHARED_DATA:-not found (the tests that read it say so and skip; under CI they fail)}"

if [ -z "${CORRIDOR_TEST_POSTGRES_URL:-}" ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is not installed and this is not root: install the 'postgresql' package" \
           "or set CORRIDOR_TEST_POSTGRES_URL to a server the tests may create databases on." >&2
      exit 1
    fi
    echo "== installing PostgreSQL (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGTMP=$(mktemp -d /tmp/corridor-pg.XXXXXX)
  chown postgres: "$PGTMP"
  PGPORT=$((20000 + RANDOM % 20000))
  echo "== starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  export CORRIDOR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
fi
export CORRIDOR_REQUIRE_POSTGRES=1

echo "== cargo test --workspace"
LOG=$(mktemp)
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e

# The workbench: type check, message catalogues, and the end-to-end test in real headless
# Chromium against the real node binary that cargo test just built.
echo "== workbench (web/): npm ci, type check, end-to-end in headless Chromium"
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is not installed and this is not root: install Debian's 'chromium' package" >&2
    exit 1
  fi
  echo "== installing Chromium (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
set +e
(
  set -e
  cd web
  npm ci --no-audit --no-fund --loglevel=error
  npm run check --silent
  CORRIDOR_BIN="$TARGET/debug/corridor" npm test --silent
) 2>&1 | tee -a "$LOG"
web_status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] && status=$web_status

# One closing line for the whole suite, summed over every test binary and the browser test.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
     END { printf "%d passed, %d failed\n", p, f }' "$LOG"
rm -f "$LOG"
exit "$status"
