"""The SPARQL behind the JSON API (kg/web/api.py), built from validated parameters only.

Nothing a client sends is pasted into query text. Every value goes through
:func:`lit` or :func:`node`, which let pyoxigraph serialise it as an RDF term
(pyoxigraph escapes quotes, braces and newlines, and refuses malformed IRIs with
ValueError), and the terms are only ever placed inside ``VALUES`` blocks or as
the right-hand side of a comparison. Enumerations (event types, statuses, actor
kinds) are checked against fixed tables before they reach this module.

Queries use ``VALUES ?role { ... }`` instead of property alternatives
(``dip:a|dip:b``): Oxigraph plans the latter badly next to OPTIONALs
(NOTES-measured.md). They run against the union default graph, so they work on
every backend of :mod:`kg.store`.

The event "sort key" is the event's own date (``dip:startDate`` of a visit,
``dip:date`` of an award or agreement), else the ``dcterms:issued`` date of the
article it came from, as a string; pagination, date filters and the monthly
timeline all use it.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..rdf import ACTORS_GRAPH, BASE, PREFIXES
from ..resolve import EVENTS_GRAPH

DIP = PREFIXES["dip"]
EVENT_BASE = f"{BASE}event/"

EVENT_TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
STATUSES = {
    "Visit": ("Occurred", "Ongoing", "Planned", "Cancelled"),
    "Award": ("Conferred", "Announced", "Planned"),
    "Agreement": ("Signed", "Agreed", "Reported", "Planned", "Denied"),
    "TradeTarget": ("Agreed", "Proposed", "Reaffirmed"),
}
ALL_STATUSES = tuple(dict.fromkeys(s for ss in STATUSES.values() for s in ss))
ROLES = ("visitor", "host", "place", "recipient", "conferredBy", "party")
ACTOR_KINDS = {"person": "Person", "country": "Country", "place": "Place", "organization": "Organization"}
KIND_PATHS = {v: k for k, v in ACTOR_KINDS.items()}

_ROLE_VALUES = "VALUES ?role { " + " ".join(f"dip:{r}" for r in ROLES) + " }"


def lit(value: str) -> str:
    """A plain string literal in SPARQL syntax, escaped by pyoxigraph."""
    return str(ox.Literal(value))


def node(value: str) -> str:
    """An IRI in SPARQL syntax; pyoxigraph raises ValueError for anything that is not an absolute IRI."""
    return str(ox.NamedNode(value))


def values(var: str, terms: list[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def event_id(iri: str) -> str:
    return iri[len(EVENT_BASE):] if iri.startswith(EVENT_BASE) else iri


def actor_path(iri: str) -> tuple[str, str] | None:
    """<BASE>person/narendra-modi -> ('person', 'narendra-modi'); place ids keep their '/'."""
    if not iri.startswith(BASE):
        return None
    kind, _, rest = iri[len(BASE):].partition("/")
    return (kind, rest) if kind in ACTOR_KINDS and rest else None


# --- cursors ------------------------------------------------------------------------------

def encode_cursor(*parts: str) -> str:
    raw = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str, n: int) -> list[str]:
    """The parts of a cursor made by :func:`encode_cursor`; ValueError when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        parts = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError("not a cursor returned by this API") from e
    if not (isinstance(parts, list) and len(parts) == n and all(isinstance(p, str) for p in parts)):
        raise ValueError("not a cursor returned by this API")
    return parts


# --- event filters ----------------------------------------------------------------------------

@dataclass
class EventFilter:
    """Validated filters (see kg/web/api.py for the parsing); empty means 'any'."""

    types: list[str] = field(default_factory=list)        # local names from EVENT_TYPES
    statuses: list[str] = field(default_factory=list)     # local names from ALL_STATUSES
    countries: list[str] = field(default_factory=list)    # ISO 3166-1 alpha-3, upper case
    person_iri: str | None = None
    person_name: str | None = None
    actor_iri: str | None = None                          # direct participant in any role
    article: str | None = None                            # dcterms:identifier of the article
    date_from: str | None = None                          # YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str | None = None
    text: str | None = None                               # case-insensitive substring
    canonical: bool = False                               # list canonical events (graph/events), not articles' events

    def with_types(self, types: list[str]) -> "EventFilter":
        return EventFilter(**{**self.__dict__, "types": types})


def _scan(proj: str, body: str) -> str:
    """A one-triple-pattern sub-select over every named graph.

    Oxigraph joins a sub-select with a hash join built from one index scan, where it would
    otherwise look the pattern up once per row of the left side (a ForLoopJoin /
    ForLoopLeftJoin): on 15k events a scan is ~10x cheaper than 15k lookups. ``GRAPH ?g``
    makes it a graph-first index scan; one triple pattern in any graph means the same as
    in the union default graph.
    """
    return f"{{ SELECT {proj} WHERE {{ GRAPH ?g {{ {body} }} }} }}"


def _filter_selects(f: EventFilter) -> list[str]:
    """Participant and text filters, as sub-selects of event IRIs (FILTER EXISTS was ~200x slower)."""
    out = []
    if f.actor_iri is not None:
        out.append(f"{{ SELECT DISTINCT ?e WHERE {{ {values('who', [node(f.actor_iri)])} {_ROLE_VALUES} "
                   "?e ?role ?who } }")
    if f.person_iri is not None:
        out.append(f"{{ SELECT DISTINCT ?e WHERE {{ {values('who', [node(f.person_iri)])} ?who a dip:Person . "
                   f"{_ROLE_VALUES} ?e ?role ?who }} }}")
    if f.person_name is not None:
        # The persons first (a nested sub-select), then their events: left to itself the planner
        # starts from every role link of every event (~10x slower).
        out.append("{ SELECT DISTINCT ?e WHERE { { SELECT ?who WHERE { ?who a dip:Person ; rdfs:label ?wl . "
                   f"FILTER(LCASE(STR(?wl)) = LCASE({lit(f.person_name)})) }} }} {_ROLE_VALUES} ?e ?role ?who }} }}")
    if f.countries:
        out.append(
            "{ SELECT DISTINCT ?e WHERE { " + values("code", [lit(c) for c in f.countries])
            + " ?c dip:countryCode ?code . " + _ROLE_VALUES
            + " { ?e ?role ?c } UNION { VALUES ?link { dip:represents dip:country } ?x ?link ?c . ?e ?role ?x } } }")
    if f.text:
        # Each branch filters its own strings; actor labels are matched before their events are
        # looked up (not on every role link of every event).
        has = f"FILTER(CONTAINS(LCASE(STR(?txt)), LCASE({lit(f.text)})))"
        out.append(
            f"{{ SELECT DISTINCT ?e WHERE {{ {{ ?e dip:evidence ?txt {has} }} UNION "
            "{ VALUES ?tp { dip:title dip:awardName dip:awardText dip:topic dip:metric } "
            f"?e ?tp ?txt {has} }} UNION "
            f"{{ {{ SELECT DISTINCT ?x WHERE {{ ?x rdfs:label ?txt {has} }} }} {_ROLE_VALUES} ?e ?role ?x }} }} }}")
    return out


def _canonical_types(types: list[str]) -> str:
    """?ctype, the canonical class (dip:CanonicalVisit), bound with ?type, the class of its reports (dip:Visit)."""
    return "VALUES (?ctype ?type) { " + " ".join(f"(dip:Canonical{t} dip:{t})" for t in types) + " }"


def event_patterns(f: EventFilter, key: bool = True) -> str:
    """Group graph patterns binding ?e (event), ?type, ?a (article) and, when ``key``, ?key (sort date) under ``f``.

    Every part is a sub-select joined by hash (see :func:`_scan`): the type scan, the article
    link, the three dates the sort key comes from. Queries that do not need the date (counts,
    statuses, pairs, top actors without a date filter) leave the three date scans out.
    """
    types = f.types or list(EVENT_TYPES)
    out = _filter_selects(f)
    if f.article is not None:
        # One article: a few events, best found by lookups from the article (nested loops).
        out += [values("aid", [lit(f.article)]), "?a dcterms:identifier ?aid .", "?e prov:wasDerivedFrom ?a .",
                _canonical_types(types) + " ?e a ?ctype ." if f.canonical else values("type", [f"dip:{t}" for t in types]),
                "" if f.canonical else "?e a ?type ."]
        if f.statuses:
            out += [values("st", [f"dip:{s}" for s in f.statuses]), "?e dip:status ?st ."]
        if key or f.date_from or f.date_to:
            out += ["OPTIONAL { ?e dip:startDate ?sd }", "OPTIONAL { ?e dip:date ?dd }",
                    "OPTIONAL { ?e dip:firstReported ?iss }" if f.canonical else "OPTIONAL { ?a dcterms:issued ?iss }",
                    'BIND(COALESCE(STR(?sd), STR(?dd), STR(?iss), "") AS ?key)']
        return "\n  ".join(out + _date_filters(f))
    type_values = values('type', [f'dip:{t}' for t in types])
    if f.canonical:
        # canonical events: one per real-world event, in graph/events; their key falls back on the first report
        out.append(f"{{ SELECT ?e ?type WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ {_canonical_types(types)} ?e a ?ctype }} }} }}")
        issued = _scan("?e ?iss", "?e dip:firstReported ?iss")
    else:
        out.append(_scan("?e ?type", f"{type_values} ?e a ?type"))
        out.append(_scan("?e ?a", "?e prov:wasDerivedFrom ?a"))
        issued = _scan("?a ?iss", "?a dcterms:issued ?iss")
    if f.statuses:
        out.append(_scan("?e ?st", f"{values('st', [f'dip:{s}' for s in f.statuses])} ?e dip:status ?st"))
    if key or f.date_from or f.date_to:
        out += [
            "OPTIONAL " + _scan("?e ?sd", "?e dip:startDate ?sd"),
            "OPTIONAL " + _scan("?e ?dd", "?e dip:date ?dd"),
            "OPTIONAL " + issued,
            'BIND(COALESCE(STR(?sd), STR(?dd), STR(?iss), "") AS ?key)',
        ]
    return "\n  ".join(out + _date_filters(f))


def _date_filters(f: EventFilter) -> list[str]:
    # Dates compare as strings on as many characters as the bound has, so '2024' as a
    # bound takes the whole year and a gYear event date '2024' is inside from=2024.
    out = []
    if f.date_from:
        out.append(f'FILTER(?key != "" && SUBSTR(?key, 1, {len(f.date_from)}) >= {lit(f.date_from)})')
    if f.date_to:
        out.append(f'FILTER(?key != "" && SUBSTR(?key, 1, {len(f.date_to)}) <= {lit(f.date_to)})')
    return out


SORTS = ("date", "-date", "type")   # /api/events?sort=: by date, newest first, by type (then date)


def events_page_query(f: EventFilter, after: tuple[str, ...] | None, limit: int, sort: str = "date") -> str:
    """One page of event IRIs in ``sort`` order, strictly after the cursor ``after``.

    sort=date is (sort date, IRI); -date the reverse; type is (type, sort date, IRI), types ordered
    by local name as their IRIs are (one namespace). Sorting on the IRI is what costs: Oxigraph
    compares IRIs by their strings, fetched from its dictionary, and dates tie often (every event
    of an article without its own date has the article's). So for the date orders the query first
    finds ?kmax (?kmin newest first), the ``limit``-th key after the cursor (a sort on short, inline
    strings only), and then sorts by (key, IRI) only the events whose key is within it: the first
    ``limit`` events in (key, IRI) order are among them. sort=type sorts everything (the event
    index answers it on the embedded store; this is the fallback).
    """
    assert sort in SORTS
    where = event_patterns(f)
    if sort == "type":
        if after is not None:
            t, k, i = lit(DIP + after[0]), lit(after[1]), lit(after[2])
            where += (f"\n  FILTER(STR(?type) > {t} || (STR(?type) = {t} && "
                      f"(?key > {k} || (?key = {k} && STR(?e) > {i}))))")
        return f"SELECT ?e ?key ?type WHERE {{\n  {where}\n}}\nORDER BY ?type ?key ?e\nLIMIT {int(limit)}"
    desc = sort == "-date"
    if after is not None:
        k, i = lit(after[0]), lit(after[1])
        op = "<" if desc else ">"
        where += f"\n  FILTER(?key {op} {k} || (?key = {k} && STR(?e) {op} {i}))"
    order = "DESC(?key) DESC(?e)" if desc else "?key ?e"
    # No DISTINCT and ORDER BY ?e rather than STR(?e) (IRIs sort by their string, so the
    # cursor test above agrees). The caller drops the duplicate rows an event with two
    # dates would give.
    if f.article is not None or f.text:
        # Few events (one article), or an expensive filter (a substring of every evidence):
        # evaluate the pattern once and sort all its events.
        return f"SELECT ?e ?key ?type WHERE {{\n  {where}\n}}\nORDER BY {order}\nLIMIT {int(limit)}"
    agg, within, korder = ("MIN", ">=", "DESC(?key)") if desc else ("MAX", "<=", "?key")
    return (f"SELECT ?e ?key ?type WHERE {{\n"
            f"  {{ SELECT ({agg}(?k) AS ?kmax) WHERE {{ {{ SELECT (?key AS ?k) WHERE {{\n  {where}\n"
            f"  }} ORDER BY {korder} LIMIT {int(limit)} }} }} }}\n"
            f"  {where}\n  FILTER(?key {within} ?kmax)\n}}\n"
            f"ORDER BY {order}\nLIMIT {int(limit)}")


def page_rows(select, f: EventFilter, after: tuple[str, ...] | None, limit: int, sort: str = "date") -> list[dict]:
    """Up to ``limit`` rows {e, key, type} of distinct events in page order after ``after``; ``select``
    runs a SELECT and returns rows as dicts. (Nested-loop plans driven from the participant
    filters were tried for small filter sets and were no faster than the hash joins.)"""
    rows = select(events_page_query(f, after, limit, sort))
    seen: set[str] = set()
    out = [r for r in rows if not (r["e"] in seen or seen.add(r["e"]))][:limit]
    for r in out:
        r["type"] = local_name(r["type"]) if r.get("type") else None
    return out


def cursor_values(sort: str, row: dict) -> tuple[str, ...]:
    """What a page's last row puts in the next cursor, in ``sort`` order."""
    key = row.get("key") or ""
    return (row.get("type") or "", key, row["e"]) if sort == "type" else (key, row["e"])


def event_count_query(f: EventFilter) -> str:
    return f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n  {event_patterns(f, key=False)}\n}}"


def event_details_query(iris: list[str], articles: bool = True, text: bool = False) -> str:
    """Everything the API shows about some events, as rows of three kinds told apart by which
    variables are bound: (?e ?p ?o) a property, (?e ?role ?x ...) an actor, (?e ?a ...) the article.

    ``articles=False`` leaves the article rows out, for canonical events: one derives from every article
    that reports it (~320 each at 20k synthetic articles: 17k of the 17.8k rows of a page, 0.65 s of its
    0.7 s), and its ``article`` is its first source's (:func:`add_sources`).

    ``text=True`` (one event's detail, never a page: texts run to MBs) also reads the article's full text
    (``schema:text``, in the article's own graph) as ?atext, the string the event's offsets index."""
    ev = values("e", [node(i) for i in iris])
    text_row = "\n    OPTIONAL { GRAPH ?a { ?a schema:text ?atext } }" if text else ""
    article_rows = f"""
  UNION {{
    ?e prov:wasDerivedFrom ?a .
    OPTIONAL {{ ?a dcterms:identifier ?aid }}
    OPTIONAL {{ ?a dcterms:title ?atitle }}
    OPTIONAL {{ ?a dcterms:source ?url }}
    OPTIONAL {{ ?a dcterms:issued ?issued }}{text_row}
  }}""" if articles else ""
    atext = " ?atext" if articles and text else ""
    return f"""SELECT ?e ?p ?o ?role ?x ?kind ?label ?code ?cc ?clabel ?title ?a ?aid ?atitle ?url ?issued{atext} ?c ?n WHERE {{
  {ev}
  {{ ?e ?p ?o . FILTER(isLiteral(?o) || ?p = <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> || ?p = dip:status) }}
  UNION {{ ?e dip:targetValue ?m . ?m ?p ?o . FILTER(isLiteral(?o)) }}
  UNION {{
    {_ROLE_VALUES}
    ?e ?role ?x .
    OPTIONAL {{ VALUES ?kind {{ dip:Person dip:Country dip:Place dip:Organization }} ?x a ?kind }}
    OPTIONAL {{ ?x rdfs:label ?label }}
    OPTIONAL {{ ?x dip:countryCode ?code }}
    OPTIONAL {{ ?x dip:role ?title }}
    OPTIONAL {{ VALUES ?link {{ dip:represents dip:country }} ?x ?link ?c . ?c dip:countryCode ?cc .
               OPTIONAL {{ ?c rdfs:label ?clabel }} }}
  }}
  UNION {{ GRAPH <{EVENTS_GRAPH}> {{ ?e dip:sameEventAs ?c . ?c dip:sourceCount ?n }} }}{article_rows}
}}"""


_SCALARS = {
    "evidence": "evidence", "extractor": "extractor", "startDate": "startDate", "endDate": "endDate",
    "date": "date", "awardName": "awardName", "awardText": "awardText", "title": "title",
    "targetYear": "targetYear", "metric": "metric", "firstReported": "firstReported", "lastReported": "lastReported",
}
_INTS = {"evidenceStart": "evidenceStart", "evidenceEnd": "evidenceEnd"}


def assemble_events(iris: list[str], rows: list[dict]) -> list[dict]:
    """Rows of :func:`event_details_query` -> one JSON object per event, in the order of ``iris``."""
    events: dict[str, dict] = {i: {"id": event_id(i), "iri": i, "type": None, "status": None,
                                   "actors": [], "countries": [], "article": None} for i in iris}
    seen_actor: set[tuple] = set()
    for r in rows:
        ev = events.get(r.get("e"))
        if ev is None:
            continue
        if r.get("p") is not None:
            p, o = r["p"], r["o"]
            if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
                if o.startswith(DIP) and local_name(o).removeprefix("Canonical") in EVENT_TYPES:
                    ev["type"] = local_name(o).removeprefix("Canonical")
                elif o == DIP + "CanonicalEvent":
                    ev["isCanonical"] = True
            elif p == DIP + "sourceCount":
                ev["sourceCount"] = int(o)
            elif p == DIP + "status":
                ev["status"] = local_name(o)
            elif p.startswith(DIP) and p[len(DIP):] in _SCALARS:
                ev[_SCALARS[p[len(DIP):]]] = str(o)
            elif p.startswith(DIP) and p[len(DIP):] in _INTS:
                try:
                    ev[p[len(DIP):]] = int(o)
                except (TypeError, ValueError):
                    pass
            elif p == DIP + "topic":
                ev.setdefault("topics", []).append(str(o))
            elif p == "https://schema.org/value":
                ev.setdefault("amount", {})["value"] = str(o) if not isinstance(o, float) else _num(o)
            elif p == "https://schema.org/currency":
                ev.setdefault("amount", {})["currency"] = str(o)
        elif r.get("role") is not None:
            key = (r["e"], r["role"], r["x"])
            if key in seen_actor:
                continue
            seen_actor.add(key)
            kind = local_name(r["kind"]) if r.get("kind") else None
            country = r.get("code") or r.get("cc")
            actor = {"role": local_name(r["role"]), "iri": r["x"], "kind": kind,
                     "label": r.get("label"), "country": country}
            path = actor_path(r["x"])
            if path:
                actor["id"] = path[1]
            if r.get("clabel") and not r.get("code"):
                actor["countryLabel"] = r["clabel"]
            if r.get("title"):
                actor["title"] = r["title"]
            ev["actors"].append(actor)
            if country and country not in ev["countries"]:
                ev["countries"].append(country)
        elif r.get("c") is not None:
            # the one real-world event this article's event reports (kg/resolve.py)
            ev["canonical"] = {"id": event_id(r["c"]), "iri": r["c"], "sourceCount": int(r["n"])}
        elif r.get("a") is not None and ev["article"] is None:
            ev["article"] = {"id": r.get("aid"), "iri": r["a"], "title": r.get("atitle"),
                             "url": r.get("url"), "issued": r.get("issued")}
            if r.get("atext") is not None:   # only when asked for: event_details_query(text=True)
                ev["article"]["text"] = r["atext"]
    for ev in events.values():
        if ev.pop("isCanonical", False):      # a canonical event is its own real-world event
            ev["canonical"] = {"id": ev["id"], "iri": ev["iri"], "sourceCount": ev.get("sourceCount")}
        ev["actors"].sort(key=lambda a: (ROLES.index(a["role"]) if a["role"] in ROLES else 99,
                                         a.get("label") or "", a["iri"]))
        ev["countries"].sort()
        if "topics" in ev:
            ev["topics"].sort()
        # a canonical event's falls back on its first report's date, as in the index and the listing
        ev["sortDate"] = (ev.get("startDate") or ev.get("date") or (ev["article"] or {}).get("issued")
                          or ev.get("firstReported") or "")
    return [events[i] for i in iris]


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


def sources_query(canonical_iris: list[str]) -> str:
    """The article events that report each canonical event, with their articles: an event's sources.

    Each pattern is a GRAPH block of its own, the OPTIONALs outside: the same solutions as one GRAPH ?a block
    holding them all (?a is bound on their left), but Oxigraph then looks each one up per report instead of
    evaluating the block for every article (the 14 canonical events of 1,000 synthetic articles, 5,008
    reports: 16.6 s before, 0.22 s after)."""
    return f"""SELECT ?c ?m ?a ?aid ?atitle ?url ?issued WHERE {{
  {values("c", [node(i) for i in canonical_iris])}
  GRAPH <{EVENTS_GRAPH}> {{ ?m dip:sameEventAs ?c }}
  GRAPH ?a {{ ?m prov:wasDerivedFrom ?a }} GRAPH ?a {{ ?a a dip:Article }}
  OPTIONAL {{ GRAPH ?a {{ ?a dcterms:identifier ?aid }} }} OPTIONAL {{ GRAPH ?a {{ ?a dcterms:title ?atitle }} }}
  OPTIONAL {{ GRAPH ?a {{ ?a dcterms:source ?url }} }} OPTIONAL {{ GRAPH ?a {{ ?a dcterms:issued ?issued }} }}
}}"""


def source_rows(rows: list[dict]) -> dict[str, list[dict]]:
    """Rows of :func:`sources_query` (or of the event index, which gives the same) -> each canonical
    event's sources, oldest report first (then by the report's IRI: the order the cursors of
    /api/events/{id}/sources follow), with the article's id, title, URL and date."""
    by_c: dict[str, list[dict]] = {}
    for r in rows:
        by_c.setdefault(r["c"], []).append({"id": event_id(r["m"]), "iri": r["m"], "article": {
            "id": r.get("aid"), "iri": r["a"], "title": r.get("atitle"), "url": r.get("url"),
            "issued": r.get("issued")}})
    for sources in by_c.values():
        sources.sort(key=source_key)
    return by_c


def source_key(source: dict) -> tuple[str, str]:
    """A source's place in the order of its event's sources, and what a cursor after it holds."""
    return (source["article"]["issued"] or "", source["iri"])


def add_sources(events: list[dict], rows: list[dict], first: int | None = None,
                totals: dict[str, int] | None = None) -> None:
    """``sources`` on each event: the article events reporting its canonical event (itself included),
    oldest report first, the ``first`` of them (every one when None); ``sourcesTotal``: how many there
    are in all (``totals`` by canonical IRI, when ``rows`` hold only the first ones).

    A canonical event's ``article`` is its first source's article: the details leave its articles out
    (:func:`event_details_query`), and the first report is the one the dashboard shows for it."""
    by_c = source_rows(rows)
    for ev in events:
        c = (ev.get("canonical") or {}).get("iri")
        if c is None:
            continue
        sources = by_c.get(c, [])
        ev["sources"] = sources if first is None else sources[:first]
        ev["sourcesTotal"] = totals.get(c, 0) if totals is not None else len(sources)
        if c == ev["iri"] and ev.get("article") is None and sources:
            ev["article"] = dict(sources[0]["article"])


def canonical_of_query(iri: str) -> str:
    """The canonical event that the event ``iri`` is, or that it reports (dip:sameEventAs)."""
    return (f"SELECT ?c WHERE {{ {values('e', [node(iri)])} {{ GRAPH <{EVENTS_GRAPH}> {{ ?e dip:sameEventAs ?c }} }} "
            f"UNION {{ ?e a dip:CanonicalEvent BIND(?e AS ?c) }} }} LIMIT 1")


def event_exists_query(iri: str) -> str:
    types = [f"dip:{p}{t}" for t in EVENT_TYPES for p in ("", "Canonical")]
    return (f"SELECT ?type WHERE {{ {values('e', [node(iri)])} {values('type', types)} "
            "?e a ?type } LIMIT 1")


# --- actors ---------------------------------------------------------------------------------------

def actors_page_query(kinds: list[str], prefix: str | None, after: tuple[str, str] | None, limit: int) -> str:
    """Actors of ``kinds`` (class local names) ordered by label, then IRI."""
    parts = [values("kind", [f"dip:{k}" for k in kinds]),
             f"GRAPH {node(str(ACTORS_GRAPH))} {{ ?x a ?kind . OPTIONAL {{ ?x rdfs:label ?l }} }}",
             'BIND(COALESCE(STR(?l), "") AS ?label)']
    if prefix:
        p = lit(prefix.lower())
        parts.append(f'FILTER(STRSTARTS(LCASE(?label), {p}) || CONTAINS(LCASE(?label), CONCAT(" ", {p})))')
    if after is not None:
        k, i = lit(after[0]), lit(after[1])
        parts.append(f"FILTER(?label > {k} || (?label = {k} && STR(?x) > {i}))")
    body = "\n  ".join(parts)
    return f"SELECT DISTINCT ?x ?kind ?label WHERE {{\n  {body}\n}}\nORDER BY ?label STR(?x)\nLIMIT {int(limit)}"


def actor_details_query(iris: list[str]) -> str:
    """Country, role title and number of events (in any role) of some actors."""
    xs = values("x", [node(i) for i in iris])
    return f"""SELECT ?x ?kind ?label ?cc ?clabel ?title ?n WHERE {{
  {xs}
  OPTIONAL {{ VALUES ?kind {{ dip:Person dip:Country dip:Place dip:Organization }} ?x a ?kind }}
  OPTIONAL {{ ?x rdfs:label ?label }}
  OPTIONAL {{ VALUES ?link {{ dip:represents dip:country }} ?x ?link ?c . ?c dip:countryCode ?cc .
             OPTIONAL {{ ?c rdfs:label ?clabel }} }}
  OPTIONAL {{ ?x dip:countryCode ?cc }}
  OPTIONAL {{ ?x dip:role ?title }}
  OPTIONAL {{ SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {{
      {xs} {_ROLE_VALUES} GRAPH ?g {{ ?e ?role ?x }} FILTER(?g != <{EVENTS_GRAPH}>) }} GROUP BY ?x }}
}}"""


def assemble_actors(iris: list[str], rows: list[dict]) -> list[dict]:
    out: dict[str, dict] = {}
    for i in iris:
        path = actor_path(i)
        out[i] = {"iri": i, "kind": None, "id": path[1] if path else None, "label": None,
                  "country": None, "events": 0}
    for r in rows:
        a = out.get(r.get("x"))
        if a is None:
            continue
        if r.get("kind"):
            a["kind"] = local_name(r["kind"])
        for src, dst in (("label", "label"), ("cc", "country"), ("clabel", "countryLabel"), ("title", "title")):
            if r.get(src) is not None and a.get(dst) is None:
                a[dst] = r[src]
        if r.get("n") is not None:
            a["events"] = int(r["n"])
    for a in out.values():
        if a["kind"] == "Country":
            a.pop("countryLabel", None)
    return [out[i] for i in iris]


# --- statistics -----------------------------------------------------------------------------------

def per_month_query(f: EventFilter) -> str:
    return (f"SELECT ?type ?month (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n  {event_patterns(f)}\n"
            '  FILTER(?key != "")\n  BIND(SUBSTR(?key, 1, 7) AS ?month)\n}\n'
            "GROUP BY ?type ?month\nORDER BY ?month ?type")


def per_status_query(f: EventFilter) -> str:
    return (f"SELECT ?type ?st (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n  {event_patterns(f, key=False)}\n"
            f"  OPTIONAL {_scan('?e ?st', '?e dip:status ?st')}\n}}\nGROUP BY ?type ?st")


def reports_query(f: EventFilter) -> str:
    """How many article events report the canonical events of ``f`` (``f.canonical``): their ``dip:sameEventAs``
    links. One article never reports one event twice, so this is also the sum of their ``dip:sourceCount``."""
    assert f.canonical
    return (f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{\n  {{ SELECT DISTINCT ?e WHERE {{\n  {event_patterns(f, key=False)}\n  }} }}\n"
            f"  GRAPH <{EVENTS_GRAPH}> {{ ?m dip:sameEventAs ?e }}\n}}")


# An actor's country as a visitor (the country itself, or the one a person dip:represents) and as
# a place (the country itself, or a place's dip:country): the old ``dip:represents?`` paths, as
# small sub-selects over the actors, hash-joined with the events.
_VISITOR_COUNTRY = ("{ SELECT ?v ?from WHERE { { ?v a dip:Country ; dip:countryCode ?from } UNION "
                    "{ ?v dip:represents ?vc . ?vc a dip:Country ; dip:countryCode ?from } } }")
_PLACE_COUNTRY = ("{ SELECT ?p ?to WHERE { { ?p a dip:Country ; dip:countryCode ?to } UNION "
                  "{ ?p dip:country ?pc . ?pc a dip:Country ; dip:countryCode ?to } } }")


def visit_pairs_query(f: EventFilter, top: int | None) -> str:
    """Visitor country -> place country (a person's dip:represents, a place's dip:country, or the
    country itself), most frequent first; every pair when ``top`` is None."""
    limit = "" if top is None else f"\nLIMIT {int(top)}"
    return (f"SELECT ?from ?to (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n"
            f"  {event_patterns(f.with_types(['Visit']), key=False)}\n"
            f"  {_scan('?e ?v', '?e dip:visitor ?v')} {_VISITOR_COUNTRY}\n"
            f"  {_scan('?e ?p', '?e dip:place ?p')} {_PLACE_COUNTRY}\n"
            f"}}\nGROUP BY ?from ?to\nORDER BY DESC(?n) ?from ?to{limit}")


def top_actors_query(f: EventFilter, role: str, top: int) -> str:
    """The ``top`` actors in ``role`` of visits; counted first, labels fetched for those rows only."""
    assert role in ROLES
    return (f"SELECT ?x ?n (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) WHERE {{\n"
            f"  {{ SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n"
            f"    {event_patterns(f.with_types(['Visit']), key=False)}\n"
            f"    {_scan('?e ?x', f'?e dip:{role} ?x')}\n"
            f"  }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT {int(top)} }}\n"
            "  OPTIONAL { ?x rdfs:label ?l }\n"
            "  OPTIONAL { VALUES ?k { dip:Person dip:Country dip:Place dip:Organization } ?x a ?k }\n"
            f"}}\nGROUP BY ?x ?n\nORDER BY DESC(?n) ?x")


def events_page(select, f, after, limit: int, rows_from=None, sort: str = "date",
                details: bool = True) -> tuple[list[dict], tuple[str, ...] | None]:
    """One page of events with their details, and the cursor values the next page starts after.

    ``rows_from(f, after, n, sort)``: where the page's (event, key, type) rows come from (the event
    index); by default the SPARQL of :func:`page_rows`. The details are always SPARQL lookups of the
    page's IRIs (of canonical events without their articles: :func:`add_sources` gives the first);
    ``details=False`` leaves them out (an export reads its own columns)."""
    rows = (rows_from(f, after, limit + 1, sort) if rows_from is not None
            else page_rows(select, f, after, limit + 1, sort))
    more = len(rows) > limit
    rows = rows[:limit]
    iris = [r["e"] for r in rows]
    if details:
        events = assemble_events(iris, select(event_details_query(iris, articles=not f.canonical))) if iris else []
    else:
        events = [{"iri": i} for i in iris]
    for ev, r in zip(events, rows):
        ev["sortDate"] = r.get("key") or ""
    return events, (cursor_values(sort, rows[-1]) if more and rows else None)


# --- facets and the actor search --------------------------------------------------------------------

_EVENT_COUNTRY = ("{ SELECT DISTINCT ?e ?code WHERE { ?c dip:countryCode ?code . " + _ROLE_VALUES
                  + " { ?e ?role ?c } UNION { VALUES ?link { dip:represents dip:country } ?x ?link ?c . "
                  "?e ?role ?x } } }")


def country_facet_query(f: EventFilter) -> str:
    """Events per country code, meaning what ?country= means (an actor's code, or the code of the
    country a person represents or a place is in): the count of code C is the total of country=C."""
    return (f"SELECT ?code (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n  {event_patterns(f, key=False)}\n"
            f"  {_EVENT_COUNTRY}\n}}\nGROUP BY ?code\nORDER BY DESC(?n) ?code")


def person_facet_query(f: EventFilter, top: int) -> str:
    """The ``top`` persons by events in any role (the count of person P is the total of person=P)."""
    return (f"SELECT ?x ?n (SAMPLE(?l) AS ?label) WHERE {{\n"
            f"  {{ SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {{\n"
            f"    {event_patterns(f, key=False)}\n"
            f"    {_scan('?e ?role ?x', _ROLE_VALUES + ' ?e ?role ?x')} "
            "{ SELECT ?x WHERE { ?x a dip:Person } }\n"
            f"  }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT {int(top)} }}\n"
            "  OPTIONAL { ?x rdfs:label ?l }\n"
            f"}}\nGROUP BY ?x ?n\nORDER BY DESC(?n) ?x")


def actor_names_query() -> str:
    """Every actor of the actor graph with its kind, label and number of events in any role."""
    return (f"SELECT ?x ?kind ?label ?n WHERE {{\n"
            f"  GRAPH {node(str(ACTORS_GRAPH))} {{ VALUES ?kind {{ dip:Person dip:Country dip:Place dip:Organization }}"
            " ?x a ?kind . OPTIONAL { ?x rdfs:label ?label } }\n"
            f"  OPTIONAL {{ SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {_ROLE_VALUES} GRAPH ?g {{ ?e ?role ?x . "
            f"?e prov:wasDerivedFrom ?a }} FILTER(?g != <{EVENTS_GRAPH}>) }} GROUP BY ?x }}\n}}")  # articles' events only
