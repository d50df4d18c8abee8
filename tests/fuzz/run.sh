#!/usr/bin/env bash
# Fuzzes the running gateway from its own schema with schemathesis (PyPI): a fixed budget
# of generated operations, anonymously and as IBM_CHANNEL, then asserts that no response
# was a 5xx or carried INTERNAL_SERVER_ERROR, and that the gateway is still alive. Usage: tests/fuzz/run.sh PATH_TO_BINARY
set -euo pipefail
BIN=${1:?the partnerworld binary}
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${FUZZ_VENV:-$HOME/.cache/partnerworld/fuzz-venv}
EXAMPLES=${FUZZ_EXAMPLES:-40}
SEED=${FUZZ_SEED:-20261122}

test -x "$VENV/bin/python" || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$WORK/fuzz.db?mode=rwc" SEED_DEMO=true LISTEN_ADDR="127.0.0.1:$PORT" \
  JWT_HS256_SECRET=fuzz-secret-of-at-least-thirty-two-bytes RUST_LOG=error \
  INTROSPECTION=true RATE_LIMIT_REQUESTS=0 RATE_LIMIT_SENSITIVE=0
# Production mode otherwise: introspection is on only so the fuzzer can read the schema,
# and rate limits are off so it reaches the resolvers instead of 429s.
"$BIN" serve >"$WORK/gateway.log" 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true; rm -rf "$WORK"' EXIT
python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("fuzz: the gateway did not start")
PY
TOKEN=$("$BIN" token --sub channel@ibm.example --ibm-channel)

run() {
  local name=$1; shift
  # schemathesis exits non-zero on its own GraphQL findings too (FORBIDDEN counts as a
  # "server error" to it); the verdict below reads every recorded response instead.
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/graphql" \
    --checks not_a_server_error --max-examples "$EXAMPLES" --seed "$SEED" -w 2 \
    --report har --report-har-path "$WORK/$name.har" "$@" >"$WORK/$name.out" 2>&1 || true
  tail -n 12 "$WORK/$name.out"
}
run anonymous
run ibm-channel -H "Authorization: Bearer $TOKEN"

"$VENV/bin/python" - "$WORK"/*.har <<'PY'
import json, sys
total, server_errors = 0, []
for path in sys.argv[1:]:
    for entry in json.load(open(path))["log"]["entries"]:
        total += 1
        status = entry["response"]["status"]
        text = entry["response"].get("content", {}).get("text", "") or ""
        # A 5xx, no answer, or a resolver failure reported inside a 200.
        if status >= 500 or status == 0 or "INTERNAL_SERVER_ERROR" in text:
            server_errors.append((status, entry["request"].get("postData", {}).get("text", "")[:300], text[:300]))
print(f"fuzz: {total} requests, {len(server_errors)} with a 5xx, no answer or INTERNAL_SERVER_ERROR")
for status, body, answer in server_errors[:10]:
    print(f"  {status}: {body}\n    -> {answer}")
if total < 500:
    sys.exit(f"fuzz: only {total} requests were made; the run did not reach the gateway")
sys.exit(1 if server_errors else 0)
PY
kill -0 "$GW" || { echo "fuzz: the gateway died"; cat "$WORK/gateway.log"; exit 1; }
echo "fuzz: the gateway is alive"
