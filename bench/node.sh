#!/usr/bin/env bash
# The node's read path under load: loads a simulated world (default `small`) into a fresh node,
# starts `corridor serve`, logs in as an analyst, and drives entity pages and name searches with
# wrk over loopback. Prints figures last, one name=value per line (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${SCALE:-small}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-8}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}

if ! command -v curl > /dev/null; then
  apt-get install -y curl > /dev/null 2>&1 || { apt-get update > /dev/null && apt-get install -y curl > /dev/null; }
fi
if ! command -v wrk > /dev/null; then
  echo "== installing wrk"
  apt-get install -y wrk > /dev/null 2>&1 || { apt-get update > /dev/null && apt-get install -y wrk > /dev/null; }
fi
echo "== building corridor (release)"
cargo build --release -p corridor-cli --quiet
BIN="$TARGET/release/corridor"
WORK=$(mktemp -d /tmp/corridor-node-bench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2> /dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== simulating and loading the $SCALE world"
"$BIN" --data "$WORK/data" simulate --seed 1 --scale "$SCALE" --out "$WORK/world" --into | tail -1
echo "bench password 1" | "$BIN" --data "$WORK/data" users add bench --role analyst --password-stdin > /dev/null
ENTITIES=$("$BIN" --data "$WORK/data" stats | head -1 | awk '{print $(NF-1)}')

"$BIN" --data "$WORK/data" serve --listen 127.0.0.1:0 --connections 4 > "$WORK/serve.out" 2> "$WORK/serve.log" &
SERVER=$!
for _ in $(seq 50); do grep -q "listening on" "$WORK/serve.out" 2> /dev/null && break; sleep 0.1; done
BASE=$(sed -n 's/^listening on //p' "$WORK/serve.out")
curl -s -c "$WORK/cookies" -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password 1"}' > /dev/null
COOKIE=$(awk '/corridor_session/ {print $7}' "$WORK/cookies")

# 2,000 records an analyst may see (not protection data), in a fixed shuffled order.
awk -F, 'NR > 1 && $2 != "protection" {print $1}' "$WORK/world/truth/records.csv" \
  | shuf -n 2000 --random-source=<(yes) > "$WORK/ids.txt"
cat > "$WORK/entity.lua" <<LUA
local ids = {}
for line in io.lines("$WORK/ids.txt") do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/entities/" .. ids[(i % #ids) + 1],
    {["Cookie"] = "corridor_session=$COOKIE", ["X-Corridor-Reason"] = "benchmark"})
end
LUA
cat > "$WORK/search.lua" <<LUA
local terms = {"hussain", "mohammed", "ahmed", "tesfay", "hassan", "rahman", "fatima", "ibrahim",
               "khan", "diallo", "juan", "maria", "yusuf", "kebede", "amina", "sayed"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/search?limit=20&q=" .. terms[(i % #terms) + 1],
    {["Cookie"] = "corridor_session=$COOKIE", ["X-Corridor-Reason"] = "benchmark"})
end
LUA

# wrk prints latencies as 1.23ms / 456.78us / 1.02s: convert to milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
run() { # name script
  echo "== wrk $1: $CONNECTIONS connections, ${DURATION}s"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" "$BASE" | tee "$WORK/$1.txt"
  RPS[$1]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/$1.txt")
  P50[$1]=$(ms "$(awk '$1 == "50%" {print $2}' "$WORK/$1.txt")")
  P99[$1]=$(ms "$(awk '$1 == "99%" {print $2}' "$WORK/$1.txt")")
  ERR[$1]=$(awk '/Non-2xx/ {print $NF}' "$WORK/$1.txt"); ERR[$1]=${ERR[$1]:-0}
}
declare -A RPS P50 P99 ERR
run entity "$WORK/entity.lua"
run search "$WORK/search.lua"

echo
echo "scale=$SCALE"
echo "entities=$ENTITIES"
echo "connections=$CONNECTIONS"
for name in entity search; do
  echo "${name}_requests_per_second=${RPS[$name]}"
  echo "${name}_p50_ms=${P50[$name]}"
  echo "${name}_p99_ms=${P99[$name]}"
  echo "${name}_non_2xx=${ERR[$name]}"
done
