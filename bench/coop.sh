#!/usr/bin/env bash
# Cooperation benchmark: two nodes on 127.0.0.1 exchanging signed, encrypted packages over
# HTTP (throughput and request → answer round trips), and one large package sealed and opened
# through temporary files (1 MB and 100 MB; memory stays flat). See bench/README.md.
#
#   bash bench/coop.sh            # 500 packages, 20 round trips, 1 MB and 100 MB
#   PACKAGES=100 bash bench/coop.sh
#
# Environment: PACKAGES (500), LARGE_MB ("1 100"), SKIP_BUILD=1. Figures come last, one
# name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PACKAGES=${PACKAGES:-500}
LARGE_MB=${LARGE_MB:-"1 100"}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN=$TARGET_DIR/release/examples/coop_bench

log() { printf '[coop %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli --example coop_bench)
fi
RESULTS=$(mktemp)
echo "cores=$(nproc)" >>"$RESULTS"
log "exchange: $PACKAGES packages, then 20 round trips"
"$BIN" exchange "$PACKAGES" | tee -a "$RESULTS" >&2
for mb in $LARGE_MB; do
    log "one package of $mb MB"
    "$BIN" large $((mb * 1024 * 1024)) | tee -a "$RESULTS" >&2
    log "one file of $mb MB from node to node"
    "$BIN" attach $((mb * 1024 * 1024)) | tee -a "$RESULTS" >&2
done
echo "loadavg1=$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
cat "$RESULTS"
rm -f "$RESULTS"
