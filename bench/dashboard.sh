#!/usr/bin/env bash
# Reproduces the dashboard figures in BENCHMARKS.md: a county with five years of records —
# events, enforcement cases and petitions (sealed as the flow seals them) — on SQLite and
# (when it runs on 127.0.0.1:5432) on PostgreSQL. For each backend: what each dashboard
# page and `report` compute, timed in process; then the pages themselves over HTTP with
# wrk (one connection, so each figure is one reader's wait), and `grassroots report`.
# Usage: bench/dashboard.sh [events, default 800000] [cases, 200000] [petitions, 200000]
# (800,000 events and 200,000 cases: the issue's million "events and cases" together)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
events=${1:-800000}
cases=${2:-200000}
petitions=${3:-200000}
out=bench/out
mkdir -p "$out"
export GRASSROOTS_FILES_DIR="$out/files"

cargo build --release -q -p grassroots-cli
cargo build --release -q -p grassroots-app --example dashboard_bench
bin=target/release/grassroots
year=$(( $(date +%Y) - 1 ))

pages() {
    local db=$1 port=18083 base="http://127.0.0.1:18083"
    GRASSROOTS_LOG=warn GRASSROOTS_SECURE_COOKIES=false "$bin" serve --database-url "$db" --listen "127.0.0.1:$port" &
    local gr=$!
    trap 'kill $gr 2>/dev/null || true' RETURN
    sleep 2
    rm -f "$out/jar"
    csrf=$(curl -s -c "$out/jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//;s/"$//')
    curl -s -b "$out/jar" -c "$out/jar" -o /dev/null \
        --data-urlencode "csrf=$csrf" --data-urlencode "username=suixi.leader" \
        --data-urlencode "password=grassroots-demo" --data-urlencode "next=/" "$base/login"
    cookie=$(awk '$6 == "gr_session" { print $6 "=" $7 }' "$out/jar")
    for page in "/dashboard?division=340621&year=$year" "/dashboard?division=340621104&year=$year" \
        "/income?division=340621&year=$year" "/petitions?overdue=1" "/petitions" "/dashboard.xlsx?division=340621&year=$year"; do
        wrk -t1 -c1 -d10s --latency -H "Cookie: $cookie" "$base$page" > "$out/page.txt"
        printf '%-45s %s req/s; p50 %s, p90 %s, p99 %s\n' "$page" \
            "$(awk '/Requests\/sec/ { print $2 }' "$out/page.txt")" \
            "$(awk '$1 == "50%" { print $2 }' "$out/page.txt")" \
            "$(awk '$1 == "90%" { print $2 }' "$out/page.txt")" \
            "$(awk '$1 == "99%" { print $2 }' "$out/page.txt")"
        grep -q "Non-2xx" "$out/page.txt" && { echo "  (errors:)"; grep "Non-2xx" "$out/page.txt"; }
    done
    for division in 340621 340621104; do
        start=$(date +%s%N)
        "$bin" report --database-url "$db" --division "$division" --year "$year" --format json > /dev/null
        echo "grassroots report --division $division --year $year: $(( ($(date +%s%N) - start) / 1000000 )) ms (whole process)"
    done
}

echo "== SQLite"
rm -f "$out"/dashboard.db*
db="sqlite://$out/dashboard.db"
"$bin" demo --no-serve --database-url "$db" >/dev/null 2>&1
target/release/examples/dashboard_bench "$db" "$events" "$cases" "$petitions" 50
GRASSROOTS_PETITION_KEY=$(printf 'grassroots demo petition key....' | od -An -tx1 | tr -d ' \n') pages "$db"

if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "== PostgreSQL"
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS grassroots_dashboard_bench" -c "CREATE DATABASE grassroots_dashboard_bench"
    pg="postgres://postgres@127.0.0.1:5432/grassroots_dashboard_bench"
    "$bin" demo --no-serve --database-url "$pg" >/dev/null 2>&1
    target/release/examples/dashboard_bench "$pg" "$events" "$cases" "$petitions" 0
    # What autovacuum does soon after a bulk load: statistics, and the visibility map that
    # lets the counts read their indexes alone.
    psql -h 127.0.0.1 -U postgres -q -d grassroots_dashboard_bench -c "VACUUM ANALYZE"
    target/release/examples/dashboard_bench "$pg" "$events" "$cases" "$petitions" 50
    GRASSROOTS_PETITION_KEY=$(printf 'grassroots demo petition key....' | od -An -tx1 | tr -d ' \n') pages "$pg"
fi
