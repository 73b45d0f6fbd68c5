#!/usr/bin/env bash
# Protection benchmark: boats of 50 registered into a node holding PERSONS earlier
# registrations (each registration checks for earlier ones of the same persons), then a boat of
# 25 returning persons (other spellings, their own script, sometimes only the birth year) and
# 25 newcomers: how many returning persons are proposed, and how many newcomers get a proposal
# they should not. No anchor does this for protection data; the figures are Corridor's own.
# See bench/README.md.
#
#   bash bench/protection.sh            # PERSONS=5000
#
# Environment: PERSONS (5000), SKIP_BUILD=1. Figures come last, one name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PERSONS=${PERSONS:-5000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN=$TARGET_DIR/release/examples/protection_bench

log() { printf '[protection %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-node --example protection_bench)
fi
RESULTS=$(mktemp)
echo "cores=$(nproc)" >>"$RESULTS"
log "registering $PERSONS persons by boats of 50, then a boat of returning persons and newcomers"
"$BIN" "$PERSONS" | tee -a "$RESULTS" >&2
echo "loadavg1=$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
cat "$RESULTS"
rm -f "$RESULTS"
