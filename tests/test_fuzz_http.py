"""Fuzzing the live service over HTTP: random queries, headers, content types and bodies.

Whatever arrives, the answer is a 4xx or a 2xx (never a 5xx), as JSON when it is an error,
and it comes back quickly (every request has a client timeout, so a hang fails the test).
"""
from __future__ import annotations

import json
import string

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_TOKEN

pytestmark = pytest.mark.slow  # not in `make test-fast`; `make test` runs it

FRAGMENTS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", "<http://ex/a>",
             "FILTER(", ")", "GRAPH", "OPTIONAL", "UNION", "SERVICE", "LOAD", "FROM", "NAMED", "LIMIT 5",
             "\"str\"", "'''long'''", "# comment\n", "PREFIX ex: <http://ex/>", "ex:x", "dip:Visit", ".", ";",
             "INSERT DATA", "DELETE", "WITH", "USING", "BASE <rel/>", "<rel>", "*", "COUNT(*)", "AS", "VALUES",
             "\\", "\"\"\"", "<", ">", "\x00", "é", "\U0001F600", "GROUP BY", "ORDER BY", "@en", "^^", "_:b"]
CTYPES = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
          "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "application/json",
          "text/plain", "text/html", "multipart/form-data; boundary=xyz", "application/sparql-query; charset=utf-16",
          "", "*/*", "garbage", "text/turtle; charset=latin-1"]
ACCEPTS = ["", "*/*", "application/sparql-results+json", "text/csv", "text/turtle", "application/ld+json",
           "image/png", "text/html,application/xml;q=0.9,*/*;q=0.8", "application/*;q=0.5", "*/*;q=0",
           "text/turtle; charset=utf-8;q=x", ";;;", ",", "application/n-quads"]
# requests refuses to send a header value with leading/trailing whitespace (InvalidHeader), so such
# values would test the client, not the server.
HEADER_TEXT = st.text(alphabet=string.printable.replace("\r", "").replace("\n", "").replace("\x0b", "")
                      .replace("\x0c", ""), max_size=40).filter(lambda s: s == s.strip())

query_text = st.one_of(st.text(max_size=200),
                       st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join))
bodies = st.one_of(st.binary(max_size=600), query_text.map(lambda s: s.encode("utf-8", "surrogatepass")))
paths = st.sampled_from(["/sparql", "/graph", "/graph?default", "/graph?graph=http://ex/g", "/graph?graph=",
                         "/graph?graph=not%20an%20iri", "/graph/x/y.ttl", "/articles", "/articles/some-id",
                         "/articles/%00", "/health", "/metrics", "/nope", "/sparql?update=CLEAR+ALL",
                         "/graph?default&graph=http://ex/g"])


@pytest.fixture(scope="module")
def fuzz_server(server_factory_module):
    return server_factory_module


@pytest.fixture(scope="module")
def server_factory_module(tmp_path_factory):
    from conftest import start_server
    s = start_server(tmp_path_factory.mktemp("fuzz") / "store", token=TEST_TOKEN, workers=2, threads=2,
                     KG_QUERY_TIMEOUT="3", KG_MAX_BODY="4096")
    yield s
    s.stop()


def _check(r: requests.Response) -> None:
    assert r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
    if r.status_code >= 400 and r.request.method != "HEAD":
        assert r.headers.get("Content-Type", "").startswith("application/json"), r.text[:300]
        assert r.json()["error"]


COMMON = settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@COMMON
@given(query=query_text, accept=st.one_of(st.sampled_from(ACCEPTS), HEADER_TEXT),
       method=st.sampled_from(["GET", "FORM", "DIRECT"]),
       extra=st.dictionaries(st.sampled_from(["default-graph-uri", "named-graph-uri", "format", "query"]),
                             HEADER_TEXT, max_size=2))
def test_fuzz_sparql_queries(fuzz_server, query, accept, method, extra):
    url = fuzz_server.sparql
    headers = {"Accept": accept}
    if method == "GET":
        r = requests.get(url, params={"query": query, **extra}, headers=headers, timeout=15)
    elif method == "FORM":
        r = requests.post(url, data={"query": query, **extra}, headers=headers, timeout=15)
    else:
        r = requests.post(url, params=extra, data=query.encode("utf-8", "surrogatepass"),
                          headers={**headers, "Content-Type": "application/sparql-query"}, timeout=15)
    _check(r)


@COMMON
@given(path=paths, method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]),
       ctype=st.one_of(st.sampled_from(CTYPES), HEADER_TEXT), accept=st.sampled_from(ACCEPTS), body=bodies,
       auth=st.sampled_from([None, f"Bearer {TEST_TOKEN}", "Bearer wrong", "Basic abc", "Bearer"]))
def test_fuzz_any_endpoint(fuzz_server, path, method, ctype, accept, body, auth):
    headers = {"Content-Type": ctype, "Accept": accept}
    if auth:
        headers["Authorization"] = auth
    r = requests.request(method, fuzz_server.url + path, data=body, headers=headers, timeout=15)
    _check(r)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=st.one_of(
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                 lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                 max_leaves=12),
    st.fixed_dictionaries({"id": st.text(max_size=12), "published": st.text(max_size=12),
                           "events": st.lists(st.fixed_dictionaries({
                               "type": st.sampled_from(["Visit", "Award", "Agreement", "TradeTarget", "X"]),
                               "parties": st.lists(st.sampled_from(["IND", "CHN", "XYZ", "", "UN"]), max_size=3),
                               "visitor": st.text(max_size=10), "status": st.text(max_size=8),
                               "amount": st.one_of(st.integers(), st.text(max_size=3)),
                               "year": st.integers(-5, 99999)}), max_size=3)})))
def test_fuzz_articles_json(fuzz_server, article):
    r = requests.post(fuzz_server.url + "/articles", data=json.dumps(article).encode(),
                      headers={"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/json"},
                      timeout=30)
    _check(r)
    assert r.status_code in (201, 400, 413, 422), r.text[:300]
