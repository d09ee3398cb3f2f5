"""Batch ingest of raw articles on every core: extract -> RDF -> SHACL in worker processes, writes here.

spaCy's own ``nlp.pipe(n_process=...)`` parallelises only the parse and ships
every Doc back to the parent, which then runs the rules, builds the graphs and
validates them alone. Here each worker runs the whole per-article chain and
sends back the validated graphs (a few KB), so the parent only writes; RocksDB
takes one writer anyway.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from .extract import default_extractor
from .ingest import (DEFAULT_MIN_CONFIDENCE, ArticleGraphs, Outcome, Summary, confident_events, prepare,
                     prepare_item, store_prepared)
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


def extract_and_prepare(article: Article, extractor=None, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                        doc=None, store_text: bool = True) -> tuple[ArticleGraphs | None, Outcome]:
    """Extract one article's events, then build and validate its graphs (no store involved).

    Events scored below ``min_confidence`` are left out before validation, and events SHACL
    rejects are dropped with a warning (``Outcome.dropped``) rather than costing the whole article:
    these are the extractor's guesses, not a curator's claims. ``doc``: the article's spaCy Doc when
    the caller parsed it already (:func:`extract_and_prepare_many`), else the extractor parses it.
    ``store_text``: the article's text goes into its graph (schema:text), the very string the events'
    offsets index.
    """
    ex = extractor or _worker_extractor or default_extractor()
    try:
        if doc is not None:
            article.events, article.people = ex._from_doc(article, doc)
        elif hasattr(ex, "analyse"):
            article.events, article.people = ex.analyse(article)
        else:
            article.events = ex.extract(article)
    except Exception as e:  # one bad article must not stop a batch; say which and why
        return None, Outcome(article.id, None, error=f"article {article.id}: extraction failed: "
                                                     f"{type(e).__name__}: {e} (please report this article)")
    extracted = len(article.events)
    article.events = confident_events(article.events, min_confidence)
    graphs, outcome = prepare(article, extractor=ex.name, drop_invalid_events=True, store_text=store_text)
    outcome.below_confidence = extracted - len(article.events)
    return graphs, outcome


# Articles a worker parses with one nlp.pipe call. spaCy's per-call cost (one Doc through every pipe
# component at a time) is what bare nlp.pipe(batch_size=32) does not pay; a worker that parses its articles
# one by one ran at 0.71x of it. Small, so that the parent's writes keep pace and the order is kept cheaply.
PIPE_BATCH = 8


def extract_and_prepare_many(articles: list[Article], extractor=None, *,
                             min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                             store_text: bool = True) -> list[tuple[ArticleGraphs | None, Outcome]]:
    """:func:`extract_and_prepare` for a few articles, parsed by one ``nlp.pipe`` call (same Docs as
    ``nlp(text)``: tests/test_batch_pipe.py). If the batch cannot be parsed, each article is taken alone,
    so one bad article still fails alone."""
    ex = extractor or _worker_extractor or default_extractor()
    kw = {"min_confidence": min_confidence, "store_text": store_text}
    if not hasattr(ex, "_from_doc") or len(articles) < 2:
        return [extract_and_prepare(a, ex, **kw) for a in articles]
    try:
        docs = list(ex.nlp.pipe([ex.prepare(a) for a in articles], batch_size=len(articles)))
    except Exception:  # noqa: BLE001  (any parse failure: retried article by article, which reports it)
        return [extract_and_prepare(a, ex, **kw) for a in articles]
    return [extract_and_prepare(a, ex, doc=d, **kw) for a, d in zip(articles, docs)]


def _batches(items: Iterable, n: int) -> Iterator[list]:
    batch = []
    for it in items:
        batch.append(it)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepared(articles: Iterable[Article], processes: int, min_confidence: float, store_text: bool = True
              ) -> Iterator[tuple[ArticleGraphs | None, Outcome]]:
    if processes <= 1:
        ex = default_extractor()
        for a in articles:
            yield extract_and_prepare(a, ex, min_confidence=min_confidence, store_text=store_text)
        return
    # forkserver: workers start from a clean interpreter, not a copy of a parent that may hold
    # store handles, threads or a loaded model.
    ctx = mp.get_context("forkserver")
    from .validate import configured
    with ctx.Pool(processes, initializer=_init_worker, initargs=(configured(),)) as pool:
        for results in pool.imap(partial(extract_and_prepare_many, min_confidence=min_confidence,
                                         store_text=store_text),
                                 _batches(articles, PIPE_BATCH)):
            yield from results


def ingest_articles(store: Store, articles: Iterable[Article], *, processes: int = 1, chunk: int = 50,
                    on_outcome: Callable[[Outcome], None] | None = None,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE, store_text: bool = True) -> Summary:
    """Extract, validate and store raw articles, ``processes`` at a time; results in input order.

    ``min_confidence``: extracted events scored below it are not stored (see DEFAULT_MIN_CONFIDENCE).
    ``store_text``: each article's text is stored with it (schema:text); False keeps the sentences only.
    """
    return store_prepared(store, _prepared(articles, processes, min_confidence, store_text), chunk=chunk,
                          on_outcome=on_outcome)


# --------------------------------------------------------------------------- curated import on every core

# Articles per transaction for an import (kg import): a write re-resolves every mention of the resolution keys
# it touches (kg/store/resolution.py), so its cost grows with the reports those keys already have, not with
# the batch. Fewer, larger transactions pay that cost fewer times (bench/bench_import.py); each article is
# still whole or absent, and the stored quads do not depend on the chunking (labels and canonical events are
# functions of the set of articles, docs/resolution.md).
IMPORT_CHUNK = 500
# Below this many articles a worker pool costs more to start (~1-2 s: rdflib, pyshacl, the shapes) than it saves.
PARALLEL_FROM = 200


def _init_validator(resources: tuple[str | None, str | None] = (None, None)) -> None:
    """A validation worker: the parent's shapes and ontology (kg.validate.configure), parsed before the first article."""
    from . import validate
    validate.configure(*resources)
    validate._load()


def _prepare_curated(item, extractor: str | None, store_text: bool = True):
    return prepare_item(item, extractor=extractor, store_text=store_text)


def prepared_curated(items: list, processes: int, extractor: str | None = None, store_text: bool = True
                     ) -> Iterator[tuple[ArticleGraphs | None, Outcome]]:
    """kg.ingest.prepare_item for each item (build + SHACL), in ``processes`` workers, results in input order.

    The parent then only resolves and writes (one RocksDB writer anyway), so on 2 cores the
    validation of the next chunk runs while the previous one is written.
    """
    if processes <= 1 or len(items) < PARALLEL_FROM:
        for it in items:
            yield prepare_item(it, extractor=extractor, store_text=store_text)
        return
    ctx = mp.get_context("forkserver")   # as _prepared: a clean interpreter, no store handles copied
    from .validate import configured
    with ctx.Pool(processes, initializer=_init_validator, initargs=(configured(),)) as pool:
        yield from pool.imap(partial(_prepare_curated, extractor=extractor, store_text=store_text), items,
                             chunksize=8)


@contextlib.contextmanager
def frozen_heap():
    """The objects alive now (the whole input of an import, read into memory) left out of the garbage
    collector's full passes until the block ends.

    Profiled on bench/bench_import.py: with 10,000 articles in memory, each full collection walks all of
    them, and the allocations of resolution and writing trigger many, which showed up as time in whatever
    allocated (mentions_from_rows: 28% of the parent's CPU). Nothing here is garbage, so freezing is safe:
    the objects are unfrozen, and collected as usual, afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def import_curated(store: Store, items: list, *, processes: int = 2, extractor: str | None = "curated",
                   chunk: int = IMPORT_CHUNK, on_outcome: Callable[[Outcome], None] | None = None,
                   store_text: bool = True) -> Summary:
    """kg.ingest.ingest_many for a list of curated items (what ``kg import`` reads), validated on every core
    and written ``chunk`` articles per transaction; outcomes in input order, the same stored quads.
    ``store_text``: with each article's text (schema:text), else with the evidence sentences only."""
    with frozen_heap():
        return store_prepared(store, prepared_curated(items, processes, extractor, store_text), chunk=chunk,
                              on_outcome=on_outcome)
