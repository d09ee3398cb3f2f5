"""The JSON API answers the same from the event index (kg/store/event_index.py) as from SPARQL.

One real ``kg serve`` over one on-disk store (the dev corpus and synthetic articles): every request
below is answered once while the index is current (the API reads it), then an unrelated SPARQL Update
makes the index lag (the API falls back to the SPARQL it used before the index), and the answers must be
identical, filter by filter: country, type, status, person (IRI and name), actor, article, date
range, text, a deep cursor, totals, /api/stats unfiltered and by country. Then ``kg reindex`` brings the
index back, equal to a rebuild. The write path's own bookkeeping (writes, deletes, foreign updates,
crashes) is checked here too, on the store directly.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from conftest import CORPUS, KG, ROOT, TEST_TOKEN, load_corpus, start_server
from kg.store.embedded import EmbeddedStore
from kg.store.event_index import check_index

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import article_dicts  # noqa: E402


def kg(*args) -> subprocess.CompletedProcess:
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), timeout=600, check=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    d = tmp_path_factory.mktemp("kg-index")
    store = d / "store"
    load_corpus(store)
    data = d / "extra.jsonl"
    data.write_text("".join(json.dumps(o) + "\n" for o in article_dicts(150, "idx")), encoding="utf-8")
    kg("--store", store, "import", data)
    server = start_server(store, token=TEST_TOKEN, KG_CACHE_BYTES=0)
    yield server
    server.stop()


def _get(server, path, params) -> dict:
    r = requests.get(server.url + path, params=params, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def _walk(server, params, limit=7, pages=4) -> list[dict]:
    """The first ``pages`` pages of /api/events, following each page's own cursor (a deep cursor)."""
    out, cursor = [], None
    for _ in range(pages):
        page = _get(server, "/api/events", {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        out.append(page)
        cursor = page["next"]
        if cursor is None:
            break
    return out


def _requests(server) -> list[tuple[str, dict]]:
    """Every filter of the API, with values taken from the store itself."""
    first = _get(server, "/api/events", {"limit": 200})["events"]
    person = next(a for ev in first for a in ev["actors"] if a["kind"] == "Person")
    actor = next(a for ev in first for a in ev["actors"] if a["kind"] == "Place")
    article = first[0]["article"]["id"]
    dated = sorted(ev["sortDate"] for ev in first if len(ev["sortDate"]) >= 7)
    word = first[3]["evidence"].split()[2].lower()
    return [
        ("/api/events", {}), ("/api/events", {"total": "true"}),
        ("/api/events", {"country": "IND"}), ("/api/events", {"country": "IND,RUS", "total": "true"}),
        ("/api/events", {"type": "Visit"}), ("/api/events", {"type": "Agreement,TradeTarget"}),
        ("/api/events", {"status": "Signed"}), ("/api/events", {"status": "Occurred", "type": "Visit"}),
        ("/api/events", {"person": person["iri"]}), ("/api/events", {"person": person["label"].upper()}),
        ("/api/events", {"actor": actor["iri"], "total": "true"}), ("/api/events", {"article": article}),
        ("/api/events", {"from": dated[0][:7], "to": dated[-1][:4]}), ("/api/events", {"from": dated[len(dated) // 2]}),
        ("/api/events", {"q": word, "total": "true"}), ("/api/events", {"q": person["label"][:5]}),
        ("/api/events", {"q": "no-such-text-anywhere"}),
        ("/api/events", {"country": "IND", "type": "Visit", "from": "2020", "q": "a"}),
        ("/api/stats", {}), ("/api/stats", {"country": "IND"}), ("/api/stats", {"type": "Award"}),
        ("/api/stats", {"from": dated[0][:4], "top": "3"}), ("/api/stats", {"person": person["iri"]}),
        (f"/api/actors/{person['iri'].split('/resource/')[1]}", {}), ("/api/actors/country/IND", {}),
        # issue 14: sorts with their cursors, facets, every visit pair, the actor search, exports
        ("/api/events", {"sort": "-date"}), ("/api/events", {"sort": "type", "country": "IND"}),
        ("/api/events", {"sort": "-date", "q": word}), ("/api/events", {"sort": "type", "status": "Signed"}),
        ("/api/stats", {"facets": "all", "pairs": "all"}),
        ("/api/stats", {"facets": "country,person", "country": "IND", "type": "Visit", "pairs": "2"}),
        ("/api/stats", {"facets": "all", "from": dated[0][:4], "q": "a", "top": "5"}),
        ("/api/actors/search", {"q": "a", "limit": "100"}), ("/api/actors/search", {"q": person["label"].lower()}),
        ("/api/export", {"country": "IND", "format": "jsonl"}), ("/api/export", {"sort": "type", "format": "csv"}),
        ("/api/export", {"type": "Visit", "sort": "-date", "format": "json"}),
    ]


def _answers(server, reqs) -> list:
    out = []
    for path, params in reqs:
        if path == "/api/events":
            out.append(_walk(server, params))
        elif path == "/api/export":
            r = requests.get(server.url + path, params=params, timeout=60)
            assert r.status_code == 200, r.text
            out.append((r.headers["X-Total-Count"], r.text))
        else:
            out.append(_get(server, path, params))
    return out


def test_index_answers_equal_sparql_answers(served):
    store = EmbeddedStore(served.store, read_only=True)
    assert store.event_index() is not None, "the index must be current after kg import"
    reqs = _requests(served)
    from_index = _answers(served, reqs)
    assert sum(len(p["events"]) for page in from_index[:1] for p in page) == 28        # 4 pages of 7: deep
    assert any(p.get("total", 0) > 0 for page in from_index if isinstance(page, list) for p in page)

    # an update the index cannot follow: the store's answers do not change, the index lags
    r = requests.post(served.url + "/sparql", data={"update": "INSERT DATA { GRAPH <urn:x:unrelated> "
                                                              "{ <urn:x:a> <urn:x:b> 'c' } }"},
                      headers={"Authorization": f"Bearer {TEST_TOKEN}"}, timeout=60)
    assert r.status_code in (200, 204), r.text
    assert store.event_index() is None and store.index_lags()
    from_sparql = _answers(served, reqs)
    for (path, params), a, b in zip(reqs, from_index, from_sparql):
        assert a == b, f"{path} {params}: the index and SPARQL disagree"

    kg("--store", served.store, "reindex")
    assert store.event_index() is not None
    assert _answers(served, reqs) == from_index
    ok, message = check_index(store)
    assert ok and "equals a rebuild" in message, message
    store.close()


def test_write_path_keeps_the_index_equal_to_a_rebuild(tmp_path):
    from kg.ingest import ingest_many
    from kg.rdf import article_iri
    from synthetic import articles
    store = EmbeddedStore(str(tmp_path / "s"))
    assert not store.index_lags()                       # a new store starts with a current, empty index
    ingest_many(store, articles(60, "w"), chunk=20)     # three write blocks
    ingest_many(store, articles(10, "w"))               # the same ids again: graphs replaced
    assert store.delete_article(str(article_iri("w-000003")))
    store.optimize()                                    # changes the version, not the data
    assert not store.index_lags()
    ok, message = check_index(store)
    assert ok and "equals a rebuild" in message, message
    events = store._index.dump()["events"]
    assert len(events) == sum(store.stats()[t] for t in ("Visit", "Award", "Agreement", "TradeTarget"))
    assert not any("w-000003" in row[1] for row in events)

    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert store.index_lags() and store.event_index() is None
    ingest_many(store, articles(3, "late"))             # a lagging index is not written to
    assert store.index_lags()
    assert store.catch_up_index() and not store.index_lags()
    assert check_index(store)[0]
    store.close()


def test_reindex_check_and_remote_refusal(tmp_path):
    store = tmp_path / "s"
    kg("--store", store, "import", *sorted(str(p) for p in (ROOT / "samples" / "annotated").glob("*.json")))
    r = kg("--store", store, "reindex", "--check")
    assert "equals a rebuild" in r.stderr + r.stdout
    r = kg("--store", store, "reindex")
    assert "indexed" in r.stderr


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs the dev corpus")
def test_corpus_is_there():
    assert any(CORPUS.glob("*.json"))
