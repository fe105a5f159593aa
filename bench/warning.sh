#!/usr/bin/env bash
# Reproduces the warning figures in BENCHMARKS.md: an orange warning over all of Anhui
# (18,334 villages, three monitors each), on SQLite and (when it runs on 127.0.0.1:5432)
# on PostgreSQL. For each backend: the publication that records every notice, beside the
# row-by-row peer, and the outbox's texts (crates/app/examples/warning_bench.rs); then
# acknowledgements by the text messages' links over HTTP with wrk, each request another
# notice, and the count of acknowledgements stored afterwards.
# Usage: bench/warning.sh [seconds of wrk, default 8] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
seconds=${1:-8}
connections=${2:-64}
out=bench/out
mkdir -p "$out"

cargo build --release -q -p grassroots-cli
cargo build --release -q -p grassroots-app --example warning_bench
bin=target/release/grassroots
example=target/release/examples/warning_bench

acks() {
    local db=$1 port=18084
    GRASSROOTS_LOG=warn GRASSROOTS_SECURE_COOKIES=false "$bin" serve --database-url "$db" --listen "127.0.0.1:$port" &
    local gr=$!
    trap 'kill $gr 2>/dev/null || true' RETURN
    sleep 2
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/ack.lua "http://127.0.0.1:$port" > "$out/ack.txt"
    printf 'acknowledgements over HTTP: %s req/s; p50 %s, p90 %s, p99 %s\n' \
        "$(awk '/Requests\/sec/ { print $2 }' "$out/ack.txt")" \
        "$(awk '$1 == "50%" { print $2 }' "$out/ack.txt")" \
        "$(awk '$1 == "90%" { print $2 }' "$out/ack.txt")" \
        "$(awk '$1 == "99%" { print $2 }' "$out/ack.txt")"
    grep -q "Non-2xx" "$out/ack.txt" && { echo "  (errors:)"; grep "Non-2xx" "$out/ack.txt"; }
    kill $gr; wait $gr 2>/dev/null || true
    "$example" "$db" count
}

echo "== SQLite"
rm -f "$out"/warning.db*
db="sqlite://$out/warning.db"
"$example" "$db" "$out/tokens.txt"
acks "$db"

if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "== PostgreSQL"
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS grassroots_warning_bench" -c "CREATE DATABASE grassroots_warning_bench"
    pg="postgres://postgres@127.0.0.1:5432/grassroots_warning_bench"
    "$example" "$pg" "$out/tokens.txt"
    acks "$pg"
fi
