"""Batch ingest of raw articles on every core: extract -> RDF -> SHACL in worker processes, writes here.

spaCy's own ``nlp.pipe(n_process=...)`` parallelises only the parse and ships
every Doc back to the parent, which then runs the rules, builds the graphs and
validates them alone. Here each worker runs the whole per-article chain and
sends back the validated graphs (a few KB), so the parent only writes; RocksDB
takes one writer anyway.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from .extract import default_extractor
from .ingest import (DEFAULT_MIN_CONFIDENCE, ArticleGraphs, Outcome, Summary, confident_events, prepare,
                     store_prepared)
from .records import Article
from .store import Store

_worker_extractor = None


def _init_worker(resources: tuple[str | None, str | None] = (None, None)) -> None:
    """Load the model once per worker; validate against the parent's shapes and ontology (kg.validate.configure)."""
    global _worker_extractor
    from . import validate
    validate.configure(*resources)
    _worker_extractor = default_extractor()
    _worker_extractor.nlp  # load the model once per worker, before the first article  # noqa: B018


def extract_and_prepare(article: Article, extractor=None, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE
                        ) -> tuple[ArticleGraphs | None, Outcome]:
    """Extract one article's events, then build and validate its graphs (no store involved).

    Events scored below ``min_confidence`` are left out before validation, and events SHACL
    rejects are dropped with a warning (``Outcome.dropped``) rather than costing the whole article:
    these are the extractor's guesses, not a curator's claims.
    """
    ex = extractor or _worker_extractor or default_extractor()
    try:
        if hasattr(ex, "analyse"):
            article.events, article.people = ex.analyse(article)
        else:
            article.events = ex.extract(article)
    except Exception as e:  # one bad article must not stop a batch; say which and why
        return None, Outcome(article.id, None, error=f"article {article.id}: extraction failed: "
                                                     f"{type(e).__name__}: {e} (please report this article)")
    extracted = len(article.events)
    article.events = confident_events(article.events, min_confidence)
    graphs, outcome = prepare(article, extractor=ex.name, drop_invalid_events=True)
    outcome.below_confidence = extracted - len(article.events)
    return graphs, outcome


def _prepared(articles: Iterable[Article], processes: int, min_confidence: float
              ) -> Iterator[tuple[ArticleGraphs | None, Outcome]]:
    if processes <= 1:
        ex = default_extractor()
        for a in articles:
            yield extract_and_prepare(a, ex, min_confidence=min_confidence)
        return
    # forkserver: workers start from a clean interpreter, not a copy of a parent that may hold
    # store handles, threads or a loaded model.
    ctx = mp.get_context("forkserver")
    from .validate import configured
    with ctx.Pool(processes, initializer=_init_worker, initargs=(configured(),)) as pool:
        yield from pool.imap(partial(extract_and_prepare, min_confidence=min_confidence), articles, chunksize=4)


def ingest_articles(store: Store, articles: Iterable[Article], *, processes: int = 1, chunk: int = 50,
                    on_outcome: Callable[[Outcome], None] | None = None,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Summary:
    """Extract, validate and store raw articles, ``processes`` at a time; results in input order.

    ``min_confidence``: extracted events scored below it are not stored (see DEFAULT_MIN_CONFIDENCE).
    """
    return store_prepared(store, _prepared(articles, processes, min_confidence), chunk=chunk,
                          on_outcome=on_outcome)
