"""Records -> RDF -> SHACL -> store, one article at a time and atomically.

An article is validated on its own graph plus the actor nodes it uses (never
against the whole store, so validation cost does not grow with the store) and
written with one transaction that swaps its named graph. An invalid article is
rejected whole; the store never holds half an article.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .rdf import ArticleGraphs, article_graphs
from .records import Article, RecordError
from .store import Store
from .validate import validate_graph


@dataclass
class Outcome:
    """What happened to one input: stored, rejected by SHACL, or unreadable."""

    article_id: str | None
    where: str | None
    iri: str | None = None
    events: int = 0
    error: str | None = None     # a human-readable reason when not stored
    report: object | None = None  # the kg.validate.Report when SHACL rejected it

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not o.ok for o in self.outcomes)

    @property
    def events(self) -> int:
        return sum(o.events for o in self.outcomes if o.ok)


def prepare(article: Article, *, extractor: str | None = None, where: str | None = None):
    """Build and validate one article's graphs. Returns (graphs, Outcome); graphs is None when invalid."""
    graphs = article_graphs(article, extractor=extractor)
    report = validate_graph(graphs.validation_graph())
    outcome = Outcome(article.id, where, iri=str(graphs.iri), events=len(graphs.events))
    if not report.conforms:
        outcome.error = report.text(article.id)
        outcome.report = report
        return None, outcome
    return graphs, outcome


def ingest_article(store: Store, article: Article, *, extractor: str | None = None,
                   where: str | None = None) -> Outcome:
    """Validate and store one article (replacing an earlier version with the same id)."""
    graphs, outcome = prepare(article, extractor=extractor, where=where)
    if graphs is not None:
        store.replace_article(str(graphs.iri), graphs.graph, graphs.actors)
    return outcome


def ingest_many(store: Store, items: Iterable[Article | RecordError | tuple[Article, str | None]], *,
                extractor: str | None = None, chunk: int = 50,
                on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Validate and store a stream of articles; unreadable or invalid ones are reported, the rest go on."""
    return store_prepared(store, (prepare_item(it, extractor=extractor) for it in items),
                          chunk=chunk, on_outcome=on_outcome)


def prepare_item(item: Article | RecordError | tuple[Article, str | None], *,
                 extractor: str | None = None) -> tuple[ArticleGraphs | None, Outcome]:
    """prepare() for what readers yield: an article, (article, where), or a RecordError."""
    where = None
    if isinstance(item, tuple):
        item, where = item
    if isinstance(item, RecordError):
        return None, Outcome(None, item.where, error=str(item))
    return prepare(item, extractor=extractor, where=where)


def store_prepared(store: Store, prepared: Iterable[tuple[ArticleGraphs | None, Outcome]], *,
                   chunk: int = 50, on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Write already validated articles, ``chunk`` per transaction; report every outcome in input order.

    One transaction per chunk is several times faster than one per article on
    both the embedded and remote stores, and each article is still whole or absent.
    """
    summary = Summary()
    pending: list[tuple[ArticleGraphs, Outcome]] = []

    def emit(o: Outcome):
        summary.outcomes.append(o)
        if on_outcome:
            on_outcome(o)

    def flush():
        if pending:
            store.replace_articles([(str(g.iri), g.graph, g.actors) for g, _ in pending])
            for _, o in pending:
                emit(o)
            pending.clear()

    for graphs, outcome in prepared:
        if graphs is None:
            emit(outcome)
            continue
        pending.append((graphs, outcome))
        if len(pending) >= chunk:
            flush()
    flush()
    return summary
