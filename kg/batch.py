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

from .extract import default_extractor
from .ingest import ArticleGraphs, Outcome, Summary, prepare, store_prepared
from .records import Article
from .store import Store

_worker_extractor = None


def _init_worker() -> None:
    global _worker_extractor
    _worker_extractor = default_extractor()
    _worker_extractor.nlp  # load the model once per worker, before the first article  # noqa: B018


def extract_and_prepare(article: Article, extractor=None) -> tuple[ArticleGraphs | None, Outcome]:
    """Extract one article's events, then build and validate its graphs (no store involved)."""
    ex = extractor or _worker_extractor or default_extractor()
    try:
        if hasattr(ex, "analyse"):
            article.events, article.people = ex.analyse(article)
        else:
            article.events = ex.extract(article)
    except Exception as e:  # one bad article must not stop a batch; say which and why
        return None, Outcome(article.id, None, error=f"article {article.id}: extraction failed: "
                                                     f"{type(e).__name__}: {e} (please report this article)")
    return prepare(article, extractor=ex.name)


def _prepared(articles: Iterable[Article], processes: int) -> Iterator[tuple[ArticleGraphs | None, Outcome]]:
    if processes <= 1:
        ex = default_extractor()
        for a in articles:
            yield extract_and_prepare(a, ex)
        return
    # forkserver: workers start from a clean interpreter, not a copy of a parent that may hold
    # store handles, threads or a loaded model.
    ctx = mp.get_context("forkserver")
    with ctx.Pool(processes, initializer=_init_worker) as pool:
        yield from pool.imap(extract_and_prepare, articles, chunksize=4)


def ingest_articles(store: Store, articles: Iterable[Article], *, processes: int = 1, chunk: int = 50,
                    on_outcome: Callable[[Outcome], None] | None = None) -> Summary:
    """Extract, validate and store raw articles, ``processes`` at a time; results in input order."""
    return store_prepared(store, _prepared(articles, processes), chunk=chunk, on_outcome=on_outcome)
