"""rdflib terms -> N-Triples text, the form every backend accepts.

Graphs are built with rdflib (pyshacl validates rdflib graphs); stores are fed
SPARQL Update text. pyoxigraph's term objects print themselves in canonical
N-Triples syntax, which is also valid SPARQL, so they do the escaping: no
store ever receives a string pasted together by hand.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef


def to_ox(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def triple_lines(triples: Iterable[tuple]) -> str:
    """' .'-terminated N-Triples lines for rdflib triples (usable inside INSERT DATA)."""
    return "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)


def iri(value: str) -> str:
    """An IRI in SPARQL syntax, checked and escaped by pyoxigraph (raises ValueError)."""
    return str(ox.NamedNode(value))


def chunks(items: list, n: int) -> Iterable[list]:
    """``items`` in consecutive parts of at most ``n``: VALUES blocks and SQL ``IN (...)`` lists stay small
    enough for every engine (and under SQLite's bound-parameter limit)."""
    for i in range(0, len(items), n):
        yield items[i:i + n]
