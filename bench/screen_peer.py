#!/usr/bin/env python3
"""The peer grassroots' screening is measured against: what a user would script instead.

jieba (search mode) + rank_bm25 over each item's title, description and keywords; the top
item decides when its score reaches a threshold, otherwise the task goes to review.

  screen_peer.py LISTS.csv TASKS.jsonl --sweep      best threshold on labelled tasks
  screen_peer.py LISTS.csv TASKS.jsonl --bench T    throughput at threshold T
"""
import csv, json, sys, time

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(60)
DECISIONS = ["duty", "cooperation", "negative", "review"]


def load(lists_path, tasks_path):
    items = list(csv.DictReader(open(lists_path, encoding="utf-8")))
    tasks = [json.loads(l) for l in open(tasks_path, encoding="utf-8") if l.strip()]
    return items, tasks


def tokens(text):
    return [w for w in jieba.lcut_for_search(text) if len(w) >= 2]


def index(items):
    docs = [tokens(" ".join([i["title"], i["title"], i["description"], i.get("keywords", "")])) for i in items]
    return BM25Okapi(docs)


def top(bm25, task):
    scores = bm25.get_scores(tokens(task["title"] + " " + task.get("description", "")))
    best = max(range(len(scores)), key=lambda k: scores[k])
    return best, scores[best]


def decide(items, best, score, threshold):
    return (items[best]["kind"], items[best]["code"]) if score >= threshold else ("review", None)


def macro_f1(gold, got):
    f1s = []
    for d in DECISIONS:
        tp = sum(1 for g, o in zip(gold, got) if g == d and o == d)
        p = tp / max(1, sum(1 for o in got if o == d))
        r = tp / max(1, sum(1 for g in gold if g == d))
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(f1s) / len(f1s)


def main():
    lists_path, tasks_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    items, tasks = load(lists_path, tasks_path)
    bm25 = index(items)
    if mode == "--sweep":
        tops = [top(bm25, t) for t in tasks]
        gold = [t["label"] for t in tasks]
        best = None
        for step in range(0, 401):
            threshold = step * 0.1
            out = [decide(items, b, s, threshold) for b, s in tops]
            f1 = macro_f1(gold, [d for d, _ in out])
            listed = [(t, o) for t, o in zip(tasks, out) if t["label"] != "review"]
            item_acc = sum(1 for t, o in listed if o[1] == t.get("item")) / max(1, len(listed))
            if best is None or f1 > best[1]:
                best = (threshold, f1, item_acc)
        print(f"peer best threshold {best[0]:.1f}: macro-F1 {best[1]:.3f}, item accuracy {best[2]:.3f}")
    elif mode == "--bench":
        threshold = float(sys.argv[4])
        each = []
        started = time.perf_counter()
        for t in tasks:
            one = time.perf_counter()
            decide(items, *top(bm25, t), threshold)
            each.append(time.perf_counter() - one)
        elapsed = time.perf_counter() - started
        each.sort()
        p99 = each[(len(each) - 1) * 99 // 100]
        print(f"peer screened {len(tasks)} tasks against {len(items)} items: {len(tasks) / elapsed:.0f} tasks/s, p99 {p99 * 1e6:.1f} µs per task")


if __name__ == "__main__":
    main()
