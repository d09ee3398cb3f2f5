"""Import throughput and per-article validation cost at 100 and 10,000 stored articles.

Issue 2 asks that validating one article does not get slower as the store grows:
an article is validated on its own graph plus the actors it uses, never against
the store. This measures it: the same 100 probe articles are built and validated
(kg.ingest.prepare) when the store holds 100 articles and again at 10,000, and the
ratio is printed. Import throughput (validate + atomic write, 50 articles per
transaction) is measured on the way.

    .venv/bin/python bench/bench_core.py [--large 10000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import articles  # noqa: E402

from kg.ingest import ingest_article, ingest_many, prepare  # noqa: E402
from kg.store import open_store  # noqa: E402


def per_article_ms(store, probes) -> tuple[float, float]:
    """Median ms of (build + validate), in CPU time (the machine is shared), and of
    (build + validate + atomic write), in wall time, over the probes."""
    v, w = [], []
    for a in probes:
        t = time.process_time()
        prepare(a)
        v.append((time.process_time() - t) * 1000)
        t = time.perf_counter()
        ingest_article(store, a)
        w.append((time.perf_counter() - t) * 1000)
    return statistics.median(v), statistics.median(w)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=100)
    ap.add_argument("--large", type=int, default=10_000)
    args = ap.parse_args()
    probes = articles(100, prefix="probe")
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "store"))
        t = time.perf_counter()
        s = ingest_many(store, articles(args.small))
        small_rate = s.stored / (time.perf_counter() - t)
        v_small, w_small = per_article_ms(store, probes)
        t = time.perf_counter()
        s = ingest_many(store, articles(args.large - args.small, prefix="more"))
        large_rate = s.stored / (time.perf_counter() - t)
        v_large, w_large = per_article_ms(store, probes)
        st = store.stats()
    print(f"store after load: {st['Article']} articles, {st['quads']} quads")
    print(f"import throughput (validate + write, 50/transaction): {small_rate:.0f} articles/s "
          f"(first {args.small}), {large_rate:.0f} articles/s (next {args.large - args.small})")
    print(f"{'per article (median ms)':<34}{args.small:>10}{args.large:>10}{'ratio':>8}")
    print(f"{'build + SHACL validate (CPU)':<34}{v_small:>10.1f}{v_large:>10.1f}{v_large / v_small:>8.2f}")
    print(f"{'build + validate + write (wall)':<34}{w_small:>10.1f}{w_large:>10.1f}{w_large / w_small:>8.2f}")


if __name__ == "__main__":
    main()
