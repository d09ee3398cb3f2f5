"""End-to-end batch ingest (extract + validate + store) next to bare spaCy on the same texts.

Issue 3's target: >= 15 articles/s on 2 cores for ~300-word articles, reported next to
spaCy's own ``nlp.pipe`` on the same texts (the ratio is what to trust on a noisy machine).
Usage: .venv/bin/python bench/bench_ingest.py [--n 500] [--processes 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import build_articles  # noqa: E402

from kg.batch import ingest_articles  # noqa: E402
from kg.extract import default_extractor  # noqa: E402
from kg.store import open_store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args()
    arts = build_articles(a.n)
    words = sum(len(x.text.split()) for x in arts) / len(arts)
    ex = default_extractor()
    texts = [ex.prepare(x) for x in arts]
    t = time.perf_counter()
    for _ in ex.nlp.pipe(texts, n_process=a.processes, batch_size=32):
        pass
    spacy_rate = len(texts) / (time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "s"))
        t = time.perf_counter()
        summary = ingest_articles(store, arts, processes=a.processes)
        rate = len(arts) / (time.perf_counter() - t)
        st = store.stats()
    print(f"{len(arts)} articles of ~{words:.0f} words, {a.processes} processes")
    print(f"{'bare spaCy nlp.pipe':<40}{spacy_rate:>8.1f} articles/s")
    print(f"{'kg batch ingest (extract+SHACL+store)':<40}{rate:>8.1f} articles/s   "
          f"ratio {rate / spacy_rate:.2f} of bare spaCy")
    print(f"stored {summary.stored} articles ({summary.failed} rejected), "
          f"{sum(st[k] for k in ('Visit', 'Award', 'Agreement', 'TradeTarget'))} events")


if __name__ == "__main__":
    main()
