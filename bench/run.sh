#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md: requests per second and latency on loopback
# for a bare axum route (the machine's HTTP ceiling), the login, a paginated list and the
# power check of grassroots, side by side in one run; and the resident memory of `serve` idle and under load.
# Needs wrk (Debian package wrk). Usage: bench/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
secs=${1:-10}
out=bench/out
mkdir -p "$out"
rm -f "$out"/bench.db*

cargo build --release -q -p grassroots-cli
cargo build --release -q -p grassroots-web --example bare_axum
bin=target/release/grassroots
db="sqlite://$out/bench.db"

"$bin" demo --no-serve --database-url "$db" >/dev/null 2>&1
token=$("$bin" token create suixi.leader --name bench --database-url "$db" 2>/dev/null | tail -n1)

GRASSROOTS_LOG=warn "$bin" serve --database-url "$db" --listen 127.0.0.1:18080 &
gr=$!
target/release/examples/bare_axum 127.0.0.1:18090 &
bare=$!
trap 'kill $gr $bare 2>/dev/null || true' EXIT
sleep 2

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
echo "idle RSS of serve: $(rss $gr) KiB"

run() {
    local name=$1; shift
    echo "== $name"
    wrk -t2 -c32 -d"${secs}s" --latency "$@" > "$out/$name.txt" &
    local w=$!
    local peak=0
    while kill -0 $w 2>/dev/null; do
        r=$(rss $gr); [ "$r" -gt "$peak" ] && peak=$r
        sleep 0.5
    done
    grep -E 'Requests/sec|  50%|  99%|Non-2xx' "$out/$name.txt" || true
    echo "peak RSS of serve during this run: $peak KiB"
}

run bare_axum http://127.0.0.1:18090/
run list_divisions -H "Authorization: Bearer $token" "http://127.0.0.1:18080/api/v1/divisions?per_page=50"
run power_check -H "Authorization: Bearer $token" "http://127.0.0.1:18080/api/v1/towns/340621104/powers/340621CF001/held?date=2024-01-01"
run power_list -H "Authorization: Bearer $token" "http://127.0.0.1:18080/api/v1/towns/340621104/powers"
run login -s bench/login.lua http://127.0.0.1:18080/api/v1/session
echo "RSS of serve after the runs: $(rss $gr) KiB"
