"""The dashboard JSON API (kg/web/api.py) against a live ``kg serve`` with the dev corpus.

Filters are checked against independent SPARQL answers from /sparql, pagination against the
whole event set, and every parameter against malformed and hostile values.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
import requests

from conftest import CORPUS, TEST_TOKEN

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the dev corpus is missing ({CORPUS})")

EVENT_TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
ROOT = Path(__file__).resolve().parents[1]


def get(server, path, **params):
    return requests.get(server.url + path, params=params, timeout=30)


def api(server, path, **params) -> dict:
    r = get(server, path, **params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def sparql(server, query: str) -> list[dict]:
    r = requests.post(server.url + "/sparql", data={"query": query},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def all_events(server, limit=500, **params) -> list[dict]:
    out, cursor = [], None
    for _ in range(1000):
        page = api(server, "/api/events", limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        out += page["events"]
        cursor = page["next"]
        if cursor is None:
            return out
    raise AssertionError("pagination does not end")


def gold_visit_roles() -> tuple[dict[str, Counter], dict[str, set[str]]]:
    """From the dev corpus JSON itself: {"visitor"/"host": Counter(actor IRI -> visits)} and each actor's spellings.

    An actor is what `kg import` makes of a name (kg.rdf: a person by normalised name, else the
    country); a visit is counted once per event IRI, as the store holds it.
    """
    from kg.rdf import country_iri, event_iri, person_iri, slug
    from kg.readers import read_annotated
    counts: dict[str, dict[str, set[str]]] = {"visitor": {}, "host": {}}
    spellings: dict[str, set[str]] = {}
    for item in read_annotated(sorted(str(p) for p in CORPUS.glob("*.json"))):
        assert isinstance(item, tuple), item
        article = item[0]
        for p in article.people:
            spellings.setdefault(str(person_iri(p.name)), set()).update(
                [p.name, *(a for a in p.aliases if slug(a) == slug(p.name))])
        for ev in article.events:
            if ev.type != "Visit":
                continue
            for role in counts:
                name, country = getattr(ev, role), getattr(ev, f"{role}_country")
                actor = str(person_iri(name)) if name else str(country_iri(country)) if country else None
                if actor:
                    counts[role].setdefault(actor, set()).add(str(event_iri(article.id, ev)))
                    if name:
                        spellings.setdefault(actor, set()).add(name)
    return {role: Counter({a: len(e) for a, e in c.items()}) for role, c in counts.items()}, spellings


@pytest.fixture(scope="module")
def truth(live_server):
    """Independent answers from /sparql: every event with its type."""
    rows = sparql(live_server, """
        SELECT ?e ?t WHERE { VALUES ?t { dip:Visit dip:Award dip:Agreement dip:TradeTarget } ?e a ?t }""")
    return {r["e"]: r["t"].rsplit("#", 1)[1] for r in rows}


# --- events: listing, pagination, filters -------------------------------------------------------

def test_pagination_covers_every_event_exactly_once_in_order(live_server, truth):
    assert len(truth) > 50
    for limit in (7, 50, 500):
        events = all_events(live_server, limit=limit)
        iris = [e["iri"] for e in events]
        assert len(iris) == len(set(iris)), f"duplicates with limit={limit}"
        assert set(iris) == set(truth), f"limit={limit}"
        keys = [(e["sortDate"], e["iri"]) for e in events]
        assert keys == sorted(keys)
    first = api(live_server, "/api/events")
    assert first["limit"] == 50 and len(first["events"]) == 50 and first["next"]
    assert first["links"]["next"].startswith("/api/events?") and "cursor=" in first["links"]["next"]


def test_total_and_type_counts_match_sparql(live_server, truth):
    assert api(live_server, "/api/events", total="true", limit=1)["total"] == len(truth)
    for t in EVENT_TYPES:
        events = all_events(live_server, type=t)
        assert {e["iri"] for e in events} == {i for i, tt in truth.items() if tt == t}
        assert all(e["type"] == t for e in events)
    two = all_events(live_server, type="visit,AWARD")
    assert {e["type"] for e in two} == {"Visit", "Award"}
    assert len(two) == sum(1 for t in truth.values() if t in ("Visit", "Award"))
    assert all_events(live_server, type=["Visit", "Award"]) == two


def test_filtered_pagination_equals_one_page(live_server):
    whole = api(live_server, "/api/events", country="IND", limit=500)["events"]
    paged = all_events(live_server, country="IND", limit=4)
    assert [e["iri"] for e in paged] == [e["iri"] for e in whole]


def test_country_filter_matches_actors_and_places(live_server):
    ind = all_events(live_server, country="ind")
    assert ind and all("IND" in e["countries"] for e in ind)
    expected = {r["e"] for r in sparql(live_server, """
        SELECT DISTINCT ?e WHERE {
          ?c dip:countryCode "IND" .
          VALUES ?role { dip:visitor dip:host dip:place dip:recipient dip:conferredBy dip:party }
          { ?e ?role ?c } UNION { VALUES ?l { dip:represents dip:country } ?e ?role ?x . ?x ?l ?c }
          FILTER NOT EXISTS { ?e a dip:CanonicalEvent } }""")}   # the listing is of articles' events
    assert {e["iri"] for e in ind} == expected
    both = all_events(live_server, country="IND,FRA")
    assert {e["iri"] for e in both} >= {e["iri"] for e in ind}
    assert all({"IND", "FRA"} & set(e["countries"]) for e in both)
    assert all_events(live_server, country="ZZZ") == []


def test_status_person_article_date_and_text_filters(live_server):
    signed = all_events(live_server, status="Signed")
    assert signed and all(e["status"] == "Signed" for e in signed)
    assert all_events(live_server, status="signed,agreed", type="Agreement")
    modi = all_events(live_server, person="Narendra Modi")
    assert modi and all(any(a["label"] == "Narendra Modi" for a in e["actors"]) for e in modi)
    assert all_events(live_server, person="narendra modi") == modi
    iri = next(a["iri"] for a in modi[0]["actors"] if a["label"] == "Narendra Modi")
    assert all_events(live_server, person=iri) == modi
    assert all_events(live_server, actor=iri) == modi
    assert all_events(live_server, person="Nobody Atall") == []

    art = all_events(live_server, article="macron-india-readout")
    assert art and all(e["article"]["id"] == "macron-india-readout" for e in art)

    in2018 = all_events(live_server, **{"from": "2018", "to": "2018"})
    assert in2018 and all(e["sortDate"].startswith("2018") for e in in2018)
    rng = all_events(live_server, **{"from": "2018-03-01", "to": "2018-06-30"})
    assert rng and all("2018-03-01" <= e["sortDate"][:10] <= "2018-06-30" for e in rng)
    assert all_events(live_server, **{"from": "2018-03", "to": "2018-06"}) == rng

    s400 = all_events(live_server, q="s-400")
    assert s400 and all("s-400" in json.dumps(e).lower() for e in s400)
    assert all_events(live_server, q='"} ; DROP ALL #') == []


def test_event_detail(live_server):
    ev = next(e for e in all_events(live_server, type="Visit") if e.get("evidenceStart") is not None) \
        if any(e.get("evidenceStart") is not None for e in all_events(live_server, type="Visit")) \
        else all_events(live_server, type="Visit")[0]
    d = api(live_server, f"/api/events/{ev['id']}")
    assert d["iri"] == ev["iri"] and d["type"] == "Visit" and d["evidence"]
    assert d["article"]["id"] and d["article"]["title"] and d["article"]["issued"]
    assert "url" in d["article"]
    roles = {a["role"] for a in d["actors"]}
    assert "visitor" in roles and "place" in roles
    for a in d["actors"]:
        assert a["iri"].startswith("https://w3id.org/dipkg/resource/") and a["label"]
    assert d["countries"] and all(len(c) == 3 for c in d["countries"])
    if d.get("evidenceStart") is not None:
        assert 0 <= d["evidenceStart"] < d["evidenceEnd"]
    # The detail agrees with the listing, and adds the article's full text (lists stay small): the text the
    # curated article was imported with, verbatim
    assert "text" not in ev["article"]
    gold = json.loads(next(p for p in CORPUS.glob("*.json")
                           if json.loads(p.read_text(encoding="utf-8"))["id"] == d["article"]["id"]).read_text("utf-8"))
    assert d["article"].pop("text") == gold["text"]
    assert {k: v for k, v in d.items() if k not in ("sortDate", "sources", "sourcesTotal", "sourcesNext")} == \
        {k: v for k, v in ev.items() if k != "sortDate"}
    # the one real-world event it reports, and every article that reports it (this one among them)
    assert d["canonical"]["id"].startswith("canonical-") and d["canonical"]["sourceCount"] == len(d["sources"]) >= 1
    assert d["sourcesTotal"] == len(d["sources"]) and d["sourcesNext"] is None
    assert ev["iri"] in {s["iri"] for s in d["sources"]} and all(s["article"]["id"] for s in d["sources"])
    tt = next(e for e in all_events(live_server, type="TradeTarget") if e.get("amount"))
    assert float(tt["amount"]["value"]) > 0 and len(tt["amount"]["currency"]) == 3


def test_csv(live_server, truth):
    """format=csv: the page as the research table of kg export --table events, with the same pagination."""
    r = get(live_server, "/api/events", format="csv", limit=10, type="Award")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 10 and all(row["EventType"] == "Award" for row in rows)
    assert {"EventID", "EventCode", "PLOVERCategory", "Actor1Name", "Actor2Name", "Status", "Evidence",
            "ArticleID", "EventIRI"} <= set(rows[0])
    assert all(row["EventCode"] in ("051", "032") and row["Actor2Name"] for row in rows)
    assert "rel=\"next\"" in r.headers["Link"] and r.headers["X-Next-Cursor"]
    seen = [row["EventIRI"] for row in rows]
    nxt = get(live_server, "/api/events", format="csv", limit=500, type="Award", cursor=r.headers["X-Next-Cursor"])
    seen += [row["EventIRI"] for row in csv.DictReader(io.StringIO(nxt.text))]
    assert sorted(seen) == sorted(i for i, t in truth.items() if t == "Award")
    assert "Link" not in nxt.headers


def test_parquet_is_the_same_page_with_types(live_server):
    import pyarrow as pa
    import pyarrow.parquet as pq
    r = get(live_server, "/api/events", format="parquet", limit=20, type="Visit")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == 20
    assert table.schema.field("EventDate").type == pa.date32() and table.schema.field("Year").type == pa.int64()
    assert set(table.column("EventType").to_pylist()) == {"Visit"}
    listing = get(live_server, "/api/events", limit=20, type="Visit").json()["events"]
    assert table.column("EventIRI").to_pylist() == [ev["iri"] for ev in listing]   # the listing's order
    as_csv = list(csv.DictReader(io.StringIO(get(live_server, "/api/events", format="csv", limit=20,
                                                 type="Visit").text)))
    assert table.column("EventIRI").to_pylist() == [row["EventIRI"] for row in as_csv]
    assert get(live_server, "/api/events", format="xlsx").status_code == 400


# --- bad parameters, unknown ids -----------------------------------------------------------------

BAD = [
    ("/api/events", {"country": 'IND"} ; DROP ALL #'}, "country"),
    ("/api/events", {"country": "IN"}, "country"),
    ("/api/events", {"country": "IND> } DELETE WHERE { ?s ?p ?o"}, "country"),
    ("/api/events", {"type": "Visit) } ; CLEAR ALL #"}, "type"),
    ("/api/events", {"type": "Meeting"}, "type"),
    ("/api/events", {"status": "Exploded"}, "status"),
    ("/api/events", {"limit": "0"}, "limit"),
    ("/api/events", {"limit": "501"}, "limit"),
    ("/api/events", {"limit": "ten"}, "limit"),
    ("/api/events", {"limit": "-5"}, "limit"),
    ("/api/events", {"from": "2024-13"}, "from"),
    ("/api/events", {"from": "2024-02-30"}, "from"),
    ("/api/events", {"to": "yesterday"}, "to"),
    ("/api/events", {"from": "2024", "to": "2023"}, "from"),
    ("/api/events", {"cursor": "not-a-cursor"}, "cursor"),
    ("/api/events", {"cursor": "WyJ4Il0"}, "cursor"),  # a valid token of the wrong shape: ["x"]
    ("/api/events", {"person": "http://example.org/a> } ; DROP ALL ; #"}, "person"),
    ("/api/events", {"actor": "not an iri"}, "actor"),
    ("/api/events", {"q": "x" * 201}, "q"),
    ("/api/events", {"q": "a\x00b"}, "q"),
    ("/api/events", {"format": "xml"}, "format"),
    ("/api/events", {"contry": "IND"}, "contry"),
    ("/api/actors", {"kind": "planet"}, "kind"),
    ("/api/actors", {"limit": "100000"}, "limit"),
    ("/api/stats", {"top": "0"}, "top"),
    ("/api/stats", {"country": "I N"}, "country"),
    ("/api/actors/person/narendra-modi", {"limit": "x"}, "limit"),
    ("/api/events", {"sort": "newest"}, "sort"),
    ("/api/events", {"sort": "-date", "cursor": "WyJ4IiwieSJd"}, "cursor"),   # a sort=date cursor: ["x","y"]
    ("/api/stats", {"facets": "colour"}, "facets"),
    ("/api/stats", {"pairs": "0"}, "pairs"),
    ("/api/stats", {"pairs": "many"}, "pairs"),
    ("/api/export", {"format": "xlsx"}, "format"),
    ("/api/export", {"country": "India"}, "country"),
    ("/api/export", {"sort": "size"}, "sort"),
    ("/api/export", {"limit": "10"}, "limit"),
    ("/api/actors/search", {}, "q"),
    ("/api/actors/search", {"q": "modi", "kind": "planet"}, "kind"),
    ("/api/actors/search", {"q": "modi", "limit": "101"}, "limit"),
]


@pytest.mark.parametrize("path,params,parameter", BAD, ids=[f"{p}-{k}" for p, _, k in BAD])
def test_bad_parameters_are_400_with_a_message(live_server, path, params, parameter):
    r = get(live_server, path, **params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == 400 and body["parameter"] == parameter
    assert parameter in body["error"] and len(body["error"]) > 20
    assert "ETag" not in r.headers


def test_injection_attempts_leave_the_store_alone(live_server, truth):
    for path, params, _ in BAD:
        get(live_server, path, **params)
    assert api(live_server, "/api/events", total="true", limit=1)["total"] == len(truth)


@pytest.mark.parametrize("path", [
    "/api/events/no-such-event", "/api/events/..%2F..%2Fetc", "/api/events/x%22%20%7D",
    "/api/actors/person/no-such-person", "/api/actors/country/ZZZ", "/api/actors/planet/mars",
    "/api/actors/person/narendra-modi%3E%20%7D"])
def test_unknown_ids_are_404(live_server, path):
    r = requests.get(live_server.url + path, timeout=30)
    assert r.status_code == 404, r.text
    assert r.json()["status"] == 404


# --- actors ------------------------------------------------------------------------------------

def test_actors_listing_and_pagination(live_server):
    persons = api(live_server, "/api/actors", kind="person", prefix="nar")["actors"]
    assert [a["label"] for a in persons] == ["Narendra Modi"]
    modi = persons[0]
    assert modi["country"] == "IND" and modi["events"] > 0 and modi["path"] == "/api/actors/person/narendra-modi"
    assert any(a["label"] == "Narendra Modi" for a in api(live_server, "/api/actors", prefix="modi")["actors"])

    everyone, cursor = [], None
    while True:
        page = api(live_server, "/api/actors", limit=9, **({"cursor": cursor} if cursor else {}))
        everyone += page["actors"]
        cursor = page["next"]
        if not cursor:
            break
    iris = [a["iri"] for a in everyone]
    assert len(iris) == len(set(iris))
    expected = {r["x"] for r in sparql(live_server, """SELECT DISTINCT ?x WHERE { GRAPH <https://w3id.org/dipkg/graph/actors> {
        VALUES ?k { dip:Person dip:Country dip:Place dip:Organization } ?x a ?k } }""")}
    assert set(iris) == expected
    countries = api(live_server, "/api/actors", kind="country", limit=500)["actors"]
    assert countries and all(a["kind"] == "Country" and len(a["id"]) == 3 for a in countries)


def test_actor_detail(live_server):
    d = api(live_server, "/api/actors/person/narendra-modi", limit=500)
    assert d["actor"]["label"] == "Narendra Modi" and d["actor"]["kind"] == "Person"
    assert d["events"] and all(any(a["iri"] == d["actor"]["iri"] for a in e["actors"]) for e in d["events"])
    assert len(d["events"]) == d["actor"]["events"]
    paged = api(live_server, "/api/actors/person/narendra-modi", limit=3)
    assert len(paged["events"]) == 3 and paged["next"]
    ind = api(live_server, "/api/actors/country/ind", limit=500)
    assert ind["actor"]["label"] == "India" and all("IND" in e["countries"] for e in ind["events"])
    place = next(a for e in all_events(live_server, type="Visit") for a in e["actors"] if a["kind"] == "Place")
    p = api(live_server, f"/api/actors/place/{place['id']}")
    assert p["actor"]["iri"] == place["iri"] and p["events"]


# --- stats -------------------------------------------------------------------------------------

def test_stats(live_server, truth):
    s = api(live_server, "/api/stats", top=100)
    assert s["total"] == len(truth)
    for t in EVENT_TYPES:
        assert s["types"][t] == sum(1 for x in truth.values() if x == t)
        assert sum(r["count"] for r in s["perMonth"] if r["type"] == t) == s["types"][t]
    assert all(len(r["month"]) in (4, 7) for r in s["perMonth"])
    pairs = {(p["from"], p["to"]): p["count"] for p in s["visitPairs"]}
    assert pairs and all(len(k[0]) == len(k[1]) == 3 for k in pairs)
    # Visit pairs against an independent /sparql answer (a person counts for the country they represent).
    expected_pairs = {(r["from"], r["to"]): int(r["n"]) for r in sparql(live_server, """
        SELECT ?from ?to (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a dip:Visit ; dip:visitor ?v ; dip:place ?p .
          { ?v dip:countryCode ?from } UNION { ?v dip:represents/dip:countryCode ?from }
          { ?p dip:countryCode ?to } UNION { ?p dip:country/dip:countryCode ?to } } GROUP BY ?from ?to""")}
    top_pairs = sorted(expected_pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
    assert [((p["from"], p["to"]), p["count"]) for p in s["visitPairs"]] == top_pairs
    # Top visitors and hosts against the gold JSON: most visits first, ties by IRI, labelled by the
    # canonical spelling of the actor's name (a country by its English short name).
    from kg.rdf import canonical_label, country_names
    gold, spellings = gold_visit_roles()
    for role, key in (("visitor", "topVisitors"), ("host", "topHosts")):
        expected = sorted(gold[role].items(), key=lambda kv: (-kv[1], kv[0]))[:100]
        assert [(v["iri"], v["count"]) for v in s[key]] == expected, key
        for v in s[key]:
            code = v["iri"].rsplit("/country/", 1)[-1] if "/country/" in v["iri"] else None
            want = country_names()[code] if code else canonical_label(spellings[v["iri"]])
            assert v["label"] == want, (key, v)
    awards = api(live_server, "/api/stats", type="Award")
    assert awards["total"] == s["types"]["Award"] and awards["visitPairs"] == []
    ind = api(live_server, "/api/stats", country="IND", top=3)
    assert ind["total"] == len(all_events(live_server, country="IND")) and len(ind["topVisitors"]) <= 3


# --- caching -----------------------------------------------------------------------------------

def test_etag_304_and_cache_control(live_server):
    r = get(live_server, "/api/events", type="Award", limit=5)
    etag = r.headers["ETag"]
    assert "max-age=" in r.headers["Cache-Control"]
    r2 = requests.get(live_server.url + "/api/events", params={"type": "Award", "limit": 5},
                      headers={"If-None-Match": etag}, timeout=30)
    assert r2.status_code == 304 and r2.headers["ETag"] == etag and not r2.content
    other = get(live_server, "/api/events", type="Award", limit=6)
    assert other.headers["ETag"] != etag
    assert get(live_server, "/api/events", limit=5, type="Award").headers["ETag"] == etag  # order-free
    for path in ("/api/stats", "/api/actors", "/api/actors/person/narendra-modi"):
        e = get(live_server, path).headers["ETag"]
        assert requests.get(live_server.url + path, headers={"If-None-Match": e}, timeout=30).status_code == 304


def test_etag_changes_when_the_store_changes(server_factory):
    server = server_factory(token=TEST_TOKEN)
    first = get(server, "/api/events")
    assert first.status_code == 200 and first.json()["events"] == []
    assert api(server, "/api/stats")["total"] == 0
    article = json.loads((CORPUS / "03-macron-india-readout.json").read_text())
    r = requests.post(server.url + "/articles", json=article, headers=server.auth(), timeout=180)
    assert r.status_code == 201, r.text
    again = requests.get(server.url + "/api/events", headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert len(again.json()["events"]) == len(article["events"])
    assert api(server, "/api/stats")["total"] == len(article["events"])


# --- OpenAPI -----------------------------------------------------------------------------------

def test_openapi_describes_every_json_endpoint(live_server, tmp_path):
    spec = api(live_server, "/openapi.json")
    assert spec["openapi"].startswith("3.")
    from kg import Settings
    from kg.web.app import create_app
    app = create_app(Settings(store=str(tmp_path / "s")))
    described = {p.replace("{", "<").replace("}", ">") for p in spec["paths"]}
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for conv in ("path:", "string:"):
            path = path.replace("<" + conv, "<")
        if path in ("/", "/static/<filename>", "/graph/<path>") or rule.endpoint == "static":
            continue
        norm = path.replace("<event_id>", "<id>").replace("<actor_id>", "<id>").replace("<article_id>", "<id>")
        assert norm in described, f"{rule.rule} is not in openapi.json"
    from kg.web import api_queries as Q
    params = {p["name"]: p for p in spec["paths"]["/api/actors/{kind}/{id}"]["get"]["parameters"]}
    assert params["kind"]["schema"]["enum"] == list(Q.ACTOR_KINDS)
    from kg.web.api import EVENT_FILTERS
    for op in ("/api/events", "/api/stats", "/api/export"):   # every filter, canonical too, where it is taken
        names = {p["name"] for p in spec["paths"][op]["get"]["parameters"]}
        assert set(EVENT_FILTERS) <= names, (op, set(EVENT_FILTERS) - names)
    assert "reports" in spec["components"]["schemas"]["Stats"]["properties"]
    json.dumps(spec)  # plain JSON all the way down


# --- the page query against a plain full sort ---------------------------------------------------

def _reference_page(server, f, after, limit) -> list[tuple[str, str]]:
    """The first ``limit`` (key, event) after ``after``: every matching event, sorted in Python."""
    from kg.web import api_queries as Q
    rows = sparql(server, f"SELECT DISTINCT ?e ?key WHERE {{ {Q.event_patterns(f)} }}")
    keys = sorted({(r.get("key", ""), r["e"]) for r in rows})
    if after is not None:
        keys = [k for k in keys if k > tuple(after)]
    out, seen = [], set()
    for k, e in keys:  # an event with two dates counts once, at its smallest key
        if e not in seen:
            seen.add(e)
            out.append((k, e))
    return out[:limit]


@pytest.mark.parametrize("filters", [{}, {"types": ["Visit"]}, {"countries": ["IND"]},
                                     {"date_from": "2018", "date_to": "2024-06"}, {"text": "minister"},
                                     {"statuses": ["Signed", "Occurred"]}])
def test_two_step_page_query_equals_a_full_sort(live_server, filters):
    """events_page_query finds the page's last date first, then sorts by IRI within it: whatever the
    limit and cursor (ties on a date included), the page is the head of a full (date, IRI) sort."""
    from kg.web import api_queries as Q
    f = Q.EventFilter(**filters)
    everything = _reference_page(live_server, f, None, 10_000)
    cursors = [None] + [everything[i] for i in range(0, len(everything), max(1, len(everything) // 6))]
    for limit in (1, 2, 5, 13):
        for after in cursors:
            rows = sparql(live_server, Q.events_page_query(f, after, limit))
            got, seen = [], set()
            for r in rows:
                if r["e"] not in seen:
                    seen.add(r["e"])
                    got.append((r.get("key", ""), r["e"]))
            assert got == _reference_page(live_server, f, after, limit), (filters, limit, after)


# --- issue 14: sorts, linked statistics, facets, the actor search, whole-view exports ----------------

@pytest.mark.parametrize("sort", ["date", "-date", "type"])
def test_sorts_page_every_event_once_in_order(live_server, truth, sort):
    events = all_events(live_server, limit=13, sort=sort)
    iris = [e["iri"] for e in events]
    assert len(iris) == len(set(iris)) and set(iris) == set(truth)
    keys = {"date": lambda e: (e["sortDate"], e["iri"]), "-date": lambda e: (e["sortDate"], e["iri"]),
            "type": lambda e: (e["type"], e["sortDate"], e["iri"])}[sort]
    assert [keys(e) for e in events] == sorted(map(keys, events), reverse=sort == "-date")
    assert all_events(live_server, limit=500, sort=sort) == events
    assert api(live_server, "/api/events", sort=sort, limit=1)["sort"] == sort
    ind = all_events(live_server, limit=5, sort=sort, country="IND")
    assert [e["iri"] for e in ind] == [e["iri"] for e in events if "IND" in e["countries"]]


@pytest.mark.parametrize("params", [{}, {"country": "IND"}, {"type": "Visit", "from": "2016"},
                                    {"q": "minister"}, {"status": "Signed,Occurred"}])
def test_stats_take_the_filters_of_events(live_server, params):
    """One filter set drives every view: /api/stats counts exactly the events /api/events lists."""
    s = api(live_server, "/api/stats", facets="all", pairs="all", top=100, **params)
    events = all_events(live_server, **params)
    assert s["total"] == len(events) == sum(s["types"].values())
    assert Counter(e["type"] for e in events) == Counter({t: n for t, n in s["types"].items() if n})
    assert sum(r["count"] for r in s["perMonth"]) == sum(1 for e in events if e["sortDate"])
    assert len(s["visitPairs"]) == s["visitPairsTotal"]
    f = s["facets"]
    assert {r["value"]: r["count"] for r in f["type"]} == {t: n for t, n in s["types"].items() if n}
    assert sum(r["count"] for r in f["year"]) == sum(1 for e in events if e["sortDate"])
    # a facet's count is the number of events its filter adds to the view
    countries = Counter(c for e in events for c in e["countries"])
    assert {r["value"]: r["count"] for r in f["country"]} == dict(countries)
    for r in f["country"][:3] + f["person"][:3]:
        name = "country" if r in f["country"] else "person"
        if name in params:   # a second value of a filter widens the view (values of one filter are ORed)
            continue
        assert api(live_server, "/api/events", total="true", limit=1, **{**params, name: r["value"]})["total"] \
            == r["count"], (name, r)
    for r in f["status"][:2] + f["year"][:2]:
        extra = {"status": r["value"]} if r in f["status"] else {"from": r["value"], "to": r["value"]}
        if "status" in extra and "status" in params:
            continue
        if "from" in extra and "from" in params:
            continue
        assert api(live_server, "/api/events", total="true", limit=1, **{**params, **extra})["total"] == r["count"]


def test_visit_network_says_how_many_pairs_it_leaves_out(live_server):
    every = api(live_server, "/api/stats", pairs="all")
    some = api(live_server, "/api/stats", top=12)
    assert every["visitPairsTotal"] == some["visitPairsTotal"] == len(every["visitPairs"]) > 12
    assert some["visitPairs"] == every["visitPairs"][:12]
    ind = api(live_server, "/api/stats", country="IND", pairs="all")["visitPairs"]
    assert ind and all("IND" in (p["from"], p["to"]) or True for p in ind)
    assert any(p["from"] == "IND" for p in ind), "India's own visits are in the country's network"


def test_actor_search_folds_accents_and_says_which_filter(live_server):
    modi = api(live_server, "/api/actors/search", q="modi")["actors"]
    assert modi[0]["label"] == "Narendra Modi" and modi[0]["filter"] == {"actor": modi[0]["iri"]}
    india = api(live_server, "/api/actors/search", q="India")["actors"]
    assert india[0]["kind"] == "Country" and india[0]["filter"] == {"country": "IND"}
    assert api(live_server, "/api/actors/search", q="ind")["actors"][0]["id"] == "IND"   # the code itself
    assert api(live_server, "/api/actors/search", q="IND", kind="country")["actors"][0]["id"] == "IND"
    # accents folded either way: a name stored with or without them is found by both spellings
    labels = [a["label"] for a in api(live_server, "/api/actors", limit=500)["actors"] if a["label"]]
    from kg.web.api import fold
    accented = next(x for x in labels if fold(x) != x.lower())
    plain = fold(accented)
    hits = [a["label"] for a in api(live_server, "/api/actors/search", q=plain, limit=100)["actors"]]
    assert accented in hits, (plain, hits)
    assert fold("Nikolić") == fold("NIKOLIC") == "nikolic" and fold("Đoković") == "dokovic"
    nik = [a["label"] for a in api(live_server, "/api/actors/search", q="Nikolić")["actors"]]
    assert nik == [a["label"] for a in api(live_server, "/api/actors/search", q="nikolic")["actors"]]
    assert api(live_server, "/api/actors/search", q="zzzzqqq")["actors"] == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "parquet"])
def test_export_streams_the_whole_view(live_server, truth, fmt):
    """Not a page: every event of the filters, in the view's order, in one file."""
    r = get(live_server, "/api/export", format=fmt, sort="-date")
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["Content-Disposition"] and int(r.headers["X-Total-Count"]) == len(truth)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.text)))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in r.text.splitlines()]
    elif fmt == "json":
        rows = r.json()
    else:
        import pyarrow.parquet as pq
        rows = pq.read_table(io.BytesIO(r.content)).to_pylist()
    assert [row["EventIRI"] for row in rows] == [e["iri"] for e in all_events(live_server, sort="-date")]
    ind = get(live_server, "/api/export", format=fmt, country="IND")
    assert int(ind.headers["X-Total-Count"]) == len(all_events(live_server, country="IND"))
    none = get(live_server, "/api/export", format="csv", country="ZZZ")
    assert none.status_code == 200 and none.text.count("\n") == 1   # the header row only


def test_export_crosses_chunks(live_server, monkeypatch):
    """Chunked streaming: a chunk smaller than the view gives the same file (in-process app)."""
    from kg import Settings
    from kg.web import api as A
    from kg.web.app import create_app
    app = create_app(Settings(store=live_server.store))
    whole = app.test_client().get("/api/export?format=csv").get_data()
    monkeypatch.setattr(A, "EXPORT_CHUNK", 7)
    assert app.test_client().get("/api/export?format=csv").get_data() == whole
    assert app.test_client().get("/api/export?format=json").get_json() == \
        [json.loads(x) for x in app.test_client().get("/api/export?format=jsonl").get_data().splitlines()]
