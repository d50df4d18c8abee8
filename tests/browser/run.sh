#!/usr/bin/env bash
# The GraphiQL page in a real headless browser, against a fresh `partnerworld dev` on a
# free port and an empty SQLite file: tests/node/graphiql.mjs drives Debian's chromium.
# Usage: tests/browser/run.sh PATH_TO_BINARY [SCREENSHOT_PATH]
set -euo pipefail
BIN=${1:?the partnerworld binary}
SHOT=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v chromium >/dev/null || { echo "browser: chromium is required (apt-get install chromium)"; exit 1; }
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$WORK" && LISTEN_ADDR="127.0.0.1:$PORT" RUST_LOG=error \
  exec "$BIN" dev >"$WORK/gateway.log" 2>&1) &
GW=$!
trap 'kill $GW 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 150); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$WORK/gateway.log"; echo "browser: the gateway did not start"; exit 1; }
node "$HERE/../node/graphiql.mjs" "http://127.0.0.1:$PORT/graphql" "$SHOT"
