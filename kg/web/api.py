"""The dashboard's JSON API: events, actors and statistics over the knowledge graph.

Endpoints (described in kg/web/static/openapi.json, served at /openapi.json):

- ``GET /api/events``: filtered events, keyset-paginated by (date, IRI); ``?format=csv|parquet``
  gives the page as the research table of ``kg export --table events`` (kg/web/api_tables.py)
- ``GET /api/events/<id>``: one event with evidence, offsets, article and actors
- ``GET /api/actors`` and ``GET /api/actors/<kind>/<id>``: actors, and the events of one
- ``GET /api/stats``: events per type per month, visit country pairs, top visitors and hosts

Every parameter is validated here (regexes, enumerations, integer ranges) and
turned into an RDF term by pyoxigraph in kg/web/api_queries.py; a bad value is
a 400 with a JSON message naming the parameter. Responses carry an ETag made
from the store's version and the request, so dashboards polling an unchanged
store get 304s, and identical requests are answered from a small cache (sized by KG_CACHE_BYTES).

On the embedded store, event pages, counts and statistics come from the derived event index
(kg/store/event_index.py) whenever it reflects the store's current version; otherwise, and on a
remote engine, from SPARQL. Both give the same answers (tests/test_event_index.py); event details
are always read from the RDF store.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from ..rdf import BASE, country_names
from . import api_queries as Q
from . import api_tables
from .cache import ResponseCache
from .errors import ApiError, error_response

bp = Blueprint("api", __name__)

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_TOP = 100
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


def _int(name: str, default: int, lo: int, hi: int) -> int:
    v = request.args.get(name)
    if v is None or v == "":
        return default
    if not re.fullmatch(r"\d{1,9}", v.strip()):
        raise ApiError(400, f"{name!r} must be an integer from {lo} to {hi}", name)
    n = int(v)
    if not lo <= n <= hi:
        raise ApiError(400, f"{name!r} must be an integer from {lo} to {hi}", name)
    return n


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
    """The event index for articles' events; canonical events are answered by SPARQL (graph/events)."""
    return None if f.canonical else _index()


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


def _next_url(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = [(k, v) for k in request.args if k != "cursor" for v in request.args.getlist(k)]
    return request.path + "?" + urlencode(args + [("cursor", cursor)])


# --- events -----------------------------------------------------------------------------------

def _events_page(f: Q.EventFilter, limit: int) -> tuple[list[dict], str | None]:
    after = _cursor(2)
    index = _index_for(f)
    rows = index.page if index is not None else None
    events, nxt = Q.events_page(_select, f, tuple(after) if after else None, limit, rows_from=rows)
    return events, (Q.encode_cursor(*nxt) if nxt else None)


@bp.get("/api/events")
@cached
def events():
    _allowed(*EVENT_FILTERS, "limit", "cursor", "format", "total")
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in ("json", *api_tables.FORMATS):
        raise ApiError(400, "'format' must be json, csv or parquet", "format")
    total_flag = (request.args.get("total") or "false").lower()
    if total_flag not in ("true", "false", "1", "0"):
        raise ApiError(400, "'total' must be true or false", "total")
    f = event_filter()
    limit = _int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    evs, nxt = _events_page(f, limit)
    if fmt != "json":   # the research table of kg export --table events, for this page
        return api_tables.table_response(_select, evs, nxt, _next_url(nxt), fmt)
    if f.canonical:
        cs = [ev["iri"] for ev in evs]
        Q.add_sources(evs, _select(Q.sources_query(cs)) if cs else [])
    body = {"events": evs, "limit": limit, "next": nxt, "links": {"next": _next_url(nxt)}}
    if total_flag in ("true", "1"):
        index = _index_for(f)
        if index is not None:
            body["total"] = index.count(f)
        else:
            rows = _select(Q.event_count_query(f))
            body["total"] = int(rows[0]["n"]) if rows else 0
    return jsonify(body)


@bp.get("/api/events/<path:event_id>")
@cached
def event(event_id: str):
    _allowed()
    if not _ID.match(event_id):
        raise ApiError(404, f"no event with id {event_id!r}")
    iri = Q.EVENT_BASE + event_id
    if not _select(Q.event_exists_query(iri)):
        raise ApiError(404, f"no event with id {event_id!r}; ids are what follows /event/ in an event IRI")
    ev = Q.assemble_events([iri], _select(Q.event_details_query([iri])))[0]
    c = (ev.get("canonical") or {}).get("iri")
    Q.add_sources([ev], _select(Q.sources_query([c])) if c else [])
    return jsonify(ev)


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

@bp.get("/api/stats")
@cached
def stats():
    _allowed(*EVENT_FILTERS, "top")
    f = event_filter()
    top = _int("top", 10, 1, MAX_TOP)
    names = country_names()
    visits = not f.types or "Visit" in f.types
    queries = [Q.per_month_query(f), Q.per_status_query(f)]
    if visits:
        queries += [Q.visit_pairs_query(f, top)] + [Q.top_actors_query(f, role, top) for role in ("visitor", "host")]
    index = _index_for(f)
    if index is not None:
        answers = [index.per_month(f), index.per_status(f)]
        if visits:
            answers += [index.visit_pairs(f, top)] + [index.top_actors(f, role, top) for role in ("visitor", "host")]
    else:
        answers = _select_all(queries)
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
    return jsonify({"total": sum(types.values()), "types": types, "statuses": statuses,
                    "perMonth": per_month, "visitPairs": pairs, "topVisitors": visitors, "topHosts": hosts})


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
