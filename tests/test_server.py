"""The SPARQL service against a live `kg serve` process: protocol, negotiation, auth, limits, cache, ingest."""
from __future__ import annotations

import concurrent.futures as cf
import csv
import io
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
import rdflib

from conftest import CORPUS, TEST_TOKEN

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
COUNT_EVENTS = "SELECT (COUNT(?e) AS ?n) WHERE { ?e a ?t VALUES ?t { dip:Visit dip:Award dip:Agreement dip:TradeTarget } }"
HAS_CORPUS = CORPUS.is_dir() and any(CORPUS.glob("*.json"))
needs_corpus = pytest.mark.skipif(not HAS_CORPUS, reason=f"the dev corpus is not at {CORPUS}")

VALID_ARTICLE = {
    "id": "api-test-visit", "published": "2024-07-09", "title": "A test visit",
    "text": "Prime Minister Narendra Modi arrived in Moscow on Monday for talks with President Vladimir Putin.",
    "events": [{"type": "Visit", "visitor": "Narendra Modi", "visitor_country": "IND", "host": "Vladimir Putin",
                "host_country": "RUS", "place": "Moscow", "place_country": "RUS", "start": "2024-07-08",
                "status": "occurred", "evidence": "Prime Minister Narendra Modi arrived in Moscow on Monday "
                                                   "for talks with President Vladimir Putin."}]}
INVALID_ARTICLE = {
    "id": "api-test-bad", "published": "2024-07-09", "text": "x",
    "events": [{"type": "Agreement", "parties": ["IND"], "status": "signed", "evidence": "x"}]}


def q(server, query, accept=None, method="GET", **params):
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return requests.get(server.sparql, params={"query": query, **params}, headers=headers, timeout=30)
    if method == "FORM":
        return requests.post(server.sparql, data={"query": query, **params}, headers=headers, timeout=30)
    return requests.post(server.sparql, data=query.encode(), params=params, timeout=30,
                         headers={**headers, "Content-Type": "application/sparql-query"})


def update(server, text, token=TEST_TOKEN):
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(server.sparql, data=text.encode(), headers=headers, timeout=30)


def assert_json_error(r, status):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["status"] == status and len(body["error"]) > 10
    return body


# --- query: the three ways in, and formats -------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
def test_query_three_ways(live_server, method):
    r = q(live_server, COUNT_EVENTS, method=method)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    n = int(r.json()["results"]["bindings"][0]["n"]["value"])
    assert n > 20   # union default graph: events sit in per-article graphs


@needs_corpus
@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/html,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml")])
def test_select_negotiation(live_server, accept, ctype):
    query = "SELECT ?e ?label WHERE { ?e a dip:Country ; rdfs:label ?label } ORDER BY ?e LIMIT 3"
    r = q(live_server, query, accept=accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith(ctype)
    if ctype == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["e", "label"] and len(rows) == 4
    elif ctype == "text/tab-separated-values":
        lines = r.text.strip("\n").split("\n")
        assert lines[0] == "?e\t?label" and lines[1].startswith("<https://w3id.org/dipkg/resource/country/")
    elif "xml" in ctype:
        from xml.etree import ElementTree
        root = ElementTree.fromstring(r.content)
        assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 3


@needs_corpus
@pytest.mark.parametrize("accept,rdflib_format", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                                  ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_negotiation(live_server, accept, rdflib_format):
    query = "CONSTRUCT { ?e a dip:Visit ; dip:visitor ?v } WHERE { ?e a dip:Visit ; dip:visitor ?v }"
    r = q(live_server, query, accept=accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith(accept)
    g = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert len(g) > 10


@needs_corpus
def test_describe_and_format_parameter(live_server):
    r = q(live_server, "DESCRIBE <https://w3id.org/dipkg/resource/country/IND>", format="ntriples")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/n-triples")
    assert "<https://w3id.org/dipkg/resource/country/IND>" in r.text
    r = q(live_server, "SELECT * { ?s ?p ?o } LIMIT 1", format="csv", accept="application/sparql-results+json")
    assert r.headers["Content-Type"].startswith("text/csv")


def test_ask_and_not_acceptable(empty_server):
    r = q(empty_server, "ASK {}", accept="application/sparql-results+xml")
    assert r.status_code == 200 and b"<boolean>true</boolean>" in r.content
    assert_json_error(q(empty_server, "ASK {}", accept="image/png"), 406)
    # an Accept of the other family (results types for a CONSTRUCT) gets that family's default
    r = q(empty_server, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/sparql-results+json")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")


def test_service_description(empty_server):
    r = requests.get(empty_server.sparql, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    svc = next(g.subjects(rdflib.RDF.type, SD.Service))
    assert (svc, SD.endpoint, rdflib.URIRef(empty_server.sparql)) in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert len(list(g.objects(svc, SD.resultFormat))) >= 4
    r = requests.get(empty_server.sparql, headers={"Accept": "application/rdf+xml"}, timeout=10)
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    assert len(rdflib.Graph().parse(data=r.content, format="xml")) == len(g)


def test_malformed_query_400_with_parser_message(empty_server):
    body = assert_json_error(q(empty_server, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(\n}"), 400)
    assert "4:1" in body["error"] or "error at" in body["error"]   # the parser's position, user's line numbers
    assert_json_error(requests.get(empty_server.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")],
                                   timeout=10), 400)
    assert_json_error(requests.post(empty_server.sparql, data=b"ASK {}", headers={"Content-Type": "text/plain"},
                                    timeout=10), 415)
    assert_json_error(requests.put(empty_server.sparql, data=b"ASK {}", timeout=10), 405)
    assert_json_error(requests.get(empty_server.url + "/no/such/thing", timeout=10), 404)


def test_prefixes_predeclared_and_overridable(empty_server):
    r = q(empty_server, "SELECT (dip:Visit AS ?x) {}")
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "https://w3id.org/dipkg/ontology#Visit"
    r = q(empty_server, "PREFIX dip: <http://other/> SELECT (dip:Visit AS ?x) {}")
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://other/Visit"


# --- datasets ------------------------------------------------------------------------------------

def test_dataset_parameters_and_from(server_factory):
    s = server_factory(token=TEST_TOKEN)
    assert update(s, "INSERT DATA { GRAPH <http://ex/g1> { <http://ex/a> <http://ex/p> 1 } "
                     "GRAPH <http://ex/g2> { <http://ex/b> <http://ex/p> 2 } }").status_code == 204
    count = "SELECT (COUNT(*) AS ?n) { ?s <http://ex/p> ?o }"
    n = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert n(q(s, count)) == 2                                            # union default graph
    assert n(q(s, count, **{"default-graph-uri": "http://ex/g1"})) == 1
    r = q(s, "SELECT ?g { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": "http://ex/g2"})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == ["http://ex/g2"]
    assert n(q(s, "SELECT (COUNT(*) AS ?n) FROM <http://ex/g2> { ?s <http://ex/p> ?o }")) == 1  # ours: fine
    body = assert_json_error(q(s, "SELECT * FROM <http://remote.example/data.ttl> { ?s ?p ?o }"), 400)
    assert "never fetches" in body["error"]
    assert_json_error(q(s, "PREFIX r: <http://remote.example/> SELECT * FROM NAMED r:x { ?s ?p ?o }"), 400)


# --- refused features ----------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . service   SILENT <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SERVICE ?svc { ?s ?p ?o } VALUES ?svc { <http://example.org/> } }",
])
def test_service_refused(empty_server, query):
    body = assert_json_error(q(empty_server, query), 400)
    assert "SERVICE" in body["error"]


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { }",
    "PREFIX ex: <http://ex/> SELECT ?service WHERE { ?service ex:SERVICE ?o }",
    "SELECT * WHERE { ?s ?p '''LOAD <http://x> FROM <http://y>''' }",
])
def test_keywords_in_strings_comments_names_are_not_refused(empty_server, query):
    assert q(empty_server, query).status_code == 200


def test_load_refused(empty_server):
    body = assert_json_error(update(empty_server, "LOAD <http://127.0.0.1:9/data.ttl>"), 400)
    assert "LOAD" in body["error"]
    body = assert_json_error(update(empty_server, "INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }"),
                             400)


# --- writes and tokens ----------------------------------------------------------------------------

def test_read_only_without_token(server_factory):
    s = server_factory(token=None)
    body = assert_json_error(update(s, "INSERT DATA { <http://a> <http://b> 1 }", token="whatever"), 403)
    assert "KG_TOKEN" in body["error"]
    assert_json_error(requests.put(s.url + "/graph?graph=http://ex/g", data=b"<http://a> <http://b> 1 .",
                                   headers={"Content-Type": "application/n-triples"}, timeout=10), 403)
    assert_json_error(requests.post(s.url + "/articles", json=VALID_ARTICLE, timeout=10), 403)
    assert q(s, "ASK { ?s ?p ?o }").json()["boolean"] is False


def test_wrong_or_missing_token_401(empty_server):
    for token in (None, "wrong-token"):
        r = update(empty_server, "INSERT DATA { <http://a> <http://b> 1 }", token=token)
        assert_json_error(r, 401)
        assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = requests.delete(empty_server.url + "/graph?graph=http://ex/g", headers={"Authorization": "Basic eDp5"},
                        timeout=10)
    assert_json_error(r, 401)
    assert q(empty_server, "ASK { <http://a> <http://b> 1 }").json()["boolean"] is False


def test_update_form_and_direct(empty_server):
    r = requests.post(empty_server.sparql, data={"update": "INSERT DATA { GRAPH <http://ex/u> { <http://ex/s> <http://ex/p> 'form' } }"},
                      headers=empty_server.auth(), timeout=10)
    assert r.status_code == 204, r.text
    assert update(empty_server, "INSERT DATA { GRAPH <http://ex/u> { <http://ex/s> <http://ex/p> 'direct' } }").status_code == 204
    r = q(empty_server, "SELECT ?o { GRAPH <http://ex/u> { ?s ?p ?o } } ORDER BY ?o")
    assert [b["o"]["value"] for b in r.json()["results"]["bindings"]] == ["direct", "form"]
    assert_json_error(update(empty_server, "INSERT DATA { <a> <b> "), 400)
    assert_json_error(requests.get(empty_server.sparql, params={"update": "CLEAR ALL"}, timeout=10), 400)
    assert update(empty_server, "DROP GRAPH <http://ex/u>").status_code == 204


# --- graph store -----------------------------------------------------------------------------------

def test_graph_store_round_trip(empty_server):
    s = empty_server
    g = s.url + "/graph"
    ttl = b"@prefix ex: <http://ex/> . ex:a ex:p ex:b ; ex:q [ ex:r 'blank' ] ."
    params = {"graph": "http://ex/gsp"}
    assert requests.put(g, params=params, data=ttl, headers={"Content-Type": "text/turtle"},
                        timeout=10).status_code == 401
    r = requests.put(g, params=params, data=ttl, headers={**s.auth(), "Content-Type": "text/turtle"}, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.put(g, params=params, data=ttl, headers={**s.auth(), "Content-Type": "text/turtle"}, timeout=10)
    assert r.status_code == 204
    r = requests.get(g, params=params, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) == 3
    r = requests.post(g, params=params, data=b"<http://ex/c> <http://ex/p> <http://ex/d> .",
                      headers={**s.auth(), "Content-Type": "application/n-triples"}, timeout=10)
    assert r.status_code == 204
    r = requests.get(g, params=params, headers={"Accept": "application/n-triples"}, timeout=10)
    assert len(r.text.strip().splitlines()) == 4
    assert requests.head(g, params=params, timeout=10).status_code == 200
    # whole dataset, by Accept
    r = requests.get(g, headers={"Accept": "application/n-quads"}, timeout=10)
    assert r.headers["Content-Type"].startswith("application/n-quads") and "<http://ex/gsp>" in r.text
    r = requests.get(g, timeout=10)
    assert r.headers["Content-Type"].startswith("application/trig")
    assert len(rdflib.Dataset().parse(data=r.text, format="trig")) >= 4
    # a malformed body is a 400 and writes nothing
    r = requests.put(g, params=params, data=b"@prefix broken", headers={**s.auth(), "Content-Type": "text/turtle"},
                     timeout=10)
    assert_json_error(r, 400)
    assert len(requests.get(g, params=params, headers={"Accept": "application/n-triples"},
                            timeout=10).text.strip().splitlines()) == 4
    assert requests.delete(g, params=params, headers=s.auth(), timeout=10).status_code == 204
    assert_json_error(requests.get(g, params=params, timeout=10), 404)
    assert requests.head(g, params=params, timeout=10).status_code == 404
    assert_json_error(requests.delete(g, params=params, headers=s.auth(), timeout=10), 404)
    # default graph and POST-creation
    r = requests.put(g + "?default", data=b"<http://ex/d1> <http://ex/p> \"1\" .",
                     headers={**s.auth(), "Content-Type": "application/n-triples"}, timeout=10)
    assert r.status_code in (201, 204)
    assert "<http://ex/d1>" in requests.get(g + "?default", headers={"Accept": "application/n-triples"},
                                            timeout=10).text
    r = requests.post(g, data=b"<http://ex/n> <http://ex/p> \"2\" .",
                      headers={**s.auth(), "Content-Type": "application/n-triples"}, timeout=10)
    assert r.status_code == 201 and r.headers["Location"].startswith(s.url + "/graph/")
    assert requests.get(r.headers["Location"], timeout=10).status_code == 200    # direct identification
    assert requests.get(g, params={"graph": r.headers["Location"]}, timeout=10).status_code == 200
    assert_json_error(requests.put(g, params=params, data=b"x", headers={**s.auth(), "Content-Type": "image/png"},
                                   timeout=10), 415)


# --- ingest API -------------------------------------------------------------------------------------

def test_articles_post_422_and_delete(empty_server):
    s = empty_server
    url = s.url + "/articles"
    assert_json_error(requests.post(url, json=VALID_ARTICLE, timeout=10), 401)
    r = requests.post(url, json=INVALID_ARTICLE, headers=s.auth(), timeout=60)
    body = assert_json_error(r, 422)
    problems = body["articles"][0]["problems"]
    assert problems and {"focus", "message", "severity"} <= set(problems[0])
    assert q(s, "ASK { <https://w3id.org/dipkg/resource/article/api-test-bad> ?p ?o }").json()["boolean"] is False
    # a list with one bad article stores nothing
    r = requests.post(url, json=[VALID_ARTICLE, INVALID_ARTICLE], headers=s.auth(), timeout=60)
    assert_json_error(r, 422)
    iri = "https://w3id.org/dipkg/resource/article/api-test-visit"
    assert q(s, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").json()["boolean"] is False
    r = requests.post(url, json=VALID_ARTICLE, headers=s.auth(), timeout=60)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["iri"] == iri and len(body["events"]) == 1 and body["events"][0]["type"] == "Visit"
    assert body["events"][0]["iri"].startswith("https://w3id.org/dipkg/resource/event/")
    assert q(s, f"ASK {{ GRAPH <{iri}> {{ ?e a dip:Visit }} }}").json()["boolean"] is True
    assert_json_error(requests.post(url, data=b"{not json", headers={**s.auth(), "Content-Type": "application/json"},
                                    timeout=10), 400)
    assert_json_error(requests.post(url, json={"events": []}, headers=s.auth(), timeout=10), 400)
    assert requests.delete(url + "/api-test-visit", headers=s.auth(), timeout=10).status_code == 204
    assert_json_error(requests.delete(url + "/api-test-visit", headers=s.auth(), timeout=10), 404)
    assert q(s, f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").json()["boolean"] is False


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "putin-modi-2024.txt"


def test_articles_text_goes_to_extraction(empty_server):
    text = SEED.read_text(encoding="utf-8") if SEED.is_file() else (
        "Indian Prime Minister Narendra Modi arrived in Moscow on Monday for a two-day visit. "
        "On Tuesday, Russian President Vladimir Putin awarded Modi the Order of St Andrew the Apostle.")
    r = requests.post(empty_server.url + "/articles", params={"published": "2024-07-09", "id": "text-test"},
                      data=text.encode(), headers={**empty_server.auth(), "Content-Type": "text/plain"},
                      timeout=120)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["iri"].endswith("/article/text-test")
    types = {e["type"] for e in body["events"]}
    assert {"Visit", "Award"} <= types
    visit = next(e for e in body["events"] if e["type"] == "Visit")
    assert visit["visitor"] == "Narendra Modi" and visit["place_country"] == "RUS"
    assert text[visit["evidence_start"]:visit["evidence_end"]] == visit["evidence"]
    # what the article says of Modi enriches the shared person node
    alias = q(empty_server, "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { "
                            "<https://w3id.org/dipkg/resource/person/narendra-modi> skos:altLabel \"Modi\" }")
    assert alias.json()["boolean"] is True
    assert_json_error(requests.post(empty_server.url + "/articles", params={"published": "9 July"}, data=b"x",
                                    headers={**empty_server.auth(), "Content-Type": "text/plain"}, timeout=10), 400)
    assert_json_error(requests.post(empty_server.url + "/articles", data=b"   ",
                                    headers={**empty_server.auth(), "Content-Type": "text/plain"}, timeout=10), 400)


STRICT_PLACE = """
<https://w3id.org/dipkg/shapes#Test-place> a sh:NodeShape ; sh:targetClass dip:Place ;
    sh:property [ sh:path dip:population ; sh:minCount 1 ; sh:message "test: a place needs dip:population" ] .
"""
BORIC = ("Chilean President Gabriel Boric arrived in Lima on Monday for a two-day visit. Boric and Peruvian "
         "President Dina Boluarte signed a joint declaration on border cooperation on Tuesday.")


def test_articles_extracted_event_failing_shacl_is_a_warning(server_factory, tmp_path):
    """With shapes every Place fails (KG_SHAPES), the extracted visit is dropped and named in `warnings`;
    the agreement is stored. A curated article failing the same way is still rejected whole."""
    shapes = tmp_path / "strict.ttl"
    shapes.write_text((Path(__file__).resolve().parents[1] / "shapes" / "dipkg.ttl").read_text(encoding="utf-8")
                      + STRICT_PLACE, encoding="utf-8")
    s = server_factory(token=TEST_TOKEN, KG_SHAPES=str(shapes), KG_MIN_CONFIDENCE="0.5")
    r = requests.post(s.url + "/articles", params={"published": "2023-10-03", "id": "boric"}, data=BORIC.encode(),
                      headers={**s.auth(), "Content-Type": "text/plain"}, timeout=120)
    assert r.status_code == 201, r.text
    body = r.json()
    assert [e["type"] for e in body["events"]] == ["Agreement"] and body["below_min_confidence"] == 0
    (w,) = body["warnings"]
    assert (w["article"], w["type"], w["evidence_start"]) == ("boric", "Visit", 0)
    assert w["message"].startswith("article boric: dropped the extracted Visit event at character 0")
    assert "test: a place needs dip:population" in w["message"]
    assert {p["focus_type"] for p in w["problems"]} == {"Place"}
    assert q(s, "ASK { ?v a dip:Visit }").json()["boolean"] is False
    assert q(s, "ASK { ?a a dip:Agreement }").json()["boolean"] is True
    r = requests.post(s.url + "/articles", json=[{"id": "boric-2", "text": BORIC, "published": "2023-10-03"}],
                      headers=s.auth(), timeout=120)
    assert r.status_code == 201 and [x["type"] for x in r.json()["warnings"]] == ["Visit"]
    r = requests.post(s.url + "/articles", json=VALID_ARTICLE, headers=s.auth(), timeout=60)
    assert r.status_code == 422 and "dip:population" in r.text


def test_min_confidence_setting_is_checked(tmp_path):
    from kg.records import DEFAULT_MIN_CONFIDENCE
    from kg.settings import Settings, SettingsError
    assert Settings.from_env({}, store=str(tmp_path / "s")).min_confidence == DEFAULT_MIN_CONFIDENCE
    assert Settings.from_env({}, store=str(tmp_path / "s"), min_confidence=0.7).min_confidence == 0.7
    with pytest.raises(SettingsError, match="KG_MIN_CONFIDENCE.*must be a number from 0 to 1"):
        Settings.from_env({}, store=str(tmp_path / "s"), min_confidence=2)


# --- limits ----------------------------------------------------------------------------------------

def _session_cpu(pid: int) -> float:
    """CPU seconds used so far by every live process of the server's session."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pid:   # session id (start_new_session: the server's pid)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def test_timeout_kills_the_query_and_others_still_get_answers(server_factory):
    s = server_factory(token=TEST_TOKEN, workers=1, threads=4, KG_QUERY_TIMEOUT="2")
    triples = "".join(f"<http://ex/s{i}> <http://ex/p> {i} .\n" for i in range(3000))
    r = requests.put(s.url + "/graph?graph=http://ex/big", data=triples.encode(),
                     headers={**s.auth(), "Content-Type": "text/turtle"}, timeout=30)
    assert r.status_code == 201
    heavy = "SELECT (COUNT(*) AS ?n) { ?a <http://ex/p> ?x . ?b <http://ex/p> ?y . ?c <http://ex/p> ?z }"
    with cf.ThreadPoolExecutor(2) as pool:
        t0 = time.monotonic()
        fut = pool.submit(q, s, heavy)
        time.sleep(0.3)
        quick = []
        while not fut.done() and time.monotonic() - t0 < 10:
            t1 = time.monotonic()
            assert q(s, "SELECT (COUNT(*) AS ?n) { ?s <http://ex/p> ?o }").status_code == 200
            quick.append(time.monotonic() - t1)
            time.sleep(0.2)
        r = fut.result()
        elapsed = time.monotonic() - t0
    body = assert_json_error(r, 503)
    assert "exceeded 2 s" in body["error"] and "LIMIT" in body["error"]
    assert elapsed < 5
    assert quick and max(quick) < 1.0, quick
    # the work really stopped: the server's processes are idle again
    c0 = _session_cpu(s.proc.pid)
    time.sleep(1.5)
    assert _session_cpu(s.proc.pid) - c0 < 0.5
    assert "kg_query_timeouts_total 1" in requests.get(s.url + "/metrics", timeout=10).text
    assert q(s, "ASK {}").status_code == 200     # a fresh query process took its place


def test_row_cap_truncates_safely(server_factory):
    s = server_factory(token=TEST_TOKEN, workers=1, threads=2, KG_MAX_ROWS="5")
    triples = "".join(f"<http://ex/s{i}> <http://ex/p> \"v,{i}\" .\n" for i in range(20))
    requests.put(s.url + "/graph?graph=http://ex/g", data=triples.encode(),
                 headers={**s.auth(), "Content-Type": "application/n-triples"}, timeout=10)
    r = q(s, "SELECT ?s ?o { ?s ?p ?o }")
    assert r.headers["X-Result-Truncated"] == "true" and r.headers["X-Result-Row-Cap"] == "5"
    assert len(r.json()["results"]["bindings"]) == 5
    # said in the body too, where the format has a place for it (docs/sparql.md#limits)
    assert r.json()["head"]["link"] == [s.sparql + "#result-truncated-at-5-rows"]
    r = q(s, "SELECT ?s ?o { ?s ?p ?o }", accept="application/sparql-results+xml")
    assert f'<link href="{s.sparql}#result-truncated-at-5-rows"/></head>' in r.text
    assert len(list(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML))) == 5
    r = q(s, "SELECT ?s ?o { ?s ?p ?o }", accept="text/csv")
    assert r.headers["X-Result-Truncated"] == "true" and len(list(csv.reader(io.StringIO(r.text)))) == 6
    r = q(s, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert r.headers["X-Result-Truncated"] == "true"
    assert r.text.startswith("# This answer is truncated at 5 triples")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == 5
    r = q(s, "SELECT ?s ?o { ?s ?p ?o } LIMIT 5")
    assert "X-Result-Truncated" not in r.headers and "link" not in r.json()["head"]
    r = q(s, "SELECT ?s { ?s ?p ?o } LIMIT 3")
    assert "X-Result-Truncated" not in r.headers


def test_body_cap_413(server_factory):
    s = server_factory(token=TEST_TOKEN, workers=1, threads=2, KG_MAX_BODY="10000")
    big = b"<http://ex/a> <http://ex/p> \"" + b"x" * 20000 + b"\" ."
    for url, ctype in ((s.url + "/graph?graph=http://ex/g", "application/n-triples"),
                       (s.sparql, "application/sparql-query"), (s.url + "/articles", "application/json")):
        r = requests.post(url, data=big, headers={**s.auth(), "Content-Type": ctype}, timeout=10)
        body = assert_json_error(r, 413)
        assert "10,000" in body["error"]
    assert q(s, "ASK {}").status_code == 200


def test_cache_hit_and_invalidated_by_write(empty_server):
    s = empty_server
    query = "SELECT (COUNT(*) AS ?n) { ?s <http://ex/cached> ?o }"
    r1, r2 = q(s, query), q(s, query)
    # two workers: the second request may land on the other worker's cache; a third hits for sure
    hits = [r2.headers["X-Cache"]] + [q(s, query).headers["X-Cache"] for _ in range(3)]
    assert "hit" in hits
    before = int(r1.json()["results"]["bindings"][0]["n"]["value"])
    assert update(s, "INSERT DATA { <http://ex/x> <http://ex/cached> 1 }").status_code == 204
    r3 = q(s, query)
    assert r3.headers["X-Cache"] == "miss"
    assert int(r3.json()["results"]["bindings"][0]["n"]["value"]) == before + 1


# --- ops, CORS, errors -------------------------------------------------------------------------------

def test_health_metrics_cors(empty_server):
    s = empty_server
    h = requests.get(s.url + "/health", timeout=10).json()
    assert h["status"] == "ok" and "version" in h and isinstance(h["quads"], int)
    q(s, "ASK {}")
    text = requests.get(s.url + "/metrics", timeout=10).text
    assert 'kg_http_requests_total{endpoint="/sparql",method="GET",status="200"}' in text
    assert "kg_query_duration_seconds_bucket" in text and "kg_store_quads" in text
    for line in text.splitlines():
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2
    r = requests.get(s.sparql, params={"query": "ASK {}"}, headers={"Origin": "http://dash.example"}, timeout=10)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = requests.options(s.sparql, headers={"Origin": "http://dash.example",
                                            "Access-Control-Request-Method": "POST"}, timeout=10)
    assert r.status_code in (200, 204) and "POST" in r.headers["Access-Control-Allow-Methods"]
    # a browser client given the token (YASGUI) may send it; the row cap headers are readable by scripts
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    assert "X-Result-Row-Cap" in r.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_articles_extraction_timeout_stores_nothing(server_factory):
    """KG_INGEST_TIMEOUT bounds extraction and validation: an overrun is a 503 saying what to do, the
    worker is killed, and the store holds nothing of the article (the write only follows a result)."""
    server = server_factory(token=TEST_TOKEN, KG_INGEST_TIMEOUT="0.2", workers=1)
    before = requests.get(server.url + "/health", timeout=10).json()["quads"]
    text = " ".join([BORIC] * 40)        # spaCy alone needs more than 0.2 s for this (and for its model)
    r = requests.post(server.url + "/articles", params={"published": "2024-07-09", "id": "too-slow"},
                      data=text.encode(), headers={**server.auth(), "Content-Type": "text/plain"}, timeout=60)
    assert r.status_code == 503, r.text
    body = r.json()
    assert "exceeded 0.2 s" in body["error"] and "nothing was stored" in body["error"]
    assert "KG_INGEST_TIMEOUT" in body["error"] and body["timeout_seconds"] == 0.2
    assert "Retry-After" not in r.headers      # the same request would overrun again
    assert requests.get(server.url + "/health", timeout=10).json()["quads"] == before
    ask = q(server, "ASK { GRAPH <https://w3id.org/dipkg/resource/article/too-slow> { ?s ?p ?o } }")
    assert ask.json()["boolean"] is False
    # the service goes on
    assert q(server, "ASK {}").status_code == 200


def test_metrics_sum_every_worker(server_factory):
    """Two gunicorn workers each count their own requests; /metrics answers with the sum of both."""
    import re
    import time
    s = server_factory(token=TEST_TOKEN, workers=2, threads=2)
    for _ in range(30):
        q(s, "ASK {}")
    for _ in range(40):
        q(s, "SELECT * { ?s ?p ?o } LIMIT 1")
    time.sleep(1.2)           # past the flush interval: a worker writes its counts with its next request
    for _ in range(40):
        requests.get(s.url + "/health", timeout=10)
    total = 0
    for _ in range(20):       # a worker answering /metrics writes its own counts first, then sums the other's
        text = requests.get(s.url + "/metrics", timeout=10).text
        m = re.search(r'kg_http_requests_total\{endpoint="/sparql",method="GET",status="200"\} (\d+)', text)
        total = max(total, int(m.group(1)) if m else 0)
    assert total == 70, total   # one worker alone answered only part of them
