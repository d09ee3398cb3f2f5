"""SPARQL 1.1 Graph Store HTTP Protocol at /graph.

Reads are open: ``GET/HEAD /graph?default``, ``/graph?graph=IRI``, ``/graph/<path>`` (direct
identification: the graph IRI is the request URL) and ``GET /graph`` for the whole dataset
(TriG or N-Quads by Accept). Writes (PUT replaces, POST adds, DELETE drops; POST /graph
creates a new graph and answers its IRI in Location) need the bearer token, run as one
SPARQL Update each (atomic) and are NOT validated against the SHACL shapes: they are the
researchers' own graphs. Article ingest (/articles) always validates.

Reads go through the Store interface (``graph_triples``, ``has_graph``, ``quads``): on a remote engine a
graph is read from its Graph Store endpoint (``--graph-store-url``, or the one derived from --store), and
the default graph alone, which an engine does not address apart from the union, answers 501.
"""
from __future__ import annotations

import tempfile
import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, request, stream_with_context

from ..rdf import PREFIXES
from .app import service
from .errors import ApiError
from .formats import DATASET_ACCEPT, GRAPH_ACCEPT, GRAPH_TYPES, INPUT_TYPES, best_match
from .results import _OX_RDF
from .sparql import _run

bp = Blueprint("graph_store", __name__)

EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml",
              ".jsonld": "jsonld", ".json": "jsonld", ".trig": "trig", ".nq": "nquads"}


def _negotiate(table):
    best = best_match(request.accept_mimetypes, table)
    if best is None:
        raise ApiError(406, f"cannot answer in {request.headers.get('Accept')!r}; available: "
                            + ", ".join(m for m, _ in table))
    return best


def _target(path: str | None):
    """(graph term or DefaultGraph, iri string or None); None for the whole dataset."""
    if path is not None:
        return ox.NamedNode(request.base_url), request.base_url
    has_default = "default" in request.args
    graphs = request.args.getlist("graph")
    if has_default and graphs:
        raise ApiError(400, "give either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise ApiError(400, "give one ?graph=IRI")
    if has_default:
        return ox.DefaultGraph(), None
    if graphs:
        iri = graphs[0].strip()
        try:
            if not iri or any(c in iri for c in '<>" {}|\\^`') or ":" not in iri:
                raise ValueError(iri)
            return ox.NamedNode(iri), iri
        except ValueError:
            raise ApiError(400, f"graph={graphs[0]!r} is not an absolute IRI") from None
    return None, None


def _store():
    return service().store


def _triples(iri):
    """The triples of graph ``iri`` (None: the default graph), through the Store interface."""
    from ..store import StoreError
    try:
        return _store().graph_triples(iri)
    except StoreError as e:
        raise ApiError(501, f"{e}; this store's engine serves its own Graph Store endpoint") from None


@bp.route("/graph", methods=["GET", "PUT", "POST", "DELETE"], defaults={"path": None})
@bp.route("/graph/<path:path>", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store(path):
    graph, iri = _target(path)
    if request.method in ("GET", "HEAD"):   # Flask runs GET for HEAD and drops the body
        return _get(graph, iri)
    service().require_writer()
    if request.method == "POST" and graph is None:
        new_iri = f"{request.host_url.rstrip('/')}/graph/{uuid.uuid4().hex}"
        _write(ox.NamedNode(new_iri), new_iri, replace=False)
        return Response(status=201, headers={"Location": new_iri})
    if graph is None:
        raise ApiError(400, f"{request.method} /graph needs ?default or ?graph=IRI; to drop everything use the "
                            "SPARQL Update 'DROP ALL' on /sparql")
    if request.method == "DELETE":
        existed = _exists(graph)
        if not existed:
            raise ApiError(404, f"no graph <{iri}> in the store" if iri else "the default graph is empty")
        target = f"GRAPH <{iri}>" if iri else "DEFAULT"
        _update(f"DROP SILENT {target}")
        return Response(status=204)
    existed = _exists(graph)
    _write(graph, iri, replace=request.method == "PUT")
    return Response(status=204 if existed else 201)


def _exists(graph) -> bool:
    if isinstance(graph, ox.DefaultGraph):
        return bool(_triples(None))
    return _store().has_graph(graph.value)


def _get(graph, iri):
    if graph is None:
        fmt = _negotiate(DATASET_ACCEPT)
        return _stream_dataset(fmt)
    fmt = _negotiate(GRAPH_ACCEPT)
    if iri is not None and not _store().has_graph(iri):
        raise ApiError(404, f"no graph <{iri}> in the store; GET /graph lists everything as TriG")
    triples = _triples(iri)
    body = ox.serialize(triples, format=_OX_RDF[fmt],
                        prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None) or b""
    if fmt == "jsonld" and not triples:
        body = b"[]"
    return Response(body, content_type=f"{GRAPH_TYPES[fmt]}; charset=utf-8", headers={"Vary": "Accept"})


def _stream_dataset(fmt):
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    ox.serialize(_store().quads(), spool, format=_OX_RDF[fmt], prefixes=PREFIXES if fmt == "trig" else None)
    spool.seek(0)

    def chunks():
        try:
            while True:
                b = spool.read(1 << 16)
                if not b:
                    break
                yield b
        finally:
            spool.close()
    return Response(stream_with_context(chunks()), content_type=f"{GRAPH_TYPES[fmt]}; charset=utf-8",
                    headers={"Vary": "Accept"})


def _parse_body(graph_iri: str | None) -> list:
    """The request's triples: a plain RDF body, or the files of a multipart/form-data body."""
    parts = []
    if request.mimetype == "multipart/form-data":
        for f in request.files.values():
            name = (f.filename or "").lower()
            fmt = INPUT_TYPES.get((f.mimetype or "").lower()) or \
                next((v for k, v in EXTENSIONS.items() if name.endswith(k)), None)
            if fmt is None:
                raise ApiError(415, f"cannot tell the RDF format of the uploaded file {f.filename!r}; give it a "
                                    "Content-Type such as text/turtle or an extension such as .ttl")
            parts.append((f.read(), fmt, f.filename))
        if not parts:
            raise ApiError(400, "the multipart body holds no file")
    else:
        fmt = INPUT_TYPES.get(request.mimetype)
        if fmt is None:
            raise ApiError(415, f"cannot read an RDF body of type {request.mimetype or 'none'!r}; send "
                                "text/turtle, application/n-triples, application/rdf+xml or application/ld+json")
        parts.append((request.get_data(cache=False), fmt, None))
    triples = []
    for data, fmt, name in parts:
        if fmt in ("trig", "nquads"):
            raise ApiError(415, "a graph is sent as triples (Turtle, N-Triples, RDF/XML, JSON-LD), not as a dataset")
        try:
            for t in ox.parse(data, format=_OX_RDF[fmt], base_iri=graph_iri or request.base_url):
                triples.append(t)
        except SyntaxError as e:
            raise ApiError(400, f"the {fmt} body{' ' + repr(name) if name else ''} does not parse: {e}") from None
        except (ValueError, OSError) as e:
            raise ApiError(400, f"the body could not be read as {fmt}: {e}") from None
    return triples


def _write(graph, iri: str | None, *, replace: bool) -> None:
    triples = _parse_body(iri)
    lines = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
    target = f"GRAPH <{iri}>" if iri else "DEFAULT"
    ops = []
    if replace:
        ops.append(f"DROP SILENT {target}")
    if iri:
        ops.append(f"CREATE SILENT GRAPH <{iri}>")
    if triples:
        body = f"{lines} ." if lines else ""
        ops.append(f"INSERT DATA {{ GRAPH <{iri}> {{ {body} }} }}" if iri else f"INSERT DATA {{ {body} }}")
    if ops:
        _update(" ;\n".join(ops))


def _update(sparql: str) -> None:
    _run({"op": "update", "sparql": sparql, "base_iri": None})
