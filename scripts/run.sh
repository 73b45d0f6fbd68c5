#!/usr/bin/env bash
# The README's run command: builds the workbench and the node, loads the simulated demo world
# into ./corridor-data on the first run (with one demo user per role), and serves the workbench
# and the API. Prints the address and the demo logins. Stop it with Ctrl-C.
#
#   CORRIDOR_DATA   the store (default ./corridor-data; a postgres:// URL works too)
#   LISTEN          address:port (default 127.0.0.1:8080)
#   CORRIDOR_DEMO_PASSWORD  the demo users' password (default: generated, kept in the data dir)
set -Eeuo pipefail
cd "$(dirname "$0")/.."
DATA=${CORRIDOR_DATA:-./corridor-data}
LISTEN=${LISTEN:-127.0.0.1:8080}

echo "== building the workbench (web/)"
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent)
echo "== building the node"
cargo build --release --locked -p corridor-cli
TARGET=${CARGO_TARGET_DIR:-target}
echo "== starting the node"
exec "$TARGET/release/corridor" --data "$DATA" serve --demo --listen "$LISTEN" --web web/dist
