"""Research tables: the stored events as one flat row each, for pandas, R, Stata and spreadsheets.

Event data is analysed as a table, joined with other event data sets, so the columns are named as GDELT
2.0 and ICEWS name the same things (``EventCode``, ``EventRootCode``, ``QuadClass``, ``Actor1Name``,
``Actor1CountryCode``, ``NumSources``, ``SOURCEURL``, ``Year``, ``MonthYear``...) and carry the same
kind of value; a column whose meaning differs from GDELT's gets a name of its own (``ActionGeo_ISO3``:
GDELT's ``ActionGeo_CountryCode`` is a FIPS code, ours ISO 3166-1 alpha-3). :data:`COLUMNS` lists every
column with its type and meaning; docs/user-guide.md shows it as a table.

The rows are read from the store with a few SELECTs (events, articles, actors, amounts) and put
together here, so the command line, the web API and the tests get the same table. By default a row is
one real-world event: a canonical event of ``graph/events`` (kg/resolve.py), with ``NumSources`` the
articles that report it and the first of them as ``SOURCEURL``; ``mentions=True`` gives one row per
article's event instead (``NumSources`` 1, ``CanonicalEventID`` the event it reports).

Formats: CSV (UTF-8, a header row, empty cells for missing values), JSON Lines (null for missing
values, dates as ISO strings) and Parquet, which carries the types itself. Parquet needs pyarrow
(``pip install 'dipkg[tables]'``), which is imported only when Parquet is asked for.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, Callable

from .rdf import ACTORS_GRAPH, BASE
from .resolve import EVENTS_GRAPH

TABLE_FORMATS = ("csv", "jsonl", "parquet")
TABLES = ("events",)
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/jsonl", "parquet": "application/vnd.apache.parquet"}

WIKIDATA = "http://www.wikidata.org/entity/"
_DIP = "https://w3id.org/dipkg/ontology#"
_EVENT_TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2})?(-\d{2})?")


@dataclass(frozen=True)
class Column:
    name: str
    type: str          # string, date, int, float: the Parquet (Arrow) type and how CSV/JSONL readers should read it
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("EventID", "string", "the event's id (the last part of its IRI; /api/events/<EventID>)"),
    Column("EventType", "string", "Visit, Award, Agreement or TradeTarget"),
    Column("EventDate", "date", "when it happened, when the date is known to the day (a visit's start)"),
    Column("EventDatePrecision", "string", "day, month or year: how much of the date the article gives"),
    Column("Year", "int", "GDELT Year: the year of the event's date"),
    Column("MonthYear", "int", "GDELT MonthYear: YYYYMM of the event's date, when the month is known"),
    Column("EndDate", "date", "a visit's last day, when known to the day"),
    Column("EventCode", "string", "GDELT EventCode, ICEWS CAMEO Code: the full CAMEO code ('042')"),
    Column("EventBaseCode", "string", "GDELT EventBaseCode: the CAMEO code's first three digits"),
    Column("EventRootCode", "string", "GDELT EventRootCode: the CAMEO code's first two digits"),
    Column("QuadClass", "int", "GDELT QuadClass: 1 verbal cooperation, 2 material cooperation, "
                               "3 verbal conflict, 4 material conflict"),
    Column("HostEventCode", "string", "a visit's CAMEO code from the host's side ('043'), the row GDELT and "
                                      "ICEWS would add with the actors swapped"),
    Column("PLOVERCategory", "string", "the PLOVER category of EventCode ('CONSULT')"),
    Column("PLOVERMode", "string", "its PLOVER mode ('visit'), where PLOVER gives one"),
    Column("PLOVERContext", "string", "its PLOVER context ('diplomatic'), where PLOVER gives one"),
    Column("Status", "string", "how far it got: Occurred, Ongoing, Planned, Cancelled, Conferred, Signed, ..."),
    Column("Actor1Name", "string", "GDELT Actor1Name, ICEWS Source Name: the visitor, the conferrer of an award, "
                                   "the first party of an agreement or target"),
    Column("Actor1Kind", "string", "Person, Country or Organization"),
    Column("Actor1CountryCode", "string", "GDELT Actor1CountryCode: ISO 3166-1 alpha-3 of the country "
                                          "Actor1 is or represents"),
    Column("Actor1WikidataID", "string", "Actor1's Wikidata QID ('Q668'), when known"),
    Column("Actor1IRI", "string", "Actor1's IRI in the knowledge graph"),
    Column("Actor2Name", "string", "GDELT Actor2Name, ICEWS Target Name: the host (else the country visited), "
                                   "the recipient of an award, the second party"),
    Column("Actor2Kind", "string", "Person, Country or Organization"),
    Column("Actor2CountryCode", "string", "ISO 3166-1 alpha-3 of the country Actor2 is or represents"),
    Column("Actor2WikidataID", "string", "Actor2's Wikidata QID, when known"),
    Column("Actor2IRI", "string", "Actor2's IRI in the knowledge graph"),
    Column("Parties", "string", "every party of an agreement or target, '; '-separated, in Actor order"),
    Column("PartyCountryCodes", "string", "their ISO alpha-3 codes ('; '-separated; organisations left out)"),
    Column("ActionGeo_FullName", "string", "GDELT ActionGeo_FullName, ICEWS City: where a visit took place"),
    Column("ActionGeo_ISO3", "string", "ISO 3166-1 alpha-3 of the place's country (GDELT's "
                                       "ActionGeo_CountryCode is FIPS 10-4, hence another name)"),
    Column("ActionGeo_Lat", "float", "GDELT ActionGeo_Lat, ICEWS Latitude: the place's latitude, when known"),
    Column("ActionGeo_Long", "float", "GDELT ActionGeo_Long, ICEWS Longitude, when known"),
    Column("ActionGeo_WikidataID", "string", "the place's Wikidata QID, when known"),
    Column("AwardName", "string", "the official name of an award"),
    Column("Title", "string", "the title of an agreement"),
    Column("Topics", "string", "an agreement's topics, '; '-separated"),
    Column("TargetAmount", "float", "a trade target's amount, in units of TargetCurrency"),
    Column("TargetCurrency", "string", "its ISO 4217 currency"),
    Column("TargetYear", "int", "the year the target is for"),
    Column("Metric", "string", "what the target measures"),
    Column("Confidence", "float", "how sure the extractor is, 0 to 1; empty for curated events"),
    Column("Extractor", "string", "'curated', or the extractor's name and version"),
    Column("NumSources", "int", "GDELT NumSources: articles reporting the event (dip:sourceCount; 1 in a row "
                                "per article's event, --mentions)"),
    Column("NumArticles", "int", "GDELT NumArticles: articles reporting it (the same as NumSources here)"),
    Column("SOURCEURL", "string", "GDELT SOURCEURL: the URL of the (first) source article, when known"),
    Column("ArticleID", "string", "the id the source article was ingested under"),
    Column("PublicationDate", "date", "the source article's publication date"),
    Column("Evidence", "string", "the sentence that states the event, verbatim"),
    Column("CanonicalEventID", "string", "the real-world event (canonical event) the row is, or is a report "
                                         "of (dip:sameEventAs)"),
    Column("EventIRI", "string", "the event's IRI in the knowledge graph"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)

Select = Callable[[str], list]


class TableError(ValueError):
    """A table that cannot be written as asked (unknown format, pyarrow missing), with what to do."""


# --- reading the store ----------------------------------------------------------------------------

def _values(var: str, iris: list[str] | None) -> str:
    return f"VALUES ?{var} {{ {' '.join(f'<{i}>' for i in iris)} }}" if iris is not None else ""


def _event_query(iris: list[str] | None, *, mentions: bool = True, canonical: bool = False) -> str:
    """An article's events live in the article's own graph (``mentions``), canonical events in graph/events
    (``canonical``; ?a is then that graph)."""
    types = " ".join(f"dip:{t}" for t in _EVENT_TYPES)
    parts = []
    if mentions:
        parts.append(f"{{ VALUES ?t {{ {types} }} GRAPH ?a {{ ?e a ?t . ?a a dip:Article . ?e ?p ?o }} }}")
    if canonical:
        parts.append(f"{{ GRAPH <{EVENTS_GRAPH}> {{ ?e a dip:CanonicalEvent . ?e ?p ?o }} BIND(<{EVENTS_GRAPH}> AS ?a) }}")
    return f"""SELECT ?e ?a ?p ?o WHERE {{ {_values('e', iris)}
        {' UNION '.join(parts)} }}"""


def _links_query(iris: list[str] | None) -> str:
    return f"""SELECT ?e ?c WHERE {{ {_values('e', iris)} GRAPH <{EVENTS_GRAPH}> {{ ?e dip:sameEventAs ?c }} }}"""


def _article_query(iris: list[str]) -> str:
    return f"""SELECT ?a ?id ?issued ?url WHERE {{ {_values('a', iris)}
        GRAPH ?a {{ ?a a dip:Article ; dcterms:identifier ?id .
        OPTIONAL {{ ?a dcterms:issued ?issued }} OPTIONAL {{ ?a dcterms:source ?url }} }} }}"""


def _actor_query(iris: list[str]) -> str:
    return f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
        SELECT ?x ?kind ?label ?code ?cc ?same ?lat ?long WHERE {{ {_values('x', iris)}
        GRAPH <{ACTORS_GRAPH}> {{
          ?x a ?kind . OPTIONAL {{ ?x rdfs:label ?label }} OPTIONAL {{ ?x dip:countryCode ?code }}
          OPTIONAL {{ ?x dip:represents|dip:country ?c . ?c dip:countryCode ?cc }}
          OPTIONAL {{ ?x owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "{WIKIDATA}")) }}
          OPTIONAL {{ ?x geo:lat ?lat ; geo:long ?long }} }} }}"""


def _amount_query(iris: list[str]) -> str:
    return f"""SELECT ?m ?value ?currency WHERE {{ {_values('m', iris)}
        OPTIONAL {{ ?m schema:value ?value }} OPTIONAL {{ ?m schema:currency ?currency }} }}"""


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _local(iri: str) -> str:
    """dip:visitor -> 'visitor', rdf:type -> 'type'; other IRIs unchanged."""
    return "type" if iri == _RDF_TYPE else iri.rsplit("#", 1)[-1] if iri.startswith(_DIP) else iri


def _chunks(items: list[str], n: int = 500):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _select_values(select: Select, make, iris: list[str]) -> list[dict]:
    """One SELECT per 500 IRIs (VALUES blocks stay small enough for every engine)."""
    rows: list[dict] = []
    for part in _chunks(sorted(set(iris))):
        rows += select(make(part))
    return rows


def _actors(select: Select, iris: list[str]) -> dict[str, dict]:
    """Actor IRI -> its kind, label, country code (own or represented), Wikidata IRI and coordinates."""
    actors: dict[str, dict] = {}
    for r in _select_values(select, _actor_query, iris):
        a = actors.setdefault(r["x"], {})
        for k in ("kind", "label", "code", "cc", "same", "lat", "long"):
            if r.get(k) is not None:
                a.setdefault(k, r[k])
    return actors


def event_rows(source, events: list[str] | None = None, *, mentions: bool = False) -> list[dict]:
    """The table's rows, one per article event: sorted by date then id, or in the order of ``events``.

    ``source`` is a Store or a function that runs a SELECT as ``Store.select`` does (the web app passes
    its query executor); ``events`` restricts the table to those event IRIs (a page of /api/events).
    ``mentions=False`` (the default) gives one row per real-world event, the canonical events; ``mentions=True``
    one row per article's event. With ``events`` given, each IRI gives the row of what it is (a page of
    /api/events lists one kind or the other).
    """
    select: Select = source.select if hasattr(source, "select") else source
    if events is not None and not events:
        return []
    triples: dict[str, dict] = {}
    for part in ([None] if events is None else list(_chunks(sorted(set(events))))):
        q = _event_query(part, mentions=mentions or part is not None, canonical=not mentions or part is not None)
        for r in select(q):
            ev = triples.setdefault(r["e"], {"_article": r["a"]})
            ev.setdefault(_local(r["p"]), []).append(r["o"])
    links: dict[str, str] = {}
    mention_iris = [i for i, ev in triples.items() if ev["_article"] != str(EVENTS_GRAPH)]
    for part in ([None] if events is None else list(_chunks(sorted(mention_iris)))):
        if part is None or part:
            links.update((r["e"], r["c"]) for r in select(_links_query(part)))
    for iri, ev in triples.items():
        if ev["_article"] == str(EVENTS_GRAPH):
            ev["sameEventAs"] = [iri]
            ev["_sources"] = ev.get(_local("http://www.w3.org/ns/prov#wasDerivedFrom"), [])
        elif iri in links:
            ev["sameEventAs"] = [links[iri]]
    articles = {r["a"]: r for r in _select_values(
        select, _article_query, [a for e in triples.values() for a in (e.get("_sources") or [e["_article"]])])}
    for ev in triples.values():   # a canonical event's source article is its first report
        if "_sources" in ev:
            ev["_article"] = min(ev["_sources"], key=lambda a: (str(articles.get(a, {}).get("issued") or "9999"), a),
                                 default=ev["_article"])
    actor_iris = [o for ev in triples.values() for role in ("visitor", "host", "place", "recipient", "conferredBy",
                                                              "party") for o in ev.get(role, [])]
    actors = _actors(select, actor_iris)
    # a visit without a named host has the visited country as Actor2: fetch the countries of its place
    places = [p for ev in triples.values() if not ev.get("host") for p in ev.get("place", [])]
    actors.update(_actors(select, [c for c in (_country_iri(_country_of(p, actors)) for p in places)
                                   if c and c not in actors]))
    amounts = {r["m"]: r for r in _select_values(
        select, _amount_query, [m for ev in triples.values() for m in ev.get("targetValue", [])])}
    rows = [_row(iri, ev, articles.get(ev["_article"], {}), actors, amounts) for iri, ev in triples.items()]
    if events is not None:   # a page of the listing keeps the listing's order
        order = {iri: i for i, iri in enumerate(events)}
        rows.sort(key=lambda r: order[r["EventIRI"]])
    else:
        rows.sort(key=lambda r: (r["EventDate"] or date.max, r["Year"] or 9999, r["EventID"]))
    return rows


# --- one row ----------------------------------------------------------------------------------------

def _first(ev: dict, key: str):
    vals = ev.get(key) or []
    return sorted(vals, key=str)[0] if vals else None


def _date(text: str | None) -> date | None:
    if text and len(text) >= 10:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def _qid(same: str | None) -> str | None:
    return same[len(WIKIDATA):] if same and same.startswith(WIKIDATA) else None


def _actor_cells(n: int, iri: str | None, actors: dict) -> dict:
    a = actors.get(iri or "", {})
    kind = _local(a["kind"]) if a.get("kind") else None
    return {f"Actor{n}Name": a.get("label"), f"Actor{n}Kind": kind,
            f"Actor{n}CountryCode": a.get("code") or a.get("cc"), f"Actor{n}WikidataID": _qid(a.get("same")),
            f"Actor{n}IRI": iri}


def _country_of(iri: str | None, actors: dict) -> str | None:
    a = actors.get(iri or "", {})
    return a.get("code") or a.get("cc")


def _quad_class(code: str | None) -> int | None:
    """CAMEO root 01-05 verbal cooperation, 06-09 material cooperation, 10-14 verbal conflict, 15-20 material."""
    if not code:
        return None
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def _sides(kind: str | None, ev: dict, parties: list[str], actors: dict) -> tuple[str | None, str | None, str | None]:
    """(Actor1, Actor2, place) IRIs, as a CAMEO coder would choose the source and target actors."""
    if kind == "Visit":
        place = _first(ev, "place")
        host = _first(ev, "host")
        if host is None and place is not None:   # no named host: the country visited receives the visitor
            host = place if actors.get(place, {}).get("code") else _country_iri(_country_of(place, actors))
        return _first(ev, "visitor"), host, place
    if kind == "Award":
        return _first(ev, "conferredBy"), _first(ev, "recipient"), None
    return (parties[0] if parties else None), (parties[1] if len(parties) > 1 else None), None


def _precision(when: str | None) -> str | None:
    m = _ISO_DATE.match(when or "")
    return None if not m else "day" if m.group(2) else "month" if m.group(1) else "year"


def _row(iri: str, ev: dict, article: dict, actors: dict, amounts: dict) -> dict:
    kind = next((_local(t).removeprefix("Canonical") for t in ev.get("type", [])
                 if _local(t).removeprefix("Canonical") in _EVENT_TYPES), None)
    when = _first(ev, "startDate") or _first(ev, "date")
    precision = _precision(when)
    code = _first(ev, "cameoCode")
    parties = sorted(ev.get("party", []), key=lambda p: (actors.get(p, {}).get("label") or p, p))
    first, second, place = _sides(kind, ev, parties, actors)
    amount = amounts.get(_first(ev, "targetValue") or "", {})
    plc = actors.get(place or "", {})
    conf = _first(ev, "confidence")
    year = _first(ev, "targetYear")
    same = _first(ev, "sameEventAs")
    return {
        "EventID": iri.rsplit("/", 1)[-1],
        "EventType": kind,
        "EventDate": _date(when) if precision == "day" else None,
        "EventDatePrecision": precision,
        "Year": int(when[:4]) if precision else None,
        "MonthYear": int(when[:4] + when[5:7]) if precision in ("day", "month") else None,
        "EndDate": _date(_first(ev, "endDate")),
        "EventCode": code,
        "EventBaseCode": code[:3] if code else None,
        "EventRootCode": code[:2] if code else None,
        "QuadClass": _quad_class(code),
        "HostEventCode": _first(ev, "hostCameoCode"),
        "PLOVERCategory": _first(ev, "ploverCategory"),
        "PLOVERMode": _first(ev, "ploverMode"),
        "PLOVERContext": _first(ev, "ploverContext"),
        "Status": _local(_first(ev, "status") or "") or None,
        **_actor_cells(1, first, actors),
        **_actor_cells(2, second, actors),
        "Parties": "; ".join(actors.get(p, {}).get("label") or p for p in parties) or None,
        "PartyCountryCodes": "; ".join(c for c in (_country_of(p, actors) for p in parties) if c) or None,
        "ActionGeo_FullName": plc.get("label"),
        "ActionGeo_ISO3": _country_of(place, actors),
        "ActionGeo_Lat": float(plc["lat"]) if plc.get("lat") is not None else None,
        "ActionGeo_Long": float(plc["long"]) if plc.get("long") is not None else None,
        "ActionGeo_WikidataID": _qid(plc.get("same")),
        "AwardName": _first(ev, "awardName"),
        "Title": _first(ev, "title"),
        "Topics": "; ".join(sorted(ev.get("topic", []))) or None,
        "TargetAmount": float(amount["value"]) if amount.get("value") is not None else None,
        "TargetCurrency": amount.get("currency"),
        "TargetYear": int(str(year)[:4]) if year else None,
        "Metric": _first(ev, "metric"),
        "Confidence": float(conf) if conf is not None else None,
        "Extractor": _first(ev, "extractor"),
        "NumSources": int(_first(ev, "sourceCount") or 1),
        "NumArticles": int(_first(ev, "sourceCount") or 1),
        "SOURCEURL": article.get("url"),
        "ArticleID": article.get("id"),
        "PublicationDate": _date(article.get("issued")),
        "Evidence": _first(ev, "evidence"),
        "CanonicalEventID": same.rsplit("/", 1)[-1] if same else None,
        "EventIRI": iri,
    }


def _country_iri(code: str | None) -> str | None:
    return f"{BASE}country/{code}" if code else None


# --- writing ----------------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, float)):
        return value.isoformat() if isinstance(value, date) else repr(value)
    return str(value)


def write_table(rows: list[dict], out: BinaryIO, fmt: str) -> None:
    """Write ``rows`` (from :func:`event_rows`) to the binary file ``out`` as csv, jsonl or parquet."""
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        w = csv.writer(text, lineterminator="\r\n")
        w.writerow(COLUMN_NAMES)
        for r in rows:
            w.writerow([_text(r[c]) for c in COLUMN_NAMES])
        text.flush()
        text.detach()
    elif fmt == "jsonl":
        for r in rows:
            obj = {c: (r[c].isoformat() if isinstance(r[c], date) else r[c]) for c in COLUMN_NAMES}
            out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
    elif fmt == "parquet":
        pa, pq = _pyarrow()
        table = pa.Table.from_pylist([{c: r[c] for c in COLUMN_NAMES} for r in rows], schema=arrow_schema())
        pq.write_table(table, out)
    else:
        raise TableError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")


def arrow_schema():
    """The table's Arrow schema (what Parquet stores): strings, dates (date32), int64 and float64."""
    pa, _ = _pyarrow()
    types = {"string": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}
    return pa.schema([pa.field(c.name, types[c.type]) for c in COLUMNS])


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise TableError("Parquet needs pyarrow: pip install 'dipkg[tables]' (or pip install pyarrow), "
                         "or ask for csv or jsonl") from e
    return pa, pq


def export_table(store, out: BinaryIO, fmt: str, *, table: str = "events", mentions: bool = False) -> int:
    """Write one of :data:`TABLES` from ``store`` to ``out``; returns the number of rows."""
    if table not in TABLES:
        raise TableError(f"unknown table {table!r}; the tables are: {', '.join(TABLES)}")
    if fmt not in TABLE_FORMATS:
        raise TableError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
    if fmt == "parquet":
        _pyarrow()  # fail before reading the store
    rows = event_rows(store, mentions=mentions)
    write_table(rows, out, fmt)
    return len(rows)
