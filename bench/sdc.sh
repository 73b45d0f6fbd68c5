#!/usr/bin/env bash
# Disclosure-control benchmark: RECORDS simulated migrant records (five quasi-identifiers, a
# sensitive referral) k-anonymised with l-diversity (k = 11, l = 2, at most 10% suppressed) by
# corridor-sdc and by a plain-Python implementation of the same search on the same file, with
# time and peak memory of each and whether they chose the same generalisation; then
# differentially private counts per second. See bench/README.md.
#
#   bash bench/sdc.sh                 # RECORDS=1000000
#   RECORDS=100000 bash bench/sdc.sh
#
# Figures come last, one name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RECORDS=${RECORDS:-1000000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN=$TARGET_DIR/release/examples/kanon_bench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf '[sdc %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building the benchmark program (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-sdc --example kanon_bench)
fi
RESULTS=$WORK/results
echo "cores=$(nproc)" >>"$RESULTS"
log "corridor-sdc: $RECORDS records"
/usr/bin/time -v "$BIN" "$RECORDS" "$WORK/input.csv" 2>"$WORK/rust.time" | tee -a "$RESULTS" >&2
echo "corridor_peak_rss_mb=$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/rust.time") / 1024 ))" >>"$RESULTS"
log "python baseline on the same file"
/usr/bin/time -v python3 "$ROOT/bench/sdc/kanon_baseline.py" "$WORK/input.csv" "$ROOT/crates/corridor-model/data/m49.tsv" 2>"$WORK/py.time" | tee -a "$RESULTS" >&2
echo "python_peak_rss_mb=$(( $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/py.time") / 1024 ))" >>"$RESULTS"
rust=$(sed -n 's/^corridor_kanon_seconds=//p' "$RESULTS")
py=$(sed -n 's/^python_kanon_seconds=//p' "$RESULTS")
echo "speedup_vs_python=$(python3 -c "print(round($py / $rust, 1))")" >>"$RESULTS"
same=$([ "$(sed -n 's/^corridor_levels=//p' "$RESULTS")" = "$(sed -n 's/^python_levels=//p' "$RESULTS")" ] && echo yes || echo no)
echo "same_generalisation=$same" >>"$RESULTS"

# The issue's goal on the simulator's own protection data (SIM_SCALE, small by default): the
# share of persons k = 11 suppresses, and how closely synthetic records keep their marginals.
if [ "${SKIP_SIM:-0}" != 1 ]; then
    SIM_SCALE=${SIM_SCALE:-small}
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        log "building corridor (release) for the simulator's data"
        (cd "$ROOT" && cargo build --release --quiet -p corridor-cli)
    fi
    CORRIDOR=$TARGET_DIR/release/corridor
    log "simulating ($SIM_SCALE) into a node"
    "$CORRIDOR" --data "$WORK/node" init >/dev/null
    "$CORRIDOR" --data "$WORK/node" simulate --seed 5 --scale "$SIM_SCALE" --out "$WORK/sim" --into >/dev/null 2>&1
    "$CORRIDOR" --data "$WORK/node" release protection --out "$WORK/kanon" 2>&1 | tee /dev/stderr >/dev/null
    "$CORRIDOR" --data "$WORK/node" release synthetic --out "$WORK/synthetic" 2>&1 | tee /dev/stderr >/dev/null
    python3 - "$WORK" >>"$RESULTS" <<'PY'
import json, sys
work = sys.argv[1]
k = json.load(open(f"{work}/kanon/manifest.json"))
s = json.load(open(f"{work}/synthetic/manifest.json"))
print(f"sim_protection_rows={k['input_rows']}")
print(f"sim_kanon_suppressed_share={k['suppressed']['share_of_persons']:.4f}")
print(f"sim_kanon_information_loss={k['information_loss']['total']:.4f}")
print(f"sim_synthetic_persons={s['parameters']['persons']}")
print(f"sim_synthetic_records={s['parameters']['records']}")
print(f"sim_synthetic_epsilon={s['privacy_spent']}")
print(f"sim_synthetic_worst_tvd={s['information_loss']['worst_total_variation']:.4f}")
PY
fi
echo "loadavg1=$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
cat "$RESULTS"
