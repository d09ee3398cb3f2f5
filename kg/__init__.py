"""dipkg: news articles about diplomacy -> a validated RDF knowledge graph.

The flow is one way: text -> records (kg.records, kg.extract) -> RDF (kg.rdf)
-> validation (kg.validate) -> store (kg.store, kg.ingest) -> HTTP (kg.web).

The public API is what this module exports (``__all__``); the ``kg`` command and the web
service are built on it. ``import kg`` is cheap: each name is imported on first use::

    import json, kg

    with kg.open_store("my-store") as store:          # a directory (created on first write) or an http(s):// URL
        [(curated, where)] = kg.read_annotated(["samples/annotated/sample-xi-paris-2024.json"])
        print(kg.validate_article(curated).text(curated.id))   # article sample-xi-paris-2024: conforms
        print(kg.ingest_article(store, curated, extractor="curated").ok)               # True
        raw = kg.Article(id="modi", published="2024-07-08", text="Indian Prime Minister Narendra Modi arrived "
                         "in Moscow on Monday for a two-day visit.")
        print(kg.default_extractor().extract(raw))             # [Visit(..., visitor='Narendra Modi', ...)]
        print(kg.ingest_articles(store, [raw]).stored)         # 1: extracted, validated and stored
        rows = kg.run_query(store, "SELECT DISTINCT ?who { ?e a dip:Visit ; dip:visitor/rdfs:label ?who }")
        print(sorted(b["who"]["value"] for b in json.loads(rows.body)["results"]["bindings"]))  # [Narendra Modi, Xi..]
        with open("graph.trig", "wb") as out:
            kg.export_store(store, out, "trig")

Opening a store
    ``open_store(location=None, **options) -> Store``: ``./kg-data`` by default (the environment is read by
    :class:`Settings` only); pass ``read_only=True`` to read without ever creating or writing. :class:`Store`
    (``query``, ``select``, ``stats``, ``count``, ``quads``, ``article_graph``, ``delete_article``, ``snapshot``,
    ``optimize``, ``close``...), :class:`StoreError`, :class:`QueryResult`.
Configuration
    :class:`Settings`: every setting of a process (store, credentials, shapes, limits of the web service),
    validated and frozen; ``Settings.from_env(**overrides)`` reads the KG_* variables (the only place that
    does), ``settings.open_store()`` opens its store. The CLI and ``create_app`` build one and pass it down.
    Bad values raise :class:`SettingsError` naming the variable.
Records
    :class:`Article` (id, text, title, published, url, events, people), the events :class:`Visit`,
    :class:`Award`, :class:`Agreement`, :class:`TradeTarget` (all :class:`Event`), :class:`Person`;
    :class:`RecordError` for unusable input. ``read_annotated(paths)`` reads curated annotation JSON/JSONL,
    ``read_inputs(paths, published=...)`` text, HTML and article JSON; bad files come as RecordErrors.
Extracting
    ``default_extractor()``: the spaCy rule-based :class:`Extractor` (the protocol an extractor implements),
    ``.extract(article) -> list[Event]``; the model loads on first use.
Ingesting (validate, then store each article whole or not at all)
    ``ingest_article(store, article)`` and ``ingest_many(store, articles_or_read_annotated)``: articles whose
    events are given (curated); an invalid article is rejected with its report. ``ingest_articles(store,
    articles, processes=1, min_confidence=...)``: raw articles, extracted first; the events SHACL rejects are
    dropped with a warning and the rest stored. Each returns an :class:`Outcome` or a :class:`Summary`, and each
    stores the article's text (schema:text) unless given ``store_text=False`` (the sentences only).
Validating
    ``validate_article(article) -> Report`` (stores nothing); ``validate_graph(rdflib_graph) -> Report``, e.g.
    of ``store.article_graph(iri)``. :class:`Report` (``conforms``, ``problems``, ``text()``), :class:`Problem`.
Querying and exporting
    ``run_query(store, sparql, result_format="json") -> QueryResult`` with the usual prefixes (dip:, dcterms:,
    rdfs:, ...) predeclared; ``export_store(store, binary_file, fmt, articles=None)``, fmt one of turtle, trig,
    nquads, ntriples, jsonld, rdfxml.
Research tables
    ``export_table(store, binary_file, fmt, table="events", mentions=False)``, fmt one of csv, jsonl, parquet
    (Parquet needs pyarrow, the ``tables`` extra): one row per event, columns named as GDELT/ICEWS name them
    (``kg.tables.COLUMNS``); ``event_rows(store)`` gives the rows as dicts, ``write_table(rows, file, fmt)``
    writes them. :class:`TableError` for an unknown table or format, or pyarrow missing.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> the module that defines it (imported on first access, PEP 562)
_EXPORTS = {
    "Settings": "kg.settings", "SettingsError": "kg.settings",
    "open_store": "kg.store", "Store": "kg.store", "StoreError": "kg.store", "QueryResult": "kg.store",
    "Article": "kg.records", "Event": "kg.records", "Visit": "kg.records", "Award": "kg.records",
    "Agreement": "kg.records", "TradeTarget": "kg.records", "Person": "kg.records", "RecordError": "kg.records",
    "read_annotated": "kg.readers", "read_inputs": "kg.extract.inputs",
    "default_extractor": "kg.extract", "Extractor": "kg.extract",
    "ingest_article": "kg.ingest", "ingest_many": "kg.ingest", "ingest_articles": "kg.batch",
    "Outcome": "kg.ingest", "Summary": "kg.ingest",
    "validate_article": "kg.ingest", "validate_graph": "kg.validate", "Report": "kg.validate",
    "Problem": "kg.validate",
    "run_query": "kg.query", "export_store": "kg.export",
    "export_table": "kg.tables", "event_rows": "kg.tables", "write_table": "kg.tables", "TableError": "kg.tables",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
