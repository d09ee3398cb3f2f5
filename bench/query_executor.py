"""The killable query executor (kg.web.executor) on a real on-disk store with the sample articles.

Prints throughput and latency of N concurrent small queries, the wall time of four ~2 s aggregates run
at once, the time from a runaway query's
deadline to its error (the kill), and the time a small query takes right after a kill (the
replacement). Measured before and after a change of the executor (issue 11, item 4).

    python bench/query_executor.py                  # 8 threads, 400 queries, pool of 2
    python bench/query_executor.py --threads 4 --queries 200 --size 4
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import glob
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SMALL = [
    "SELECT ?e ?t { GRAPH ?g { ?e a ?t } } LIMIT 20",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]
AGGREGATE = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(?r = ?q) }"   # ~1.8 s alone
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h . ?i ?t ?j }"


def job(sparql: str) -> dict:
    return {"op": "query", "sparql": sparql, "result_format": "json", "graph_format": "turtle",
            "default_graphs": [], "named_graphs": [], "max_rows": 1000}


def load(store: str) -> None:
    files = sorted(glob.glob(str(ROOT / "samples" / "annotated" / "*.json")))
    subprocess.run([sys.executable, "-m", "kg.cli", "--store", store, "import", *files], check=True,
                   capture_output=True, cwd=str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--size", type=int, default=2, help="query processes (KG_QUERY_PROCS)")
    ap.add_argument("--timeout", type=float, default=1.0, help="deadline of the runaway query")
    ap.add_argument("--kills", type=int, default=3)
    args = ap.parse_args(argv)

    from kg.web.executor import QueryExecutor, QueryTimeout
    store = str(Path(tempfile.mkdtemp(prefix="bench-exec-")) / "store")
    load(store)
    ex = QueryExecutor(store, size=args.size)
    try:
        for q in SMALL:                      # start the processes, warm the caches
            assert ex.run(job(q), 30).ok
        lat: list[float] = []

        def one(i: int) -> None:
            t = time.perf_counter()
            res = ex.run(job(SMALL[i % len(SMALL)]), 30)
            lat.append(time.perf_counter() - t)
            assert res.ok, res

        t0 = time.perf_counter()
        with cf.ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(one, range(args.queries)))
        wall = time.perf_counter() - t0
        lat.sort()
        t0 = time.perf_counter()      # the heavy case: 4 aggregates at once through the pool
        with cf.ThreadPoolExecutor(4) as pool:
            assert all(r.kind == "select" for r in pool.map(lambda _: ex.run(job(AGGREGATE), 120), range(4)))
        aggregates = time.perf_counter() - t0
        kill, after = [], []
        for _ in range(args.kills):
            t = time.perf_counter()
            try:
                ex.run(job(RUNAWAY), args.timeout)
                raise SystemExit("the runaway query finished: make it heavier")
            except QueryTimeout:
                kill.append(time.perf_counter() - t - args.timeout)
            t = time.perf_counter()
            assert ex.run(job(SMALL[0]), 30).ok
            after.append(time.perf_counter() - t)
        figures = {
            "threads": args.threads, "queries": args.queries, "size": args.size,
            "queries_per_s": round(args.queries / wall, 1),
            "latency_ms_p50": round(1000 * lat[len(lat) // 2], 2),
            "latency_ms_p95": round(1000 * lat[int(len(lat) * 0.95)], 2),
            "four_aggregates_s": round(aggregates, 2),
            "kill_overrun_ms_median": round(1000 * statistics.median(kill), 1),
            "first_query_after_kill_ms_median": round(1000 * statistics.median(after), 1),
        }
        print(json.dumps(figures, indent=1))
    finally:
        ex.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
