"""The protocol behaviours real SPARQL clients depend on, probed on `kg serve` and `oxigraph serve` side by side.

    .venv/bin/python bench/protocol_probe.py          # prints the Markdown table of docs/clients.md

Both servers run on 127.0.0.1 over the same small graph; kg with a write token, a 5-row cap and a 1 s query
timeout, Oxigraph with ``--cors --timeout-s 1 --union-default-graph`` (it has no auth and no row cap). Each
row is one HTTP exchange a client makes (SPARQLWrapper's ``?format=`` values, a Basic-auth write, a CORS
preflight with Authorization, a timeout, graph management without SILENT, unknown dataset graphs, a 204)
and shows what each server answered, so the table in the docs is measured, not remembered.
"""
from __future__ import annotations

import base64
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import start_server  # noqa: E402
from engines import OxigraphServer, free_port  # noqa: E402

TOKEN = "probe-token"
DATA = "".join(f"<http://ex/s{i}> <http://ex/p> {i} .\n" for i in range(300))
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
CONSTRUCT = "CONSTRUCT WHERE { ?s <http://ex/p> ?o }"


def _ctype(r) -> str:
    return (r.headers.get("Content-Type") or "none").split(";")[0]


def probes(query: str, update: str, auth: dict) -> list[tuple[str, str]]:
    basic = {"Authorization": "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()}
    upd = {"Content-Type": "application/sparql-update"}
    out = []

    def row(name, fn):
        try:
            out.append((name, fn()))
        except requests.RequestException as e:
            out.append((name, f"error {type(e).__name__}"))
    row("`?format=rdf+xml` (SPARQLWrapper RDFXML), CONSTRUCT",
        lambda: (lambda r: f"{r.status_code} {_ctype(r)}")(requests.get(query, params={"query": CONSTRUCT,
                                                                                       "format": "rdf+xml"})))
    row("`?format=n3` (SPARQLWrapper N3), CONSTRUCT",
        lambda: (lambda r: f"{r.status_code} {_ctype(r)}")(requests.get(query, params={"query": CONSTRUCT,
                                                                                       "format": "n3"})))
    row("`?format=html` (unknown) with `Accept: application/sparql-results+xml`",
        lambda: (lambda r: f"{r.status_code} {_ctype(r)}")(requests.get(
            query, params={"query": "ASK {}", "format": "html"}, headers={"Accept": "application/sparql-results+xml"})))
    row("write with HTTP Basic (any user, token as password)",
        lambda: str(requests.post(update, data=b"INSERT DATA { <http://ex/b> <http://ex/p> 1 }",
                                  headers={**upd, **basic}).status_code))
    row("write without credentials", lambda: (lambda r: f"{r.status_code}" + (
        f" `WWW-Authenticate: {r.headers['WWW-Authenticate']}`" if "WWW-Authenticate" in r.headers else ""))(
        requests.post(update, data=b"INSERT DATA { <http://ex/n> <http://ex/p> 1 }", headers=upd)))
    row("CORS preflight asking for `Authorization`", lambda: (lambda r: f"{r.status_code}, allows: "
        + (r.headers.get("Access-Control-Allow-Headers") or "none"))(requests.options(
            query, headers={"Origin": "http://page.example", "Access-Control-Request-Method": "POST",
                            "Access-Control-Request-Headers": "authorization, content-type"})))
    row("a SELECT over the row cap (5 rows here)", lambda: (lambda r: (
        f"{len(r.json()['results']['bindings'])} rows, `head.link` {'yes' if 'link' in r.json()['head'] else 'no'}, "
        f"`X-Result-Truncated` {'yes' if 'X-Result-Truncated' in r.headers else 'no'}"))(
            requests.get(query, params={"query": "SELECT * WHERE { ?s <http://ex/p> ?o }"},
                         headers={"Accept": "application/sparql-results+json"})))
    row("a query over the 1 s timeout", lambda: (lambda r: f"{r.status_code} {r.reason!r}, Retry-After: "
        + r.headers.get("Retry-After", "none"))(requests.get(query, params={"query": HEAVY}, timeout=60)))
    requests.post(update, data=b"CREATE SILENT GRAPH <http://ex/exists>", headers={**upd, **auth})
    for text in ("CREATE GRAPH <http://ex/exists>", "DROP GRAPH <http://ex/missing>"):
        row(f"`{text}` (no SILENT)", lambda text=text: (lambda r: f"{r.status_code} {r.text[:60]!r}")(
            requests.post(update, data=text.encode(), headers={**upd, **auth})))
    row("`FROM <unknown graph>`", lambda: (lambda r: f"{r.status_code}" + (
        f", {len(r.json()['results']['bindings'])} rows" if r.ok else ""))(requests.get(
            query, params={"query": "SELECT * FROM <http://ex/none> WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"})))
    row("`default-graph-uri=<unknown graph>`", lambda: (lambda r: f"{r.status_code}" + (
        f", {len(r.json()['results']['bindings'])} rows" if r.ok else ""))(requests.get(
            query, params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "http://ex/none"},
            headers={"Accept": "application/sparql-results+json"})))
    row("`USING <unknown graph>` in an update", lambda: str(requests.post(
        update, data=b"DELETE { ?s ?p ?o } USING <http://ex/none> WHERE { ?s ?p ?o }",
        headers={**upd, **auth}).status_code))
    row("Content-Type of a 204", lambda: _ctype(requests.post(
        update, data=b"INSERT DATA { <http://ex/c> <http://ex/p> 1 }", headers={**upd, **auth})))
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="probe-"))
    kg = start_server(tmp / "kg", token=TOKEN, KG_MAX_ROWS="5", KG_QUERY_TIMEOUT="1")
    ox_dir = tmp / "ox"
    ox = OxigraphServer(ox_dir, port=free_port())
    ox.binary = ox.binary or OxigraphServer.find()
    import subprocess
    (ox_dir / "db").mkdir(parents=True)
    proc = subprocess.Popen([ox.binary, "serve", "--location", str(ox_dir / "db"), "--bind",
                             f"127.0.0.1:{ox.port}", "--cors", "--timeout-s", "1", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        oxq, oxu = f"http://127.0.0.1:{ox.port}/query", f"http://127.0.0.1:{ox.port}/update"
        import time
        for _ in range(100):
            try:
                requests.get(oxq, params={"query": "ASK {}"}, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.1)
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        requests.put(kg.url + "/graph?graph=http://ex/g", data=DATA.encode(),
                     headers={**bearer, "Content-Type": "text/turtle"}).raise_for_status()
        requests.post(f"http://127.0.0.1:{ox.port}/store?graph=http://ex/g", data=DATA.encode(),
                      headers={"Content-Type": "text/turtle"}).raise_for_status()
        ours = probes(kg.sparql, kg.sparql, bearer)
        theirs = probes(oxq, oxu, {})
        print("| what the client does | `kg serve` | `oxigraph serve` 0.5 |\n|---|---|---|")
        for (name, a), (_, b) in zip(ours, theirs):
            print(f"| {name} | {a.replace('|', '/')} | {b.replace('|', '/')} |")
    finally:
        kg.stop()
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
