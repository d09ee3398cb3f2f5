"""Export the store, or a few articles with the actor nodes they use, in any RDF format."""
from __future__ import annotations

import io
from typing import BinaryIO

import pyoxigraph as ox

from .rdf import ACTORS_GRAPH, PREFIXES, article_iri
from .store import Store
from .store.base import DATASET_FORMATS, OX_RDF_FORMATS



def export_store(store: Store, out: BinaryIO, fmt: str, *, articles: list[str] | None = None) -> None:
    """Write the whole store, or only ``articles`` (ids) with their actors, to ``out``.

    Dataset formats (TriG, N-Quads, JSON-LD) keep the named graphs; graph formats
    (Turtle, N-Triples, RDF/XML) merge them. Raises LookupError for an unknown id.
    """
    if not articles:
        store.export(out, fmt)
        return
    quads: dict[ox.Quad, None] = {}
    for ident in articles:
        iri = str(article_iri(ident))
        if not store.has_graph(iri):
            raise LookupError(f"no article with id {ident!r}")
        own = io.BytesIO()
        store.export(own, "ntriples", graphs=[iri])
        own_triples = set(ox.parse(own.getvalue(), format=ox.RdfFormat.N_TRIPLES))
        full = store.article_graph(iri).serialize(format="nt", encoding="utf-8")
        for t in ox.parse(full, format=ox.RdfFormat.N_TRIPLES):
            g = ox.NamedNode(iri) if t in own_triples else ox.NamedNode(str(ACTORS_GRAPH))
            quads[ox.Quad(t.subject, t.predicate, t.object, g)] = None
    prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
    if fmt in DATASET_FORMATS:
        ox.serialize(quads, out, format=OX_RDF_FORMATS[fmt], prefixes=prefixes)
    else:
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        ox.serialize(triples, out, format=OX_RDF_FORMATS[fmt], prefixes=prefixes)
