"""The sources of real-world events in the JSON API: the cap on ``canonical=true`` pages (``sources=``, with
``sourcesTotal`` and ``sourcesNext``) and every source, a page at a time (/api/events/<id>/sources).

One real ``kg serve`` over an on-disk store of synthetic articles that re-issue the same stories (bench/synthetic.py:
every real-world event has several reports, published on different days, some with a URL). The truth is read
over /sparql, independently of the API: each canonical event's reports (dip:sameEventAs) with their articles'
dates. The last test makes the event index lag (an unrelated SPARQL Update) and checks that SPARQL gives the
same answers as the index, then that ``kg reindex`` brings the index back.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import requests

from conftest import KG, ROOT, TEST_TOKEN, start_server
from kg.store.embedded import EmbeddedStore

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import article_dicts  # noqa: E402

EVENTS_GRAPH = "https://w3id.org/dipkg/graph/events"


def _articles(n: int) -> list[dict]:
    """``n`` synthetic articles; copy k of a story is published k days after the first, every other one has a URL."""
    out = article_dicts(n, "src")
    per = len({o["title"] for o in out})
    for i, o in enumerate(out):
        o["published"] = (dt.date.fromisoformat(o["published"]) + dt.timedelta(days=i // per)).isoformat()
        if i % 2 == 0:
            o["url"] = f"https://news.example.org/{o['id']}"
    return out


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    d = tmp_path_factory.mktemp("kg-sources")
    data = d / "articles.jsonl"
    data.write_text("".join(json.dumps(o) + "\n" for o in _articles(500)), encoding="utf-8")
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"])]
    subprocess.run(cmd + ["--store", str(d / "store"), "import", str(data)], check=True, capture_output=True,
                   cwd=str(ROOT), timeout=600)
    server = start_server(d / "store", token=TEST_TOKEN, KG_CACHE_BYTES=0)
    yield server
    server.stop()


def _get(server, path, **params):
    return requests.get(server.url + path, params=params, timeout=60)


def _ok(server, path, **params) -> dict:
    r = _get(server, path, **params)
    assert r.status_code == 200, r.text
    return r.json()


def _truth(server) -> dict[str, list[tuple[str, str]]]:
    """Each canonical event's reports as (article issued date, report IRI), in the API's order, from /sparql."""
    query = (f"PREFIX dip: <https://w3id.org/dipkg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
             f"PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?c ?m ?issued WHERE {{ "
             f"GRAPH <{EVENTS_GRAPH}> {{ ?m dip:sameEventAs ?c }} ?m prov:wasDerivedFrom ?a . "
             "OPTIONAL { ?a dcterms:issued ?issued } }")
    r = requests.post(server.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=60)
    assert r.status_code == 200, r.text
    out: dict[str, list[tuple[str, str]]] = {}
    for b in r.json()["results"]["bindings"]:
        out.setdefault(b["c"]["value"], []).append((b.get("issued", {}).get("value", ""), b["m"]["value"]))
    return {c: sorted(v) for c, v in out.items()}


def _canonical(server, **params) -> list[dict]:
    out, cursor = [], None
    while True:
        page = _ok(server, "/api/events", canonical="true", limit=500, **params, **({"cursor": cursor} if cursor else {}))
        out += page["events"]
        cursor = page["next"]
        if cursor is None:
            return out


def _walk_sources(server, event_id: str, limit: int, first: str | None = None) -> list[dict]:
    """Every page of /api/events/<id>/sources (from ``first``, a sourcesNext URL, when given)."""
    pages, url = [], first or f"/api/events/{event_id}/sources"
    for _ in range(1000):
        r = requests.get(server.url + url, params={"limit": limit}, timeout=60)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        url = pages[-1]["links"]["next"]
        if url is None:
            assert pages[-1]["next"] is None
            return pages
        assert pages[-1]["next"] and len(pages[-1]["sources"]) == limit
    raise AssertionError("the pages of sources do not end")


def _key(source: dict) -> tuple[str, str]:
    return (source["article"]["issued"] or "", source["iri"])


def test_canonical_pages_embed_the_first_sources_and_count_all(srv):
    truth = _truth(srv)
    events = _canonical(srv)
    assert {ev["iri"] for ev in events} == set(truth)
    assert max(len(v) for v in truth.values()) > 5
    assert any(len({d for d, _ in v}) > 1 for v in truth.values()), "reports on several days: the order is by date"
    for ev in events:
        reports = truth[ev["iri"]]
        assert ev["sourcesTotal"] == len(reports) == ev["sourceCount"]   # one report per article here
        assert [_key(s) for s in ev["sources"]] == reports[:5]          # the first five, oldest first
        assert ev["article"] == ev["sources"][0]["article"]             # a real-world event's article: its first report's
        assert all(s["article"]["id"] and s["article"]["title"] for s in ev["sources"])
        if len(reports) > 5:
            assert ev["sourcesNext"].startswith(f"/api/events/{ev['id']}/sources?cursor=")
        else:
            assert ev["sourcesNext"] is None
    urls = [s["article"]["url"] for ev in events for s in ev["sources"]]
    assert None in urls and any(u and u.startswith("https://news.example.org/") for u in urls)

    none = _canonical(srv, sources=0)
    assert [(e["iri"], e["sourcesTotal"], e["sources"], e["article"]) for e in none] == \
        [(e["iri"], e["sourcesTotal"], [], e["article"]) for e in events]
    assert all(e["sourcesNext"] == f"/api/events/{e['id']}/sources" for e in none)
    every = _canonical(srv, sources=100)
    assert all([_key(s) for s in e["sources"]] == truth[e["iri"]] and e["sourcesNext"] is None for e in every)
    # the cap touches nothing else of an event
    strip = ("sources", "sourcesNext")
    assert [{k: v for k, v in e.items() if k not in strip} for e in every] == \
        [{k: v for k, v in e.items() if k not in strip} for e in events]


def test_article_events_carry_no_sources_in_lists_and_all_in_their_detail(srv):
    """Articles' events: a list embeds no sources, whatever ``sources`` says; the detail gives every source of
    the real-world event it reports unless ``sources`` caps it."""
    truth = _truth(srv)
    plain = _ok(srv, "/api/events", limit=50)
    capped_list = _ok(srv, "/api/events", limit=50, sources=2)
    assert (plain["events"], plain["next"]) == (capped_list["events"], capped_list["next"])
    assert not any("sources" in e or "sourcesTotal" in e for e in plain["events"])
    ev = next(e for e in plain["events"] if len(truth[e["canonical"]["iri"]]) > 5)
    reports = truth[ev["canonical"]["iri"]]
    d = _ok(srv, f"/api/events/{ev['id']}")
    assert [_key(s) for s in d["sources"]] == reports and d["sourcesTotal"] == len(reports) and d["sourcesNext"] is None
    capped = _ok(srv, f"/api/events/{ev['id']}", sources=2)
    assert capped["sources"] == d["sources"][:2] and capped["sourcesTotal"] == len(reports)
    assert capped["sourcesNext"].startswith(f"/api/events/{ev['canonical']['id']}/sources?cursor=")
    # a canonical event's detail: the same sources as the page that lists it, and its first report's article
    c = _ok(srv, f"/api/events/{ev['canonical']['id']}")
    assert c["sources"] == d["sources"] and c["article"] == d["sources"][0]["article"]


def test_sources_endpoint_gives_every_source_once(srv):
    truth = _truth(srv)
    events = _canonical(srv)
    big = max(events, key=lambda e: e["sourcesTotal"])
    reports = truth[big["iri"]]
    assert len(reports) >= 7
    for limit in (1, 2, 3, len(reports), 500):
        pages = _walk_sources(srv, big["id"], limit)
        got = [s for p in pages for s in p["sources"]]
        assert [_key(s) for s in got] == reports                 # each once, in order, none missing
        assert len({s["iri"] for s in got}) == len(got)
        assert all(p["total"] == len(reports) and p["limit"] == limit for p in pages)
        assert all(p["canonical"]["iri"] == big["iri"] and p["event"]["id"] == big["id"] for p in pages)
        assert len(pages) == max(1, -(-len(reports) // limit))
    # from one of its reports (an article event): the same sources
    report = next(iter(reports))[1].rsplit("/", 1)[1]
    assert [s for p in _walk_sources(srv, report, 4) for s in p["sources"]] == got
    # a page's sourcesNext goes on where its embedded sources stop
    rest = [s for p in _walk_sources(srv, big["id"], 2, first=big["sourcesNext"]) for s in p["sources"]]
    assert big["sources"] + rest == got
    # an event that is alone in its story still has itself as a source
    small = min(events, key=lambda e: e["sourcesTotal"])
    page = _ok(srv, f"/api/events/{small['id']}/sources")
    assert page["sources"] == small["sources"] and page["next"] is None


@pytest.mark.parametrize("path_params", [
    ("/api/events", {"canonical": "true", "sources": "-1"}), ("/api/events", {"canonical": "true", "sources": "101"}),
    ("/api/events", {"canonical": "true", "sources": "five"}), ("/api/events", {"sources": "1.5"}),
    ("/api/events", {"canonical": "true", "sources": "1e3"}), ("{event}", {"sources": "1000"}),
    ("{event}", {"sources": "x"}), ("{event}", {"limit": "3"}),
    ("{event}/sources", {"limit": "0"}), ("{event}/sources", {"limit": "501"}), ("{event}/sources", {"limit": "a"}),
    ("{event}/sources", {"cursor": "not-a-cursor"}), ("{event}/sources", {"cursor": "{events_cursor}"}),
    ("{event}/sources", {"sources": "3"}), ("{event}/sources", {"canonical": "true"}),
])
def test_bad_parameters_are_400(srv, path_params):
    path, params = path_params
    page = _ok(srv, "/api/events", canonical="true", limit=1)
    path = path.replace("{event}", f"/api/events/{page['events'][0]['id']}")
    params = {k: v.replace("{events_cursor}", page["next"]) for k, v in params.items()}
    r = _get(srv, path, **params)
    assert r.status_code == 400, (path, params, r.text)
    body = r.json()
    assert body["status"] == 400 and body["parameter"] in params and body["parameter"] in body["error"]
    if body["parameter"] == "sources" and path.endswith("sources"):
        assert "unknown parameter" in body["error"]
    elif body["parameter"] == "sources":
        assert "from 0 to 100" in body["error"] and "/api/events/{id}/sources" in body["error"]


def test_unknown_events_have_no_sources(srv):
    for path in ("/api/events/no-such-event/sources", "/api/events/canonical-0000/sources", "/api/events/a%20b/sources"):
        r = _get(srv, path)
        assert r.status_code == 404, (path, r.text)


def _answers(server) -> list:
    """What the tests above read, for comparing the index with SPARQL."""
    events = _canonical(server)
    out: list = [events, _canonical(server, sources=0), _canonical(server, sources=2, sort="-date"),
                 _canonical(server, sources=100, type="Visit")]
    for ev in sorted(events, key=lambda e: -e["sourcesTotal"])[:3]:
        out.append(_walk_sources(server, ev["id"], 3))
        out.append(_walk_sources(server, ev["id"], 2, first=ev["sourcesNext"]) if ev["sourcesNext"] else None)
        out.append(_ok(server, f"/api/events/{ev['id']}", sources=3))
        report = ev["sources"][-1]["id"]
        out += [_ok(server, f"/api/events/{report}"), _ok(server, f"/api/events/{report}/sources", limit=4)]
    return out


def test_index_and_sparql_give_the_same_sources(srv):
    """Last in this module: it makes the index lag, then rebuilds it."""
    store = EmbeddedStore(srv.store, read_only=True)
    assert store.event_index() is not None
    from_index = _answers(srv)
    r = requests.post(srv.sparql, data={"update": "INSERT DATA { GRAPH <urn:x:lag> { <urn:x:a> <urn:x:b> 'c' } }"},
                      headers={"Authorization": f"Bearer {TEST_TOKEN}"}, timeout=60)
    assert r.status_code in (200, 204), r.text
    assert store.event_index() is None
    from_sparql = _answers(srv)
    for i, (a, b) in enumerate(zip(from_index, from_sparql)):
        assert a == b, f"answer {i}: the index and SPARQL disagree"
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"])]
    subprocess.run(cmd + ["--store", srv.store, "reindex"], check=True, capture_output=True, cwd=str(ROOT), timeout=600)
    assert store.event_index() is not None
    assert _answers(srv) == from_index
    store.close()
