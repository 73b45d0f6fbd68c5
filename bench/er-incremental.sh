#!/usr/bin/env bash
# Incremental linking benchmark: one new record linked (and its cluster updated) against an
# index of the simulator's multi-script persons, Corridor's index against Splink's
# predict_between with a trained model, on the same records in the same run. See
# bench/README.md.
#
#   bash bench/er-incremental.sh                  # 1,000,000 records, 1,000 new ones
#   SIZE=100k bash bench/er-incremental.sh
#
# Environment: SIZE (1m or 100k), NEW (records held out and linked one by one: 1000),
# SPLINK_NEW (how many of them Splink links: 100, as each takes a query), SEED (7), WORK
# (/tmp/corridor-er-bench, shared with bench/er.sh, which prepares the data), VENV,
# CORRIDOR_THRESHOLD (0.5: Splink's pairs are taken at SPLINK_THRESHOLD_SIM, 0.95, as in
# er.sh), SKIP_SPLINK=1, SKIP_BUILD=1.
#
# The figures come last, one name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/bench/er
WORK=${WORK:-/tmp/corridor-er-bench}
VENV=${VENV:-/var/cache/corridor-bench/venv}
SIZE=${SIZE:-1m}
NEW=${NEW:-1000}
SPLINK_NEW=${SPLINK_NEW:-100}
SEED=${SEED:-7}
SPLINK_THRESHOLD_SIM=${SPLINK_THRESHOLD_SIM:-0.95}
SKIP_SPLINK=${SKIP_SPLINK:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
EXAMPLE=$TARGET_DIR/release/examples/er_incremental

log() { printf '[er-incremental %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

DATA=$WORK/data
if [ ! -f "$DATA/sim$SIZE.csv" ]; then
    log "preparing the simulator's $SIZE persons (bench/er.sh, no tools run)"
    DATASETS=sim SIZES=$SIZE SKIP_CORRIDOR=1 SKIP_SPLINK=1 WORK=$WORK VENV=$VENV \
        bash "$ROOT/bench/er.sh" >/dev/null
fi
PY=$VENV/bin/python
if [ "$SKIP_BUILD" != 1 ]; then
    log "building the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli --example er_incremental)
fi

OUT=$WORK/incremental-$SIZE
rm -rf "$OUT"; mkdir -p "$OUT"
python3 "$HERE/split.py" "$DATA/sim$SIZE.csv" "$NEW" "$SEED" "$OUT/base.csv" "$OUT/new.csv"
RESULTS=$OUT/results.kv
: >"$RESULTS"
kv() { printf '%s=%s\n' "$1" "$2" >>"$RESULTS"; }
kv cores "$(nproc)"
kv records "$(( $(wc -l <"$DATA/sim$SIZE.csv") - 1 ))"
kv new_records "$NEW"

log "corridor: index $SIZE records, then link $NEW one at a time"
sync
if /usr/bin/time -v -o "$OUT/corridor-time.txt" "$EXAMPLE" "$ROOT/bench/er/corridor-sim.yaml" \
        "$OUT/base.csv" "$OUT/new.csv" "$DATA/sim${SIZE}_truth.csv" \
        >"$OUT/corridor.txt" 2>"$OUT/corridor.log"; then
    sed 's/^/corridor_/' "$OUT/corridor.txt" >>"$RESULTS"
    kv corridor_peak_rss_mb "$(awk '/Maximum resident/{printf "%d", $6/1024}' "$OUT/corridor-time.txt")"
else
    log "corridor failed:"; tail -n 5 "$OUT/corridor.log" >&2
    kv corridor_error 1
fi

if [ "$SKIP_SPLINK" != 1 ]; then
    log "splink: train on $SIZE records, then predict_between for $SPLINK_NEW new records one at a time"
    sync
    if /usr/bin/time -v -o "$OUT/splink-time.txt" "$PY" "$HERE/splink_run.py" incremental sim "$OUT" \
            "$SPLINK_THRESHOLD_SIM" "$OUT/base.csv" "$OUT/new.csv" "$DATA/sim${SIZE}_truth.csv" "$SPLINK_NEW" \
            >"$OUT/splink.txt" 2>"$OUT/splink.log"; then
        sed 's/^/splink_/' "$OUT/splink.txt" >>"$RESULTS"
        kv splink_peak_rss_mb "$(awk '/Maximum resident/{printf "%d", $6/1024}' "$OUT/splink-time.txt")"
    else
        log "splink failed:"; tail -n 5 "$OUT/splink.log" >&2
        kv splink_error 1
    fi
fi

get() { sed -n "s/^$1=//p" "$RESULTS" | tail -n 1; }
c99=$(get corridor_link_p99_ms); s99=$(get splink_link_p99_ms)
if [ -n "$c99" ] && [ -n "$s99" ]; then
    kv p99_ratio_splink_over_corridor "$(awk -v s="$s99" -v c="$c99" 'BEGIN{printf "%.0f", s/c}')"
fi
cat "$RESULTS"
