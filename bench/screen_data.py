#!/usr/bin/env python3
"""Makes the throughput benchmark's files from the labelled set: a 500-item list (the
items of data/screening/lists.csv, then variants of them under new codes, as a county
with many departments would have) and TASKS copies of the labelled tasks.

  screen_data.py OUT_DIR [TASKS]
"""
import csv, json, os, random, sys

out, n_tasks = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000
here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "data", "screening")
items = list(csv.DictReader(open(os.path.join(data, "lists.csv"), encoding="utf-8")))
tasks = [json.loads(l) for l in open(os.path.join(data, "tasks.jsonl"), encoding="utf-8") if l.strip()]
rng = random.Random(2021)
places = ["临涣镇", "双堆集镇", "韩村镇", "刘桥镇", "五沟镇", "铁佛镇", "南坪镇", "百善镇", "孙疃镇", "四铺镇"]
suffixes = ["（汛期）", "（冬春季）", "专项", "日常", "（重点时段）", "（节假日）", "联合", "常态化", "（试点村）"]
big = list(items)
n = 0
while len(big) < 500:
    base = items[n % len(items)]
    n += 1
    v = dict(base)
    v["code"] = f"{base['code']}-V{n:03d}"
    v["title"] = base["title"] + rng.choice(suffixes)
    v["description"] = rng.choice(places) + base["description"]
    big.append(v)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "lists500.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(items[0].keys()))
    w.writeheader()
    w.writerows(big)
with open(os.path.join(out, "tasks_bench.jsonl"), "w", encoding="utf-8") as f:
    for i in range(n_tasks):
        t = dict(tasks[i % len(tasks)])
        t["id"] = f"B{i:06d}"
        f.write(json.dumps(t, ensure_ascii=False) + "\n")
print(f"{len(big)} items, {n_tasks} tasks in {out}")
