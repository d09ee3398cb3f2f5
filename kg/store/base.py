"""The store interface every backend implements.

It is deliberately small: what ingest, export, backups, the CLI and the web layer
need (updates, queries, quads, counts, snapshots, optimize), expressed in SPARQL
1.1 terms so that a remote engine can implement it with plain Query, Update and
Graph Store requests. Nothing above kg.store touches a backend's own handle.
"""
from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import RDFS, Graph, Literal
from rdflib.namespace import OWL, SKOS

from ..rdf import ACTORS_GRAPH, GEO, PREFIXES, settle_labels
from ..resolve import EVENTS_GRAPH
from .resolution import rebuild_updates, resolution_update
from .terms import iri, to_ox, triple_lines


class StoreError(RuntimeError):
    """The store could not do what was asked; the message says what to do next."""


class StoreRejected(StoreError):
    """The store refused the request itself (a syntax error, an engine's HTTP 4xx): the caller has to change it."""


class StoreUnavailable(StoreError):
    """The store could not be reached or did not answer in time: retrying later may work."""


@dataclass
class QueryResult:
    """A query's answer, already serialised: ``kind`` is 'select', 'ask' or 'graph'."""

    kind: str
    body: bytes
    media_type: str


# SPARQL result and RDF formats by short name -> media type, and -> pyoxigraph format: the one table of each
# (the web layer's Accept tables in kg/web/formats.py build on them).
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
DATASET_FORMATS = {"nquads", "trig", "jsonld"}
OX_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                  "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
OX_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                     "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}

PREFIX_HEADER = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


Item = tuple  # (article IRI, article Graph, actor Graph): what replace_articles takes

# Actors per query when reading the labels a batch's actors already have (a VALUES list).
LABEL_READ_CHUNK = 400


def labelled_actors(items: Iterable[Item]) -> list[str]:
    """The actors a batch writes an rdfs:label for: the ones whose label the store must settle."""
    return list(dict.fromkeys(str(s) for _, _, actors in items for s, p, _ in actors if p == RDFS.label))


def settle_batch_labels(items: list[Item], known: dict) -> tuple[list[tuple], dict]:
    """All actor triples of a batch with one label per actor, chosen among every spelling (kg.rdf.settle_labels)."""
    return settle_labels([t for _, _, actors in items for t in actors], known)


def relabel_update(chosen: dict) -> str | None:
    """Make ``chosen`` ({actor: label}) the only rdfs:label of each actor; other labels become altLabels.

    Runs before the batch's INSERT DATA (which writes the chosen labels): every rdfs:label the
    store holds that is not the chosen one turns into a skos:altLabel, and an altLabel equal to
    the chosen label goes. It matches what the store holds when it runs, not what was read
    before, so an actor keeps exactly one label even if another writer got in between.
    """
    if not chosen:
        return None
    a = iri(str(ACTORS_GRAPH))
    values = " ".join(f"({to_ox(s)} {to_ox(Literal(label))})" for s, label in chosen.items())
    return (f"DELETE {{ GRAPH {a} {{ ?s <{RDFS.label}> ?old }} }} "
            f"INSERT {{ GRAPH {a} {{ ?s <{SKOS.altLabel}> ?old }} }} "
            f"WHERE {{ VALUES (?s ?new) {{ {values} }} GRAPH {a} {{ ?s <{RDFS.label}> ?old }} "
            f"FILTER(STR(?old) != STR(?new)) }} ;\n"
            f"DELETE {{ GRAPH {a} {{ ?s <{SKOS.altLabel}> ?old }} }} "
            f"WHERE {{ VALUES (?s ?new) {{ {values} }} GRAPH {a} {{ ?s <{SKOS.altLabel}> ?old }} "
            f"FILTER(STR(?old) = STR(?new)) }}")


# Facts of an actor that come from the authority tables (kg.authority) and have one value: a batch that
# writes one of them for an actor replaces what the store holds, so a regenerated table never leaves two.
_AUTHORITY_FACTS = (OWL.sameAs, GEO.lat, GEO.long)


def authority_update(actor_triples) -> str | None:
    """Drop the stored values of the authority facts (owl:sameAs, geo:lat, geo:long) this batch writes anew."""
    pairs = dict.fromkeys((s, p) for s, p, _ in actor_triples if p in _AUTHORITY_FACTS)
    if not pairs:
        return None
    a = iri(str(ACTORS_GRAPH))
    values = " ".join(f"({to_ox(s)} {to_ox(p)})" for s, p in pairs)
    return f"DELETE {{ GRAPH {a} {{ ?s ?p ?old }} }} WHERE {{ VALUES (?s ?p) {{ {values} }} GRAPH {a} {{ ?s ?p ?old }} }}"


def prepare_updates(chosen: dict, actor_triples) -> list[str]:
    """What runs between dropping the batch's article graphs and inserting its triples: labels, authority facts."""
    return [u for u in (relabel_update(chosen), authority_update(actor_triples)) if u]


def replace_articles_update(items: list[Item], known: dict) -> str:
    """One SPARQL Update that swaps these articles' graphs and merges their actors, atomically.

    ``known`` is what the store holds for the batch's actors (:meth:`Store.known_labels`), so
    that each actor's label is chosen among all its spellings, not by the order of writes.
    Every engine we target runs one update request as one transaction, so a reader sees
    either the old articles or the new ones, never a mix.
    """
    actor_triples, chosen = settle_batch_labels(items, known)
    # the same article twice in one batch (a file that lists two versions): the later replaces the earlier,
    # as two writes would; inserting both would store their union. Actors merge from every version.
    last = {a: i for i, (a, _, _) in enumerate(items)}
    articles = [it for i, it in enumerate(items) if last[it[0]] == i]
    body = "\n".join(f" GRAPH {iri(a)} {{\n{triple_lines(g)}\n }}" for a, g, _ in articles)
    return (" ;\n".join([f"DROP SILENT GRAPH {iri(a)}" for a, _, _ in articles] + prepare_updates(chosen, actor_triples))
            + f" ;\nINSERT DATA {{\n{body}\n GRAPH {iri(str(ACTORS_GRAPH))} {{\n{triple_lines(actor_triples)}\n }}\n}}")


def with_resolution(update: str, resolution: str | None) -> str:
    """An article write and the canonical-graph update it entails, as one request (one transaction)."""
    return f"{update} ;\n{resolution}" if resolution else update


def replace_article_update(article_iri: str, triples, actor_triples, known: dict | None = None) -> str:
    """:func:`replace_articles_update` for one article."""
    return replace_articles_update([(article_iri, triples, actor_triples)], known or {})


class Store(abc.ABC):
    """A quad store holding one named graph per article plus the shared actor graph."""

    location: str

    # --- writes ---------------------------------------------------------------
    def replace_article(self, article_iri: str, graph: Graph, actors: Graph) -> None:
        """Replace (or create) one article's graph and merge its actors, atomically."""
        self.replace_articles([(article_iri, graph, actors)])

    def replace_articles(self, items: list[tuple[str, Graph, Graph]]) -> None:
        """Several articles in one transaction: each is whole or absent, and it is faster.

        The labels the store holds for the batch's actors are read under the same write lock
        (:meth:`writing`) as the update, so the label choice sees every earlier write.
        """
        if items:
            with self.writing():
                self.update(with_resolution(replace_articles_update(items, self.known_labels(labelled_actors(items))),
                                            resolution_update(self, [], items)))

    def known_labels(self, actors: list[str]) -> dict[str, tuple[set[str], set[str]]]:
        """{actor IRI: (its rdfs:labels, its skos:altLabels)} as stored, for the actors given."""
        out: dict[str, tuple[set[str], set[str]]] = {}
        for i in range(0, len(actors), LABEL_READ_CHUNK):
            values = " ".join(iri(a) for a in actors[i:i + LABEL_READ_CHUNK])
            for r in self.select(f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} "
                                 f"VALUES ?p {{ rdfs:label skos:altLabel }} GRAPH <{ACTORS_GRAPH}> {{ ?s ?p ?l }} }}"):
                labels, alts = out.setdefault(r["s"], (set(), set()))
                (labels if r["p"] == str(RDFS.label) else alts).add(str(r["l"]))
        return out

    def delete_article(self, article_iri: str) -> bool:
        """Drop an article's graph (actors stay: other articles may use them). True if it existed."""
        with self.writing():
            existed = self.has_graph(article_iri)
            if existed:
                self.update(with_resolution(f"DROP GRAPH {iri(article_iri)}", resolution_update(self, [article_iri])))
        return existed

    def resolve_events(self) -> int:
        """Resolve every article event of the store from scratch (``kg resolve``); the canonical events written.

        Writes take care of the canonical graph themselves; this is for a store written before it existed,
        or after a SPARQL Update or Graph Store write to article graphs, which the resolution cannot follow."""
        with self.writing():
            # in requests of a few thousand triples: engines refuse one large update (the embedded store
            # overrides this with one transaction); a rebuild cut short is found by `kg resolve --check`
            for u in rebuild_updates(self):
                self.update(self.bulk_pragma() + u)
        return self.canonical_count()

    def bulk_pragma(self) -> str:
        """What an engine needs before a large INSERT DATA (nothing, except on Virtuoso)."""
        return ""

    def canonical_count(self) -> int:
        rows = self.select(f"SELECT (COUNT(?c) AS ?n) WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ ?c a dip:CanonicalEvent }} }}")
        return int(rows[0]["n"]) if rows else 0

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads as they are (a restore's bulk load), as one transaction."""
        raise StoreError(f"{self.location} is a remote engine: load N-Quads with the engine's own loader")

    @abc.abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None) -> None:
        """Run a SPARQL 1.1 Update as one transaction (``base_iri``/``prefixes``: BASE and PREFIXes it may use)."""

    # --- reads ----------------------------------------------------------------
    @abc.abstractmethod
    def query(self, sparql: str, *, result_format: str = "json", graph_format: str = "turtle",
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless ``default_graphs``."""

    @abc.abstractmethod
    def has_graph(self, graph_iri: str) -> bool: ...

    @abc.abstractmethod
    def export(self, out: BinaryIO, fmt: str, graphs: list[str] | None = None) -> None:
        """Write the store (or only ``graphs``) in ``fmt`` (a key of RDF_FORMATS)."""

    def select(self, sparql: str) -> list[dict[str, object]]:
        """SELECT rows as dicts of plain Python values (strings, ints, floats): for CLI and API code."""
        import json
        res = self.query(PREFIX_HEADER + sparql, result_format="json")
        data = json.loads(res.body)
        return [{k: _py(v) for k, v in row.items()} for row in data["results"]["bindings"]]

    def ask(self, sparql: str) -> bool:
        import json
        return bool(json.loads(self.query(PREFIX_HEADER + sparql, result_format="json").body)["boolean"])

    def article_iris(self) -> list[str]:
        return [r["a"] for r in self.select("SELECT DISTINCT ?a WHERE { GRAPH ?a { ?a a dip:Article } } ORDER BY ?a")]

    def article_graph(self, article_iri: str) -> Graph:
        """An article's graph plus the actor nodes it refers to (and their countries): what validation sees."""
        g = iri(article_iri)
        actors = iri(str(ACTORS_GRAPH))
        q = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{\n"
             f" {{ GRAPH {g} {{ ?s ?p ?o }} }}\n"
             f" UNION {{ {{ SELECT DISTINCT ?s WHERE {{ {{ GRAPH {g} {{ ?e ?r ?s }} FILTER(isIRI(?s)) }}\n"
             f"    UNION {{ GRAPH {g} {{ ?e ?r ?x }} GRAPH {actors} {{ ?x ?r2 ?s }} FILTER(isIRI(?s)) }} }} }}\n"
             f"   GRAPH {actors} {{ ?s ?p ?o }} }}\n}}")
        res = self.query(q, graph_format="ntriples")
        out = Graph()
        out.parse(data=res.body.decode("utf-8"), format="nt")
        return out

    def stats(self) -> dict[str, int]:
        counts = {r["t"].rsplit("#", 1)[-1]: int(r["n"]) for r in self.select(
            "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?t } "
            "VALUES ?t { dip:Article dip:Visit dip:Award dip:Agreement dip:TradeTarget } } GROUP BY ?t")}
        # the canonical events (graph/events): each real-world event once, whatever the number of its reports
        canonical = {r["t"].rsplit("#", 1)[-1]: int(r["n"]) for r in self.select(
            f"SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH <{EVENTS_GRAPH}> {{ ?e a ?t }} "
            "VALUES ?t { dip:CanonicalVisit dip:CanonicalAward dip:CanonicalAgreement dip:CanonicalTradeTarget } } "
            "GROUP BY ?t")}
        actors = {r["t"].rsplit("#", 1)[-1]: int(r["n"]) for r in self.select(
            f"SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?e a ?t }} "
            "VALUES ?t { dip:Person dip:Country dip:Place dip:Organization } } GROUP BY ?t")}
        quads = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        out = {k: counts.get(k, 0) for k in ("Article", "Visit", "Award", "Agreement", "TradeTarget")}
        out.update({k: actors.get(k, 0) for k in ("Person", "Country", "Place", "Organization")})
        out.update({f"Canonical{k}": canonical.get(f"Canonical{k}", 0) for k in ("Visit", "Award", "Agreement", "TradeTarget")})
        out["quads"] = int(quads[0]["n"]) if quads else 0
        return out

    @abc.abstractmethod
    def quads(self, graphs: list[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of the store, or of the named graphs ``graphs``: what export and dumps stream."""

    def graph_triples(self, graph_iri: str | None) -> list[ox.Triple]:
        """The triples of one named graph (``None``: the default graph), for the Graph Store Protocol."""
        if graph_iri is None:
            raise StoreError("this store cannot address its default graph on its own; name a graph")
        return [ox.Triple(q.subject, q.predicate, q.object) for q in self.quads([graph_iri])]

    def count(self) -> int:
        """The number of quads in dipkg's graphs (progress bars, /health, stats)."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"]) if rows else 0

    def evaluate(self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None,
                 default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
                 union_default_graph: bool = False):
        """Run a query and return pyoxigraph's lazy result (QuerySolutions, QueryBoolean or QueryTriples).

        For callers that stream or cap a large answer themselves (the web executor). ``default_graph``
        lists graph IRIs ("default" for the default graph); results may be read lazily, so a read that
        fails with :func:`kg.store.embedded.stale_snapshot` should :meth:`reopen` and run again.
        """
        raise StoreError(f"{type(self).__name__} answers queries only through query(); use that")

    def optimize(self) -> bool:
        """Compact the store for faster queries; False when the backend leaves that to its engine."""
        return False

    def checkpoint(self, path) -> None:
        """Write a consistent copy of the whole store into the new directory ``path``."""
        raise StoreError(f"{self.location} is a remote engine: back it up with the engine's own tools, or "
                         "'kg export --format nquads'")

    @contextlib.contextmanager
    def snapshot(self):
        """A store that reads one consistent state for as long as the block lasts (a dump).

        The default is the store itself: an engine answers each request from one state of its own.
        """
        yield self

    def reopen(self) -> None:
        """Drop any read handle, so that the next read starts from the current state (no-op by default)."""

    # --- the derived event index (kg/store/event_index.py): the embedded store has one ---------
    def event_index(self):
        """An IndexReader that answers the JSON API's event queries as they stand now, or None: the
        backend has no index (a remote engine answers them itself) or it lags behind the store."""
        return None

    def reindex(self) -> int:
        """Rebuild the event index from the store; the number of events indexed."""
        raise StoreError(f"{self.location} is a remote engine: it has no event index (the API queries it directly)")

    def catch_up_index(self) -> bool:
        """Rebuild the event index if it lags behind the store; True if it did."""
        return False

    def read_stats(self) -> dict[str, int]:
        """Counters of how reads were served (handles opened, reads retried); empty when not tracked."""
        return {}

    is_remote: bool = False  # True for an engine reached over HTTP (its own tools optimise and back it up)

    def version(self) -> str | None:
        """A token that changes on every write, or None when the backend cannot tell (no caching)."""
        return None

    @contextlib.contextmanager
    def writing(self):
        """A block of writes (a batch); backends may hold a lock or connection across it."""
        yield self

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _py(binding: dict) -> object:
    v = binding.get("value")
    dt = binding.get("datatype", "")
    if binding.get("type") == "literal" or binding.get("type") == "typed-literal":
        if dt.endswith(("#integer", "#int", "#long")):
            try:
                return int(v)
            except ValueError:
                return v
        if dt.endswith(("#decimal", "#double", "#float")):
            try:
                return float(v)
            except ValueError:
                return v
    return v
