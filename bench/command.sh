#!/usr/bin/env bash
# Reproduces the command-center figures in BENCHMARKS.md: event intake over HTTP beside the
# same writes made directly through the store in one process, and the dispatcher's board
# over a county of a million events, on SQLite and (when it runs on 127.0.0.1:5432) on
# PostgreSQL. Needs wrk. Usage: bench/command.sh [seconds of intake, default 10] [events, default 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
secs=${1:-10}
events=${2:-1000000}
out=bench/out
mkdir -p "$out"
rm -f "$out"/intake.db* "$out"/direct.db* "$out"/board.db*
export GRASSROOTS_FILES_DIR="$out/files"

cargo build --release -q -p grassroots-cli
cargo build --release -q -p grassroots-app --example intake_direct --example board_bench
bin=target/release/grassroots

echo "== event intake over HTTP: wrk -t2 -c32, ${secs} s, SQLite"
db="sqlite://$out/intake.db"
"$bin" demo --no-serve --database-url "$db" >/dev/null 2>&1
token=$("$bin" token create linhuan.dispatcher --name bench --database-url "$db" 2>/dev/null | tail -n1)
sed "s/TOKEN/$token/" bench/intake.lua > "$out/intake.lua"
GRASSROOTS_LOG=warn "$bin" serve --database-url "$db" --listen 127.0.0.1:18081 &
gr=$!
trap 'kill $gr 2>/dev/null || true' EXIT
sleep 2
wrk -t2 -c32 -d"${secs}s" --latency -s "$out/intake.lua" http://127.0.0.1:18081/api/v1/events > "$out/intake.txt"
grep -E 'requests in|Requests/sec|  50%|  99%|Non-2xx' "$out/intake.txt" || true
kill $gr
wait $gr 2>/dev/null || true

echo "== the same writes straight through the store (one process, no HTTP), SQLite"
"$bin" demo --no-serve --database-url "sqlite://$out/direct.db" >/dev/null 2>&1
for per in 1 32 64; do
    target/release/examples/intake_direct "sqlite://$out/direct.db" 50000 "$per"
done

echo "== the dispatcher's board over $events events, SQLite"
"$bin" demo --no-serve --database-url "sqlite://$out/board.db" >/dev/null 2>&1
target/release/examples/board_bench "sqlite://$out/board.db" "$events" 200

if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "== the dispatcher's board over $events events, PostgreSQL"
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS grassroots_board_bench" -c "CREATE DATABASE grassroots_board_bench"
    pg="postgres://postgres@127.0.0.1:5432/grassroots_board_bench"
    "$bin" demo --no-serve --database-url "$pg" >/dev/null 2>&1
    target/release/examples/board_bench "$pg" "$events" 200
fi
