#!/usr/bin/env bash
# Screening through the node's HTTP API under load: the watchlist of bench/screen.sh imported
# into a real node as a list version, then `wrk` posts the noisy queries (name, birth date,
# nationality) to /api/v1/screen with a bearer token, several connections at once, and reports
# throughput and latency as the client sees them. See bench/README.md.
#
#   bash bench/screen-api.sh              # after bench/screen.sh (it reuses its files)
#
# Environment: SIZE (1m or 100k, as bench/screen.sh), CONNECTIONS (8), THREADS (2),
# DURATION (30s), WORK (/tmp/corridor-er-bench), SKIP_BUILD=1. Figures last, name=value.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-/tmp/corridor-er-bench}
SIZE=${SIZE:-1m}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
SKIP_BUILD=${SKIP_BUILD:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BIN=$TARGET_DIR/release/corridor

log() { printf '[screen-api %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

IN=$WORK/screen-$SIZE
if [ ! -f "$IN/entries.csv" ]; then
    log "no $IN/entries.csv: run SIZE=$SIZE bash bench/screen.sh first"
    exit 1
fi
command -v wrk >/dev/null || { log "wrk is not installed (apt-get install wrk)"; exit 1; }
if [ "$SKIP_BUILD" != 1 ]; then
    log "building corridor (release)"
    (cd "$ROOT" && cargo build --release --quiet -p corridor-cli)
fi

OUT=$WORK/screen-api-$SIZE
rm -rf "$OUT"; mkdir -p "$OUT"
NODE=$OUT/node
"$BIN" --data "$NODE" init >/dev/null
log "importing $(($(wc -l <"$IN/entries.csv") - 1)) entries as watchlist 'bench' version 1"
start=$(date +%s.%N)
"$BIN" --data "$NODE" watchlist import --list bench --format csv "$IN/entries.csv" >"$OUT/import.txt"
import_seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
printf 'bench-api-password-1' | "$BIN" --data "$NODE" users add officer --role border_officer --password-stdin >/dev/null
printf 'bench-api-password-1' | "$BIN" --data "$NODE" users add watcher --role analyst --password-stdin >/dev/null
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
# The node builds the screening index and runs entity resolution over the list when it
# starts; the load is measured once both are done (steady state), and the wait is reported.
start=$(date +%s.%N)
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/screen" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{"names": ["warm up"]}' >/dev/null
index_seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
log "screening ready after ${index_seconds} s; waiting for entity resolution to finish"
for _ in $(seq 1 1800); do
    state=$(curl -sf "http://127.0.0.1:$PORT/api/v1/resolution" -H "Authorization: Bearer $ANALYST" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["state"])' 2>/dev/null || true)
    [ "$state" = ready ] || [ "$state" = failed ] && break
    sleep 1
done
ready_seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')
log "resolution $state after ${ready_seconds} s; $CONNECTIONS connections for $DURATION"

# The queries as JSON bodies, one per line, for the wrk script to cycle through.
python3 - "$IN/queries_full.csv" "$OUT/bodies.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in csv.DictReader(f):
        body = {"names": [r["name"]], "birth_date": r["birth_date"], "nationality": r["nationality"]}
        out.write(json.dumps(body, ensure_ascii=False) + "\n")
PY
cat >"$OUT/screen.lua" <<LUA
local bodies = {}
for line in io.lines("$OUT/bodies.jsonl") do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/api/v1/screen", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("api_requests_per_second=%.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("api_latency_p50_ms=%.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("api_latency_p90_ms=%.1f\n", latency:percentile(90) / 1000))
  io.write(string.format("api_latency_p99_ms=%.1f\n", latency:percentile(99) / 1000))
  io.write(string.format("api_errors=%d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# Five seconds of the same load first, not counted: the first requests find cold pages and
# a blocking pool still starting its threads (they took 100-600 ms in the first half second).
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$OUT/screen.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk-warmup.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$OUT/screen.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk.txt"
{
    echo "entries=$(($(wc -l <"$IN/entries.csv") - 1))"
    echo "import_seconds=$import_seconds"
    echo "screening_ready_seconds=$index_seconds"
    echo "resolution_ready_seconds=$ready_seconds"
    echo "connections=$CONNECTIONS"
    echo "cores=$(nproc)"
    grep '^api_' "$OUT/wrk.txt"
} | tee "$OUT/results.kv"
