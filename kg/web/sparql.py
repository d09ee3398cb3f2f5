"""The SPARQL 1.1 Protocol endpoint: /sparql (query by GET, form POST and direct POST; update by POST)."""
from __future__ import annotations

import time

import pyoxigraph as ox
from flask import Blueprint, Response, request

from ..rdf import PREFIXES
from .app import service
from .errors import ApiError
from .executor import NotAcceptable
from .results import mark_truncated
from .formats import GRAPH_ACCEPT, GRAPH_TYPES, RESULT_ACCEPT, RESULT_TYPES, best_match, format_alias
from .sparqlscan import ScanError, inject_using, scan

bp = Blueprint("sparql", __name__)

# when ?format= names one family, which format serves the other
_PAIRED = {"json": "jsonld", "xml": "rdfxml", "csv": "ntriples", "tsv": "ntriples",
           "turtle": "json", "ntriples": "json", "jsonld": "json", "rdfxml": "xml"}


def _accept(table) -> str | None:
    return best_match(request.accept_mimetypes, table)


def negotiate() -> tuple[str | None, str | None]:
    """(results format for SELECT/ASK, RDF format for CONSTRUCT/DESCRIBE); None = not acceptable.

    A ``?format=`` (or ``?output=``) value we know overrides Accept; one we do not know is ignored, so a
    client's own value (SPARQLWrapper sends ``rdf+xml`` and ``n3``, others ``html`` or ``auto``) never
    turns a query that Accept could answer into a 400.
    """
    fmts = request.values.getlist("format") or request.values.getlist("output")
    name = next((n for n in map(format_alias, fmts) if n is not None), None)
    if name is not None:
        if name in RESULT_TYPES:
            return name, _PAIRED[name]
        return _PAIRED[name], name
    result_fmt, graph_fmt = _accept(RESULT_ACCEPT), _accept(GRAPH_ACCEPT)
    # Clients often send one family's types whatever the query form (rdflib's SPARQLStore asks
    # for JSON results for a CONSTRUCT): answer the other family in its default format rather
    # than 406. Only an Accept that matches neither family is refused.
    if result_fmt is None and graph_fmt is not None:
        result_fmt = "json"
    elif graph_fmt is None and result_fmt is not None:
        graph_fmt = "turtle"
    return result_fmt, graph_fmt


def _text_body() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"the body must be UTF-8 (got charset={charset}); re-encode it as UTF-8")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ApiError(400, f"the body is not valid UTF-8 (byte {e.start}); re-encode it as UTF-8") from None


def _one(values: list[str], name: str) -> str:
    if len(values) > 1:
        raise ApiError(400, f"{len(values)} '{name}' parameters given; send exactly one")
    return values[0]


def _graph_params(*names: str) -> list[list[str]]:
    out = []
    for n in names:
        vals = request.args.getlist(n)
        if request.mimetype == "application/x-www-form-urlencoded":
            vals = vals + request.form.getlist(n)
        for v in vals:
            try:
                if not v.strip() or any(c in v for c in '<>" {}|\\^`'):
                    raise ValueError(v)
                ox.NamedNode(v)
            except ValueError:
                raise ApiError(400, f"{n}={v!r} is not an absolute IRI") from None
        out.append(vals)
    return out


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    ctype = request.mimetype
    if request.method == "GET":
        if request.args.getlist("update"):
            raise ApiError(400, "SPARQL Update must be sent with POST (a form field 'update' or an "
                                "application/sparql-update body), never with GET")
        queries = request.args.getlist("query")
        if not queries:
            return service_description()
        return run_query(_one(queries, "query"))
    # POST
    if ctype == "application/x-www-form-urlencoded":
        charset = (request.mimetype_params.get("charset") or "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ApiError(415, f"form bodies must be UTF-8 (got charset={charset})")
        queries = request.form.getlist("query")
        updates = request.form.getlist("update")
        if queries and updates:
            raise ApiError(400, "send either 'query' or 'update', not both")
        if queries:
            return run_query(_one(queries, "query"))
        if updates:
            return run_update(_one(updates, "update"))
        raise ApiError(400, "the form has neither a 'query' nor an 'update' field")
    if ctype == "application/sparql-query":
        if request.args.getlist("query"):
            raise ApiError(400, "a direct POST carries the query in its body; do not also send ?query=")
        return run_query(_text_body())
    if ctype == "application/sparql-update":
        return run_update(_text_body())
    raise ApiError(415, f"POST /sparql needs Content-Type application/sparql-query, application/sparql-update "
                        f"or application/x-www-form-urlencoded (got {ctype or 'none'})")


MAX_DEPTH = 256   # pyoxigraph's parser recurses: ~5,000 nested groups overflow its stack (segfault)


def _refuse(s, what: str) -> None:
    svc = service()
    if s.depth > MAX_DEPTH:
        svc.metrics.inc("rejected_queries")
        raise ApiError(400, f"the {what} nests brackets {s.depth} levels deep; the limit is {MAX_DEPTH}. "
                            "Flatten the groups or expressions.")
    if s.service:
        svc.metrics.inc("rejected_queries")
        raise ApiError(400, "SERVICE (federated query) is disabled on this endpoint: it never contacts other "
                            "servers. Query the remote endpoint yourself, or load its data into a graph of your "
                            "own with PUT /graph?graph=IRI and query that.")
    if s.load:
        svc.metrics.inc("rejected_queries")
        raise ApiError(400, "LOAD is disabled: this service never fetches remote data. Download the file and "
                            "send it with PUT /graph?graph=IRI (Graph Store Protocol) instead.")


def _run(job: dict):
    """Run a job in the service's executor; a failure is answered by errors.QUERY_STATUS (via Service.run)."""
    return service().run(job)


def run_query(query: str) -> Response:
    svc = service()
    t0 = time.monotonic()
    default_graphs, named_graphs = _graph_params("default-graph-uri", "named-graph-uri")
    result_fmt, graph_fmt = negotiate()
    if result_fmt is None and graph_fmt is None:
        raise ApiError(406, f"cannot answer in any of {request.headers.get('Accept')!r}; results come as "
                            f"{', '.join(RESULT_TYPES.values())} and graphs as {', '.join(GRAPH_TYPES.values())}")
    base = request.base_url
    s = scan(query, PREFIXES, base)
    _refuse(s, "query")
    if s.form in ("SELECT", "ASK") and result_fmt is None or s.form in ("CONSTRUCT", "DESCRIBE") and graph_fmt is None:
        raise ApiError(406, f"cannot answer a {s.form} query in {request.headers.get('Accept')!r}; use "
                            + (", ".join(RESULT_TYPES.values()) if s.form in ("SELECT", "ASK")
                               else ", ".join(GRAPH_TYPES.values())))
    protocol_dataset = bool(default_graphs or named_graphs)
    key = (query, result_fmt, graph_fmt, tuple(default_graphs), tuple(named_graphs), base, svc.version())
    cached = svc.cache.lookup(key) if key[-1] is not None else None
    if cached is not None:
        svc.metrics.inc("cache_hits")
        resp = _response(*cached, cache="hit")
        svc.metrics.query_latency(time.monotonic() - t0)
        return resp
    job = {"op": "query", "sparql": query, "result_format": result_fmt, "graph_format": graph_fmt,
           "default_graphs": default_graphs, "named_graphs": named_graphs, "base_iri": base,
           "max_rows": int(svc.settings.max_rows),
           "own_dataset": bool(s.from_graphs or s.from_named),
           "from_graphs": [] if protocol_dataset else s.from_graphs,
           "from_named": [] if protocol_dataset else s.from_named}
    try:
        res = _run(job)
    except NotAcceptable as e:
        raise ApiError(406, f"cannot answer this {e.kind.upper() if e.kind != 'graph' else 'CONSTRUCT/DESCRIBE'} "
                            f"query in {request.headers.get('Accept')!r}") from None
    finally:
        svc.metrics.query_latency(time.monotonic() - t0)
    svc.metrics.inc("cache_misses")
    if res.truncated:
        svc.metrics.inc("truncated_results")
    entry = (res.body, res.kind, res.fmt, res.truncated)
    if key[-1] is not None:
        svc.cache.put(key, entry, len(res.body) + len(query) + 200)
    return _response(*entry, cache="miss")


def _response(body: bytes, kind: str, fmt: str, truncated: bool, cache: str) -> Response:
    media = RESULT_TYPES[fmt] if kind in ("select", "ask") else GRAPH_TYPES[fmt]
    resp = Response(body, status=200, content_type=f"{media}; charset=utf-8")
    resp.headers["Vary"] = "Accept"
    resp.headers["X-Cache"] = cache
    if truncated:
        cap = service().settings.max_rows
        resp.set_data(mark_truncated(body, kind, fmt, f"{request.base_url}#result-truncated-at-{cap}-rows", cap))
        resp.headers["X-Result-Truncated"] = "true"
        resp.headers["X-Result-Row-Cap"] = str(cap)
    return resp


def run_update(update: str) -> Response:
    svc = service()
    svc.require_writer()
    using, using_named = _graph_params("using-graph-uri", "using-named-graph-uri")
    s = scan(update, PREFIXES, request.base_url)
    _refuse(s, "update")
    try:
        update = inject_using(update, using, using_named)
    except ScanError as e:
        raise ApiError(400, str(e)) from None
    # USING graphs must exist, as FROM graphs must (executor._check_from), unless the update itself
    # writes to them first (INSERT DATA { GRAPH <g> ... } ; ... USING <g> WHERE ...)
    read = [g for g in dict.fromkeys(s.using + using + using_named) if g not in s.written]
    _run({"op": "update", "sparql": update, "base_iri": request.base_url, "using": read})
    return Response(status=204)     # no Content-Type: app._finish drops Flask's default


# --- service description ----------------------------------------------------------------------

_SD_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


def service_description() -> Response:
    svc = service()
    endpoint = request.base_url
    root = request.host_url.rstrip("/")
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint}> a sd:Service ;
  rdfs:label "dipkg SPARQL endpoint" ;
  dcterms:description "Diplomatic events from news articles. The default graph is the union of all graphs; each article is a named graph. SERVICE, LOAD and FROM of graphs this store does not hold are refused. Queries stop after {svc.timeout:g} s; results are capped at {svc.settings.max_rows:,} rows (header X-Result-Truncated; SPARQL JSON head.link and XML link say it too). Writes need the token, as a Bearer token or as the HTTP Basic password{'' if svc.settings.token else ' (none is configured: read-only)'}." ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query{', sd:SPARQL11Update' if svc.settings.token else ''} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {', '.join('formats:' + f for f in _SD_FORMATS)} ;
  sd:defaultDataset [
    a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ; rdfs:comment "the union of all named graphs" ] ;
    void:sparqlEndpoint <{endpoint}> ;
    void:uriSpace "https://w3id.org/dipkg/resource/"
  ] .
<{root}/graph> a sd:Service ; rdfs:label "Graph Store Protocol endpoint" .
"""
    asked = format_alias(request.values.get("format", ""))
    fmt = asked if asked in GRAPH_TYPES else _accept(GRAPH_ACCEPT)
    if fmt not in GRAPH_TYPES or fmt in ("nquads", "trig"):
        if request.headers.get("Accept") and fmt is None:
            raise ApiError(406, "the service description is available as "
                                + ", ".join(v for k, v in GRAPH_TYPES.items() if k not in ("nquads", "trig")))
        fmt = "turtle"
    body = ttl.encode("utf-8")
    if fmt != "turtle":
        import pyoxigraph as ox

        from .results import _OX_RDF
        triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
        body = ox.serialize(triples, format=_OX_RDF[fmt])
    return Response(body, content_type=f"{GRAPH_TYPES[fmt]}; charset=utf-8", headers={"Vary": "Accept"})
