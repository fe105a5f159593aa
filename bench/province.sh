#!/usr/bin/env bash
# A province on one PostgreSQL server (BENCHMARKS.md): loads all of Anhui with two years of
# records (crates/app/examples/province.rs), serves it, and raises the connections on each
# main read and write — 8, 32, 128, 512 — to find where one server stops, with the server's
# memory after each step. Loopback only; every wrk run stops by itself after SECONDS.
# Usage: bench/province.sh [SECONDS, default 10]; KEEP=1 reuses a province loaded before,
# ONLY=NAME runs one kind of request.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
secs=${1:-10}
out=bench/out/province
mkdir -p "$out"
db=grassroots_province
url="postgres://postgres@127.0.0.1:5432/$db"
export GRASSROOTS_FILES_DIR="$out/files"
# The key the demo seals petitions with, as hex.
export GRASSROOTS_PETITION_KEY=$(printf 'grassroots demo petition key....' | od -An -tx1 | tr -d ' \n')

cargo build --release -q -p grassroots-cli
cargo build --release -q -p grassroots-app --example province
bin=target/release/grassroots
if [ -z "${KEEP:-}" ]; then
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    /usr/bin/time -f "load: %e s, peak memory %M KiB" target/release/examples/province "$url" "$out"
    # As an operator would after a bulk load: statistics and the visibility map.
    psql -h 127.0.0.1 -U postgres -d "$db" -qc "VACUUM ANALYZE"
fi
psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT 'database: ' || pg_size_pretty(pg_database_size('$db'))"
psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT 'events ' || (SELECT COUNT(*) FROM event) || ', cases ' || (SELECT COUNT(*) FROM enforcement_case) || ', petitions ' || (SELECT COUNT(*) FROM petition) || ', income lines ' || (SELECT COUNT(*) FROM village_income) || ', hazard points ' || (SELECT COUNT(*) FROM hazard_point) || ', audit records ' || (SELECT COUNT(*) FROM audit_log)"

# Each leader's county, each dispatcher's town, beside their tokens.
psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT substr(username, 2, 6) FROM app_user WHERE username LIKE 'p%.leader' ORDER BY username" | paste -d' ' "$out/leaders.tokens" - > "$out/leaders.mix"
psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT substr(username, 2, 9) FROM app_user WHERE username LIKE 'p%.dispatcher' ORDER BY username" | paste -d' ' "$out/dispatchers.tokens" - > "$out/dispatchers.mix"

GRASSROOTS_LOG=warn "$bin" serve --database-url "$url" --listen 127.0.0.1:18090 2>"$out/serve.log" &
gr=$!
trap 'kill $gr 2>/dev/null || true' EXIT
until curl -sf http://127.0.0.1:18090/healthz >/dev/null; do sleep 0.5; done
year=$(( $(date +%Y) - 1 ))
run() { # name, tokens, method, path, [body]; ONLY=name runs one kind alone
    if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$1" ]; then return; fi
    for c in 8 32 128 512; do
        TOKENS="$out/$2" METHOD=$3 PATH_TEMPLATE=$4 BODY=${5:-} \
            wrk -t2 -c$c -d"${secs}s" --latency --timeout 10s -s bench/mix.lua http://127.0.0.1:18090 > "$out/$1-$c.txt" 2>&1 || true
        printf '%-22s c=%-4s %8s req/s  p50 %9s  p99 %9s  errors %s  server RSS %s MiB\n' "$1" "$c" \
            "$(awk '/Requests\/sec/ {print $2}' "$out/$1-$c.txt")" \
            "$(awk '$1 == "50.000%" || $1 == "50%" {print $2}' "$out/$1-$c.txt")" \
            "$(awk '$1 == "99.000%" || $1 == "99%" {print $2}' "$out/$1-$c.txt")" \
            "$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$out/$1-$c.txt")" \
            "$(( $(awk '/VmRSS/ {print $2}' /proc/$gr/status) / 1024 ))"
    done
}
run events-list leaders.mix GET "/api/v1/events?per_page=50"
run board dispatchers.mix GET "/api/v1/board"
run cases-list leaders.mix GET "/api/v1/cases?per_page=50"
run headline leaders.mix GET "/api/v1/divisions/{code}/headline?year=$year"
run income leaders.mix GET "/api/v1/divisions/{code}/income?year=$year"
run report-event dispatchers.mix POST "/api/v1/events" '{"division":"{code}","source":"patrol","category":"other","title":"巡查发现 {n}"}'
