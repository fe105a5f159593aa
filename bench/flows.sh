#!/usr/bin/env bash
# The main read and write of every flow over HTTP, on the demo (SQLite): wrk -t2 -c32 for
# SECONDS each (loopback; every run stops by itself), with the server's memory. The figures
# in BENCHMARKS.md "Every flow" come from this script. Usage: bench/flows.sh [SECONDS, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
secs=${1:-10}
out=bench/out/flows
rm -rf "$out" && mkdir -p "$out"
db="sqlite://$out/flows.db"
export GRASSROOTS_FILES_DIR="$out/files"
export GRASSROOTS_PETITION_KEY=$(printf 'grassroots demo petition key....' | od -An -tx1 | tr -d ' \n')
cargo build --release -q -p grassroots-cli
bin=target/release/grassroots
"$bin" demo --no-serve --database-url "$db" >/dev/null 2>&1
for user in suixi.market suixi.leader linhuan.officer linhuan.inspector linhuan.dispatcher xinluo.resources; do
    "$bin" token create "$user" --name bench --database-url "$db" 2>/dev/null | tail -n1 > "$out/$user"
done
GRASSROOTS_LOG=warn "$bin" serve --database-url "$db" --listen 127.0.0.1:18091 &
gr=$!
trap 'kill $gr 2>/dev/null || true' EXIT
sleep 2
rss() { awk "/$1/ {print int(\$2 / 1024)}" /proc/$gr/status; }
printf '%-12s %-58s %9s %9s %9s %s\n' flow request req/s p50 p99 "non-2xx"
run() { # flow, user, method, path, [body], [content type]
    TOKENS="$out/$2" METHOD=$3 PATH_TEMPLATE=$4 BODY=${5:-} CONTENT_TYPE=${6:-application/json} \
        wrk -t2 -c32 -d"${secs}s" --latency -s bench/mix.lua http://127.0.0.1:18091 > "$out/$1-$3.txt" 2>&1
    printf '%-12s %-58s %9s %9s %9s %s\n' "$1" "$3 ${4:0:52}" \
        "$(awk '/Requests\/sec/ {print $2}' "$out/$1-$3.txt")" \
        "$(awk '$1 == "50%" {print $2}' "$out/$1-$3.txt")" \
        "$(awk '$1 == "99%" {print $2}' "$out/$1-$3.txt")" \
        "$(awk '/Non-2xx/ {print $4}' "$out/$1-$3.txt")"
}
echo "server RSS at start: $(rss VmRSS) MiB"
run admission suixi.market POST /api/v1/tasks '{"title":"关于开展秋冬季森林防灭火工作的通知 {n}","text":"请各乡镇做好巡山护林和火源管控。","targets":["340621104"]}'
run admission linhuan.officer GET "/api/v1/task-targets?per_page=50"
run restructuring linhuan.officer GET /api/v1/plans
run empowerment linhuan.inspector GET /api/v1/towns/340621104/powers
run enforcement linhuan.inspector POST /api/v1/cases '{"town":"340621104","procedure":"general","party_name":"某经营者 {n}","act_date":"2026-01-02","legal_basis":"《中华人民共和国安全生产法》","facts":"未按规定设置安全警示标志"}'
run enforcement linhuan.inspector GET "/api/v1/cases?per_page=50"
run inspection linhuan.inspector GET /api/v1/inspection-targets
run command linhuan.dispatcher POST /api/v1/events '{"division":"340621104200","source":"patrol","category":"other","title":"巡查发现 {n}"}'
run command linhuan.dispatcher GET /api/v1/board
run petition linhuan.officer POST /api/v1/petitions '{"division":"340621104","channel":"letter","kind":"claim","title":"信访事项 {n}","petitioner":{"name":"赵六","id_number":"11010519491231002X","phone":"13800006666","address":"临涣镇"}}'
run petition linhuan.officer GET "/api/v1/petitions?per_page=50"
run income linhuan.officer POST /api/v1/income $'village_code,year,source,amount_fen\n340621104200,2025,operating,1234500\n' text/csv
run income suixi.leader GET "/api/v1/divisions/340621/income?year=2025"
run indicators suixi.leader GET "/api/v1/divisions/340621/headline?year=2021"
run warning xinluo.resources GET /api/v1/warnings
echo "server RSS at the end: $(rss VmRSS) MiB, peak $(rss VmHWM) MiB"
