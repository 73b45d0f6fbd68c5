#!/usr/bin/env bash
# Bulk-import benchmark: Corridor's embedded (SQLite) and PostgreSQL stores against the floor of
# the databases' own bulk loaders (sqlite3 `.import`, PostgreSQL `COPY`) of the same statements,
# in the same run, on the same generated data. See bench/README.md.
#
#   bash bench/import.sh                  # ~910,000 rows = ~10 million statements
#   ROWS=20000 bash bench/import.sh       # smoke run
#   bash bench/import.sh --rows 50000
#
# Environment: ROWS (default 910000), SEED (20261122), PGPORT (55432), SKIP_POSTGRES=1,
# CARGO_TARGET_DIR (default: <workspace>/target).
#
# The figures come last, one name=value per line. Nothing here asserts a time: the script fails
# only if a step fails.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROWS=${ROWS:-910000}
SEED=${SEED:-20261122}
PGPORT=${PGPORT:-55432}
SKIP_POSTGRES=${SKIP_POSTGRES:-0}
STATEMENTS_PER_ROW=11   # bench/crossings.mapping.yaml: 5 traveller + 2 point + 4 crossing

while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --rows=*) ROWS=${1#--rows=}; shift ;;
        --seed) SEED=$2; shift 2 ;;
        --skip-postgres) SKIP_POSTGRES=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "import.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$ROWS" in ''|*[!0-9]*) echo "import.sh: ROWS must be a positive integer" >&2; exit 2 ;; esac

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- what the run needs -------------------------------------------------------------------
need_pkgs=()
command -v sqlite3 >/dev/null || need_pkgs+=(sqlite3)
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v python3 >/dev/null || need_pkgs+=(python3)
if [ "$SKIP_POSTGRES" != 1 ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    need_pkgs+=(postgresql)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# --- build -------------------------------------------------------------------------------
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
log "building corridor (release)"
(cd "$ROOT" && cargo build --release --quiet -p corridor-cli)
BIN=$TARGET_DIR/release/corridor
[ -x "$BIN" ] || { echo "import.sh: no binary at $BIN after the build" >&2; exit 1; }

# --- scratch space, removed on exit ------------------------------------------------------
TMP=$(mktemp -d /tmp/corridor-bench.XXXXXX)
PGTMP=
PGBIN=
cleanup() {
    local rc=$?
    if [ -n "$PGTMP" ] && [ -f "$PGTMP/data/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$PGTMP" ] && rm -rf "$PGTMP"
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command under /usr/bin/time -v; sets ELAPSED (seconds, from the monotonic-ish wall clock)
# and RSS_KB (peak resident set size). stdout goes to $TMP/$name.out, stderr to $TMP/$name.err.
timed() {
    local name=$1; shift
    sync
    local t0 t1
    t0=$(date +%s%N)
    if ! /usr/bin/time -v -o "$TMP/$name.time" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
        echo "import.sh: step $name failed: $*" >&2
        tail -n 20 "$TMP/$name.err" "$TMP/$name.out" >&2 || true
        exit 1
    fi
    t1=$(date +%s%N)
    ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    RSS_KB=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$TMP/$name.time")
}

div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b == 0) print "nan"; else printf f, a / b }'; }
mb() { div "$1" 1024 "%.1f"; }
# "imported FILE: N records, E entities, X statements new, Y already present, Z rejected"
parse_new() { sed -n 's/.* \([0-9][0-9]*\) statements new.*/\1/p' "$1" | tail -n 1; }
parse_present() { sed -n 's/.* \([0-9][0-9]*\) already present.*/\1/p' "$1" | tail -n 1; }

STATEMENTS=$((ROWS * STATEMENTS_PER_ROW))
MAPPING=$ROOT/bench/crossings.mapping.yaml
CSV=$TMP/crossings.csv
STMTS=$TMP/statements.csv

# --- data (not timed) --------------------------------------------------------------------
log "generating $ROWS crossing rows (seed $SEED)"
t0=$(date +%s)
python3 "$ROOT/bench/gen_crossings.py" --rows "$ROWS" --seed "$SEED" --out "$CSV"
log "deriving the $STATEMENTS statement rows for the floor loads"
python3 "$ROOT/bench/to_statements.py" "$CSV" "$STMTS"
GEN_SECONDS=$(( $(date +%s) - t0 ))
CSV_BYTES=$(stat -c %s "$CSV")
STMTS_BYTES=$(stat -c %s "$STMTS")

# --- a. Corridor, embedded store ---------------------------------------------------------
log "corridor import into the embedded store"
"$BIN" --data "$TMP/node" init >/dev/null
timed sqlite_corridor "$BIN" --data "$TMP/node" import --format csv --mapping "$MAPPING" "$CSV"
SQ_SECONDS=$ELAPSED; SQ_RSS_KB=$RSS_KB
SQ_SUMMARY=$(tail -n 1 "$TMP/sqlite_corridor.out")
SQ_NEW=$(parse_new "$TMP/sqlite_corridor.out"); SQ_PRESENT=$(parse_present "$TMP/sqlite_corridor.out")
SQ_BYTES=$(du -sb "$TMP/node" | cut -f1)

# --- b. SQLite floor: sqlite3 .import of the same statements -----------------------------
log "sqlite3 .import of the same statements (floor)"
sqlite3 -batch "$TMP/floor.db" "CREATE TABLE statement (entity_id TEXT, prop TEXT, value TEXT);"
timed sqlite_floor sqlite3 -batch "$TMP/floor.db" ".mode csv" ".import --skip 1 $STMTS statement"
FL_SECONDS=$ELAPSED; FL_RSS_KB=$RSS_KB
FL_ROWS=$(sqlite3 -batch "$TMP/floor.db" "SELECT count(*) FROM statement;")
FL_BYTES=$(du -sb "$TMP/floor.db" | cut -f1)

log "sqlite3 .import of the raw crossing rows (for reference)"
sqlite3 -batch "$TMP/raw.db" "CREATE TABLE crossing (crossing_ref TEXT, passport_no TEXT, full_name TEXT,
    birth_date TEXT, nationality TEXT, phone TEXT, point_code TEXT, direction TEXT, crossed_at TEXT);"
timed sqlite_raw sqlite3 -batch "$TMP/raw.db" ".mode csv" ".import --skip 1 $CSV crossing"
RAW_SECONDS=$ELAPSED
RAW_BYTES=$(du -sb "$TMP/raw.db" | cut -f1)
rm -f "$TMP/raw.db"

# --- c. PostgreSQL -----------------------------------------------------------------------
if [ "$SKIP_POSTGRES" != 1 ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PGTMP=$(mktemp -d /tmp/corridor-bench-pg.XXXXXX)
    chown postgres: "$PGTMP"
    log "starting a throwaway PostgreSQL ($PGBIN) on 127.0.0.1:$PGPORT"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1 \
        || { cat "$PGTMP/initdb.log" >&2; exit 1; }
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off" \
        start >/dev/null || { cat "$PGTMP/log" >&2; exit 1; }
    PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres)
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE corridor_bench" -c "CREATE DATABASE floor_bench"
    dbsize() { "${PSQL[@]}" -d postgres -Atc "SELECT pg_database_size('$1')"; }
    URL="postgres://postgres@127.0.0.1:$PGPORT/corridor_bench"

    log "corridor import into PostgreSQL"
    "$BIN" --data "$URL" init >/dev/null
    PG_SIZE0=$(dbsize corridor_bench)
    timed postgres_corridor "$BIN" --data "$URL" import --format csv --mapping "$MAPPING" "$CSV"
    PG_SECONDS=$ELAPSED; PG_RSS_KB=$RSS_KB
    PG_SUMMARY=$(tail -n 1 "$TMP/postgres_corridor.out")
    PG_NEW=$(parse_new "$TMP/postgres_corridor.out"); PG_PRESENT=$(parse_present "$TMP/postgres_corridor.out")
    "${PSQL[@]}" -d corridor_bench -c "CHECKPOINT" >/dev/null
    PG_BYTES=$(( $(dbsize corridor_bench) - PG_SIZE0 ))

    log "psql \\copy of the same statements (floor)"
    "${PSQL[@]}" -d floor_bench -c "CREATE TABLE statement_floor (entity_id TEXT, prop TEXT, value TEXT)"
    timed postgres_copy "${PSQL[@]}" -d floor_bench \
        -c "\\copy statement_floor(entity_id,prop,value) from '$STMTS' csv header"
    PC_SECONDS=$ELAPSED
    PC_ROWS=$("${PSQL[@]}" -d floor_bench -Atc "SELECT count(*) FROM statement_floor")
    PC_BYTES=$("${PSQL[@]}" -d floor_bench -Atc "SELECT pg_total_relation_size('statement_floor')")

    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null
fi

# --- d. report ---------------------------------------------------------------------------
CORES=$(nproc)
SQ_RATE=$(div "$STATEMENTS" "$SQ_SECONDS" "%.0f")
FL_RATE=$(div "$STATEMENTS" "$FL_SECONDS" "%.0f")
SQ_RATIO=$(div "$SQ_SECONDS" "$FL_SECONDS")
SQ_BPS=$(div "$SQ_BYTES" "$SQ_NEW" "%.1f")
FL_BPS=$(div "$FL_BYTES" "$FL_ROWS" "%.1f")

echo
echo "== Corridor bulk import benchmark: $ROWS rows x $STATEMENTS_PER_ROW = $STATEMENTS statements, $CORES cores =="
echo "input: $CSV_BYTES bytes of crossings CSV, $STMTS_BYTES bytes as statement rows (generated in ${GEN_SECONDS}s, not timed)"
echo
echo "Embedded store (SQLite):"
echo "  corridor import    ${SQ_SECONDS}s  $SQ_RATE statements/s  peak RSS $(mb "$SQ_RSS_KB") MB  $SQ_BYTES bytes on disk"
echo "                     $SQ_SUMMARY"
echo "  sqlite3 .import    ${FL_SECONDS}s  $FL_RATE statements/s  peak RSS $(mb "$FL_RSS_KB") MB  $FL_BYTES bytes  ($FL_ROWS rows; the floor)"
echo "  sqlite3 .import of the raw crossing CSV: ${RAW_SECONDS}s, $RAW_BYTES bytes (reference only)"
echo "  corridor / floor:  ${SQ_RATIO}x  (goal: <= 2x, and >= 300000 statements/s)"
if [ "$SKIP_POSTGRES" != 1 ]; then
    PG_RATE=$(div "$STATEMENTS" "$PG_SECONDS" "%.0f")
    PC_RATE=$(div "$STATEMENTS" "$PC_SECONDS" "%.0f")
    PG_RATIO=$(div "$PG_SECONDS" "$PC_SECONDS")
    PG_BPS=$(div "$PG_BYTES" "$PG_NEW" "%.1f")
    PC_BPS=$(div "$PC_BYTES" "$PC_ROWS" "%.1f")
    echo
    echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') (fsync=off, synchronous_commit=off):"
    echo "  corridor import    ${PG_SECONDS}s  $PG_RATE statements/s  client peak RSS $(mb "$PG_RSS_KB") MB  $PG_BYTES bytes added"
    echo "                     $PG_SUMMARY"
    echo "  psql \\copy         ${PC_SECONDS}s  $PC_RATE statements/s  $PC_BYTES bytes  ($PC_ROWS rows; the floor)"
    echo "  corridor / COPY:   ${PG_RATIO}x"
fi
echo

echo "rows=$ROWS"
echo "statements=$STATEMENTS"
echo "cores=$CORES"
echo "sqlite_corridor_seconds=$SQ_SECONDS"
echo "sqlite_corridor_statements_per_s=$SQ_RATE"
echo "sqlite_statements_inserted=$SQ_NEW"
echo "sqlite_statements_already_present=$SQ_PRESENT"
echo "sqlite_floor_seconds=$FL_SECONDS"
echo "sqlite_floor_statements_per_s=$FL_RATE"
echo "sqlite_ratio_vs_floor=$SQ_RATIO"
echo "sqlite_raw_import_seconds=$RAW_SECONDS"
echo "sqlite_peak_rss_mb=$(mb "$SQ_RSS_KB")"
echo "sqlite_floor_peak_rss_mb=$(mb "$FL_RSS_KB")"
echo "sqlite_bytes_on_disk=$SQ_BYTES"
echo "sqlite_bytes_per_statement=$SQ_BPS"
echo "floor_bytes_on_disk=$FL_BYTES"
echo "floor_bytes_per_statement=$FL_BPS"
if [ "$SKIP_POSTGRES" != 1 ]; then
    echo "postgres_corridor_seconds=$PG_SECONDS"
    echo "postgres_corridor_statements_per_s=$PG_RATE"
    echo "postgres_statements_inserted=$PG_NEW"
    echo "postgres_copy_seconds=$PC_SECONDS"
    echo "postgres_copy_statements_per_s=$PC_RATE"
    echo "postgres_ratio_vs_copy=$PG_RATIO"
    echo "postgres_peak_rss_mb=$(mb "$PG_RSS_KB")"
    echo "postgres_bytes_per_statement=$PG_BPS"
    echo "postgres_copy_bytes_per_statement=$PC_BPS"
fi
