#!/usr/bin/env bash
# Reproduces the screening figures in BENCHMARKS.md: quality on the labelled set and
# throughput on one core against a 500-item list, beside the Python peer
# (jieba + rank_bm25 top-1 with a score threshold) in the same run.
# Needs: pip install jieba rank_bm25
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
cargo build --release -q -p grassroots-cli
bin=target/release/grassroots
lists=data/screening/lists.csv
tasks=data/screening/tasks.jsonl

echo "== quality on the labelled set ($(wc -l < $tasks) tasks, $(($(wc -l < $lists) - 1)) items)"
"$bin" screen --lists $lists --input $tasks --evaluate 2>/dev/null | sed -n '1,6p'
cargo run --release -q -p grassroots-app --example tune_screening -- $lists $tasks | tail -n 1
peer=$(python3 bench/screen_peer.py $lists $tasks --sweep)
echo "$peer"
threshold=$(echo "$peer" | sed -E 's/.*threshold ([0-9.]+).*/\1/')

echo "== throughput on one core, 500 items, 20,000 tasks"
python3 bench/screen_data.py "$out" 20000 >/dev/null
taskset -c 0 "$bin" screen --lists "$out/lists500.csv" --input "$out/tasks_bench.jsonl" --output /dev/null
taskset -c 0 python3 bench/screen_peer.py "$out/lists500.csv" "$out/tasks_bench.jsonl" --bench "$threshold"
