#!/usr/bin/env bash
# Watchlist screening benchmark: Corridor's index against rapidfuzz (process.cdist, WRatio,
# all cores) on the same watchlist and queries in the same run. See bench/README.md.
#
#   bash bench/screen.sh                 # watchlist from the simulator's 1,000,000 records
#   SIZE=100k bash bench/screen.sh
#
# Environment: SIZE (1m or 100k), QUERIES (10000), RAPIDFUZZ_QUERIES (how many of them
# rapidfuzz screens: 500, as it compares each with every entry), SEED (7: which queries are
# drawn), SIM_SEED (7: which population the simulator makes; another one, with its own WORK,
# is a set nobody has read), WORK (/tmp/corridor-er-bench, shared with bench/er.sh, which
# prepares the simulator's persons), VENV, SKIP_RAPIDFUZZ=1, SKIP_BUILD=1. The figures come
# last, one name=value per line.
#
#   SIM_SEED=11 WORK=/tmp/corridor-seed11 SKIP_RAPIDFUZZ=1 bash bench/screen.sh

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/corridor-er-bench}
VENV=${VENV:-/var/cache/corridor-bench/venv}
SIZE=${SIZE:-1m}
QUERIES=${QUERIES:-10000}
RAPIDFUZZ_QUERIES=${RAPIDFUZZ_QUERIES:-500}
SEED=${SEED:-7}
SIM_SEED=${SIM_SEED:-7}
SKIP_RAPIDFUZZ=${SKIP_RAPIDFUZZ:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac

log() { printf '[screen %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

DATA=$WORK/data
if [ ! -f "$DATA/sim$SIZE.csv" ]; then
    log "preparing the simulator's $SIZE persons (bench/er.sh, no tools run)"
    DATASETS=sim SIZES=$SIZE SKIP_CORRIDOR=1 SKIP_SPLINK=1 WORK=$WORK VENV=$VENV SIM_SEED=$SIM_SEED \
        bash "$ROOT/bench/er.sh" >/dev/null
fi
# The persons are reused from an earlier run: they must be the population asked for (files
# from before the seed was recorded are seed 7's).
made=$(cat "$DATA/sim$SIZE.sim_seed" 2>/dev/null || echo 7)
if [ "$made" != "$SIM_SEED" ]; then
    log "$DATA/sim$SIZE.csv is the simulator's seed $made, not $SIM_SEED: give this seed a WORK of its own"
    exit 2
fi
PY=$VENV/bin/python
if [ "$SKIP_RAPIDFUZZ" != 1 ] && ! "$PY" -c 'import rapidfuzz' 2>/dev/null; then
    log "installing rapidfuzz into $VENV"
    "$PY" -m pip install -q rapidfuzz==3.14.6
fi
if [ "$SKIP_BUILD" != 1 ]; then
    log "building the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli --example screen_bench)
fi

OUT=$WORK/screen-$SIZE
rm -rf "$OUT"; mkdir -p "$OUT"
RESULTS=$OUT/results.kv
"$PY" "$ROOT/bench/screen/prepare.py" "$DATA/sim$SIZE.csv" "$DATA/sim${SIZE}_truth.csv" "$OUT" \
    "$QUERIES" "$SEED" >"$RESULTS"
echo "cores=$(nproc)" >>"$RESULTS"
echo "sim_seed=$SIM_SEED" >>"$RESULTS"

for kind in names full dated; do
    log "corridor: $kind queries"
    sync
    /usr/bin/time -v -o "$OUT/corridor-$kind-time.txt" "$TARGET_DIR/release/examples/screen_bench" \
        "$OUT/entries.csv" "$OUT/queries_$kind.csv" "$OUT/truth.csv" >"$OUT/corridor-$kind.txt"
    sed "s/^/corridor_${kind}_/" "$OUT/corridor-$kind.txt" >>"$RESULTS"
    echo "corridor_${kind}_peak_rss_mb=$(awk '/Maximum resident/{printf "%d", $6/1024}' "$OUT/corridor-$kind-time.txt")" >>"$RESULTS"
    all=$(sed -n 's/^queries_per_second_all_cores=//p' "$OUT/corridor-$kind.txt")
    echo "corridor_${kind}_queries_per_second_per_core=$(awk -v a="$all" -v c="$(nproc)" 'BEGIN{printf "%.0f", a/c}')" >>"$RESULTS"
done

# The earlier query set, drawn over records (frequent travellers make most of it): recall only.
log "corridor: names-only queries drawn over records"
"$TARGET_DIR/release/examples/screen_bench" "$OUT/entries.csv" "$OUT/by-record/queries_names.csv" \
    "$OUT/by-record/truth.csv" | grep -E '^(queries|recall_at_1|recall_at_10|other_script_)' \
    | sed 's/^/corridor_names_by_record_/' >>"$RESULTS"

if [ "$SKIP_RAPIDFUZZ" != 1 ]; then
    log "rapidfuzz: $RAPIDFUZZ_QUERIES names-only queries against every entry"
    sync
    /usr/bin/time -v -o "$OUT/rapidfuzz-time.txt" "$PY" "$ROOT/bench/screen/rapidfuzz_run.py" "$OUT" \
        "$RAPIDFUZZ_QUERIES" >"$OUT/rapidfuzz.txt"
    sed 's/^/rapidfuzz_names_/' "$OUT/rapidfuzz.txt" >>"$RESULTS"
    echo "rapidfuzz_peak_rss_mb=$(awk '/Maximum resident/{printf "%d", $6/1024}' "$OUT/rapidfuzz-time.txt")" >>"$RESULTS"
    c=$(sed -n 's/^corridor_names_queries_per_second_all_cores=//p' "$RESULTS")
    r=$(sed -n 's/^rapidfuzz_names_queries_per_second=//p' "$RESULTS")
    echo "throughput_ratio_corridor_over_rapidfuzz=$(awk -v c="$c" -v r="$r" 'BEGIN{printf "%.0f", c/r}')" >>"$RESULTS"
fi
cat "$RESULTS"
