#!/usr/bin/env bash
# Network analysis benchmark: Corridor's graph engine beside python-igraph on the same
# planted-partition graph in the same run. See bench/README.md.
#
#   bash bench/graph.sh               # 1,000,000 nodes, 5,000,000 edges
#   SIZE=100k bash bench/graph.sh     # 100,000 nodes, 500,000 edges (adds leidenalg)
#
# First, accuracy on a simulated world imported into a node (WORLD_SCALE, `small`): how well
# the node's network analysis recovers the true networks, organisers, brokers and payments.
#
# Environment: SIZE (1m or 100k), SOURCES (sampled betweenness sources, 256), SEED (1), WORK
# (/tmp/corridor-graph-bench), VENV, WORLD_SCALE (small), SKIP_WORLD=1, SKIP_IGRAPH=1,
# SKIP_BUILD=1. The figures come last, one name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/corridor-graph-bench}
VENV=${VENV:-/var/cache/corridor-bench/venv}
SIZE=${SIZE:-1m}
SOURCES=${SOURCES:-256}
SEED=${SEED:-1}
SKIP_IGRAPH=${SKIP_IGRAPH:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
case "$SIZE" in
    1m) NODES=1000000 EDGES=5000000 ;;
    100k) NODES=100000 EDGES=500000 ;;
    *) echo "SIZE is 1m or 100k" >&2; exit 2 ;;
esac

log() { printf '[graph %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "$SKIP_BUILD" != 1 ]; then
    log "building corridor and the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli \
        && cargo build --release --quiet -p corridor-graph --example graph_bench \
        && cargo build --release --quiet -p corridor-node --example network_world)
fi
PY=$VENV/bin/python
if [ "$SKIP_IGRAPH" != 1 ]; then
    [ -x "$PY" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
    if ! "$PY" -c 'import igraph, leidenalg, pandas' 2>/dev/null; then
        log "installing python-igraph, leidenalg and pandas into $VENV"
        "$PY" -m pip install -q igraph==1.0.0 leidenalg==0.12.0 pandas numpy
    fi
fi

DATA=$WORK/$SIZE-seed$SEED
if [ ! -f "$DATA/edges.csv" ]; then
    log "generating the planted-partition graph ($NODES nodes, $EDGES edges)"
    "$TARGET_DIR/release/corridor" graph generate --nodes "$NODES" --edges "$EDGES" --seed "$SEED" --out "$DATA"
fi
# The same queries for both: 1,000 neighbourhood seeds and 100 node pairs, drawn from the truth.
python3 - "$DATA/truth.csv" "$DATA/queries.csv" <<'PY'
import random, sys
nodes = [l.split(",")[0] for l in open(sys.argv[1]).read().splitlines()[1:]]
r = random.Random(7)
with open(sys.argv[2], "w") as out:
    for n in r.sample(nodes, 1000):
        out.write(f"hood,{n},\n")
    for _ in range(100):
        a, b = r.sample(nodes, 2)
        out.write(f"pair,{a},{b}\n")
PY

RESULTS=$WORK/results-$SIZE.kv
: >"$RESULTS"
echo "cores=$(nproc)" >>"$RESULTS"
echo "sources=$SOURCES" >>"$RESULTS"

if [ "${SKIP_WORLD:-0}" != 1 ]; then
    WORLD_SCALE=${WORLD_SCALE:-small}
    WORLD=$WORK/world-$WORLD_SCALE-seed$SEED
    if [ ! -f "$WORLD/done" ]; then
        log "simulating the $WORLD_SCALE world and importing it into a node"
        rm -rf "$WORLD"
        "$TARGET_DIR/release/corridor" --data "$WORLD/node" --user bench simulate --seed "$SEED" \
            --scale "$WORLD_SCALE" --out "$WORLD/sim" --into >&2
        touch "$WORLD/done"
    fi
    log "network analysis of the $WORLD_SCALE world against its truth"
    echo "world_scale=$WORLD_SCALE" >>"$RESULTS"
    "$TARGET_DIR/release/examples/network_world" "$WORLD/node" "$WORLD/sim/truth" | tee -a "$RESULTS" >&2
fi
log "corridor"
sync
"$TARGET_DIR/release/examples/graph_bench" "$DATA/edges.csv" "$DATA/truth.csv" "$DATA/queries.csv" "$SOURCES" \
    | tee -a "$RESULTS" >&2
echo "loadavg1=$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"

if [ "$SKIP_IGRAPH" != 1 ]; then
    log "igraph"
    sync
    extra=()
    [ "$SIZE" = 100k ] && extra=(--leidenalg)
    "$PY" "$ROOT/bench/graph/igraph_bench.py" "$DATA/edges.csv" "$DATA/truth.csv" "$DATA/queries.csv" "$SOURCES" \
        "${extra[@]}" | tee -a "$RESULTS" >&2
    ratio() {
        local i c
        i=$(sed -n "s/^igraph_$1=//p" "$RESULTS"); c=$(sed -n "s/^corridor_$1=//p" "$RESULTS")
        [ -n "$i" ] && [ -n "$c" ] && echo "speedup_$1=$(awk -v i="$i" -v c="$c" 'BEGIN{ if (c > 0) printf "%.1f", i/c; else print "inf" }')" >>"$RESULTS"
        return 0
    }
    for op in load_s components_s pagerank_s leiden_s cpm_s betweenness_s 3hop_s shortest_path_p95_ms \
        all_shortest_paths_p95_ms; do
        ratio "$op"
    done
fi
cat "$RESULTS"
