"""Throughput of the extractor next to bare spaCy on the same texts.

Builds N synthetic ~300-word articles by recombining sentences of the dev corpus (no network),
then prints articles/s for the extractor with n_process=1 and 2 and for ``nlp.pipe`` alone.
Usage: .venv/bin/python bench/bench_extract.py [--n 500]
"""
from __future__ import annotations

import argparse
import glob
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "corpus" / "dev"

from kg.extract.pipeline import SpacyRuleExtractor  # noqa: E402
from kg.records import Article  # noqa: E402


def build_articles(n: int, words: int = 300, seed: int = 7) -> list[Article]:
    sents = []
    for f in sorted(glob.glob(str(DEV / "*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        for para in d["text"].split("\n"):
            sents += [s for s in re.split(r"(?<=[.!?])\s+", para) if len(s.split()) >= 6]
    if not sents:
        sents = ["Chinese President Xi Jinping arrived in Madrid on Monday for a three-day state visit."]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        paras, count = [], 0
        while count < words:
            para = " ".join(rng.choice(sents) for _ in range(3))
            paras.append(para)
            count += len(para.split())
        out.append(Article(id=f"bench-{i}", text="\n\n".join(paras), published="2024-07-09"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    a = ap.parse_args()
    arts = build_articles(a.n)
    nwords = sum(len(x.text.split()) for x in arts)
    print(f"{len(arts)} articles, {nwords / len(arts):.0f} words each on average")
    ex = SpacyRuleExtractor()
    nlp = ex.nlp
    texts = [ex.prepare(x) for x in arts]
    rows = []
    for n_process in (1, 2):
        t = time.time()
        for _ in nlp.pipe(texts, n_process=n_process, batch_size=32):
            pass
        bare = len(arts) / (time.time() - t)
        t = time.time()
        n_events = sum(len(ev) for _, ev in ex.extract_many(arts, n_process=n_process))
        full = len(arts) / (time.time() - t)
        rows.append((n_process, bare, full, n_events))
    print(f"{'n_process':>9} {'spaCy art/s':>12} {'extractor art/s':>16} {'ratio':>6} {'events':>7}")
    for n_process, bare, full, n_events in rows:
        print(f"{n_process:>9} {bare:>12.1f} {full:>16.1f} {full / bare:>6.2f} {n_events:>7}")


if __name__ == "__main__":
    main()
