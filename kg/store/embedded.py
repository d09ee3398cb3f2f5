"""The embedded backend: a pyoxigraph (RocksDB) store in a local directory.

pyoxigraph runs each SPARQL Update as one transaction, which gives per-article
atomic replace for free. RocksDB allows one read-write process per directory;
opening a store that another process holds gives a StoreError that says so.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..rdf import ACTORS_GRAPH
from .base import RDF_FORMATS, RESULT_FORMATS, QueryResult, Store, StoreError

_OX_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_OX_RDF = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
           "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
           "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
_PREFIXES = {"dip": "https://w3id.org/dipkg/ontology#", "prov": "http://www.w3.org/ns/prov#",
             "dcterms": "http://purl.org/dc/terms/", "schema": "https://schema.org/",
             "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#",
             "skos": "http://www.w3.org/2004/02/skos/core#"}


def _open(path: str, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(path)
        Path(path).mkdir(parents=True, exist_ok=True)
        return ox.Store(path)
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(f"the store {path!r} is open in another process (is 'kg serve' running?); "
                             "stop that process, or send the work to the running service over HTTP") from e
        raise StoreError(f"cannot open the store {path!r}: {e}") from e


class EmbeddedStore(Store):
    def __init__(self, path: str, *, read_only: bool = False, in_memory: bool = False):
        self.location = path
        self.read_only = read_only
        self._store = ox.Store() if in_memory else _open(path, read_only)

    @property
    def ox(self) -> ox.Store:
        """The underlying pyoxigraph store (for bulk operations and benchmarks)."""
        return self._store

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")
        try:
            self._store.update(sparql)
        except SyntaxError as e:
            raise StoreError(f"invalid SPARQL Update: {e}") from e

    def query(self, sparql, *, result_format="json", graph_format="turtle",
              default_graphs=None, named_graphs=None) -> QueryResult:
        kwargs = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.DefaultGraph() if g == "default" else ox.NamedNode(g)
                                       for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        res = self._store.query(sparql, **kwargs)
        if isinstance(res, ox.QueryBoolean):
            return QueryResult("ask", res.serialize(format=_OX_RESULTS[result_format]),
                               RESULT_FORMATS[result_format])
        if isinstance(res, ox.QuerySolutions):
            return QueryResult("select", res.serialize(format=_OX_RESULTS[result_format]),
                               RESULT_FORMATS[result_format])
        fmt = graph_format if graph_format in _OX_RDF and graph_format not in ("nquads", "trig") else "ntriples"
        body = res.serialize(format=_OX_RDF[fmt]) if hasattr(res, "serialize") else \
            ox.serialize(res, format=_OX_RDF[fmt], prefixes=_PREFIXES if fmt in ("turtle", "rdfxml") else None)
        return QueryResult("graph", body or b"", RDF_FORMATS[fmt])

    def has_graph(self, graph_iri: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph_iri))

    def export(self, out: BinaryIO, fmt: str, graphs: list[str] | None = None) -> None:
        if fmt not in _OX_RDF:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(_OX_RDF)}")
        if graphs is None:
            quads = self._store.quads_for_pattern(None, None, None, None)
        else:
            quads = (q for g in graphs for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        if fmt in ("nquads", "trig", "jsonld"):
            ox.serialize(quads, out, format=_OX_RDF[fmt], prefixes=_PREFIXES if fmt == "trig" else None)
        else:
            seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(seen, out, format=_OX_RDF[fmt],
                         prefixes=_PREFIXES if fmt in ("turtle", "rdfxml") else None)

    def optimize(self) -> None:
        self._store.optimize()

    def close(self) -> None:
        if not self.read_only:
            self._store.flush()
        del self._store
        self._store = None


__all__ = ["EmbeddedStore", "ACTORS_GRAPH"]
