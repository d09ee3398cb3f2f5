"""Backends side by side: the embedded store, Oxigraph server and Virtuoso 7.

    .venv/bin/python bench/bench_backends.py [--articles 3000] [--ingest 150] [--repeat 5]

For each backend it prints
- the rate of ``kg.ingest.ingest_many`` (SHACL validation + write, ``--ingest`` articles),
- the rate of the write path alone (``Store.replace_articles``, 50 articles a batch, the batches
  ingest_many sends) for ``--articles`` synthetic articles (copies of the sample and dev articles under
  new ids, so events are new and actors shared, as in a real corpus),
- the median latency of a small dashboard query mix over that store.

The engines are started on 127.0.0.1 in temporary directories (tests/engines.py) and stopped at the
end; a missing engine is reported and skipped. Bounded: well under 3 minutes with the defaults.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from engines import OxigraphServer, VirtuosoServer, synthetic_articles  # noqa: E402
from kg.ingest import ingest_many  # noqa: E402
from kg.rdf import article_graphs  # noqa: E402
from kg.store import open_store  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402

QUERIES = {
    "events by type and year": """
        SELECT ?t ?y (COUNT(?e) AS ?n) WHERE {
          VALUES ?t { dip:Visit dip:Award dip:Agreement dip:TradeTarget }
          ?e a ?t ; prov:wasDerivedFrom ?a . ?a dcterms:issued ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?y)
        } GROUP BY ?t ?y ORDER BY ?y ?t""",
    "top party pairs": """
        SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e dip:party ?a , ?b . FILTER(STR(?a) < STR(?b))
        } GROUP BY ?a ?b ORDER BY DESC(?n) LIMIT 10""",
    "visits hosted by IND": """
        SELECT ?e ?visitor ?start WHERE {
          ?e a dip:Visit ; dip:host ?h ; dip:visitor ?v . ?v rdfs:label ?visitor .
          { ?h dip:represents <https://w3id.org/dipkg/resource/country/IND> }
          UNION { FILTER(?h = <https://w3id.org/dipkg/resource/country/IND>) }
          OPTIONAL { ?e dip:startDate ?start }
        } ORDER BY DESC(?start) LIMIT 50""",
    "latest 20 events": """
        SELECT ?e ?t ?d WHERE {
          VALUES ?t { dip:Visit dip:Award dip:Agreement dip:TradeTarget }
          ?e a ?t ; prov:wasDerivedFrom ?a . ?a dcterms:issued ?d
        } ORDER BY DESC(?d) ?e LIMIT 20""",
    "actor lookup": """
        SELECT ?p ?label ?c WHERE { VALUES ?p { <https://w3id.org/dipkg/resource/person/narendra-modi> }
          ?p rdfs:label ?label OPTIONAL { ?p dip:represents ?c } }""",
}


def run_backend(name: str, store, articles, ingest_articles, repeat: int) -> dict:
    out: dict = {"backend": name}
    t = time.perf_counter()
    summary = ingest_many(store, ingest_articles, extractor="curated")
    dt = time.perf_counter() - t
    assert summary.failed == 0, [o.error for o in summary.outcomes if not o.ok][:3]
    out["ingest_many/s"] = len(ingest_articles) / dt
    items = [(str(g.iri), g.graph, g.actors) for g in (article_graphs(a, extractor="curated") for a in articles)]
    t = time.perf_counter()
    for i in range(0, len(items), 50):
        store.replace_articles(items[i:i + 50])
    out["write/s"] = len(items) / (time.perf_counter() - t)
    stats = store.stats()
    out["articles"], out["quads"] = stats["Article"], stats["quads"]
    for qname, q in QUERIES.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            store.select(q)
            times.append((time.perf_counter() - t) * 1000)
        out[qname] = statistics.median(times)
    t = time.perf_counter()
    store.stats()
    out["stats()"] = (time.perf_counter() - t) * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=3000, help="articles loaded through the write path")
    ap.add_argument("--ingest", type=int, default=100, help="articles through ingest_many (with SHACL)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (median reported)")
    ap.add_argument("--only", nargs="*", choices=["embedded", "oxigraph", "virtuoso"])
    args = ap.parse_args()
    articles = synthetic_articles(args.articles, tag="bench")
    ingest_articles = synthetic_articles(args.ingest, tag="bench-ingest")
    results = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-backends-") as tmp:
        tmp = Path(tmp)
        for name in args.only or ["embedded", "oxigraph", "virtuoso"]:
            engine = None
            try:
                if name == "embedded":
                    store = EmbeddedStore(str(tmp / "embedded"))
                elif name == "oxigraph":
                    if not OxigraphServer.find():
                        print("oxigraph: not installed (pip install oxigraph); skipped", file=sys.stderr)
                        continue
                    engine = OxigraphServer(tmp / "oxigraph").start()
                    store = open_store(engine.url)
                else:
                    if not VirtuosoServer.installed():
                        print("virtuoso: not installed (apt-get install virtuoso-opensource); skipped",
                              file=sys.stderr)
                        continue
                    engine = VirtuosoServer(tmp / "virtuoso").start()
                    store = open_store(engine.url, **engine.store_options())
                print(f"{name}: loading ...", file=sys.stderr, flush=True)
                results.append(run_backend(name, store, articles, ingest_articles, args.repeat))
                store.close()
            finally:
                if engine is not None:
                    engine.stop()
    if not results:
        sys.exit("no backend ran")
    cols = [r["backend"] for r in results]
    rows = [("articles stored", "articles", "{:.0f}"), ("quads", "quads", "{:.0f}"),
            (f"ingest_many, articles/s ({args.ingest}, with SHACL)", "ingest_many/s", "{:.0f}"),
            ("write path, articles/s (batches of 50)", "write/s", "{:.0f}")]
    rows += [(f"{q} (ms)", q, "{:.1f}") for q in QUERIES] + [("stats() (ms)", "stats()", "{:.1f}")]
    w = max(len(r[0]) for r in rows)
    print(f"| {'':<{w}} | " + " | ".join(f"{c:>9}" for c in cols) + " |")
    print(f"|{'-' * (w + 2)}|" + "|".join("-" * 11 for _ in cols) + "|")
    for label, key, fmt in rows:
        print(f"| {label:<{w}} | " + " | ".join(f"{fmt.format(r[key]):>9}" for r in results) + " |")
    print(f"\n({time.perf_counter() - started:.0f} s in all; medians of {args.repeat} runs; 127.0.0.1)")


if __name__ == "__main__":
    main()
