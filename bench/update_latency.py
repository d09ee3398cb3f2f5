"""Small-update latency: `kg serve` against `oxigraph serve` in the same run (issue 15).

    .venv/bin/python bench/update_latency.py [--adds 200] [--rounds 3] [--quick]

Both servers start on 127.0.0.1 over the same data (the sample articles, loaded into kg with
``kg import`` and into Oxigraph as the N-Quads kg exports). Each round, in turn on each server:

- ``rdflib``: ``--adds`` calls of ``Graph.add`` on an rdflib Graph over ``SPARQLUpdateStore`` (one
  SPARQL Update per call, as a researcher's script sends them; kg with ``auth=(user, token)``, the
  HTTP Basic form, Oxigraph without auth);
- ``http``: the same number of one-triple ``INSERT DATA`` POSTs over one keep-alive ``requests`` session
  (the client's own cost mostly removed), timed one by one;
- ``read-after-write``: an update followed by an ASK that must see it (what every write-then-check
  client does), timed as a pair.

Rounds alternate (kg, oxigraph, kg, ...) so that load from elsewhere on a shared machine hits both;
the report gives each round, the medians and the kg/oxigraph ratio of each measure. The issue's
target is a ratio within 10x for small updates.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import KG, start_server  # noqa: E402
from engines import OxigraphServer  # noqa: E402

TOKEN = "bench-token"
P = "http://example.org/bench/p"


def _rdflib_adds(query_url: str, update_url: str, n: int, tag: str, auth) -> float:
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
    store = SPARQLUpdateStore(query_endpoint=query_url, update_endpoint=update_url, auth=auth)
    g = rdflib.Graph(store, identifier=rdflib.URIRef(f"http://example.org/bench/{tag}"))
    t0 = time.perf_counter()
    for i in range(n):
        g.add((rdflib.URIRef(f"http://example.org/bench/{tag}/s{i}"), rdflib.URIRef(P), rdflib.Literal(i)))
    return time.perf_counter() - t0


def _http_updates(update_url: str, n: int, tag: str, headers: dict) -> list[float]:
    out = []
    with requests.Session() as s:
        for i in range(n):
            body = f"INSERT DATA {{ <http://example.org/bench/{tag}/h{i}> <{P}> {i} }}"
            t0 = time.perf_counter()
            r = s.post(update_url, data=body.encode(), headers={**headers, "Content-Type": "application/sparql-update"})
            out.append(time.perf_counter() - t0)
            r.raise_for_status()
    return out


def _read_after_write(query_url: str, update_url: str, n: int, tag: str, headers: dict) -> list[float]:
    out = []
    with requests.Session() as s:
        for i in range(n):
            triple = f"<http://example.org/bench/{tag}/r{i}> <{P}> {i}"
            t0 = time.perf_counter()
            s.post(update_url, data=f"INSERT DATA {{ {triple} }}".encode(),
                   headers={**headers, "Content-Type": "application/sparql-update"}).raise_for_status()
            r = s.get(query_url, params={"query": f"ASK {{ {triple} }}"},
                      headers={"Accept": "application/sparql-results+json"})
            out.append(time.perf_counter() - t0)
            if r.json()["boolean"] is not True:
                raise SystemExit(f"{query_url}: a read right after the update did not see it")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--adds", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="50 adds, 2 rounds")
    a = ap.parse_args()
    if a.quick:
        a.adds, a.rounds = 50, 2
    binary = OxigraphServer.find()
    if not binary:
        raise SystemExit("oxigraph serve is not installed: pip install 'oxigraph>=0.5,<0.6'")
    tmp = Path(tempfile.mkdtemp(prefix="bench-update-"))
    samples = sorted(str(p) for p in (ROOT / "samples" / "annotated").glob("*.json"))
    subprocess.run([str(KG), "--store", str(tmp / "kg"), "import", *samples], check=True, capture_output=True)
    nq = subprocess.run([str(KG), "--store", str(tmp / "kg"), "export", "--format", "nquads"], check=True,
                        capture_output=True).stdout
    kg = start_server(tmp / "kg", token=TOKEN)
    ox = OxigraphServer(tmp / "ox", binary=binary).start()
    try:
        requests.post(f"http://127.0.0.1:{ox.port}/store", data=nq,
                      headers={"Content-Type": "application/n-quads"}, timeout=60).raise_for_status()
        servers = {
            "kg": (kg.sparql, kg.sparql, ("dipkg", TOKEN), {"Authorization": f"Bearer {TOKEN}"}),
            "oxigraph": (ox.url, f"http://127.0.0.1:{ox.port}/update", None, {}),
        }
        res: dict[str, dict[str, list[float]]] = {k: {"rdflib": [], "http": [], "raw": []} for k in servers}
        print(f"{a.adds} small updates per measure, {a.rounds} rounds, {len(nq.splitlines())} quads preloaded")
        for rnd in range(a.rounds):
            for name, (q, u, auth, hdr) in servers.items():
                tag = f"{name}{rnd}"
                total = _rdflib_adds(q, u, a.adds, tag, auth)
                http = statistics.median(_http_updates(u, a.adds, tag, hdr))
                raw = statistics.median(_read_after_write(q, u, max(20, a.adds // 5), tag, hdr))
                res[name]["rdflib"].append(total)
                res[name]["http"].append(http)
                res[name]["raw"].append(raw)
                print(f"  round {rnd + 1} {name:9s} rdflib {a.adds} adds {total:6.2f} s | one INSERT DATA "
                      f"{http * 1000:6.1f} ms | update+ASK {raw * 1000:6.1f} ms", flush=True)
        print("\nmedians (kg / oxigraph = ratio):")
        for key, label, unit, scale in (("rdflib", f"rdflib Graph.add x{a.adds}", "s", 1),
                                         ("http", "one INSERT DATA (p50)", "ms", 1000),
                                         ("raw", "update then ASK (p50)", "ms", 1000)):
            k, o = statistics.median(res["kg"][key]) * scale, statistics.median(res["oxigraph"][key]) * scale
            print(f"  {label:26s} kg {k:8.2f} {unit}   oxigraph {o:8.2f} {unit}   ratio {k / o:5.1f}x")
    finally:
        kg.stop()
        ox.stop()


if __name__ == "__main__":
    main()
