"""Cross-article event resolution (kg/resolve.py, kg/store/resolution.py) on a real on-disk store.

tests/resolve/*.json are curated articles about the same events worded differently (five outlets on Modi's
July 2024 visit to Russia, over five days, as "Moscow" and as "Russia", with a month-only preview and an
undated analysis; two outlets on one India-UAE payments MoU; two on one India-Germany treaty) and near-misses
that must stay apart (Modi's visits to Russia in 2019 and in October 2024, a second MoU signed the same day on
another topic, a second India-Germany agreement of that day, a vague "several agreements", an older trade
target, another award to the same recipient). Each event carries its gold cluster in a "gold" field, which
the annotation parser ignores.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from kg.ingest import ingest_many
from kg.rdf import article_iri, event_iri
from kg.readers import read_annotated
from kg.records import article_from_json
from kg.resolve import EVENTS_GRAPH
from kg.store import open_store
from kg.store.resolution import check_resolution

HERE = Path(__file__).resolve().parent
FILES = sorted(map(str, (HERE / "resolve").glob("*.json")))
DIP = "https://w3id.org/dipkg/ontology#"


def _gold() -> dict[str, str]:
    """event IRI -> its gold cluster label."""
    out = {}
    for f in FILES:
        obj = json.loads(Path(f).read_text(encoding="utf-8"))
        art = article_from_json(obj)
        for raw, ev in zip(obj["events"], art.events):
            out[str(event_iri(art.id, ev))] = raw["gold"]
    return out


def _links(store) -> dict[str, str]:
    """article event IRI -> canonical event IRI, as stored."""
    return {r["e"]: r["c"] for r in store.select(
        f"SELECT ?e ?c WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ ?e dip:sameEventAs ?c }} }}")}


def _partition(mapping: dict[str, str]) -> set[frozenset]:
    groups = defaultdict(set)
    for k, v in mapping.items():
        groups[v].add(k)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(str(tmp_path_factory.mktemp("resolve") / "s"))
    summary = ingest_many(s, read_annotated(FILES))
    assert summary.failed == 0
    yield s
    s.close()


def test_the_clusters_are_the_gold_clusters(store):
    gold, links = _gold(), _links(store)
    assert set(links) == set(gold)                      # every article event has its canonical event
    assert _partition(links) == _partition(gold)


def test_the_canonical_graph_equals_a_resolution_from_scratch(store):
    ok, message = check_resolution(store)
    assert ok, message


def _canonical(store, label: str) -> dict[str, list[str]]:
    gold, links = _gold(), _links(store)
    c = {links[e] for e, g in gold.items() if g == label}
    assert len(c) == 1
    (c,) = c
    out = defaultdict(list)
    for r in store.select(f"SELECT ?p ?o WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ <{c}> ?p ?o }} }}"):
        out[r["p"].rsplit("#", 1)[-1]].append(r["o"])
    return out


def test_merged_slots_take_the_most_specific_value(store):
    v = _canonical(store, "visit-modi-rus-2024-07")
    assert v["sourceCount"] == [5]
    assert v["firstReported"] == ["2024-06-28"] and v["lastReported"] == ["2024-07-12"]
    assert v["place"] == ["https://w3id.org/dipkg/resource/place/rus/moscow"]      # the city over "Russia"
    assert v["startDate"] == ["2024-07-08"] and v["endDate"] == ["2024-07-09"]    # the day over "2024-07"
    assert v["host"] == ["https://w3id.org/dipkg/resource/person/vladimir-putin"]
    assert v["status"] == [DIP + "Occurred"]                                        # the latest report
    assert sorted(v["type"]) == [DIP + "CanonicalEvent", DIP + "CanonicalVisit"]
    assert len(v["wasDerivedFrom"]) == 5
    a = _canonical(store, "award-modi-st-andrew")
    assert a["sourceCount"] == [4] and a["awardName"] == ["Order of St Andrew the Apostle"]
    assert a["date"] == ["2024-07-09"]
    t = _canonical(store, "target-ind-rus-100bn-2030")
    assert t["sourceCount"] == [2] and t["targetYear"] == ["2030"]


def test_stats_count_each_real_world_event_once(store):
    s = store.stats()
    assert (s["Visit"], s["CanonicalVisit"]) == (8, 3)
    assert (s["Agreement"], s["CanonicalAgreement"]) == (7, 5)
    assert (s["Award"], s["CanonicalAward"]) == (5, 2)
    assert (s["TradeTarget"], s["CanonicalTradeTarget"]) == (3, 2)


def test_the_canonical_graph_validates(store):
    from rdflib import Graph

    from kg.validate import validate_graph
    g = Graph()
    g.parse(data=store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ GRAPH <{EVENTS_GRAPH}> {{ ?s ?p ?o }} }} UNION "
        f"{{ GRAPH <{EVENTS_GRAPH}> {{ ?c ?r ?s }} FILTER(isIRI(?s)) GRAPH ?g {{ ?s ?p ?o }} }} UNION "
        f"{{ GRAPH <{EVENTS_GRAPH}> {{ ?c ?r ?x }} ?x ?r2 ?s FILTER(isIRI(?s)) GRAPH ?g {{ ?s ?p ?o }} }} }}",
        graph_format="ntriples").body.decode(), format="nt")
    report = validate_graph(g)
    assert report.conforms, report.text
    # and a canonical event without its source count does not
    from rdflib import URIRef
    c = min(g.subjects(URIRef(DIP + "sourceCount"), None))
    g.remove((c, URIRef(DIP + "sourceCount"), None))
    assert not validate_graph(g).conforms


def _articles():
    return {Path(f).stem: json.loads(Path(f).read_text(encoding="utf-8")) for f in FILES}


def _variant(obj: dict, rng: random.Random) -> dict:
    """The same article with its events changed a little (a replace): a date moved, an event dropped."""
    obj = json.loads(json.dumps(obj))
    evs = obj["events"]
    if len(evs) > 1 and rng.random() < 0.5:
        evs.pop(rng.randrange(len(evs)))
    for e in evs:
        for k in ("start", "date"):
            if e.get(k) and len(e[k]) == 10 and rng.random() < 0.5:
                e[k] = e[k][:8] + f"{max(1, min(28, int(e[k][8:]) + rng.choice((-5, 1, 9)))):02d}"
                e.pop("end", None)
    return obj


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_resolution_equals_from_scratch(tmp_path, seed):
    """Random add, replace and delete sequences (single articles and batches): after each write the canonical
    graph equals a resolution of the whole store from scratch, and ``kg resolve`` gives the same graph."""
    from kg.store.resolution import stored_lines
    rng = random.Random(seed)
    arts = _articles()
    store = open_store(str(tmp_path / "s"))
    stored: set[str] = set()
    try:
        for _ in range(14):
            op = rng.random()
            if op < 0.2 and stored:
                a = rng.choice(sorted(stored))
                assert store.delete_article(str(article_iri(a)))
                stored.discard(a)
            else:
                batch = rng.sample(sorted(arts), rng.choice((1, 1, 3)))
                objs = [_variant(arts[a], rng) if a in stored and rng.random() < 0.6 else arts[a] for a in batch]
                from kg.ingest import prepare
                graphs = [prepare(article_from_json(o))[0] for o in objs]
                assert all(graphs)
                store.replace_articles([(str(g.iri), g.graph, g.actors) for g in graphs])
                stored |= set(batch)
            ok, message = check_resolution(store)
            assert ok, message
        before = stored_lines(store)
        store.resolve_events()
        assert stored_lines(store) == before
    finally:
        store.close()


def test_readme_query_counts_visits_once_with_their_sources(store):
    import re
    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    m = re.search(r"visits per year, counted once.*?```sparql\n(.*?)```", readme, re.DOTALL | re.IGNORECASE)
    assert m, "the README has the query"
    rows = store.select(m.group(1))
    got = sorted((r["year"], r["visits"], r["sources"]) for r in rows)
    assert got == [(2019, 1, 1), (2024, 2, 7)]


def test_the_api_counts_canonical_events_and_lists_their_sources(tmp_path, server_factory):
    import csv
    import io

    import requests
    s = open_store(str(tmp_path / "s"))
    ingest_many(s, read_annotated(FILES))
    s.close()
    server = server_factory(store=tmp_path / "s", workers=1, threads=2)

    def get(path, **params):
        r = requests.get(server.url + path, params=params, timeout=30)
        assert r.status_code == 200, r.text
        return r

    gold = _gold()
    assert get("/api/events", total="true", limit=100).json()["total"] == len(gold)
    body = get("/api/events", canonical="true", total="true", limit=100).json()
    assert body["total"] == len(set(gold.values())) == len(body["events"])
    visit = next(e for e in body["events"] if e["type"] == "Visit" and e["canonical"]["sourceCount"] == 5)
    assert visit["startDate"] == "2024-07-08" and len(visit["sources"]) == 5
    assert [x["article"]["issued"] for x in visit["sources"]] == sorted(x["article"]["issued"] for x in visit["sources"])
    assert all(x["article"]["title"] for x in visit["sources"])
    # an article's event names its canonical event and, on its own page, the other reports
    ev = get("/api/events", article="rs-modi-arrives-live").json()["events"][0]
    assert ev["canonical"] == {"id": visit["id"], "iri": visit["iri"], "sourceCount": 5}
    one = get(f"/api/events/{ev['id']}").json()
    assert {x["iri"] for x in one["sources"]} == {x["iri"] for x in visit["sources"]}
    assert get(f"/api/events/{visit['id']}").json()["sourceCount"] == 5
    # statistics, counted once or per report
    assert get("/api/stats", canonical="true").json()["types"] == {"Visit": 3, "Award": 2, "Agreement": 5, "TradeTarget": 2}
    assert get("/api/stats").json()["types"] == {"Visit": 8, "Award": 5, "Agreement": 7, "TradeTarget": 3}
    assert get("/api/events", canonical="true", type="Visit", country="RUS", total="true").json()["total"] == 3
    # the table of a canonical page: one row per real-world event with its number of sources
    rows = list(csv.DictReader(io.StringIO(get("/api/events", canonical="true", type="Visit", format="csv").text)))
    assert sorted(int(r["NumSources"]) for r in rows) == [1, 2, 5]
    assert requests.get(server.url + "/api/events", params={"canonical": "maybe"}, timeout=30).status_code == 400


def test_export_and_stats_count_real_world_events_with_their_reports(tmp_path, server_factory):
    """/api/export?canonical=true gives one row per real-world event (it gave the articles' events: the event
    index answered, which knows no canonical events); /api/stats?canonical=true says how many reports those
    events have (``reports``), for the dashboard's "12 real-world events (23 reports)"."""
    import requests
    s = open_store(str(tmp_path / "s"))
    ingest_many(s, read_annotated(FILES))
    by_c: dict[str, int] = defaultdict(int)      # canonical event -> its reports, as stored
    for c in _links(s).values():
        by_c[c] += 1
    s.close()
    server = server_factory(store=tmp_path / "s", workers=1, threads=2)

    def get(path, **params):
        r = requests.get(server.url + path, params=params, timeout=30)
        assert r.status_code == 200, r.text
        return r

    gold = _gold()
    n_events, n_reports = len(set(gold.values())), len(gold)
    for fmt in ("csv", "json", "jsonl"):
        r = get("/api/export", canonical="true", format=fmt)
        assert int(r.headers["X-Total-Count"]) == n_events
    rows = get("/api/export", canonical="true", format="json", sort="-date").json()
    listing = get("/api/events", canonical="true", sort="-date", limit=100).json()["events"]
    assert [x["EventIRI"] for x in rows] == [e["iri"] for e in listing]
    assert sum(x["NumSources"] for x in rows) == n_reports
    assert all(x["EventID"].startswith("canonical-") for x in rows)
    visits = get("/api/export", canonical="true", type="Visit", format="json").json()
    assert sorted(x["NumSources"] for x in visits) == [1, 2, 5]
    reports = get("/api/export", format="json").json()                      # the default: every article's event
    assert int(get("/api/export", format="csv").headers["X-Total-Count"]) == len(reports) == n_reports
    # the reports behind the counted events, under any filter, equal the article events the filter's events have
    assert get("/api/stats", canonical="true").json()["reports"] == n_reports
    assert "reports" not in get("/api/stats").json()
    for params in ({"type": "Visit"}, {"country": "DEU"}, {"from": "2024-07", "to": "2024-07"},
                   {"type": "Award", "status": "Conferred"}):
        st = get("/api/stats", canonical="true", **params).json()
        evs = get("/api/events", canonical="true", limit=100, **params).json()["events"]
        assert st["total"] == len(evs)
        assert st["reports"] == sum(by_c[e["iri"]] for e in evs) == sum(e["canonical"]["sourceCount"] for e in evs)
    assert get("/api/stats", canonical="true", type="Visit").json()["reports"] == 8


def test_quad_pattern_reads_equal_the_selects(store, monkeypatch):
    """The embedded store reads mentions, keys and canonical triples with quad patterns
    (kg/store/resolution_local.py); each read gives what the SPARQL of kg/store/resolution.py gives."""
    from kg.store import resolution as res
    from kg.store import resolution_local as local
    pattern = store.pattern_quads
    all_keys = sorted(r["k"] for r in store.select(
        f"SELECT DISTINCT ?k WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ ?c dip:resolutionKey ?k }} }}"))
    members = sorted({m for ms in local.members_of_keys(pattern, all_keys).values() for m in ms})
    assert len(members) >= 20
    articles = store.article_iris()
    fast = res.stored_mentions(store, members)
    keys_fast = res._keys_of_articles(store, pattern, articles)
    was_fast = local.members_of_keys(pattern, sorted(keys_fast))
    canonical = sorted(was_fast)
    old_fast = local.canonical_quads(pattern, canonical)
    monkeypatch.setattr(res, "_pattern", lambda s: None)
    slow = res.stored_mentions(store, members)
    assert [(m.iri, m.article, m.type, m.props, m.reported, m.key) for m in fast] == \
        [(m.iri, m.article, m.type, m.props, m.reported, m.key) for m in slow]
    assert keys_fast == res._keys_of_articles(store, None, articles)
    assert was_fast == res._members_of_keys(store, sorted(keys_fast))
    assert {f"{s} {p} {o} ." for s, p, o in old_fast} == res.stored_lines(store)


@pytest.mark.parametrize("seed", [4])
def test_incremental_resolution_through_selects_equals_from_scratch(tmp_path, seed, monkeypatch):
    """The same random sequence with the SELECT reads and the drop-and-rewrite of the canonical events
    (what a remote store runs): the quad-pattern path and this one agree with a resolution from scratch."""
    from kg.store import resolution as res
    monkeypatch.setattr(res, "_pattern", lambda s: None)
    test_incremental_resolution_equals_from_scratch(tmp_path, seed)
