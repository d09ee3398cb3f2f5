"""Dev scoring of the extractor on records, with the matching functions of eval/score.py.

Usage: .venv/bin/python bench/score_records.py [GOLD_DIR] [--verbose] [--only ID_SUBSTRING]
Runs the default extractor over the gold articles (events stripped) and prints per-type P/R/F1.
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from kg.extract import default_extractor  # noqa: E402
from kg.records import article_from_json, event_to_json  # noqa: E402


def load_score():
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def as_pred(ev, score):
    d = event_to_json(ev)
    if "parties" in d:
        d["parties"] = score.gold_parties(d)
    if d.get("amount") is not None:
        d["amount"] = float(d["amount"])
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold_dir", nargs="?", default=str(SHARED / "corpus" / "dev"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--only")
    a = ap.parse_args()
    score = load_score()
    ex = default_extractor()
    files = sorted(glob.glob(os.path.join(a.gold_dir, "*.json")))
    if a.only:
        files = [f for f in files if a.only in f]
    golds = [json.load(open(f, encoding="utf-8")) for f in files]
    arts = [article_from_json(g, where=f, with_events=False) for g, f in zip(golds, files)]
    t = time.time()
    results = list(ex.extract_many(arts))
    took = time.time() - t
    counts = {t_: {"tp": 0, "gold": 0, "pred": 0} for t_ in score.TYPES}
    slots = {t_: {s: [0, 0] for s in score.SLOTS[t_]} for t_ in score.TYPES}
    for gold, (art, events) in zip(golds, results):
        pred = [as_pred(e, score) for e in events]
        for e in events:
            assert art.text[e.evidence_start:e.evidence_end] == e.evidence
        for t_ in score.TYPES:
            gs = [e for e in gold["events"] if e["type"] == t_]
            ps = [e for e in pred if e["type"] == t_]
            m = score.match(t_, gs, ps)
            counts[t_]["tp"] += len(m)
            counts[t_]["gold"] += len(gs)
            counts[t_]["pred"] += len(ps)
            for g, p in m:
                for s in score.SLOTS[t_]:
                    if g.get(s) is None:
                        continue
                    slots[t_][s][1] += 1
                    ok = score.slot_equal(s, g.get(s), p.get(s))
                    slots[t_][s][0] += ok
                    if a.verbose and not ok:
                        print(f"  SLOT {art.id} {t_}.{s}: gold {g.get(s)!r} pred {p.get(s)!r}")
            if a.verbose:
                mg = {id(g) for g, _ in m}
                mp = {id(p) for _, p in m}
                skip = ("evidence", "evidence_start", "evidence_end", "topics", "award_text")
                for g in gs:
                    if id(g) not in mg:
                        print(f"  MISS {art.id} {json.dumps({k: v for k, v in g.items() if k not in skip}, ensure_ascii=False)}")
                for p in ps:
                    if id(p) not in mp:
                        print(f"  EXTRA {art.id} {json.dumps({k: v for k, v in p.items() if k not in skip}, ensure_ascii=False)}")
                        print(f"        ev: {p['evidence'][:140]}")

    def prf(c):
        p = c["tp"] / c["pred"] if c["pred"] else 0.0
        r = c["tp"] / c["gold"] if c["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    print(f"{'type':<12}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>7}{'R':>7}{'F1':>7}   slots")
    for t_ in score.TYPES:
        p, r, f = prf(counts[t_])
        sl = ", ".join(f"{s} {v[0]}/{v[1]}" for s, v in slots[t_].items())
        print(f"{t_:<12}{counts[t_]['gold']:>6}{counts[t_]['pred']:>6}{counts[t_]['tp']:>5}{p:>7.2f}{r:>7.2f}{f:>7.2f}   {sl}")
    tot = {k: sum(c[k] for c in counts.values()) for k in ("tp", "gold", "pred")}
    p, r, f = prf(tot)
    print(f"micro P {p:.2f} R {r:.2f} F1 {f:.2f}   ({len(arts)} articles in {took:.1f}s)")


if __name__ == "__main__":
    main()
