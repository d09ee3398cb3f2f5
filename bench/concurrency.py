"""Concurrency (issue 7): >= 8 clients on 127.0.0.1 against ``kg serve`` for a bounded time.

Writers POST /articles (lists of 5, with the token): new articles and re-posts of stored ones
(which swap the article's graph). Readers run dashboard-like SELECTs, /api/stats and /api/events
pages, and the completeness queries: per article, its event count and its triple count, compared
with what that article id must have. A reader must never see half an article, and no request
may fail.

    python bench/concurrency.py                       # 10 clients (2 writers, 8 readers), 60 s
    python bench/concurrency.py --seconds 15 --clients 8
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import requests  # noqa: E402

from bench.crash_trials import article_dicts  # noqa: E402

PFX = ("PREFIX dip: <https://w3id.org/dipkg/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
       "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")

DASHBOARD = [
    "SELECT ?type ?year (COUNT(*) AS ?n) WHERE { VALUES ?type { dip:Visit dip:Award dip:Agreement "
    "dip:TradeTarget } ?e a ?type . OPTIONAL { ?e dip:startDate|dip:date ?d } } GROUP BY ?type (YEAR(?d) AS ?year) "
    "ORDER BY ?year",
    "SELECT ?visitor (COUNT(?v) AS ?n) WHERE { ?v a dip:Visit ; dip:visitor/rdfs:label ?visitor } "
    "GROUP BY ?visitor ORDER BY DESC(?n) LIMIT 10",
    "SELECT ?a ?b (COUNT(*) AS ?n) WHERE { ?e dip:party ?a, ?b FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b "
    "ORDER BY DESC(?n) LIMIT 50",
    "SELECT ?visitor ?place ?start WHERE { ?v a dip:Visit ; dip:visitor/rdfs:label ?visitor ; "
    "dip:place/rdfs:label ?place . OPTIONAL { ?v dip:startDate ?start } } ORDER BY DESC(?start) LIMIT 25",
]
EVENTS_PER_ARTICLE = ("SELECT ?id (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?a a dip:Article ; "
                      "dcterms:identifier ?id . OPTIONAL { ?e prov:wasDerivedFrom ?a } } } GROUP BY ?id")
TRIPLES_PER_GRAPH = ("SELECT ?id (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                     "?g a dip:Article ; dcterms:identifier ?id } GROUP BY ?id")


def expectations(objs: list[dict]) -> dict[str, tuple[int, int]]:
    """article id -> (distinct events, triples in its graph), as a fresh ingest builds them."""
    from kg.rdf import article_graphs
    from kg.records import article_from_json
    out = {}
    for o in objs:
        g = article_graphs(article_from_json(o), extractor="curated")
        out[o["id"]] = (len({str(e) for e, _ in g.events}), len(g.graph))
    return out


@dataclass
class Stats:
    lat: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    half: list[str] = field(default_factory=list)
    articles_seen: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, dt: float):
        with self.lock:
            self.lat[kind].append(dt)

    def error(self, msg: str):
        with self.lock:
            if len(self.errors) < 200:
                self.errors.append(msg)


def _sparql(s: requests.Session, url: str, q: str):
    return s.post(url + "/sparql", data={"query": PFX + q}, timeout=60,
                  headers={"Accept": "application/sparql-results+json"})


def reader(url: str, expect: dict, stats: Stats, stop: threading.Event, max_requests: int, seed: int):
    rng = random.Random(seed)
    s = requests.Session()
    for i in range(max_requests):
        if stop.is_set():
            return
        roll = rng.random()
        t0 = time.monotonic()
        try:
            if roll < 0.35:
                kind = "completeness"
                q = EVENTS_PER_ARTICLE if rng.random() < 0.5 else TRIPLES_PER_GRAPH
                r = _sparql(s, url, q)
                if r.status_code == 200:
                    rows = r.json()["results"]["bindings"]
                    col = 0 if q is EVENTS_PER_ARTICLE else 1
                    with stats.lock:
                        stats.articles_seen += len(rows)
                    for row in rows:
                        aid, n = row["id"]["value"], int(row["n"]["value"])
                        want = expect.get(aid)
                        if want is None or n != want[col]:
                            stats.half.append(f"{aid}: {n} {'events' if col == 0 else 'triples'}, expected "
                                              f"{want and want[col]}")
            elif roll < 0.8:
                kind = "dashboard"
                r = _sparql(s, url, rng.choice(DASHBOARD) + ("" if rng.random() < 0.5 else f"\n# {i}"))
            elif roll < 0.9:
                kind = "api"
                r = s.get(url + "/api/events", params={"limit": 20, "type": rng.choice(["Visit", "Agreement"])},
                          timeout=60)
            else:
                kind = "api"
                r = s.get(url + "/api/stats", timeout=60)
            dt = time.monotonic() - t0
            if r.status_code != 200:
                stats.error(f"{kind} {r.status_code}: {r.text[:200]}")
            stats.record(kind, dt)
        except Exception as e:  # noqa: BLE001
            stats.error(f"reader: {e!r}")


def writer(url: str, token: str, new: list[dict], old: list[dict], stats: Stats, stop: threading.Event,
           max_requests: int, seed: int):
    rng = random.Random(seed)
    s = requests.Session()
    pos = 0
    for _ in range(max_requests):
        if stop.is_set():
            return
        fresh = pos < len(new) and rng.random() < 0.7
        if fresh:
            body, pos = new[pos:pos + 5], pos + 5
        else:
            body = rng.sample(old, 5)
        t0 = time.monotonic()
        try:
            r = s.post(url + "/articles", json=body, timeout=120, headers={"Authorization": f"Bearer {token}"})
            stats.record("post", time.monotonic() - t0)
            if r.status_code != 201:
                stats.error(f"post {r.status_code}: {r.text[:200]}")
            elif fresh:  # re-posts are already in `old`: adding them again would let one sample hold an id twice
                old.extend(body)
        except Exception as e:  # noqa: BLE001
            stats.error(f"writer: {e!r}")


def run(url: str, token: str, *, expect: dict, preloaded: list[dict], pending: list[dict], seconds: float,
        readers: int, writers: int, max_requests: int = 20_000) -> dict:
    stats = Stats()
    stop = threading.Event()
    threads = []
    for w in range(writers):
        threads.append(threading.Thread(target=writer, daemon=True, args=(
            url, token, pending[w::writers], list(preloaded), stats, stop, max_requests, 100 + w)))
    for k in range(readers):
        threads.append(threading.Thread(target=reader, daemon=True,
                                        args=(url, expect, stats, stop, max_requests, k)))
    t0 = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join(120)
    elapsed = time.monotonic() - t0
    out = {"clients": readers + writers, "readers": readers, "writers": writers, "seconds": round(elapsed, 1),
           "requests": sum(len(v) for v in stats.lat.values()), "errors": len(stats.errors),
           "half_articles": len(stats.half), "article_rows_checked": stats.articles_seen, "kinds": {}}
    out["req_per_s"] = round(out["requests"] / elapsed, 1)
    for kind, v in sorted(stats.lat.items()):
        v = sorted(v)
        out["kinds"][kind] = {"n": len(v), "req_per_s": round(len(v) / elapsed, 1),
                              "p50_ms": round(1000 * statistics.median(v), 1),
                              "p99_ms": round(1000 * v[min(len(v) - 1, int(len(v) * 0.99))], 1)}
    out["error_list"] = stats.errors[:20]
    out["half_list"] = stats.half[:20]
    return out


def setup(store_dir: Path, n_pre: int, n_new: int, prefix: str = "conc"):
    from kg.ingest import ingest_many
    from kg.records import article_from_json
    from kg.store import open_store
    objs = article_dicts(n_pre + n_new, prefix)
    pre, new = objs[:n_pre], objs[n_pre:]
    st = open_store(str(store_dir))
    summary = ingest_many(st, (article_from_json(o) for o in pre), extractor="curated")
    st.close()
    assert summary.failed == 0
    return pre, new, expectations(objs)


def main(argv=None) -> int:
    from conftest import start_server
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=10, help="total clients (2 of them write)")
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--preload", type=int, default=300)
    ap.add_argument("--new", type=int, default=1000, help="articles the writers may add")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-conc-") as tmp:
        store = Path(tmp) / "store"
        pre, new, expect = setup(store, args.preload, args.new)
        server = start_server(store, token="conc-token", workers=2, threads=4)
        try:
            out = run(server.url, "conc-token", expect=expect, preloaded=pre, pending=new, seconds=args.seconds,
                      readers=args.clients - args.writers, writers=args.writers)
        finally:
            server.stop()
        r = __import__("subprocess").run([sys.executable, "-m", "kg.cli", "--store", str(store), "validate"],
                                         capture_output=True, text=True, cwd=str(ROOT))
        out["validate_after"] = "conforms" if r.returncode == 0 else r.stderr[-300:]
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 1 if out["errors"] or out["half_articles"] else 0


if __name__ == "__main__":
    sys.exit(main())
