"""Records -> RDF -> SHACL -> store, one article at a time and atomically.

An article is validated on its own graph plus the actor nodes it uses (never
against the whole store, so validation cost does not grow with the store) and
written with one transaction that swaps its named graph. An invalid curated
article is rejected whole; the store never holds half an article.

Extracted articles (``drop_invalid_events=True``) are treated differently: an
extractor's mistake in one event should not cost the article's other events,
so the events SHACL blames are dropped with a warning and the rest, validated
again, is stored. What is stored always conforms.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, URIRef
from rdflib.namespace import PROV

from .rdf import DIP, ArticleGraphs, article_graphs, event_iri
from .records import DEFAULT_MIN_CONFIDENCE, Article, Event, RecordError  # noqa: F401  (re-exported)
from .store import Store
from .validate import Problem, Report, validate_graph


@dataclass
class DroppedEvent:
    """An extracted event left out of its article because SHACL rejected it (or a node only it uses)."""

    article_id: str
    type: str
    evidence_start: int | None
    evidence: str
    problems: list[Problem]

    def text(self) -> str:
        at = f"at character {self.evidence_start}" if self.evidence_start is not None else "(offset unknown)"
        snippet = self.evidence if len(self.evidence) <= 60 else self.evidence[:57] + "..."
        why = "; ".join(p.line() for p in self.problems)
        return (f"article {self.article_id}: dropped the extracted {self.type} event {at} ({snippet!r}), "
                f"the rest of the article is kept: {why}")

    def to_json(self) -> dict:
        return {"message": self.text(), "article": self.article_id, "type": self.type,
                "evidence_start": self.evidence_start, "evidence": self.evidence,
                "problems": [p.to_json() for p in self.problems]}


@dataclass
class Outcome:
    """What happened to one input: stored, rejected by SHACL, or unreadable."""

    article_id: str | None
    where: str | None
    iri: str | None = None
    events: int = 0
    error: str | None = None     # a human-readable reason when not stored
    report: object | None = None  # the kg.validate.Report when SHACL rejected it
    dropped: list[DroppedEvent] = field(default_factory=list)  # extracted events SHACL rejected
    below_confidence: int = 0     # extracted events left out under the --min-confidence threshold

    @property
    def warnings(self) -> list[str]:
        return [d.text() for d in self.dropped]

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

    @property
    def dropped(self) -> int:
        return sum(len(o.dropped) for o in self.outcomes if o.ok)

    @property
    def below_confidence(self) -> int:
        return sum(o.below_confidence for o in self.outcomes if o.ok)


def confident_events(events: list[Event], min_confidence: float) -> list[Event]:
    """The events scored at least ``min_confidence``; an event without a score counts as certain."""
    return [e for e in events if (1.0 if e.confidence is None else e.confidence) >= min_confidence]


def prepare(article: Article, *, extractor: str | None = None, where: str | None = None,
            drop_invalid_events: bool = False, store_text: bool = True):
    """Build and validate one article's graphs. Returns (graphs, Outcome); graphs is None when invalid.

    With ``drop_invalid_events`` (for extracted articles) the events SHACL blames are left out and
    listed in ``Outcome.dropped``; the article is rejected only for problems no event explains.
    ``store_text`` (the setting of that name): the article's full text goes into its graph as schema:text.
    """
    graphs = article_graphs(article, extractor=extractor, text=store_text)
    report = validate_graph(graphs.validation_graph())
    dropped: list[DroppedEvent] = []
    if not report.conforms and drop_invalid_events:
        graphs, report, dropped = drop_rejected_events(article, graphs, report, extractor=extractor,
                                                       store_text=store_text)
    outcome = Outcome(article.id, where, iri=str(graphs.iri), events=len(graphs.events), dropped=dropped)
    if not report.conforms:
        outcome.error = report.text(article.id)
        outcome.report = report
        return None, outcome
    return graphs, outcome


def drop_rejected_events(article: Article, graphs: ArticleGraphs, report: Report, *, extractor: str | None = None,
                         store_text: bool = True) -> tuple[ArticleGraphs, Report, list[DroppedEvent]]:
    """Leave out the events a failing report blames, rebuild and re-validate, until the graphs conform
    or what still fails is no event's fault (then the last report is returned, not conforming).

    Rebuilding, not deleting triples, keeps shared actor nodes exactly as the kept events need them;
    each round drops at least one event, so this ends.
    """
    dropped: list[DroppedEvent] = []
    while not report.conforms:
        blamed = blame_events(graphs, report)
        if not blamed:
            break
        for iri, event in graphs.events:
            if iri in blamed:
                dropped.append(DroppedEvent(article.id, event.type, event.evidence_start, event.evidence,
                                            blamed[iri]))
        kept = [e for e in article.events if event_iri(article.id, e) not in blamed]
        article = dataclasses.replace(article, events=kept)
        graphs = article_graphs(article, extractor=extractor, text=store_text)
        report = validate_graph(graphs.validation_graph())
    return graphs, report, dropped


_NOT_USES = {RDF.type, PROV.wasDerivedFrom, DIP.status}  # links that do not make a node part of an event


def nodes_of_events(graphs: ArticleGraphs) -> dict[URIRef, set[str]]:
    """Each event and every node it reaches (its amount, actors, places, and the countries they point to)."""
    data = graphs.validation_graph()
    out: dict[URIRef, set[str]] = {}
    for iri, _ in graphs.events:
        seen, todo = {str(iri)}, [iri]
        while todo:
            node = todo.pop()
            for p, o in data.predicate_objects(node):
                if p not in _NOT_USES and isinstance(o, URIRef) and str(o) not in seen:
                    seen.add(str(o))
                    todo.append(o)
        out[iri] = seen
    return out


def blame_events(graphs: ArticleGraphs, report: Report) -> dict[URIRef, list[Problem]]:
    """Which events each SHACL problem belongs to: the event whose node failed, or every event that uses
    the failed node (a bad actor used by one event fails that event; used by several, it fails them all,
    since keeping any of them would keep the node). Problems on the article node itself blame no event."""
    uses = nodes_of_events(graphs)
    blamed: dict[URIRef, list[Problem]] = {}
    for problem in report.problems:
        for iri, nodes in uses.items():
            if problem.focus in nodes:
                blamed.setdefault(iri, []).append(problem)
    return blamed


def validate_article(article: Article, *, extractor: str | None = None, store_text: bool = True) -> Report:
    """The SHACL report of ``article`` as it would be stored (its graph plus the actor nodes it uses).

    Nothing is stored; :func:`ingest_article` validates the same way before it writes.
    """
    return validate_graph(article_graphs(article, extractor=extractor, text=store_text).validation_graph())


def ingest_article(store: Store, article: Article, *, extractor: str | None = None,
                   where: str | None = None, store_text: bool = True) -> Outcome:
    """Validate and store one article (replacing an earlier version with the same id); ``store_text``:
    with its full text (schema:text), else with the events' evidence sentences only."""
    graphs, outcome = prepare(article, extractor=extractor, where=where, store_text=store_text)
    if graphs is not None:
        store.replace_article(str(graphs.iri), graphs.graph, graphs.actors)
    return outcome


def ingest_many(store: Store, items: Iterable[Article | RecordError | tuple[Article, str | None]], *,
                extractor: str | None = None, chunk: int = 50,
                on_outcome: Callable[[Outcome], None] | None = None, store_text: bool = True) -> Summary:
    """Validate and store a stream of articles; unreadable or invalid ones are reported, the rest go on."""
    return store_prepared(store, (prepare_item(it, extractor=extractor, store_text=store_text) for it in items),
                          chunk=chunk, on_outcome=on_outcome)


def prepare_item(item: Article | RecordError | tuple[Article, str | None], *,
                 extractor: str | None = None, store_text: bool = True) -> tuple[ArticleGraphs | None, Outcome]:
    """prepare() for what readers yield: an article, (article, where), or a RecordError."""
    where = None
    if isinstance(item, tuple):
        item, where = item
    if isinstance(item, RecordError):
        return None, Outcome(None, item.where, error=str(item))
    return prepare(item, extractor=extractor, where=where, store_text=store_text)


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
