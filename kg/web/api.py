"""The dashboard's JSON API: events, actors and statistics over the knowledge graph.

Endpoints (described in kg/web/static/openapi.json, served at /openapi.json):

- ``GET /api/events``: filtered events, keyset-paginated in the order of ``sort`` (date, -date, type);
  ``?format=csv|parquet`` gives the page as the research table of ``kg export --table events``
  (kg/web/api_tables.py)
- ``GET /api/export``: every event of a view (the same filters and sort) as that table, streamed
- ``GET /api/events/<id>``: one event with evidence, offsets, article (with its full text, ``article.text``,
  for an article's event) and actors, and the sources of the real-world event it is or reports (every one,
  or the first ``sources=N``)
- ``GET /api/events/<id>/sources``: those sources, keyset-paginated, oldest report first; a ``canonical=true``
  page embeds only the first ``sources`` (default 5) of each event, with ``sourcesTotal`` and ``sourcesNext``
- ``GET /api/actors`` and ``GET /api/actors/<kind>/<id>``: actors, and the events of one
- ``GET /api/actors/search``: actors by name, accents folded, each with the filter that selects it
- ``GET /api/stats``: for the filters of /api/events (one filter set drives the whole dashboard): events
  per type per month, visit country pairs (and how many there are), top visitors and hosts, facets;
  with ``canonical=true`` each real-world event once, and ``reports``, the article events reporting them

Every parameter is validated here (regexes, enumerations, integer ranges) and
turned into an RDF term by pyoxigraph in kg/web/api_queries.py; a bad value is
a 400 with a JSON message naming the parameter. Responses carry an ETag made
from the store's version and the request, so dashboards polling an unchanged
store get 304s, and identical requests are answered from a small cache (sized by KG_CACHE_BYTES).

On the embedded store, event pages, counts and statistics (of articles' events and, with ``canonical=true``,
of canonical events) come from the derived event index (kg/store/event_index.py) whenever it reflects the
store's current version; otherwise, and on a
remote engine, from SPARQL. Both give the same answers (tests/test_event_index.py, tests/test_api_sources.py).
So do the sources of real-world events and their counts: an event reported 320 times costs a page the few
sources it shows, not 320 SPARQL rows. Event details are always read from the RDF store (a canonical event's
without its articles, which are its sources').
"""
from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    request,
    stream_with_context,
)

from ..rdf import BASE, country_names
from . import api_queries as Q
from . import api_tables
from .cache import ResponseCache
from .errors import ApiError, error_response

bp = Blueprint("api", __name__)

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_TOP = 100
DEFAULT_SOURCES = 5   # sources embedded per canonical event in a list; /api/events/<id>/sources pages them all
MAX_SOURCES = 100
MAX_AGE = 30  # seconds dashboards may reuse a response without asking again
OPENAPI_PATH = Path(__file__).with_name("static") / "openapi.json"  # static/ ships as package data

_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,200}$")
_ACTOR_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,200}(?:/[A-Za-z0-9][A-Za-z0-9._~-]{0,200})?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_TYPES = {t.lower(): t for t in Q.EVENT_TYPES}
_STATUSES = {s.lower(): s for s in Q.ALL_STATUSES}
_KINDS = {k: v for k, v in Q.ACTOR_KINDS.items()} | {v.lower(): v for v in Q.ACTOR_KINDS.values()}

EVENT_FILTERS = ("type", "status", "country", "person", "actor", "article", "from", "to", "q", "canonical")


@bp.errorhandler(ApiError)
def _api_error(e: ApiError):
    # the service's error shape (kg/web/errors.py), never cached
    resp = error_response(e.status, e.message, e.headers, **e.extra)
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- the store, the query runner, the cache ---------------------------------------------------

def _store():
    """The app's store, wherever the app factory keeps it."""
    ext = current_app.extensions
    for key in ("kg_store", "store"):
        if key in ext:
            return ext[key]
    kg = ext.get("kg")
    if kg is not None:
        return getattr(kg, "store", None) or (kg.get("store") if isinstance(kg, dict) else kg)
    for key in ("KG_STORE_OBJECT", "STORE"):
        if key in current_app.config and not isinstance(current_app.config[key], str):
            return current_app.config[key]
    raise RuntimeError("the API blueprint needs the app to hold a store (app.extensions['kg_store'])")


def _select(sparql: str) -> list[dict]:
    """Run one of our SELECTs: through the service's executor (timeouts) when the app has one."""
    runner = current_app.extensions.get("kg_api_select")
    if runner is not None:
        return runner(sparql)
    return _store().select(sparql)


def _select_all(queries: list[str], parallel: int = 2) -> list[list[dict]]:
    """Several independent SELECTs, ``parallel`` at a time (the service's query pool has one process
    per core; a query waits for a free one as any request does). Answers in the order of ``queries``."""
    runner = current_app.extensions.get("kg_api_select") or _store().select
    if len(queries) < 2 or parallel < 2:
        return [runner(q) for q in queries]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=min(parallel, len(queries))) as pool:
        return list(pool.map(runner, queries))


# finished dashboard answers, keyed on (store version, request): the service's one LRU class, at most
# 16 MiB and never more than KG_CACHE_BYTES (0 turns it off, as for /sparql)
API_CACHE_BYTES = 16 * 2**20


def _api_cache() -> ResponseCache:
    ext = current_app.extensions
    cache = ext.get("kg_api_cache")
    if cache is None:
        svc = ext.get("kg")
        limit = API_CACHE_BYTES if svc is None else min(API_CACHE_BYTES, svc.settings.cache_bytes)
        cache = ext["kg_api_cache"] = ResponseCache(limit, max_entry=limit)
    return cache


def _index():
    """The event index (an IndexReader) when it reflects the store now, else None: ask SPARQL."""
    try:
        reader = _store().event_index()
    except Exception:  # noqa: BLE001 - no index, an unreadable one: SPARQL answers the same
        return None
    svc = current_app.extensions.get("kg")
    if reader is not None and svc is not None:
        reader.deadline = time.monotonic() + svc.settings.query_timeout
    return reader


def _request_key() -> str:
    args = sorted((k, v) for k in request.args for v in request.args.getlist(k))
    return request.path + "?" + urlencode(args)


def cached(view):
    """ETag / If-None-Match / Cache-Control around a GET view, and a response cache."""
    import functools

    @functools.wraps(view)
    def wrapper(*a, **kw):
        try:
            version = _store().version()
        except Exception:  # noqa: BLE001 - a backend that cannot tell: no caching
            version = None
        if version is None:
            resp = view(*a, **kw)
            resp.headers["Cache-Control"] = "no-cache"
            return resp
        key = _request_key()
        etag = hashlib.sha1(f"{version}\n{key}".encode("utf-8")).hexdigest()[:32]
        if etag in request.if_none_match:
            resp = Response(status=304)
        else:
            cache = _api_cache()
            hit = cache.lookup((version, key)) if cache.enabled else None
            if hit is None:
                resp = view(*a, **kw)
                if resp.status_code == 200 and cache.enabled:
                    body = resp.get_data()
                    cache.put((version, key), (body, resp.mimetype, dict(resp.headers)), len(body) + 500)
            else:
                body, mimetype, headers = hit
                resp = Response(body, mimetype=mimetype)
                for h, v in headers.items():
                    if h.lower() not in ("content-length", "content-type"):
                        resp.headers[h] = v
        if resp.status_code in (200, 304):
            resp.set_etag(etag)
            resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
            resp.headers["Vary"] = "Accept-Encoding"
        return resp

    return wrapper


# --- parameters -------------------------------------------------------------------------------

def _allowed(*names: str) -> None:
    unknown = sorted(set(request.args) - set(names))
    if unknown:
        raise ApiError(400, f"unknown parameter {unknown[0]!r}; this endpoint takes "
                            f"{', '.join(names)}", unknown[0])


def _values(name: str) -> list[str]:
    """A parameter given once with commas or repeated: 'type=Visit,Award' == 'type=Visit&type=Award'."""
    out = []
    for raw in request.args.getlist(name):
        out += [v.strip() for v in raw.split(",") if v.strip()]
    if len(out) > 50:
        raise ApiError(400, f"too many values for {name!r} (at most 50)", name)
    return out


def _text(name: str, max_len: int = 200) -> str | None:
    v = request.args.get(name)
    if v is None:
        return None
    v = v.strip()
    if not v:
        return None
    if len(v) > max_len:
        raise ApiError(400, f"{name!r} is longer than {max_len} characters", name)
    if _CONTROL.search(v):
        raise ApiError(400, f"{name!r} contains control characters", name)
    return v


def _iri(name: str, value: str) -> str:
    try:
        Q.node(value)
    except ValueError as e:
        raise ApiError(400, f"{name!r} is not a valid IRI: {e}", name) from None
    return value


def _int(name: str, default: int | None, lo: int, hi: int, hint: str = "") -> int | None:
    """An integer parameter within [lo, hi], ``default`` when absent; ``hint`` ends the 400's message."""
    v = request.args.get(name)
    if v is None or v == "":
        return default
    if not re.fullmatch(r"\d{1,9}", v.strip()) or not lo <= int(v) <= hi:
        raise ApiError(400, f"{name!r} must be an integer from {lo} to {hi}{hint}", name)
    return int(v)


def _sources_param(default: int | None) -> int | None:
    """How many sources to embed per event (``sources=``): 0 to MAX_SOURCES."""
    return _int("sources", default, 0, MAX_SOURCES,
                " (how many reports each canonical event embeds; every one, a page at a time: "
                "/api/events/{id}/sources)")


def _date(name: str) -> str | None:
    v = request.args.get(name)
    if v is None or v.strip() == "":
        return None
    v = v.strip()
    m = _DATE.match(v)
    ok = bool(m)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        try:
            date(int(y), int(mo or 1), int(d or 1))
        except ValueError:
            ok = False
    if not ok:
        raise ApiError(400, f"{name!r} must be a date as YYYY, YYYY-MM or YYYY-MM-DD", name)
    return v


def _enum(name: str, table: dict[str, str]) -> list[str]:
    out = []
    for v in _values(name):
        t = table.get(v.lower())
        if t is None:
            raise ApiError(400, f"unknown {name} {v!r}; use one of {', '.join(sorted(set(table.values())))}",
                           name)
        if t not in out:
            out.append(t)
    return out


def event_filter() -> Q.EventFilter:
    f = Q.EventFilter()
    f.types = _enum("type", _TYPES)
    f.statuses = _enum("status", _STATUSES)
    for c in _values("country"):
        if not _ISO3.match(c):
            raise ApiError(400, f"'country' must be ISO 3166-1 alpha-3 codes such as IND, got {c!r}", "country")
        if c.upper() not in f.countries:
            f.countries.append(c.upper())
    person = _text("person")
    if person is not None:
        if person.startswith(("http://", "https://")):
            f.person_iri = _iri("person", person)
        else:
            f.person_name = person
    actor = _text("actor", 1000)
    if actor is not None:
        f.actor_iri = _iri("actor", actor)
    f.article = _text("article")
    f.date_from = _date("from")
    f.date_to = _date("to")
    if f.date_from and f.date_to and f.date_from[:len(f.date_to)] > f.date_to:
        raise ApiError(400, f"'from' ({f.date_from}) is after 'to' ({f.date_to}); swap them", "from")
    f.text = _text("q")
    canonical = (request.args.get("canonical") or "false").lower()
    if canonical not in ("true", "false", "1", "0"):
        raise ApiError(400, "'canonical' must be true or false (true: each real-world event once)", "canonical")
    f.canonical = canonical in ("true", "1")
    return f


def _index_for(f: Q.EventFilter):
    """The event index over the events ``f`` lists: the articles' events, or with ``canonical=true`` the
    canonical events (graph/events), which the index holds in tables of their own; None: ask SPARQL."""
    index = _index()
    return index.view(f.canonical) if index is not None else None


def _cursor(n: int) -> list[str] | None:
    token = request.args.get("cursor")
    if not token:
        return None
    if len(token) > 4000:
        raise ApiError(400, "'cursor' is too long; pass the 'next' token of the previous page", "cursor")
    try:
        return Q.decode_cursor(token, n)
    except ValueError:
        raise ApiError(400, "'cursor' is not a token this API returned; pass the 'next' value of the "
                            "previous page unchanged", "cursor") from None


def _sort() -> str:
    v = (request.args.get("sort") or "date").strip().lower()
    if v not in Q.SORTS:
        raise ApiError(400, f"'sort' must be one of {', '.join(Q.SORTS)} (date: oldest first, -date: newest "
                            f"first, type: by event type, then date), got {v!r}", "sort")
    return v


# A cursor holds the values of the page's last row in its sort order; for sorts other than the
# first one (date, whose 2-part cursors predate sorting) the sort's name comes first, so that a
# cursor cannot be replayed under another order.
_CURSOR_PARTS = {"date": 2, "-date": 3, "type": 4}


def _sorted_cursor(sort: str) -> tuple[str, ...] | None:
    parts = _cursor(_CURSOR_PARTS[sort])
    if parts is None:
        return None
    if sort != "date":
        if parts[0] != sort:
            raise ApiError(400, f"'cursor' belongs to another sort order; start again without a cursor "
                                f"or pass sort={parts[0]}", "cursor")
        parts = parts[1:]
    return tuple(parts)


def _encode_sorted(sort: str, values: tuple[str, ...] | None) -> str | None:
    if values is None:
        return None
    return Q.encode_cursor(*values) if sort == "date" else Q.encode_cursor(sort, *values)


def _next_url(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = [(k, v) for k in request.args if k != "cursor" for v in request.args.getlist(k)]
    return request.path + "?" + urlencode(args + [("cursor", cursor)])


# --- events -----------------------------------------------------------------------------------

def _events_page(f: Q.EventFilter, limit: int, sort: str = "date",
                 details: bool = True) -> tuple[list[dict], str | None]:
    after = _sorted_cursor(sort)
    index = _index_for(f)
    rows = index.page if index is not None else None
    events, nxt = Q.events_page(_select, f, after, limit, rows_from=rows, sort=sort, details=details)
    return events, _encode_sorted(sort, nxt)


def _add_sources(evs: list[dict], first: int | None) -> None:
    """``sources`` (the ``first``, every one when None), ``sourcesTotal`` and ``sourcesNext`` on each event
    that counts as a real-world event: from the index when current (the first few of each and the counts,
    read from index ranges however many reports an event has), else every source by SPARQL, cut here."""
    cs = list(dict.fromkeys(c for ev in evs if (c := (ev.get("canonical") or {}).get("iri"))))
    if not cs:
        return
    index = _index()
    if index is not None:
        rows, totals = index.sources(cs, 2**31 if first is None else first)
        Q.add_sources(evs, rows, first, totals)
    else:
        Q.add_sources(evs, _select(Q.sources_query(cs)), first)
    for ev in evs:
        if "sources" in ev:
            ev["sourcesNext"] = _sources_next(ev)


def _sources_next(ev: dict) -> str | None:
    """The /api/events/<id>/sources page that follows the sources embedded in ``ev``; None: it has them all."""
    shown = ev["sources"]
    if ev["sourcesTotal"] <= len(shown):
        return None
    path = f"/api/events/{ev['canonical']['id']}/sources"
    return path + "?" + urlencode({"cursor": _sources_cursor_token(shown[-1])}) if shown else path


def _sources_cursor_token(source: dict) -> str:
    return Q.encode_cursor("sources", *Q.source_key(source))


@bp.get("/api/events")
@cached
def events():
    _allowed(*EVENT_FILTERS, "limit", "cursor", "format", "total", "sort", "sources")
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in ("json", *api_tables.FORMATS):
        raise ApiError(400, "'format' must be json, csv or parquet (for every row of the view, not one "
                            "page, use /api/export)", "format")
    total_flag = (request.args.get("total") or "false").lower()
    if total_flag not in ("true", "false", "1", "0"):
        raise ApiError(400, "'total' must be true or false", "total")
    f = event_filter()
    sort = _sort()
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    first = _sources_param(DEFAULT_SOURCES)   # article events carry no sources in a list: no effect there
    evs, nxt = _events_page(f, limit, sort, details=fmt == "json")
    if fmt != "json":   # the research table of kg export --table events, for this page
        return api_tables.table_response(_select, evs, nxt, _next_url(nxt), fmt)
    if f.canonical:
        _add_sources(evs, first)
    body = {"events": evs, "limit": limit, "sort": sort, "next": nxt, "links": {"next": _next_url(nxt)}}
    if total_flag in ("true", "1"):
        index = _index_for(f)
        if index is not None:
            body["total"] = index.count(f)
        else:
            rows = _select(Q.event_count_query(f))
            body["total"] = int(rows[0]["n"]) if rows else 0
    return jsonify(body)


def _event_iri(event_id: str) -> tuple[str, bool]:
    """The IRI of the event ``event_id`` and whether it is a canonical event; 404 when there is none."""
    if not _ID.match(event_id):
        raise ApiError(404, f"no event with id {event_id!r}")
    iri = Q.EVENT_BASE + event_id
    found = _select(Q.event_exists_query(iri))
    if not found:
        raise ApiError(404, f"no event with id {event_id!r}; ids are what follows /event/ in an event IRI")
    return iri, Q.local_name(found[0]["type"]).startswith("Canonical")


@bp.get("/api/events/<event_id>/sources")
@cached
def event_sources(event_id: str):
    """Every source of the real-world event that ``event_id`` is (a canonical event) or reports (an article
    event), a page at a time in the order of the embedded ``sources``: where a canonical event reported
    hundreds of times embeds only its first few."""
    _allowed("limit", "cursor")
    iri, _ = _event_iri(event_id)
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    after = _sources_cursor()
    index = _index()
    if index is not None:
        c = index.canonical_of(iri)
        rows, total = index.source_page(c, after, limit + 1) if c else ([], 0)
        sources = Q.source_rows(rows).get(c, [])
    else:   # every source of the event by SPARQL, the page cut here
        found = _select(Q.canonical_of_query(iri))
        c = found[0]["c"] if found else None
        every = Q.source_rows(_select(Q.sources_query([c]))).get(c, []) if c else []
        total = len(every)
        sources = [x for x in every if after is None or Q.source_key(x) > after][:limit + 1]
    more = len(sources) > limit
    sources = sources[:limit]
    nxt = _sources_cursor_token(sources[-1]) if more else None
    return jsonify({"event": {"id": event_id, "iri": iri},
                    "canonical": {"id": Q.event_id(c), "iri": c} if c else None,
                    "sources": sources, "total": total, "limit": limit, "next": nxt,
                    "links": {"next": _next_url(nxt)}})


def _sources_cursor() -> tuple[str, str] | None:
    """The (issued date, report IRI) of the source a page of sources starts after."""
    parts = _cursor(3)
    if parts is None:
        return None
    if parts[0] != "sources":
        raise ApiError(400, "'cursor' is not a cursor of sources; pass the 'next' value of the previous page "
                            "of /api/events/{id}/sources (or an event's sourcesNext) unchanged", "cursor")
    return parts[1], parts[2]


@bp.get("/api/events/<path:event_id>")
@cached
def event(event_id: str):
    _allowed("sources")
    first = _sources_param(None)   # every source unless asked for fewer
    iri, canonical = _event_iri(event_id)
    # An article's event comes with its article's full text (article.text; null when the store keeps only
    # the sentences), the string its evidenceStart/evidenceEnd index. A canonical event has no offsets, and its
    # evidence is its latest report's sentence while its article is its first source: no text (open a report).
    ev = Q.assemble_events([iri], _select(Q.event_details_query([iri], articles=not canonical,
                                                                text=not canonical)))[0]
    if not canonical and ev["article"] is not None:
        ev["article"].setdefault("text", None)
    _add_sources([ev], first)
    return jsonify(ev)


EXPORT_CHUNK = 500


@bp.get("/api/export")
def export():
    """Every event of the view (the filters and sort of /api/events) as the research table, streamed in
    chunks of 500: csv, jsonl, json (one array) or parquet (built whole: the format has its index at
    the end). ``X-Total-Count`` says how many rows to expect."""
    _allowed(*EVENT_FILTERS, "sort", "format")
    fmt = (request.args.get("format") or "csv").lower()
    if fmt not in api_tables.EXPORT_FORMATS:
        raise ApiError(400, f"'format' must be one of {', '.join(api_tables.EXPORT_FORMATS)}", "format")
    f = event_filter()
    sort = _sort()
    index = _index_for(f)   # canonical=true: one row per real-world event (graph/events)
    if index is not None:
        total = index.count(f)
    else:
        rows = _select(Q.event_count_query(f))
        total = int(rows[0]["n"]) if rows else 0

    def chunks():
        after = None
        while True:
            reader = _index_for(f)
            evs, after = Q.events_page(_select, f, after, EXPORT_CHUNK, sort=sort, details=False,
                                       rows_from=reader.page if reader is not None else None)
            yield [ev["iri"] for ev in evs]
            if after is None:
                return

    resp = api_tables.export_response(_select, chunks(), fmt, stream_with_context)
    resp.headers["X-Total-Count"] = str(total)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


# --- actors -----------------------------------------------------------------------------------

def _kind(value: str, param: str = "kind") -> str:
    k = _KINDS.get(value.lower())
    if k is None:
        raise ApiError(400, f"unknown kind {value!r}; use one of {', '.join(Q.ACTOR_KINDS)}", param)
    return k


@bp.get("/api/actors")
@cached
def actors():
    _allowed("kind", "prefix", "limit", "cursor")
    kinds = [_kind(v) for v in _values("kind")] or list(Q.ACTOR_KINDS.values())
    prefix = _text("prefix", 100)
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    after = _cursor(2)
    rows = _select(Q.actors_page_query(kinds, prefix, tuple(after) if after else None, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    iris = [r["x"] for r in rows]
    out = Q.assemble_actors(iris, _select(Q.actor_details_query(iris))) if iris else []
    for a in out:
        a["path"] = _actor_api_path(a)
    nxt = Q.encode_cursor(rows[-1].get("label") or "", rows[-1]["x"]) if more and rows else None
    return jsonify({"actors": out, "limit": limit, "next": nxt, "links": {"next": _next_url(nxt)}})


# --- the actor search ---------------------------------------------------------------------------

# Letters NFKD does not take apart, folded as a reader would type them ('Đoković' -> 'dokovic').
_FOLD_EXTRA = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ð": "d", "þ": "th",
                             "ħ": "h", "ŧ": "t", "ŋ": "n", "ʼ": "'", "’": "'", "‘": "'"})
_WORD = re.compile(r"[^\W_]+")
_NAMES_CACHE: dict = {}   # (store id, version) -> folded actor list; one entry, rebuilt when the store changes


def fold(text: str) -> str:
    """Lower case without accents: NFKD, combining marks dropped, casefold ('Nikolić' -> 'nikolic')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _actor_names() -> list[dict]:
    """Every actor, folded for matching; read once per store version (from the index when current)."""
    store = _store()
    try:
        version = store.version()
    except Exception:  # noqa: BLE001 - a backend that cannot tell: read every time
        version = None
    key = (id(store), version)
    hit = _NAMES_CACHE.get(key)
    if hit is not None and version is not None:
        return hit
    index = _index()
    rows = index.actor_names() if index is not None else _select(Q.actor_names_query())
    by: dict[str, dict] = {}
    for r in rows:
        a = by.setdefault(r["x"], {"iri": r["x"], "kinds": set(), "labels": set(), "events": 0})
        a["kinds"].add(Q.local_name(r["kind"]))
        if r.get("label"):
            a["labels"].add(r["label"])
        a["events"] = max(a["events"], int(r.get("n") or 0))
    out = []
    for a in by.values():
        kind = next((k for k in ("Country", "Person", "Organization", "Place") if k in a["kinds"]), None)
        label = min(a["labels"]) if a["labels"] else None
        path = Q.actor_path(a["iri"])
        names = sorted(a["labels"]) or ([path[1]] if path else [])
        entry = {"iri": a["iri"], "kind": kind, "label": label, "events": a["events"],
                 "_folded": [fold(n) for n in names]}
        if path:
            entry["id"] = path[1]
            entry["path"] = f"/api/actors/{path[0]}/{path[1]}"
        if kind == "Country" and path:
            entry["_folded"].append(fold(path[1]))
            entry["filter"] = {"country": path[1].upper()}
        else:
            entry["filter"] = {"actor": a["iri"]}
        out.append(entry)
    _NAMES_CACHE.clear()
    _NAMES_CACHE[key] = out
    return out


def _match_rank(query: str, words: list[str], names: list[str]) -> int | None:
    """0 a whole name (or a country code), 1 a name's start, 2 every word starts a word of the name,
    3 a substring anywhere; None: no match."""
    best = None
    for n in names:
        if n == query:
            r = 0
        elif n.startswith(query):
            r = 1
        elif all(any(w2.startswith(w) for w2 in _WORD.findall(n)) for w in words):
            r = 2
        elif query in n:
            r = 3
        else:
            continue
        best = r if best is None else min(best, r)
    return best


@bp.get("/api/actors/search")
@cached
def actor_search():
    """People, countries, organisations and places by name, accents folded ('Nikolic' finds 'Nikolić');
    each answer says which /api/events filter selects its events (``filter``)."""
    _allowed("q", "kind", "limit")
    q = _text("q", 100)
    if q is None:
        raise ApiError(400, "'q' is required: a few letters of a name, such as 'modi' or 'india'", "q")
    kinds = {_kind(v) for v in _values("kind")}
    limit = _int("limit", 10, 1, 100)
    query = fold(q).strip()
    words = _WORD.findall(query)
    hits = []
    for a in _actor_names():
        if kinds and a["kind"] not in kinds:
            continue
        rank = _match_rank(query, words, a["_folded"])
        if rank is not None:
            hits.append((rank, -a["events"], a["label"] or "", a["iri"], a))
    hits.sort(key=lambda h: h[:4])
    out = [{k: v for k, v in h[4].items() if not k.startswith("_")} for h in hits[:limit]]
    return jsonify({"q": q, "actors": out, "more": len(hits) > limit})


def _actor_api_path(a: dict) -> str | None:
    p = Q.actor_path(a["iri"])
    return f"/api/actors/{p[0]}/{p[1]}" if p else None


@bp.get("/api/actors/<kind>/<path:actor_id>")
@cached
def actor(kind: str, actor_id: str):
    _allowed("limit", "cursor")
    k = Q.ACTOR_KINDS.get(kind.lower())
    if k is None:
        raise ApiError(404, f"no actor kind {kind!r}; use one of {', '.join(Q.ACTOR_KINDS)}")
    if not _ACTOR_ID.match(actor_id):
        raise ApiError(404, f"no {kind} with id {actor_id!r}")
    iri = f"{BASE}{kind.lower()}/{actor_id.upper() if k == 'Country' else actor_id}"
    info = Q.assemble_actors([iri], _select(Q.actor_details_query([iri])))[0]
    if info["kind"] != k:
        raise ApiError(404, f"no {kind} with id {actor_id!r}; list them with /api/actors?kind={kind.lower()}")
    info["path"] = _actor_api_path(info)
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    # A state takes part in what its people and places do too: the same rule as ?country=.
    f = Q.EventFilter(countries=[iri.rsplit("/", 1)[-1]]) if k == "Country" else Q.EventFilter(actor_iri=iri)
    evs, nxt = _events_page(f, limit)
    return jsonify({"actor": info, "events": evs, "limit": limit, "next": nxt,
                    "links": {"next": _next_url(nxt)}})


# --- statistics -------------------------------------------------------------------------------

FACETS = ("type", "status", "country", "year", "person")
MAX_PAIRS = 10_000


def _facets() -> list[str]:
    out = []
    for v in _values("facets"):
        v = v.lower()
        if v == "all":
            return list(FACETS)
        if v not in FACETS:
            raise ApiError(400, f"unknown value {v!r} in 'facets'; use some of {', '.join(FACETS)} (or all)", "facets")
        if v not in out:
            out.append(v)
    return out


@bp.get("/api/stats")
@cached
def stats():
    """Every count of the dashboard for one filter set (the filters of /api/events): the header's totals,
    the timeline, the visit network (``pairs`` of ``visitPairsTotal``), the top lists and, when asked, facets."""
    _allowed(*EVENT_FILTERS, "top", "pairs", "facets")
    f = event_filter()
    top = _int("top", 10, 1, MAX_TOP)
    pairs_n = None if (request.args.get("pairs") or "").lower() == "all" else _int("pairs", top, 1, MAX_PAIRS)
    facets = _facets()
    names = country_names()
    visits = not f.types or "Visit" in f.types
    index = _index_for(f)
    reports = None
    if index is not None:
        answers = [index.per_month(f), index.per_status(f)]
        if visits:
            answers += [index.visit_pairs(f, None)] + [index.top_actors(f, role, top) for role in ("visitor", "host")]
        countries = index.country_facet(f) if "country" in facets else []
        persons = index.person_facet(f, top) if "person" in facets else []
        if f.canonical:   # how many article events report the real-world events counted
            reports = [{"n": index.reports(f)}]
    else:
        queries = [Q.per_month_query(f), Q.per_status_query(f)]
        if visits:
            queries += [Q.visit_pairs_query(f, None)] + [Q.top_actors_query(f, role, top)
                                                         for role in ("visitor", "host")]
        if "country" in facets:
            queries.append(Q.country_facet_query(f))
        if "person" in facets:
            queries.append(Q.person_facet_query(f, top))
        if f.canonical:   # how many article events report the real-world events counted
            queries.append(Q.reports_query(f))
        answers = _select_all(queries)
        reports = answers.pop() if f.canonical else None
        persons = answers.pop() if "person" in facets else []
        countries = answers.pop() if "country" in facets else []
    per_month = [{"month": r["month"], "type": Q.local_name(r["type"]), "count": int(r["n"])}
                 for r in answers[0]]
    types = {t: 0 for t in (f.types or Q.EVENT_TYPES)}
    statuses: dict[str, dict[str, int]] = {}
    for r in answers[1]:
        t = Q.local_name(r["type"])
        types[t] = types.get(t, 0) + int(r["n"])
        st = Q.local_name(r["st"]) if r.get("st") else "unknown"
        statuses.setdefault(t, {})[st] = int(r["n"])
    pairs, visitors, hosts = [], [], []
    if visits:
        pairs = [{"from": r["from"], "fromLabel": names.get(r["from"], r["from"]), "to": r["to"],
                  "toLabel": names.get(r["to"], r["to"]), "count": int(r["n"])}
                 for r in answers[2]]
        visitors, hosts = ([_top_row(r) for r in rows] for rows in answers[3:5])
    body = {"total": sum(types.values()), "types": types, "statuses": statuses,
            "perMonth": per_month, "visitPairs": pairs if pairs_n is None else pairs[:pairs_n],
            "visitPairsTotal": len(pairs), "topVisitors": visitors, "topHosts": hosts}
    if f.canonical:
        body["reports"] = int(reports[0]["n"]) if reports and reports[0].get("n") is not None else 0
    if facets:
        body["facets"] = _facet_body(facets, types, statuses, per_month, countries, persons, names)
    return jsonify(body)


def _facet_body(facets, types, statuses, per_month, countries, persons, names) -> dict:
    """Datasette-style facets: for each, its values in the current view with their event counts,
    most first; each value is what the filter of the same name takes (``person`` an IRI)."""
    out: dict[str, list[dict]] = {}
    def order(rows):
        return sorted(rows, key=lambda r: (-r["count"], r["value"]))
    if "type" in facets:
        out["type"] = order([{"value": t, "count": n} for t, n in types.items() if n])
    if "status" in facets:
        by: dict[str, int] = {}
        for per in statuses.values():
            for st, n in per.items():
                if st != "unknown":
                    by[st] = by.get(st, 0) + n
        out["status"] = order([{"value": st, "count": n} for st, n in by.items()])
    if "year" in facets:
        years: dict[str, int] = {}
        for r in per_month:
            years[r["month"][:4]] = years.get(r["month"][:4], 0) + r["count"]
        out["year"] = sorted(({"value": y, "count": n} for y, n in years.items()), key=lambda r: r["value"])
    if "country" in facets:
        out["country"] = [{"value": r["code"], "label": names.get(r["code"], r["code"]), "count": int(r["n"])}
                          for r in countries]
    if "person" in facets:
        out["person"] = [{"value": r["x"], "label": r.get("label"), "count": int(r["n"]),
                          **({"path": f"/api/actors/{p[0]}/{p[1]}"} if (p := Q.actor_path(r["x"])) else {})}
                         for r in persons]
    return out


def _top_row(r: dict) -> dict:
    out = {"iri": r["x"], "label": r.get("label"), "kind": Q.local_name(r["kind"]) if r.get("kind") else None,
           "count": int(r["n"])}
    p = Q.actor_path(r["x"])
    if p:
        out["path"] = f"/api/actors/{p[0]}/{p[1]}"
    return out


# --- description ------------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi():
    resp = Response(OPENAPI_PATH.read_bytes(), mimetype="application/json")
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


def openapi_spec() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
