"""The canonical-event graph in the store: the SPARQL around kg/resolve.py, for every backend.

Why in the write path: the canonical graph (``graph/events``) is RDF that researchers query with the
articles, so it has to change in the same transaction as the articles it is derived from; a crash then
never leaves canonical events counting a deleted article, and no version stamp is needed. A write that
replaces or deletes articles appends :func:`resolution_update` to its own SPARQL Update: it re-resolves
only the resolution keys (kg.resolve.resolution_key) that the old and the new events of those articles
have, from every mention of those keys in the store, so the result equals resolving the whole store
(:func:`rebuild_update`, ``kg resolve``), which tests/test_resolve.py checks over random sequences.

The reads run under the store's write lock (inside :meth:`Store.writing`) on the embedded store, so no
other writer changes those keys in between. They use the canonical graph itself to find a key's mentions
(``dip:resolutionKey`` on each canonical event, ``dip:sameEventAs`` from each mention): after a write the
index cannot follow (a SPARQL Update or Graph Store PUT on an article graph), ``kg resolve`` rebuilds it.
"""
from __future__ import annotations

from collections.abc import Iterable

from rdflib import DCTERMS, Graph, Literal

from ..resolve import (
    EVENTS_GRAPH,
    Mention,
    canonical_iri,
    canonical_triples,
    mentions_from_rows,
    resolve,
    rows_of_graph,
)
from . import resolution_local as local
from .terms import chunks, iri, to_ox, triple_lines

CHUNK = 400
_E = f"<{EVENTS_GRAPH}>"
_SAME = "<https://w3id.org/dipkg/ontology#sameEventAs>"   # updates carry no PREFIX header


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(iri(i) for i in iris)} }}"


def _mention_query(restrict: str) -> str:
    # ?p of an amount is the plain string "amount" / "currency" (kg.resolve.mentions_from_rows reads both kinds)
    return f"""SELECT ?m ?a ?p ?o WHERE {{ {restrict}
      GRAPH ?a {{ ?a a dip:Article . ?m prov:wasDerivedFrom ?a .
        {{ ?m ?p ?x BIND(STR(?x) AS ?o) }}
        UNION {{ ?m dip:targetValue ?amt . VALUES (?ap ?p) {{ (schema:value "amount") (schema:currency "currency") }}
                ?amt ?ap ?x BIND(STR(?x) AS ?o) }} }} }}"""


def _issued_query(restrict: str) -> str:
    return f"SELECT ?a (STR(?d) AS ?iss) WHERE {{ {restrict} GRAPH ?a {{ ?a a dip:Article ; dcterms:issued ?d }} }}"


def _pattern(store):
    """The store's quad-pattern reader (the embedded store's), or None: then the SELECTs below are used."""
    return getattr(store, "pattern_quads", None)


def stored_mentions(store, mention_iris: list[str] | None = None) -> list[Mention]:
    """The mentions stored in article graphs: all of them, or those with the given IRIs."""
    pattern = _pattern(store)
    if pattern is not None and mention_iris is not None:
        return mentions_from_rows(*local.mention_rows(pattern, sorted(set(mention_iris))))
    rows, issued = [], {}
    parts = [None] if mention_iris is None else list(chunks(sorted(set(mention_iris)), CHUNK))
    for part in parts:
        restrict = "" if part is None else _values("m", part)
        got = store.select(_mention_query(restrict))
        rows += [(r["m"], r["a"], r["p"], r["o"]) for r in got]
    articles = sorted({a for _, a, _, _ in rows})
    for part in ([None] if mention_iris is None else list(chunks(articles, CHUNK))):
        for r in store.select(_issued_query("" if part is None else _values("a", part))):
            issued[r["a"]] = r["iss"]
    return mentions_from_rows(rows, issued)


def batch_mentions(items: list[tuple[str, Graph, Graph]]) -> list[Mention]:
    """The mentions of a batch about to be written (the later version of an article listed twice)."""
    last = {str(a): (str(a), g) for a, g, _ in items}
    rows, issued = [], {}
    for a, g in last.values():
        rows += rows_of_graph(g, a)
        for d in g.objects(None, DCTERMS.issued):
            issued[a] = str(d)
    return mentions_from_rows(rows, issued)


def _canonical_lines(clusters: list[list[Mention]]) -> str:
    return triple_lines(t for c in clusters for t in canonical_triples(c))


def resolution_update(store, old_articles: Iterable[str], items: list[tuple[str, Graph, Graph]] = (),
                      touched: set[str] | None = None) -> str | None:
    """The SPARQL Update that brings the canonical graph in line after ``old_articles`` (replaced or deleted)
    give way to ``items``; None when no canonical event changes. Reads the store: call it under the write lock.

    ``touched`` (a set) receives the IRIs of the canonical events the update deletes, rewrites or creates:
    the embedded store's event index re-reads those, and only those, after the write (kg/store/event_index.py)."""
    old = sorted(set(map(str, old_articles)) | {str(a) for a, _, _ in items})
    new = batch_mentions(list(items))
    pattern = _pattern(store)
    keys = {m.key for m in new} | _keys_of_articles(store, pattern, old)
    if not keys:
        return None
    # canonical event -> its members, as stored
    was = local.members_of_keys(pattern, sorted(keys)) if pattern else _members_of_keys(store, sorted(keys))
    members = sorted(set().union(*was.values())) if was else []
    gone = set(old)
    kept = [m for m in stored_mentions(store, members) if m.article not in gone] if members else []
    # A cluster with the same IRI and members as before, none of them rewritten now, has the same triples
    # (they are a function of its members): it is left alone, so a write to a busy key (two countries with
    # hundreds of agreements) rewrites only the canonical events that change.
    fresh = {m.iri for m in new}
    changed, same = [], set()
    for c in resolve(kept + new):
        iri_ = str(canonical_iri(c))
        if was.get(iri_) == {m.iri for m in c} and not any(m.iri in fresh for m in c):
            same.add(iri_)
        else:
            changed.append(c)
    if touched is not None:
        touched.update(set(was) - same)
        touched.update(str(canonical_iri(c)) for c in changed)
    if pattern is not None:
        return _patch_canonical(local.canonical_quads(pattern, sorted(set(was) - same)), changed)
    return _replace_canonical(sorted(set(was) - same), changed)


BLOCK_LINES = 1000   # triples per GRAPH block of the INSERT DATA (Virtuoso's parser gives up on ~5,000)


def _keys_of_articles(store, pattern, articles: list[str]) -> set[str]:
    """The resolution keys of the mentions stored in these articles' graphs."""
    if pattern is not None:
        return local.keys_of_articles(pattern, articles)
    keys = set()
    for part in chunks(articles, CHUNK):
        keys |= {r["k"] for r in store.select(
            f"SELECT DISTINCT ?k WHERE {{ {_values('a', part)} GRAPH ?a {{ ?m prov:wasDerivedFrom ?a }} "
            f"GRAPH {_E} {{ ?m dip:sameEventAs ?c . ?c dip:resolutionKey ?k }} }}")}
    return keys


def _members_of_keys(store, ks: list[str]) -> dict[str, set[str]]:
    """{canonical event: its members} of these resolution keys, as stored."""
    was: dict[str, set[str]] = {}
    for part in chunks(ks, CHUNK):
        values = " ".join(str(to_ox(Literal(k))) for k in part)
        for r in store.select(f"SELECT ?c ?m WHERE {{ VALUES ?k {{ {values} }} GRAPH {_E} {{ ?c dip:resolutionKey ?k "
                              f"OPTIONAL {{ ?m dip:sameEventAs ?c }} }} }}"):
            was.setdefault(r["c"], set()).update([r["m"]] if r.get("m") else [])
    return was


def _patch_canonical(old: set[tuple], clusters: list[list[Mention]]) -> str | None:
    """What :func:`_replace_canonical` does, written as a difference: DELETE DATA of the stored triples of the
    changed canonical events that the new ones lack, INSERT DATA of the new triples the store lacks.

    A cluster that gains one report of a hundred changes its sourceCount and one sameEventAs link; the
    drop-and-rewrite form deleted and inserted all hundred links on every write (the cost of a write grew
    with the number of reports of the events it touched). The graph after the update is the same:
    (stored - old) + new either way. ``old`` is read exactly as the DELETE ... WHERE would match it.
    """
    new = {(to_ox(s), to_ox(p), to_ox(o)) for c in clusters for s, p, o in canonical_triples(c)}
    parts = []
    gone, added = sorted(old - new, key=str), sorted(new - old, key=str)
    if gone:
        parts.append(f"DELETE DATA {{ GRAPH {_E} {{\n{_lines(gone)}\n }} }}")
    if added:
        parts.append(f"INSERT DATA {{ GRAPH {_E} {{\n{_lines(added)}\n }} }}")
    return " ;\n".join(parts) if parts else None


def _lines(triples: list[tuple]) -> str:
    return "\n".join(f"{s} {p} {o} ." for s, p, o in triples)


def _replace_canonical(old_canonical: list[str], clusters: list[list[Mention]]) -> str | None:
    # One DELETE WHERE per canonical event, with the event as a constant, rather than one DELETE ... WHERE
    # with a VALUES list: Virtuoso refuses the latter under the ``define sql:big-data-const 1`` pragma its
    # article writes need (SP031, "cannot be translated to an accurate SQL text"), and the two are the
    # same update. A write touches few canonical events, so the request stays small.
    parts = []
    for c in old_canonical:
        for node in (c, f"{c}/amount"):
            parts.append(f"DELETE WHERE {{ GRAPH {_E} {{ <{node}> ?p ?o }} }}")
        parts.append(f"DELETE WHERE {{ GRAPH {_E} {{ ?m {_SAME} <{c}> }} }}")
    lines = _canonical_lines(clusters).splitlines()
    if lines:
        blocks = ["GRAPH " + _E + " {\n" + "\n".join(lines[i:i + BLOCK_LINES]) + "\n }"
                  for i in range(0, len(lines), BLOCK_LINES)]
        parts.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts) if parts else None


def rebuild_update(store) -> str:
    """Resolve every mention of the store from scratch: the canonical graph dropped and written anew."""
    return " ;\n".join(rebuild_updates(store, per_request=None))


def rebuild_updates(store, per_request: int | None = 2 * BLOCK_LINES) -> list[str]:
    """:func:`rebuild_update` as a DROP and INSERT DATA requests of at most ``per_request`` triples (all in
    one when None), in GRAPH blocks of :data:`BLOCK_LINES`: a remote engine's parser gives up on a large
    update (Virtuoso: "SP030 memory exhausted" on one block of ~5,000 triples)."""
    lines = _canonical_lines(resolve(stored_mentions(store))).splitlines()
    step = per_request or max(len(lines), 1)
    out = [f"DROP SILENT GRAPH {_E}"]
    for i in range(0, len(lines), step):
        chunk = lines[i:i + step]
        blocks = ["GRAPH " + _E + " {\n" + "\n".join(chunk[j:j + BLOCK_LINES]) + "\n }"
                  for j in range(0, len(chunk), BLOCK_LINES)]
        out.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return out


def expected_lines(store) -> set[str]:
    """The canonical graph a from-scratch resolution gives, as N-Triples lines (for checks and tests)."""
    return set(_canonical_lines(resolve(stored_mentions(store))).splitlines()) - {""}


def stored_lines(store) -> set[str]:
    """The canonical graph as stored, as N-Triples lines."""
    return {f"{q.subject} {q.predicate} {q.object} ." for q in store.quads([str(EVENTS_GRAPH)])}


def check_resolution(store) -> tuple[bool, str]:
    """(ok, message): does the stored canonical graph equal a from-scratch resolution of the store?"""
    want, have = expected_lines(store), stored_lines(store)
    if want == have:
        n = sum(1 for line in want if "/ontology#CanonicalEvent>" in line)
        return True, f"the canonical events are current and equal a resolution from scratch ({n} events)"
    return False, (f"the canonical graph differs from a resolution from scratch: {len(want - have)} triples missing, "
                   f"{len(have - want)} extra; run 'kg resolve'")
