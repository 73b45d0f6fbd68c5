#!/usr/bin/env bash
# Risk profiles: Corridor's evaluation beside a general-purpose Python rule engine
# (`rule-engine`, installed into a virtual environment) running the same indicators and profiles
# over the same facts, on a simulated world with its ground truth. See bench/README.md.
#
#   bash bench/risk.sh            # SCALE=demo (5,600 crossings) or small (about 170,000)
#
# Environment: SCALE (demo), SEED (7), REPEAT (rounds over the facts for timing: 20),
# DESK (crossings registered through the API: 300), WORK (/tmp/corridor-risk-bench),
# SKIP_BUILD=1. Figures last, one name=value per line.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/corridor-risk-bench}
SCALE=${SCALE:-demo}
SEED=${SEED:-7}
REPEAT=${REPEAT:-20}
DESK=${DESK:-300}
SKIP_BUILD=${SKIP_BUILD:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN=$TARGET_DIR/release/corridor

log() { printf '[risk %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f", e-s}'; }

if [ "$SKIP_BUILD" != 1 ]; then
    log "building corridor (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli)
fi
VENV=$WORK/venv
if [ ! -x "$VENV/bin/python" ]; then
    log "installing rule-engine into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet 'rule-engine==4.5.3'
fi

OUT=$WORK/$SCALE-$SEED
rm -rf "$OUT"; mkdir -p "$OUT"
NODE=$OUT/node
export CORRIDOR_USER=bench-analyst
"$BIN" --data "$NODE" init >/dev/null
log "simulating a $SCALE world (seed $SEED) into a node"
start=$(date +%s.%N)
"$BIN" --data "$NODE" simulate --seed "$SEED" --scale "$SCALE" --out "$OUT/world" --into >"$OUT/simulate.txt" 2>&1
load_seconds=$(seconds_since "$start")

log "backtest: facts from the history and every profile, against the truth"
start=$(date +%s.%N)
"$BIN" --data "$NODE" risk backtest --truth "$OUT/world/truth" --json >"$OUT/backtest.json"
backtest_seconds=$(seconds_since "$start")
"$BIN" --data "$NODE" risk rules >"$OUT/rules.json"
"$BIN" --data "$NODE" risk facts --out "$OUT/facts.jsonl" 2>/dev/null
crossings=$(wc -l <"$OUT/facts.jsonl")

log "Corridor: the rules over $crossings crossings' facts, $REPEAT rounds"
"$BIN" --data "$NODE" risk eval "$OUT/facts.jsonl" --repeat "$REPEAT" >"$OUT/corridor.jsonl" 2>"$OUT/corridor.err"
corridor_us=$(grep -o '[0-9.]* µs each' "$OUT/corridor.err" | cut -d' ' -f1)
log "rule-engine: the same rules over the same facts"
anchor_rounds=$(( REPEAT > 2 ? 2 : REPEAT ))
anchor_us=$("$VENV/bin/python" "$ROOT/bench/risk/anchor.py" "$OUT/rules.json" "$OUT/facts.jsonl" "$anchor_rounds" "$OUT/anchor.jsonl" | cut -d= -f2)

log "the crossing desk through the API: $DESK crossings, each screened and evaluated"
printf 'bench-risk-password-1' | "$BIN" --data "$NODE" users add officer --role border_officer --password-stdin >/dev/null
printf 'bench-risk-password-1' | "$BIN" --data "$NODE" users add watcher --role analyst --password-stdin >/dev/null
TOKEN=$("$BIN" --data "$NODE" users token officer --name bench 2>/dev/null)
ANALYST=$("$BIN" --data "$NODE" users token watcher --name bench 2>/dev/null)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" --data "$NODE" serve --listen "127.0.0.1:$PORT" --connections 4 >"$OUT/serve.out" 2>"$OUT/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.2
done
# The node runs entity resolution over its records when it starts; the desk is measured once
# that is done (steady state).
for _ in $(seq 1 1800); do
    state=$(curl -sf "http://127.0.0.1:$PORT/api/v1/resolution" -H "Authorization: Bearer $ANALYST" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])' 2>/dev/null || true)
    [ "$state" = ready ] || [ "$state" = failed ] && break
    sleep 1
done
python3 "$ROOT/bench/risk/desk.py" "http://127.0.0.1:$PORT" "$TOKEN" "$DESK" >"$OUT/desk.txt"
kill $SERVER 2>/dev/null || true

python3 - "$OUT/backtest.json" >"$OUT/backtest.txt" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
print(f"backtest_micros_per_crossing={b['micros_per_crossing']:.1f}")
for p in b["profiles"]:
    kind = "perpetrator" if p["kind"] == "possible_perpetrator" else "protection"
    flagged = sum(1 for g in p["disparity"]["groups"] if g["flag"])
    print(f"backtest_{kind}_flagged_groups={flagged}")
print(f"backtest_warnings={len(b['warnings'])}")
PY
"$VENV/bin/python" "$ROOT/bench/risk/compare.py" "$OUT/facts.jsonl" "$OUT/corridor.jsonl" "$OUT/anchor.jsonl" "$OUT/world/truth" "$OUT/rules.json" >"$OUT/compare.txt"

echo "scale=$SCALE"
echo "crossings=$crossings"
echo "load_seconds=$load_seconds"
echo "backtest_seconds=$backtest_seconds"
cat "$OUT/backtest.txt"
echo "corridor_micros_per_evaluation=$corridor_us"
echo "anchor_micros_per_evaluation=$anchor_us"
awk -v a="$anchor_us" -v c="$corridor_us" 'BEGIN{printf "speedup=%.1f\n", a/c}'
cat "$OUT/compare.txt"
cat "$OUT/desk.txt"
