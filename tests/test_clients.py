"""Real SPARQL clients against a live `kg serve`, used as their users use them (issue 15; docs/clients.md).

SPARQLWrapper and rdflib (SPARQLStore, SPARQLUpdateStore with auth=) always run. Apache Jena 4.5 (Debian's
libapache-jena-java, driven by tests/clients/JenaClient.java on the JDK), Comunica (npm's
@comunica/query-sparql, the comunica-sparql command) and YASGUI in Chromium run when installed; .ci/run
installs them, and with CI=true a missing one fails instead of skipping.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import zipfile
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (BASIC, CSV, DIGEST, JSON, JSONLD, N3, POST, RDFXML, TURTLE, XML, SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from conftest import ROOT, TEST_TOKEN

DIP = "https://w3id.org/dipkg/ontology#"


@pytest.fixture(scope="module")
def seeded(empty_server):
    """The empty server with a few events of our own, written through SPARQL Update."""
    store = SPARQLUpdateStore(query_endpoint=empty_server.sparql, update_endpoint=empty_server.sparql,
                              auth=("dipkg", TEST_TOKEN))
    store.update(f"""PREFIX dip: <{DIP}>
        INSERT DATA {{ GRAPH <http://ex/clients> {{
          <http://ex/e1> a dip:Visit ; dip:visitor <http://ex/modi> ; dip:host <http://ex/putin> .
          <http://ex/e2> a dip:Visit ; dip:visitor <http://ex/xi> ; dip:host <http://ex/putin> .
          <http://ex/e3> a dip:Agreement ; dip:title "Trade, and \\"other\\" things" .
        }} }}""")
    return empty_server


def wrapper(server, query, fmt):
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


def test_sparqlwrapper_json(seeded):
    res = wrapper(seeded, f"SELECT ?e WHERE {{ ?e a <{DIP}Visit> }} ORDER BY ?e", JSON).queryAndConvert()
    assert [b["e"]["value"] for b in res["results"]["bindings"]] == ["http://ex/e1", "http://ex/e2"]


def test_sparqlwrapper_json_post(seeded):
    sw = wrapper(seeded, f"ASK {{ ?e a <{DIP}Agreement> }}", JSON)
    sw.setMethod(POST)
    assert sw.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_xml(seeded):
    doc = wrapper(seeded, f"SELECT ?t WHERE {{ ?e <{DIP}title> ?t }}", XML).queryAndConvert()
    values = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert values == ['Trade, and "other" things']


def test_sparqlwrapper_csv(seeded):
    raw = wrapper(seeded, f"SELECT ?e ?t WHERE {{ ?e <{DIP}title> ?t }}", CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows == [["e", "t"], ["http://ex/e3", 'Trade, and "other" things']]


def test_sparqlwrapper_construct(seeded):
    q = f"CONSTRUCT {{ ?v <http://ex/visited> ?h }} WHERE {{ ?e <{DIP}visitor> ?v ; <{DIP}host> ?h }}"
    g = wrapper(seeded, q, TURTLE).queryAndConvert()
    if isinstance(g, bytes):
        g = rdflib.Graph().parse(data=g, format="turtle")
    assert len(g) == 2
    g = wrapper(seeded, q, XML).queryAndConvert()           # RDF/XML, parsed by SPARQLWrapper into a Graph
    assert isinstance(g, rdflib.Graph) and len(g) == 2


def test_rdflib_sparqlstore(seeded):
    g = rdflib.Graph(SPARQLStore(seeded.sparql, returnFormat="json"))
    rows = list(g.query(f"SELECT ?v ?h WHERE {{ ?e <{DIP}visitor> ?v ; <{DIP}host> ?h }} ORDER BY ?v"))
    assert [(str(r.v), str(r.h)) for r in rows] == [("http://ex/modi", "http://ex/putin"), ("http://ex/xi", "http://ex/putin")]
    assert (rdflib.URIRef("http://ex/e1"), rdflib.RDF.type, rdflib.URIRef(DIP + "Visit")) in g
    assert len(list(g.triples((None, rdflib.URIRef(DIP + "host"), None)))) == 2
    res = g.query(f"CONSTRUCT WHERE {{ ?e a <{DIP}Agreement> }}")
    assert len(res.graph) == 1


def test_rdflib_sparqlstore_xml_default(seeded):
    g = rdflib.Graph(SPARQLStore(seeded.sparql))
    assert bool(g.query(f"ASK {{ ?e a <{DIP}Visit> }}").askAnswer) is True


# --- SPARQLWrapper: every return format, writes with Basic, what DIGEST and a timeout show ----------------

@pytest.mark.parametrize("fmt", [RDFXML, N3, JSONLD, TURTLE, XML, JSON])
def test_sparqlwrapper_construct_every_format(seeded, fmt):
    """SPARQLWrapper sends ?format=rdf+xml / n3 / json-ld ... as well as Accept: every value is answered."""
    q = f"CONSTRUCT {{ ?v <http://ex/visited> ?h }} WHERE {{ ?e <{DIP}visitor> ?v ; <{DIP}host> ?h }}"
    res = wrapper(seeded, q, fmt).query()
    g = res.convert()
    if not isinstance(g, rdflib.Graph):
        g = rdflib.Graph().parse(data=g, format={N3: "n3", JSONLD: "json-ld", TURTLE: "turtle"}.get(fmt, "xml"))
    assert len(g) == 2, res.response.headers


def test_unknown_format_parameter_falls_back_to_accept(seeded):
    r = requests.get(seeded.sparql, params={"query": "ASK {}", "format": "html"},
                     headers={"Accept": "application/sparql-results+xml"}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/sparql-results+xml")


def test_sparqlwrapper_basic_auth_update(seeded):
    sw = SPARQLWrapper(seeded.sparql)
    sw.setHTTPAuth(BASIC)
    sw.setCredentials("any-user-name", TEST_TOKEN)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { GRAPH <http://ex/sw> { <http://ex/sw1> <http://ex/p> 1 } }")
    assert sw.query().response.status == 204
    assert wrapper(seeded, "ASK { <http://ex/sw1> <http://ex/p> 1 }", JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("auth,password,words", [
    (BASIC, "not-the-token", "the token given (Basic) is wrong"),
    (DIGEST, TEST_TOKEN, "HTTP Basic"),    # Digest is not offered: a clean 401 that says to use Basic
])
def test_sparqlwrapper_refused_write_says_what_to_do(seeded, auth, password, words):
    sw = SPARQLWrapper(seeded.sparql)
    sw.setHTTPAuth(auth)
    sw.setCredentials("u", password)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <http://ex/no> <http://ex/p> 1 }")
    with pytest.raises(Unauthorized) as e:
        sw.query()
    assert words in str(e.value) and "setHTTPAuth(BASIC)" in str(e.value)


def test_timeout_shown_by_clients_and_not_retried(server_factory):
    s = server_factory(token=TEST_TOKEN, workers=1, threads=2, KG_QUERY_TIMEOUT="1")
    requests.put(s.url + "/graph?graph=http://ex/big", headers={**s.auth(), "Content-Type": "text/turtle"},
                 data="".join(f"<http://ex/s{i}> <http://ex/p> {i} .\n" for i in range(300)).encode(), timeout=30).raise_for_status()
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
    r = requests.get(s.sparql, params={"query": heavy}, timeout=30)
    assert r.status_code == 503 and "Retry-After" not in r.headers, r.headers
    assert r.reason.startswith("query exceeded 1 s and was stopped")
    assert "running it again will not help" in r.json()["error"]
    with pytest.raises(urllib.error.HTTPError) as e:     # what SPARQLWrapper users see: the reason phrase
        wrapper(s, heavy, JSON).query()
    assert "HTTP Error 503: query exceeded 1 s" in str(e.value)


def test_truncated_results_parse_and_say_so(server_factory):
    s = server_factory(token=TEST_TOKEN, workers=1, threads=2, KG_MAX_ROWS="3")
    requests.put(s.url + "/graph?graph=http://ex/cap", headers={**s.auth(), "Content-Type": "text/turtle"},
                 data="".join(f"<http://ex/s{i}> <http://ex/p> {i} .\n" for i in range(10)).encode(), timeout=30).raise_for_status()
    q = "SELECT ?s WHERE { ?s <http://ex/p> ?o }"
    res = wrapper(s, q, JSON).queryAndConvert()
    assert len(res["results"]["bindings"]) == 3 and res["head"]["link"][0].endswith("#result-truncated-at-3-rows")
    doc = wrapper(s, q, XML).queryAndConvert()
    assert doc.getElementsByTagName("link")[0].getAttribute("href").endswith("#result-truncated-at-3-rows")
    for fmt in ("json", "xml"):
        rows = list(rdflib.Graph(SPARQLStore(s.sparql, returnFormat=fmt)).query(q))
        assert len(rows) == 3


def test_graph_management_errors_are_409_with_the_spec_words(seeded):
    store = SPARQLUpdateStore(query_endpoint=seeded.sparql, update_endpoint=seeded.sparql,
                              auth=("dipkg", TEST_TOKEN))
    ds = rdflib.Dataset(store=store)
    ds.graph(rdflib.URIRef("http://ex/new-graph"))              # rdflib sends CREATE GRAPH: a new one is fine
    auth = {"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/sparql-update"}
    for text, words in (("CREATE GRAPH <http://ex/new-graph>", "already exists"),
                        ("DROP GRAPH <http://ex/never>", "does not exist"),
                        ("CLEAR GRAPH <http://ex/never>", "does not exist")):
        r = requests.post(seeded.sparql, data=text.encode(), headers=auth, timeout=10)
        assert r.status_code == 409, r.text
        assert words in r.json()["error"] and "SILENT" in r.json()["error"] and "SPARQL 1.1 Update" in r.json()["error"]
    for text in ("CREATE SILENT GRAPH <http://ex/new-graph>", "DROP SILENT GRAPH <http://ex/never>"):
        assert requests.post(seeded.sparql, data=text.encode(), headers=auth, timeout=10).status_code == 204
    with pytest.raises(urllib.error.HTTPError) as e:            # rdflib: a second Dataset.graph() of it
        ds.graph(rdflib.URIRef("http://ex/new-graph"))
    assert e.value.code == 409


def test_unknown_graphs_refused_alike(seeded):
    """FROM, FROM NAMED, default-graph-uri, named-graph-uri, USING and using-graph-uri: a graph the store does
    not hold is a 400 that names it, never an empty answer (docs/sparql.md#datasets)."""
    q = "SELECT * WHERE { ?s ?p ?o }"
    auth = {"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/sparql-update"}
    answers = [
        requests.get(seeded.sparql, params={"query": "SELECT * FROM <http://ex/none> WHERE { ?s ?p ?o }"}, timeout=10),
        requests.get(seeded.sparql, params={"query": "SELECT * FROM NAMED <http://ex/none> WHERE { ?s ?p ?o }"},
                     timeout=10),
        requests.get(seeded.sparql, params={"query": q, "default-graph-uri": "http://ex/none"}, timeout=10),
        requests.get(seeded.sparql, params={"query": q, "named-graph-uri": "http://ex/none"}, timeout=10),
        requests.post(seeded.sparql, headers=auth, timeout=10,
                      data=b"DELETE { ?s ?p ?o } USING <http://ex/none> WHERE { ?s ?p ?o }"),
        requests.post(seeded.sparql, params={"using-graph-uri": "http://ex/none"}, headers=auth, timeout=10,
                      data=b"DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
    ]
    for r in answers:
        assert r.status_code == 400, (r.request.url, r.text)
        assert "<http://ex/none> names a graph this store does not hold" in r.json()["error"]
    # stored graphs work in each position, and an update may read a graph it writes first
    r = requests.get(seeded.sparql, params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://ex/clients"},
                     timeout=10)
    assert r.json()["boolean"] is True
    r = requests.post(seeded.sparql, headers=auth, timeout=10, data=(
        b"INSERT DATA { GRAPH <http://ex/fresh> { <http://ex/f> <http://ex/p> 1 } } ;"
        b" INSERT { GRAPH <http://ex/copy> { ?s ?p ?o } } USING <http://ex/fresh> WHERE { ?s ?p ?o }"))
    assert r.status_code == 204, r.text


def test_rdflib_update_store_with_auth(seeded):
    store = SPARQLUpdateStore(query_endpoint=seeded.sparql, update_endpoint=seeded.sparql,
                              auth=("dipkg", TEST_TOKEN))
    g = rdflib.Graph(store, identifier=rdflib.URIRef("http://ex/rdflib"))
    for i in range(20):
        g.add((rdflib.URIRef(f"http://ex/r{i}"), rdflib.RDF.type, rdflib.URIRef(DIP + "Visit")))
    g.remove((rdflib.URIRef("http://ex/r0"), None, None))
    assert len(g) == 19
    assert (rdflib.URIRef("http://ex/r5"), rdflib.RDF.type, rdflib.URIRef(DIP + "Visit")) in g
    bad = SPARQLUpdateStore(query_endpoint=seeded.sparql, update_endpoint=seeded.sparql, auth=("dipkg", "wrong"))
    with pytest.raises(urllib.error.HTTPError) as e:
        rdflib.Graph(bad, identifier=rdflib.URIRef("http://ex/rdflib")).add((rdflib.URIRef("http://ex/x"), rdflib.RDF.type, rdflib.URIRef(DIP + "Visit")))
    assert e.value.code == 401 and "wrong" in e.value.reason


def test_update_answer_is_204_without_a_body_type(seeded):
    r = requests.post(seeded.sparql, data=b"INSERT DATA { <http://ex/t> <http://ex/p> 1 }", timeout=10,
                      headers={"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/sparql-update"})
    assert r.status_code == 204 and "Content-Type" not in r.headers and r.content == b""
    r = requests.post(seeded.sparql, data=b"INSERT DATA { <http://ex/t> <http://ex/p> 1 }", timeout=10,
                      headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == 'Basic realm="dipkg", charset="UTF-8"'


# --- Apache Jena 4.5 (Debian), Comunica (npm), YASGUI (Chromium) -------------------------------------------

def _missing(what: str, how: str):
    """Skip, or with CI=true fail: .ci/run installs every client, so a missing one there is a broken setup."""
    from engines import missing
    missing(what, how)


JENA_JARS = ["jena-arq", "jena-base", "jena-core", "jena-iri", "jena-rdfconnection", "commons-cli", "commons-codec",
             "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
             "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
             "jakarta.json-api", "protobuf", "slf4j-api", "thrift", "titanium-json-ld"]
JENA_INSTALL = "apt-get install default-jdk-headless libapache-jena-java"


def jena_classpath(tmp: Path) -> str:
    """The JDK classpath for Debian's Jena, with the fix its packaging needs.

    Debian's jena-core moves the bundled Xerces classes from org.apache.jena.ext.xerces to the package
    ``xerces`` but leaves their message files under org/apache/jena/ext/xerces/impl/msg/, so Jena's first
    datatype check dies with "RuntimeException: internal error" (ExceptionInInitializerError) before any
    request. Copying those .properties files to xerces/impl/msg/ on the classpath fixes it
    (docs/clients.md#jena).
    """
    jars = [Path("/usr/share/java") / f"{n}.jar" for n in JENA_JARS]
    if shutil.which("java") is None or not all(j.exists() for j in jars[:5]):
        _missing("Apache Jena 4.5 and a JDK", JENA_INSTALL)
    fix = tmp / "jena-xerces-messages"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(jars[2]) as z:        # jena-core
        for name in z.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                out = fix / "xerces" / name[len(prefix):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(z.read(name))
    return os.pathsep.join([str(fix)] + [str(j) for j in jars if j.exists()])


def test_jena(seeded, tmp_path):
    """Jena 4.5 as its users write it: QueryExecutionHTTP, UpdateExecutionHTTP with AuthEnv and with the JDK's
    Authenticator (HTTP Basic, the token as password), RDFConnectionRemote; tests/clients/JenaClient.java."""
    cp = jena_classpath(tmp_path)
    r = subprocess.run(["java", "-cp", cp, str(ROOT / "tests" / "clients" / "JenaClient.java"), seeded.sparql,
                        TEST_TOKEN], capture_output=True, text=True, timeout=180)
    steps = {line.split()[1]: line.split(None, 2)[2] for line in r.stdout.splitlines() if line.startswith("STEP ")}
    assert len(steps) == 8, r.stdout + r.stderr[-3000:]
    assert steps["select"].startswith("ok ") and int(steps["select"].split()[1]) >= 2, steps
    for name in ("update-jdk-authenticator", "update-authenv"):
        assert steps[name] == "ok 204", steps          # AuthEnv parsed the challenge (Jena NPE'd on a Bearer one)
    assert steps["rdfconnection"] == "ok true 3", steps     # j1, j2, j3 in <http://ex/jena>
    # Jena parses the query itself: the server's predeclared dip: cannot help it (docs/clients.md#prefixes)
    assert steps["undeclared-prefix"].startswith("FAIL QueryParseException") and "dip:Visit" in steps[
        "undeclared-prefix"]
    assert "401" in steps["update-wrong-token"] and "is wrong" in steps["update-wrong-token"], steps
    assert "409" in steps["create-existing"] and "already exists" in steps["create-existing"], steps
    assert steps["unknown-from"].startswith("FAIL QueryExceptionHTTP"), steps
    ask = requests.get(seeded.sparql, params={"query": "ASK { GRAPH <http://ex/jena> { <http://ex/j2> ?p ?o } }"},
                       timeout=10)
    assert ask.json()["boolean"] is True


def _comunica() -> str:
    exe = shutil.which("comunica-sparql")
    if exe is None:
        _missing("Comunica (comunica-sparql)", "npm install -g @comunica/query-sparql@4.5.0 (Node 20; 5.x needs Node 22)")
    return exe


def test_comunica(seeded):
    exe = _comunica()
    src = f"sparql@{seeded.sparql}"

    def run(*args):
        return subprocess.run([exe, src, *args], capture_output=True, text=True, timeout=120)
    r = run("-q", f"PREFIX dip: <{DIP}> SELECT ?e WHERE {{ ?e a dip:Visit }}", "-t", "application/sparql-results+json")
    assert r.returncode == 0, r.stderr
    assert {b["e"]["value"] for b in json.loads(r.stdout)["results"]["bindings"]} >= {"http://ex/e1", "http://ex/e2"}
    r = run("-q", "SELECT ?e WHERE { ?e a dip:Visit }")      # Comunica parses first: dip: must be declared
    assert "Unknown prefix: dip" in r.stdout + r.stderr
    r = run("-q", f"PREFIX dip: <{DIP}> INSERT DATA {{ GRAPH <http://ex/comunica> {{ <http://ex/c1> a dip:Visit }} }}",
            "--to", seeded.sparql, "-c", json.dumps({"httpAuth": f"dipkg:{TEST_TOKEN}"}))
    assert r.returncode == 0 and "ok" in r.stdout, r.stdout + r.stderr
    r = run("-q", "INSERT DATA { GRAPH <http://ex/comunica> { <http://ex/c2> <http://ex/p> 1 } }", "--to", seeded.sparql)
    assert "HTTP status 401" in r.stdout + r.stderr
    r = run("-q", "SELECT * FROM <http://ex/none> WHERE { ?s ?p ?o }")
    assert "HTTP status 400" in r.stdout + r.stderr and "does not hold" in r.stdout + r.stderr
    r = run("-q", "ASK { GRAPH <http://ex/comunica> { ?s ?p ?o } }")
    assert r.stdout.strip() == "true", r.stdout + r.stderr


YASGUI_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{kg}/static/vendor/yasgui.min.css"></head>
<body><div id="yasgui"></div>
<script src="{kg}/static/vendor/yasgui.min.js"></script>
<script>
  var token = new URLSearchParams(location.search).get("token");
  window.yg = new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: "{kg}/sparql", method: "POST",
                      headers: function () {{ return token ? {{ Authorization: "Bearer " + token }} : {{}}; }} }},
    persistenceId: null, copyEndpointOnNewTab: false }});
</script></body></html>"""

YASGUI_RUN = """async (q) => {
  const t = window.yg.getTab(); t.setQuery(q);
  try { await t.query(); } catch (e) { /* YASR holds the error */ }
  const r = t.getYasr().results;
  return { status: r.getStatus(), bindings: r.getBindings() ? r.getBindings().length : null,
           error: JSON.stringify(r.getError ? r.getError() : null) };
}"""


@pytest.mark.slow
@pytest.mark.parametrize("token", [None, TEST_TOKEN], ids=["no-token", "token"])
def test_yasgui_cross_origin(seeded, token):
    """YASGUI 4 on another origin (the CORS case: a page of the researcher's own), in headless Chromium: reads
    with and without a token (the preflight must allow Authorization), a write only with it."""
    from test_browser import CHROMIUM_ARGS, INSTALL, _chromium, _missing as browser_missing
    if browser_missing():
        _missing("Chromium with playwright", INSTALL)
    import http.server
    import threading

    from playwright.sync_api import sync_playwright
    body = YASGUI_PAGE.format(kg=seeded.url).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    # another origin on loopback (Chromium refuses a public origin's requests to 127.0.0.1 outright)
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{site.server_port}/" + (f"?token={token}" if token else ""))
            page.wait_for_function("() => window.yg && window.yg.getTab()")
            read = page.evaluate(YASGUI_RUN, f"PREFIX dip: <{DIP}> SELECT ?e WHERE {{ ?e a dip:Visit }}")
            assert read["status"] == 200 and read["bindings"] >= 2, read
            subject = f"http://ex/yasgui-{'token' if token else 'none'}"
            write = page.evaluate(YASGUI_RUN, f"INSERT DATA {{ GRAPH <http://ex/yasgui> {{ <{subject}> <http://ex/p> 1 }} }}")
        finally:
            browser.close()
            site.shutdown()
    stored = requests.get(seeded.sparql, params={"query": f"ASK {{ <{subject}> ?p ?o }}"}, timeout=10).json()["boolean"]
    if token:
        assert stored is True and write["error"] in (None, "null"), write
    else:    # YASR shows the 401's body: what to send
        assert stored is False and '\\"status\\":401' in write["error"] and "HTTP Basic" in write["error"], write
