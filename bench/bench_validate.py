"""Per-article SHACL validation time (kg.validate.validate_graph) on a seed-like article.

    python bench/bench_validate.py [--articles 200] [--compare]

Builds N distinct copies of the seed article's graph (5 events: visit, award, two agreements, trade
target, plus the actors they use; about 80 triples), validates each once and prints the median, p90 and
mean per-article time in ms. ``--compare`` also times plain ``pyshacl.validate`` with pre-parsed graphs
(shapes re-harvested per call), the alternative kg.validate does not use.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import validate as kv  # noqa: E402


def _seed_ttl() -> str:
    """The conforming seed graph used by tests/test_shapes.py (one source of truth for its layout)."""
    spec = importlib.util.spec_from_file_location("_dipkg_test_shapes", ROOT / "tests" / "test_shapes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.SEED_TTL


def articles(n: int) -> list[rdflib.Graph]:
    base = _seed_ttl()
    out = []
    for i in range(n):
        key = f"{i:016x}"
        out.append(rdflib.Graph().parse(data=base.replace("f70a25d573f8ddde", key), format="turtle"))
    return out


def timed(fn, graphs) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU ms per article (CPU time is less disturbed by other processes on a busy box)."""
    wall, cpu = [], []
    for g in graphs:
        t0, c0 = time.perf_counter(), time.process_time()
        conforms = fn(g)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert conforms, "the seed-like article must conform"
    return wall, cpu


def summary(name: str, times: tuple[list[float], list[float]]) -> str:
    wall, cpu = times
    q = statistics.quantiles(wall, n=10)
    return (f"{name}: median {statistics.median(wall):.2f} ms/article (CPU {statistics.median(cpu):.2f} ms), "
            f"p90 {q[-1]:.2f} ms, mean {statistics.fmean(wall):.2f} ms over {len(wall)} articles")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--compare", action="store_true", help="also time plain pyshacl.validate per article")
    args = ap.parse_args(argv)

    graphs = articles(args.articles)
    t0 = time.perf_counter()
    kv.validate_graph(graphs[0])  # first call parses shapes + ontology and harvests shapes
    first = (time.perf_counter() - t0) * 1000
    print(f"article graph: {len(graphs[0])} triples; first call (loads shapes/ontology): {first:.0f} ms")
    print(summary("kg.validate.validate_graph", timed(lambda g: kv.validate_graph(g).conforms, graphs)))

    if args.compare:
        import pyshacl

        loaded = kv._load()
        shapes, ont = loaded.shapes, loaded.ontology

        def plain(g):
            conforms, _g, _t = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ont, inference="none")
            return conforms

        print(summary("pyshacl.validate (pre-parsed graphs)", timed(plain, graphs)))

        def no_ont(g):
            conforms, _g, _t = pyshacl.validate(g, shacl_graph=shapes, inference="none")
            return conforms

        print(summary("pyshacl.validate without the ontology", timed(no_ont, graphs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
