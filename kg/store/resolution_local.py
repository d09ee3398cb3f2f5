"""The reads of kg/store/resolution.py done with quad patterns on a local pyoxigraph handle.

Why: a write re-resolves every mention of the resolution keys it touches, so on a store where one key
has many reports the SELECTs of resolution.py return tens of thousands of rows per write, which
pyoxigraph serialises to JSON and Python parses back (220 us a mention, measured on bench/bench_import.py:
59% of the import time at 1,000 articles, growing with the store). Walking the same quads with
``quads_for_pattern`` reads the same terms without the round trip. Each function here answers exactly
what the SPARQL text next to it in resolution.py asks (same graphs, same joins, STR() of the objects), so
the two paths give the same mentions; tests/test_resolve.py runs both.

``pattern`` is the store's ``quads_for_pattern(s, p, o, g)`` (EmbeddedStore.pattern_quads), read under
the write lock like the SELECTs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from ..resolve import EVENTS_GRAPH

_DIP = "https://w3id.org/dipkg/ontology#"
_E = ox.NamedNode(str(EVENTS_GRAPH))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ARTICLE = ox.NamedNode(f"{_DIP}Article")
_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_SAME = ox.NamedNode(f"{_DIP}sameEventAs")
_KEY = ox.NamedNode(f"{_DIP}resolutionKey")
_TARGET_VALUE = ox.NamedNode(f"{_DIP}targetValue")
_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")
_AMOUNT_PARTS = {ox.NamedNode("https://schema.org/value"): "amount",
                 ox.NamedNode("https://schema.org/currency"): "currency"}

Pattern = Callable[..., Iterable[ox.Quad]]


def _str(term) -> str | None:
    """SPARQL STR(): the lexical form of a literal, the text of an IRI; None for a blank node (unbound)."""
    return None if isinstance(term, ox.BlankNode) else term.value


def keys_of_articles(pattern: Pattern, articles: Iterable[str]) -> set[str]:
    """SELECT DISTINCT ?k WHERE { VALUES ?a {..} GRAPH ?a { ?m prov:wasDerivedFrom ?a }
    GRAPH events { ?m dip:sameEventAs ?c . ?c dip:resolutionKey ?k } }"""
    keys = set()
    for a in articles:
        node = ox.NamedNode(a)
        for q in pattern(None, _DERIVED, node, node):
            for same in pattern(q.subject, _SAME, None, _E):
                keys.update(_str(k.object) for k in pattern(same.object, _KEY, None, _E))
    keys.discard(None)
    return keys


def members_of_keys(pattern: Pattern, keys: Iterable[str]) -> dict[str, set[str]]:
    """{canonical event: its members} for SELECT ?c ?m WHERE { VALUES ?k {..} GRAPH events {
    ?c dip:resolutionKey ?k OPTIONAL { ?m dip:sameEventAs ?c } } }"""
    was: dict[str, set[str]] = {}
    for k in keys:
        for q in pattern(None, _KEY, ox.Literal(k), _E):
            members = was.setdefault(_str(q.subject), set())
            members.update(_str(m.subject) for m in pattern(None, _SAME, q.subject, _E))
            members.discard(None)
    was.pop(None, None)
    return was


def mention_rows(pattern: Pattern, mention_iris: Iterable[str]) -> tuple[list[tuple], dict[str, str]]:
    """(rows, issued) as resolution.stored_mentions reads them with _mention_query / _issued_query:
    each (mention, article, predicate or "amount"/"currency", STR(object)) of a mention in the graph of an
    article it is prov:wasDerivedFrom, and each such article's STR(dcterms:issued)."""
    rows: list[tuple] = []
    issued: dict[str, str] = {}
    is_article: dict = {}
    for m in mention_iris:
        node = ox.NamedNode(m)
        quads = list(pattern(node, None, None, None))
        graphs = {q.graph_name for q in quads if q.predicate == _DERIVED and q.object == q.graph_name}
        for g in graphs:
            if g not in is_article:
                is_article[g] = any(True for _ in pattern(g, _TYPE, _ARTICLE, g))
            if not is_article[g]:
                continue
            for q in quads:
                if q.graph_name != g:
                    continue
                o = _str(q.object)
                if o is not None:
                    rows.append((m, g.value, q.predicate.value, o))
                if q.predicate == _TARGET_VALUE:
                    for part in pattern(q.object, None, None, g):
                        name = _AMOUNT_PARTS.get(part.predicate)
                        v = _str(part.object)
                        if name and v is not None:
                            rows.append((m, g.value, name, v))
    for g, ok in is_article.items():
        if ok:
            for q in pattern(g, _ISSUED, None, g):
                v = _str(q.object)
                if v is not None:
                    issued[g.value] = v
    return rows, issued


def canonical_quads(pattern: Pattern, canonical: Iterable[str]) -> set[tuple]:
    """The triples (ox terms) resolution._replace_canonical deletes for these canonical events: every triple
    of the event and of its ``/amount`` node, and every ``?m dip:sameEventAs`` it, in graph/events."""
    out = set()
    for c in canonical:
        node = ox.NamedNode(c)
        for s in (node, ox.NamedNode(f"{c}/amount")):
            out.update((q.subject, q.predicate, q.object) for q in pattern(s, None, None, _E))
        out.update((q.subject, q.predicate, q.object) for q in pattern(None, _SAME, node, _E))
    return out
