"""The JSON API answers the same from the event index (kg/store/event_index.py) as from SPARQL.

One real ``kg serve`` over one on-disk store (the dev corpus and synthetic articles): every request
below is answered once while the index is current (the API reads it), then an unrelated SPARQL Update
makes the index lag (the API falls back to the SPARQL it used before the index), and the answers must be
identical, filter by filter: country, type, status, person (IRI and name), actor, article, date
range, text, a deep cursor, totals, /api/stats unfiltered and by country; each of them also with
``canonical=true`` (the canonical events' own tables in the index), and again after articles are
replaced and deleted so that canonical events merge and split. Then ``kg reindex`` brings the
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
        # the sources of real-world events: capped on canonical pages, all of them a page at a time
        ("/api/events", {"sources": "0"}), ("/api/events", {"sources": "100", "type": "Visit"}),
        (f"/api/events/{first[0]['id']}", {}), (f"/api/events/{first[0]['id']}", {"sources": "1"}),
        (f"/api/events/{first[0]['id']}/sources", {"limit": "2"}), (f"/api/events/{first[5]['id']}/sources", {}),
    ]


def _with_canonical(reqs: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Each events, stats and export request again with ``canonical=true`` (each real-world event once):
    the index's canonical tables against the SPARQL over graph/events, filter by filter."""
    return reqs + [(path, {**params, "canonical": "true"}) for path, params in reqs
                   if path in ("/api/events", "/api/stats", "/api/export")]


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
    reqs = _with_canonical(_requests(served))
    from_index = _answers(served, reqs)
    assert sum(len(p["events"]) for page in from_index[:1] for p in page) == 28        # 4 pages of 7: deep
    assert any(p.get("total", 0) > 0 for page in from_index if isinstance(page, list) for p in page)
    canonical = [a for (path, params), a in zip(reqs, from_index) if params.get("canonical")]
    assert any(isinstance(a, dict) and a.get("reports", 0) > a.get("total", 0) > 0 for a in canonical)

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


# --- canonical events: merges and splits --------------------------------------------------------

RESOLVE = ROOT / "tests" / "resolve"


def _client_answers(app, reqs, monkeypatch, sparql: bool) -> list:
    """The answers of an in-process app, from the index or (``sparql``) with the index out of the way."""
    import kg.web.api as api
    with monkeypatch.context() as m:
        if sparql:
            m.setattr(api, "_index", lambda: None)
        c = app.test_client()
        out = []
        for path, params in reqs:
            if path == "/api/events":
                pages, cursor = [], None
                for _ in range(4):
                    r = c.get(path, query_string={**params, "limit": 5, **({"cursor": cursor} if cursor else {})})
                    assert r.status_code == 200, r.get_data(as_text=True)
                    pages.append(r.get_json())
                    cursor = pages[-1]["next"]
                    if cursor is None:
                        break
                out.append(pages)
            elif path == "/api/export":
                r = c.get(path, query_string=params)
                assert r.status_code == 200, r.get_data(as_text=True)
                out.append((r.headers.get("X-Total-Count"), r.get_data(as_text=True)))
            else:
                r = c.get(path, query_string=params)
                assert r.status_code == 200, r.get_data(as_text=True)
                out.append(r.get_json())
        return out


def _canonical_requests(app) -> list[tuple[str, dict]]:
    c = app.test_client()
    first = c.get("/api/events", query_string={"limit": 200}).get_json()["events"]
    person = next(a for ev in first for a in ev["actors"] if a["kind"] == "Person")
    place = next(a for ev in first for a in ev["actors"] if a["kind"] == "Place")
    article = first[0]["article"]["id"]
    reqs = [("/api/events", {}), ("/api/events", {"total": "true"}), ("/api/events", {"country": "RUS"}),
            ("/api/events", {"country": "IND,DEU", "total": "true"}), ("/api/events", {"type": "Visit"}),
            ("/api/events", {"type": "Award,Agreement"}), ("/api/events", {"status": "Occurred"}),
            ("/api/events", {"person": person["iri"]}), ("/api/events", {"person": person["label"].lower()}),
            ("/api/events", {"actor": place["iri"]}), ("/api/events", {"article": article, "total": "true"}),
            ("/api/events", {"from": "2024-07", "to": "2024"}), ("/api/events", {"q": "modi", "total": "true"}),
            ("/api/events", {"sort": "-date"}), ("/api/events", {"sort": "type", "country": "IND"}),
            ("/api/stats", {}), ("/api/stats", {"country": "IND"}), ("/api/stats", {"type": "Visit", "top": "3"}),
            ("/api/stats", {"facets": "all", "pairs": "all"}), ("/api/stats", {"article": article}),
            ("/api/stats", {"person": person["iri"], "facets": "country,person"}),
            ("/api/export", {"format": "csv"}), ("/api/export", {"sort": "-date", "format": "jsonl", "q": "a"})]
    # the sources of real-world events that lose and regain reports below (a split and a merge, a delete),
    # through reports that stay
    def report(article):
        return c.get("/api/events", query_string={"article": article}).get_json()["events"][0]["id"]
    moscow, kazan = report("rs-modi-moscow-wire"), report("rs-modi-kazan-brics")
    sources = [(f"/api/events/{moscow}/sources", {"limit": "2"}), (f"/api/events/{moscow}", {"sources": "1"}),
               (f"/api/events/{kazan}/sources", {}), (f"/api/events/{kazan}", {})]
    return [(p, {**q, "canonical": "true"}) for p, q in reqs] + [("/api/events", {"limit": 3})] + sources


def test_canonical_rows_follow_merges_and_splits(tmp_path, monkeypatch):
    """Replacing and deleting articles merges and splits canonical events: after each write the index
    equals a rebuild, and every canonical answer from it equals the SPARQL answer."""
    from kg import Settings
    from kg.ingest import ingest_many
    from kg.rdf import article_iri
    from kg.records import article_from_json
    from kg.web.app import create_app
    objs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESOLVE.glob("*.json"))}
    store = EmbeddedStore(str(tmp_path / "s"))
    ingest_many(store, [article_from_json(o) for o in objs.values()])
    app = create_app(Settings(store=str(tmp_path / "s"), cache_bytes=0))
    reqs = _canonical_requests(app)

    def same(step: str) -> dict:
        ok, message = check_index(store)
        assert ok and "equals a rebuild" in message, (step, message)
        a, b = (_client_answers(app, reqs, monkeypatch, sparql) for sparql in (False, True))
        for (path, params), x, y in zip(reqs, a, b):
            assert x == y, f"{step}: {path} {params}: the index and SPARQL disagree"
        return _client_answers(app, [("/api/stats", {"canonical": "true"})], monkeypatch, False)[0]

    start = same("imported")
    # a split: the live report of Modi's arrival moves two years on, away from its visit
    moved = json.loads(json.dumps(objs["rs-modi-arrives-live"]))
    moved["events"][0]["start"] = "2026-07-08"
    ingest_many(store, [article_from_json(moved)])
    split = same("split")
    assert split["total"] == start["total"] + 1 and split["reports"] == start["reports"]
    assert start["reports"] == _client_answers(app, [("/api/stats", {})], monkeypatch, False)[0]["total"]
    # a merge: it comes back
    ingest_many(store, [article_from_json(objs["rs-modi-arrives-live"])])
    assert same("merged") == start
    # deletes: a report of a merged event, then the last report of another
    for stem in ("rs-modi-kazan-brief", "rs-ind-are-gulf", "rs-ind-are-wire"):
        assert store.delete_article(str(article_iri(objs[stem]["id"])))
        same(f"deleted {stem}")
    # kg resolve rewrites the whole canonical graph; the index follows it
    store.resolve_events()
    after = same("resolved")
    articles_events = _client_answers(app, [("/api/stats", {})], monkeypatch, False)[0]["total"]
    assert after["reports"] == articles_events < start["reports"] and after["total"] < start["total"]
    store.close()


def test_an_index_of_the_previous_schema_is_rebuilt(tmp_path):
    """An index written by the dipkg before this one (schema 2: no articles table, canon_member without its
    dates) lags, and a rebuild makes it anew: the new DDL (an index on canon_member.issued) does not stop it."""
    import sqlite3
    from kg.ingest import ingest_many
    from kg.records import article_from_json
    from kg.store.event_index import SCHEMA, index_path
    store = EmbeddedStore(str(tmp_path / "s"))
    ingest_many(store, [article_from_json(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(RESOLVE.glob("*.json"))])
    assert store.event_index() is not None and SCHEMA == "3"
    store._index.close()
    conn = sqlite3.connect(index_path(store.location))
    conn.executescript("DROP INDEX canon_member_order; ALTER TABLE canon_member DROP COLUMN issued; DROP TABLE articles; "
                       "UPDATE meta SET v = '2' WHERE k = 'schema';")
    conn.close()
    assert store.index_lags() and store.event_index() is None
    assert store.catch_up_index()
    assert store.event_index() is not None and not store.index_lags()
    ok, message = check_index(store)
    assert ok and "equals a rebuild" in message, message
    store.close()


def test_aggregates_follow_an_actor_whose_country_changes(tmp_path):
    """The stats aggregates count each event under the countries of its actors: when an actor's code or
    link changes, the stored events it takes part in are counted anew (the index equals a rebuild)."""
    from kg.store.event_index import ActorRow, CanonRow, EventIndex, EventRow
    B = "https://w3id.org/dipkg/resource/"
    modi, ind, rus, moscow = B + "person/modi", B + "country/IND", B + "country/RUS", B + "place/moscow"

    def events(n):
        return {f"urn:g{i}": [EventRow(f"urn:e{i}", "Visit", "Occurred", f"2024-0{1 + i % 9}-01", f"a{i}", "visit",
                                       [("visitor", modi), ("place", moscow)])] for i in range(n)}
    canon = {"urn:c": CanonRow("urn:c", "Visit", "Occurred", "2024-01-01", "visit", 2, "2024-01-01", "2024-01-02",
                               [("visitor", modi), ("place", moscow)], ["urn:g0", "urn:g1"], ["urn:e0", "urn:e1"])}

    def actors(modi_country):
        return {modi: ActorRow(modi, ["Person"], ["Narendra Modi"], [], [("represents", modi_country)]),
                ind: ActorRow(ind, ["Country"], ["India"], ["IND"]), rus: ActorRow(rus, ["Country"], ["Russia"], ["RUS"]),
                moscow: ActorRow(moscow, ["Place"], ["Moscow"], [], [("country", rus)])}

    inc = EventIndex(str(tmp_path / "inc"))
    (tmp_path / "inc").mkdir()
    inc.apply(events(4), actors(ind), "v1", rebuild=True, canon=canon)
    inc.apply({}, {modi: actors(rus)[modi]}, "v2")                  # Modi now represents Russia
    inc.apply(events(6), {}, "v3", canon={"urn:c": None})           # more events, the canonical one gone
    fresh = EventIndex(str(tmp_path / "fresh"))
    (tmp_path / "fresh").mkdir()
    fresh.apply(events(6), actors(rus), "v3", rebuild=True)
    a, b = inc.dump(), fresh.dump()
    assert a == b
    assert ("IND" not in {c for _, _, c in a["event_codes"]}) and len(a["agg_visit"]) == 2   # '' and RUS
