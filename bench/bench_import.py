"""Curated import throughput (kg.ingest.ingest_many: build + SHACL + resolution + atomic write), with the
cross-article resolution in the write path and, as the peer in the same run, without it.

    python bench/bench_import.py [--n 10000] [--runs both|with|without] [--processes 2] [--chunk 500]
                                 [--profile out.prof]

The articles are bench/synthetic.py's (the samples and the dev corpus re-issued under new ids), written
into a new embedded store by kg.batch.import_curated, what ``kg import`` runs (``--processes 1 --chunk 50``
is how it ran before issue 12's second round). Without resolution means
kg.store.resolution.resolution_update patched to write nothing: the figure tells what resolving costs,
it is not a mode the store offers. Both runs print articles/s of each transaction (to show whether the rate
falls as the store grows) and in all, with CPU seconds of this process.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import articles

from kg.batch import IMPORT_CHUNK, import_curated
from kg.store import base as store_base
from kg.store import embedded, open_store


@contextlib.contextmanager
def without_resolution():
    """resolution_update returning None in the store modules that call it (the peer run)."""
    saved = embedded.resolution_update, store_base.resolution_update
    embedded.resolution_update = store_base.resolution_update = lambda *a, **k: None
    try:
        yield
    finally:
        embedded.resolution_update, store_base.resolution_update = saved


def run(arts, label: str, processes: int, chunk: int) -> float:
    """Import ``arts`` into a fresh store as ``kg import`` does; print the rate of each transaction and in all."""
    with tempfile.TemporaryDirectory() as d:
        store = open_store(str(Path(d) / "s"))
        t0, c0 = time.perf_counter(), time.process_time()
        stamps = []

        def seen(outcome):
            assert outcome.ok, outcome.error
            stamps.append(time.perf_counter())

        import_curated(store, arts, processes=processes, chunk=chunk, on_outcome=seen)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        # outcomes come in bursts, one per transaction: the rate of each transaction, from the end of the last
        ends = [t0] + [stamps[min(i + chunk, len(stamps)) - 1] for i in range(0, len(stamps), chunk)]
        marks = [min(chunk, len(stamps) - i * chunk) / max(b - a, 1e-9) for i, (a, b) in enumerate(itertools.pairwise(ends))]
        st = store.stats()
        store.close()
    canon = sum(st[k] for k in st if k.startswith("Canonical"))
    print(f"{label:<22}{len(arts) / wall:>8.1f} articles/s ({wall:.1f} s wall, {cpu:.1f} s CPU in the parent; "
          f"{canon} canonical events); per transaction: {' '.join(f'{m:.0f}' for m in marks)}", flush=True)
    return len(arts) / wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", choices=("both", "with", "without"), default="both",
                    help="with resolution, without it (the peer), or both in turn")
    ap.add_argument("--processes", type=int, default=2, help="validation processes (kg import -j)")
    ap.add_argument("--chunk", type=int, default=IMPORT_CHUNK, help="articles per transaction")
    ap.add_argument("--profile", help="write a cProfile of the run with resolution here")
    args = ap.parse_args(argv)
    arts = articles(args.n, prefix="imp")
    print(f"{len(arts)} curated articles, {sum(len(a.events) for a in arts)} events; {args.processes} processes, "
          f"{args.chunk} articles per transaction", flush=True)
    with_rate = peer = None
    if args.runs == "without":
        pass
    elif args.profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
        with_rate = run(arts, "with resolution", args.processes, args.chunk)
        prof.disable()
        prof.dump_stats(args.profile)
    else:
        with_rate = run(arts, "with resolution", args.processes, args.chunk)
    if args.runs != "with":
        with without_resolution():
            peer = run(arts, "without resolution", args.processes, args.chunk)
    if with_rate and peer:
        print(f"resolution costs {100 * (1 - with_rate / peer):.0f}% of the import rate in this run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
