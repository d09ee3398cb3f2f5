"""`kg`: the command-line face of dipkg. A thin click layer over the public API (:mod:`kg`).

Every command takes the store from the global ``--store`` option (or
``$KG_STORE``; default ``./kg-data``), placed before the command name::

    kg --store s import corpus/*.json
    kg --store s export --format trig -o out.trig
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import Settings, SettingsError, StoreError
from .records import DEFAULT_MIN_CONFIDENCE
from .store import DEFAULT_LOCATION
from .store.base import RDF_FORMATS
from .tables import TABLE_FORMATS, TABLES
from .validate import configure as configure_validation


def _fail(message: str, code: int = 1):
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


class Context:
    """What every command gets: the Settings built once from the global options, and the store, opened lazily."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store = None

    @property
    def location(self) -> str:
        return self.settings.store

    @property
    def remote(self) -> bool:
        return self.settings.remote

    def store(self, *, existing: bool = False, **kw):
        """The store, opened on first use. ``existing``: the command only reads (or deletes), so a local
        store that is not there is an error, not a new empty store (``kg --store typo stats``)."""
        if self._store is None:
            if existing and not self.remote and not Path(self.location).is_dir():
                where = Path(self.location)
                shown = repr(self.location) + ("" if where.is_absolute() else f" ({where.absolute()})")
                _fail(f"no store at {shown}; check --store (or $KG_STORE), or create the store by loading articles "
                      f"into it: 'kg --store {self.location} import FILE.json...' (curated) or "
                      f"'kg --store {self.location} ingest FILE...' (extracted)")
            try:
                self._store = self.settings.open_store(**kw)
            except StoreError as e:
                _fail(str(e))
        return self._store

    def close(self):
        if self._store is not None:
            self._store.close()
            self._store = None


class _Group(click.Group):
    """Store failures in the middle of a command (an engine that died, a full disk) end with a message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StoreError as e:
            _fail(f"{e}\nArticles are written whole or not at all: run the same command again to finish.")
        except KeyboardInterrupt:
            _fail("interrupted. Articles already stored are whole; run the same command again to finish.", 130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "location", default=None,
              help=f"Store directory (embedded pyoxigraph) or http(s):// SPARQL query endpoint. Env: KG_STORE; "
                   f"default: ./{DEFAULT_LOCATION}.")
@click.option("--update-url", default=None,
              help="Remote store: SPARQL Update endpoint, when it differs from --store. Env: KG_UPDATE_URL.")
@click.option("--graph-store-url", default=None,
              help="Remote store: Graph Store Protocol endpoint, which GET /graph of 'kg serve' reads (default: "
                   "derived from --store per engine). Env: KG_GRAPH_STORE_URL.")
@click.option("--store-user", default=None, help="Remote store user. Env: KG_STORE_USER.")
@click.option("--store-password", default=None, help="Remote store password. Env: KG_STORE_PASSWORD.")
@click.version_option(package_name="dipkg")
@click.pass_context
def main(ctx, location, update_url, graph_store_url, store_user, store_password):
    """dipkg: diplomatic events from news articles, as a validated RDF knowledge graph.

    Options override the environment (KG_STORE, KG_SHAPES, ... see kg.settings), which overrides the defaults.
    """
    try:
        settings = Settings.from_env(store=location, update_url=update_url, graph_store_url=graph_store_url,
                                     store_user=store_user, store_password=store_password)
    except SettingsError as e:
        _fail(str(e), 2)
    configure_validation(settings.shapes, settings.ontology)
    ctx.obj = Context(settings)
    ctx.call_on_close(ctx.obj.close)


AUTO_OPTIMIZE = 200  # articles: after a batch this large, compact the embedded store (queries ~1.7x faster)


def _optimize_after(store, summary) -> None:
    if summary.stored >= AUTO_OPTIMIZE and not store.is_remote:   # an engine compacts itself
        click.echo("optimizing the store for queries...", err=True)
        store.optimize()
    _catch_up_index(store)


def _catch_up_index(store) -> None:
    """A write that found the event index lagging (after a crash, a restore) could not update it: rebuild."""
    if store.catch_up_index():
        click.echo("rebuilt the event index of the JSON API (it lagged behind the store)", err=True)


def _report_batch(summary, noun: str) -> None:
    color = "green" if not summary.failed else "yellow"
    left_out = []
    if summary.dropped:
        left_out.append(f"{summary.dropped} extracted event(s) dropped by SHACL (warnings above)")
    if summary.below_confidence:
        left_out.append(f"{summary.below_confidence} below --min-confidence")
    click.secho(f"{summary.stored} {noun}(s) stored with {summary.events} event(s); "
                f"{summary.failed} failed." + (f" Left out: {'; '.join(left_out)}." if left_out else ""),
                fg=color, err=True)
    if summary.failed:
        click.echo("Fix the files named above and run the command again; stored articles are "
                   "replaced, not duplicated.", err=True)
        sys.exit(1)


def _on_outcome(bar):
    def show(o):
        bar.update(1)
        if o.warnings:
            click.echo("", err=True)
        for w in o.warnings:
            click.secho(f"warning: {w}", fg="yellow", err=True)
        if not o.ok:
            click.echo("", err=True)
            click.secho(f"rejected {o.where or o.article_id}:", fg="red", err=True)
            click.echo("  " + (o.error or "").replace("\n", "\n  "), err=True)
    return show


def _text_option(f):
    """--text/--no-text: whether articles are stored with their full text (Settings.store_text)."""
    return click.option("--text/--no-text", "store_text", default=None,
                        help="Store each article's full text with it (schema:text; the dashboard shows the evidence "
                             "in it) or, with --no-text, only the events' evidence sentences, for texts whose licence "
                             "forbids redistribution. Default: $KG_STORE_TEXT, else on.")(f)


def _with_text(obj: "Context", store_text) -> Settings:
    try:
        return obj.settings.replace(store_text=store_text)
    except SettingsError as e:
        _fail(str(e), 2)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--processes", "-j", default=None, type=int,
              help="Validation processes (default: 2 for imports of 200 or more articles, else 1).")
@_text_option
@click.pass_obj
def import_(obj: Context, files, processes, store_text):
    """Import curated articles (annotation JSON, one article per file, or JSONL).

    Each article is validated against the SHACL shapes and stored whole, or
    rejected with a report; re-importing an article id replaces it.
    """
    from . import read_annotated
    from .batch import import_curated
    if processes is not None and processes < 1:
        _fail("--processes must be at least 1", 2)
    settings = _with_text(obj, store_text)
    store = obj.store()
    items = list(read_annotated(files))  # JSONL files hold many articles: count them for the progress bar
    with click.progressbar(length=len(items), label="importing", file=sys.stderr) as bar:
        summary = import_curated(store, items, processes=processes or 2, on_outcome=_on_outcome(bar),
                                 store_text=settings.store_text)
    _optimize_after(store, summary)
    _report_batch(summary, "article")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--published", help="Publication date (YYYY-MM-DD) of plain-text input; relative dates need it.")
@click.option("--title", help="Title of plain-text input.")
@click.option("--url", help="URL of plain-text input.")
@click.option("--id", "ident", help="Article id of plain-text input (default: a hash of the text).")
@click.option("--processes", "-j", default=None, type=int,
              help="NLP processes (default: 2 for batches of 20 or more articles, else 1).")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=DEFAULT_MIN_CONFIDENCE,
              show_default=True, metavar="FLOAT",
              help="Do not store extracted events the extractor scored below this (0..1; an event without "
                   "a score counts as 1). The default is kg.records.DEFAULT_MIN_CONFIDENCE.")
@_text_option
@click.pass_obj
def ingest(obj: Context, paths, published, title, url, ident, processes, min_confidence, store_text):
    """Extract events from articles (text, HTML, article JSON/JSONL, directories) and store them.

    An extracted event that fails the SHACL shapes is dropped with a warning and the rest of its
    article is stored; only problems with the article itself reject it.
    """
    from . import Outcome, RecordError, ingest_articles, read_inputs

    if ident and len(paths) > 1:
        _fail("--id names one article: give one file with it, or let each file get its own id", 2)
    if published:
        from .records import ISO_DATE
        if not ISO_DATE.match(published):
            _fail(f"--published {published!r} is not a date; write it as YYYY-MM-DD", 2)
    settings = _with_text(obj, store_text)
    items = list(read_inputs(paths, published=published, title=title, url=url, id=ident))
    articles = [x for x in items if not isinstance(x, RecordError)]
    errors = [x for x in items if isinstance(x, RecordError)]
    undated = [a.id for a in articles if not a.published]
    if undated:
        click.secho(f"note: {len(undated)} article(s) have no publication date, so relative dates "
                    "('on Monday') stay unresolved; pass --published YYYY-MM-DD for plain text.",
                    fg="yellow", err=True)
    store = obj.store()
    n_process = processes or (2 if len(articles) >= 20 else 1)
    with click.progressbar(length=len(items), label="ingesting", file=sys.stderr) as bar:
        show = _on_outcome(bar)
        for e in errors:
            show(Outcome(None, e.where, error=str(e)))
        summary = ingest_articles(store, articles, processes=n_process, on_outcome=show,
                                  min_confidence=min_confidence, store_text=settings.store_text)
    summary.outcomes.extend(Outcome(None, e.where, error=str(e)) for e in errors)
    _optimize_after(store, summary)
    _report_batch(summary, "article")


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted(RDF_FORMATS) + sorted(TABLE_FORMATS)), default=None,
              help="RDF: turtle, trig (the default), nquads, ntriples, jsonld, rdfxml. With --table: csv (the "
                   "default), jsonl or parquet.")
@click.option("--article", "articles", multiple=True, help="Only this article id (repeatable), with its actors.")
@click.option("--table", type=click.Choice(TABLES),
              help="Write a research table instead of RDF: 'events', one row per event with GDELT/ICEWS-style "
                   "columns (docs/user-guide.md lists them).")
@click.option("--mentions", is_flag=True,
              help="With --table events: one row per article's event. Until cross-article resolution exists "
                   "this is also what the table is without it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.pass_obj
def export(obj: Context, fmt, articles, table, mentions, output):
    """Export the store (or some articles) as Turtle, TriG, N-Quads, N-Triples, JSON-LD or RDF/XML, or the
    events as a table (--table events) in CSV, JSON Lines or Parquet."""
    if table:
        return _export_table(obj, fmt or "csv", table, mentions, articles, output)
    if mentions:
        _fail("--mentions goes with --table events", 2)
    fmt = fmt or "trig"
    if fmt not in RDF_FORMATS:
        _fail(f"--format {fmt} is a table format: add --table events, or use one of {', '.join(sorted(RDF_FORMATS))}", 2)
    from . import export_store
    store = obj.store(existing=True, read_only=True)
    try:
        if output:
            with open(output, "wb") as out:
                export_store(store, out, fmt, articles=list(articles) or None)
            click.secho(f"wrote {output}", fg="green", err=True)
        else:
            export_store(store, sys.stdout.buffer, fmt, articles=list(articles) or None)
            sys.stdout.buffer.flush()
    except LookupError as e:
        _fail(f"{e.args[0]}; 'kg query \"SELECT ?id {{ ?a dcterms:identifier ?id }}\"' lists the ids")


def _export_table(obj: Context, fmt, table, mentions, articles, output):
    """kg export --table: the rows of kg.export_table, to a file or stdout."""
    import io
    from . import TableError, export_table
    if fmt not in TABLE_FORMATS:
        _fail(f"--table writes {', '.join(TABLE_FORMATS)}, not {fmt}", 2)
    if articles:
        _fail("--article selects RDF; a table has every stored event (filter the rows, or use /api/events)", 2)
    store = obj.store(existing=True, read_only=True)
    buf = io.BytesIO()   # Parquet writes its footer last: build the file, then write it out whole
    try:
        n = export_table(store, buf, fmt, table=table, mentions=mentions)
    except TableError as e:
        _fail(str(e), 2)
    if output:
        Path(output).write_bytes(buf.getvalue())
        click.secho(f"wrote {n} row(s) to {output}", fg="green", err=True)
    else:
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.buffer.flush()


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table",
              show_default=True)
@click.pass_obj
def query(obj: Context, sparql, fmt):
    """Run a SPARQL query (text, or @FILE). The usual prefixes (dip:, dcterms:, prov:, ...) are predeclared."""
    from . import run_query
    from .query import render_table
    if sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text(encoding="utf-8")
        except OSError as e:
            _fail(f"cannot read the query file: {e}")
    try:
        res = run_query(obj.store(existing=True, read_only=True), sparql, "json" if fmt == "table" else fmt)
    except (SyntaxError, ValueError, StoreError) as e:
        _fail(f"the query was rejected: {e}\nCheck the syntax near the position named above.")
    if fmt == "table" and res.kind in ("select", "ask"):
        click.echo(render_table(json.loads(res.body)))
    else:
        sys.stdout.buffer.write(res.body)
        sys.stdout.buffer.flush()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def stats(obj: Context, as_json):
    """Counts of articles, events by type, actors and quads."""
    s = obj.store(existing=True, read_only=True).stats()
    if as_json:
        click.echo(json.dumps(s, indent=1))
        return
    click.echo(f"store: {obj.location}")
    click.echo(f"  articles      {s['Article']:>8}")
    for t in ("Visit", "Award", "Agreement", "TradeTarget"):
        click.echo(f"  {t:<13} {s[t]:>8}   {s['Canonical' + t]} counted once across articles")
    click.echo(f"  persons       {s['Person']:>8}   countries {s['Country']}, places {s['Place']}, "
               f"organisations {s['Organization']}")
    click.echo(f"  quads         {s['quads']:>8}")


@main.command()
@click.argument("article_ids", nargs=-1, required=True)
@click.pass_obj
def delete(obj: Context, article_ids):
    """Delete articles (their graphs and events); shared actors stay."""
    from .rdf import article_iri
    store = obj.store(existing=True)
    missing = [a for a in article_ids if not store.delete_article(str(article_iri(a)))]
    _catch_up_index(store)
    for a in article_ids:
        if a not in missing:
            click.secho(f"deleted {a}", fg="green", err=True)
    if missing:
        _fail(f"no article with id {', '.join(map(repr, missing))}; 'kg stats' and 'kg export' show what is stored")


@main.command()
@click.pass_obj
def optimize(obj: Context):
    """Compact the embedded store after large loads; queries get faster (about 1.7x measured)."""
    store = obj.store(existing=True)
    if not store.optimize():
        _fail("this store is a remote engine; optimise it with the engine's own tools")
    click.secho("optimized", fg="green", err=True)


@main.command()
@click.option("--check", is_flag=True, help="Only say whether the index is current and equals a rebuild; write nothing.")
@click.pass_obj
def reindex(obj: Context, check):
    """Rebuild the JSON API's event index from the store (it is rebuilt by 'kg serve' too when it lags)."""
    store = obj.store(existing=True)
    if store.is_remote:
        _fail("a remote engine has no event index: the JSON API queries it directly")
    if check:
        from .store.event_index import check_index
        ok, message = check_index(store)
        (click.secho if ok else _fail)(message, **({"fg": "green", "err": True} if ok else {}))
        return
    n = store.reindex()
    click.secho(f"indexed {n} event(s)", fg="green", err=True)


@main.command()
@click.option("--check", is_flag=True, help="Only say whether the canonical events equal a resolution from scratch; write nothing.")
@click.pass_obj
def resolve(obj: Context, check):
    """Resolve every article's events into canonical events from scratch (graph/events).

    Every import, ingest and delete keeps the canonical events current by itself; this is for a store
    written before resolution existed, or after SPARQL Updates or Graph Store writes to article graphs."""
    from .store.resolution import check_resolution
    store = obj.store(existing=True, read_only=check)
    if check:
        ok, message = check_resolution(store)
        (click.secho if ok else _fail)(message, **({"fg": "green", "err": True} if ok else {}))
        return
    n = store.resolve_events()
    click.secho(f"resolved the store's events into {n} canonical event(s)", fg="green", err=True)


@main.command()
@click.pass_obj
def validate(obj: Context):
    """Validate every stored article against the SHACL shapes."""
    from . import validate_graph
    store = obj.store(existing=True, read_only=True)
    iris = store.article_iris()
    bad = 0
    with click.progressbar(iris, label="validating", file=sys.stderr) as bar:
        for a in bar:
            report = validate_graph(store.article_graph(a))
            if not report.conforms:
                bad += 1
                click.echo("\n" + report.text(a), err=True)
    if bad:
        _fail(f"{bad} of {len(iris)} article(s) do not conform; re-import them from fixed sources")
    click.secho(f"all {len(iris)} article(s) conform", fg="green", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option("--threads", default=None, type=int,
              help=f"Request threads per worker, and queries each worker runs at once unless KG_QUERY_PROCS "
                   f"(default: $KG_THREADS or {Settings.threads}).")
@click.option("--timeout", default=None, type=float,
              help=f"Query timeout in seconds (default: $KG_QUERY_TIMEOUT or {Settings.query_timeout:g}).")
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, metavar="FLOAT",
              help="POST /articles: do not store extracted events scored below this (0..1; default: "
                   f"$KG_MIN_CONFIDENCE or {DEFAULT_MIN_CONFIDENCE}, kg.records.DEFAULT_MIN_CONFIDENCE).")
@_text_option
@click.pass_obj
def serve(obj: Context, host, port, workers, threads, timeout, access_log, min_confidence, store_text):
    """Serve the store over HTTP: SPARQL 1.1 Protocol (/sparql), Graph Store (/graph), ingest (/articles).

    Writes need KG_TOKEN set in the environment (clients send 'Authorization: Bearer <token>');
    without it the service is read-only. Limits: KG_MAX_ROWS, KG_MAX_BODY, KG_QUERY_TIMEOUT.
    The workers get the same settings as this command (options over environment over defaults).
    """
    from .web.serve import serve as run
    if workers < 1:
        _fail("--workers must be at least 1", 2)
    try:
        settings = obj.settings.replace(threads=threads, query_timeout=timeout, min_confidence=min_confidence,
                                        store_text=store_text)
    except SettingsError as e:
        _fail(str(e), 2)
    if not settings.remote and Path(settings.store).is_dir():
        # Before the workers start (they would answer from SPARQL meanwhile), and in a child process:
        # RocksDB's background threads do not survive a fork, so a store opened in this process, which
        # forks gunicorn's workers, left every later flush in the workers waiting forever. Whether the
        # index lags is read from files alone (no RocksDB handle), so a current index costs no child.
        from .store.embedded import EmbeddedStore
        probe = EmbeddedStore(settings.store, read_only=True)
        lags = probe.index_lags()
        probe.close()
        if lags:
            import multiprocessing as mp
            from .store.event_index import catch_up
            child = mp.get_context("spawn").Process(target=catch_up, args=(settings.store,))
            child.start()
            child.join()
    try:
        run(settings, host=host, port=port, workers=workers, access_log=access_log)
    except StoreError as e:
        _fail(str(e))


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", is_flag=True,
              help="Group missed and extra events by cause (trigger missed, visitor, place, parties, duplicate, "
                   "boilerplate, spurious, ...) with counts per type, and list slot errors of matched pairs.")
@click.option("--processes", "-j", default=1, type=int, help="Worker processes for extraction and validation.")
@click.option("--records", is_flag=True, help="Score the extractor's records directly, without the store.")
def eval_(gold_dir, verbose, processes, records):
    """Score extraction on gold article JSON files (matching rules of eval/score.py).

    The articles' text (their gold events ignored) is ingested into a temporary embedded
    store, as `kg ingest` would store it, and the events are read back with SPARQL, so an
    event or article that SHACL rejects counts as missed. The --store option is not used.

    A table first scores the events at confidence thresholds 0, 0.3, 0.5, 0.7 and 0.9 (an event
    without a confidence counts as 1.0); the rest of the report is at
    kg.records.DEFAULT_MIN_CONFIDENCE, marked *, the threshold kg ingest uses.
    """
    from .evaluate import evaluate, evaluate_via_store, format_report
    if processes < 1:
        _fail("--processes must be at least 1", 2)
    if records:
        from . import default_extractor
        result = evaluate(gold_dir, default_extractor(), n_process=processes)
    else:
        result = evaluate_via_store(gold_dir, processes=processes)
    click.echo(format_report(result, verbose=verbose))



# --- backups: kg dump / kg restore (logic in kg/backup.py) ---------------------------------------

@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def dump(obj: Context, file):
    """Dump the whole store to FILE as N-Quads (gzip when FILE ends in .gz), from one consistent snapshot."""
    from .backup import BackupError, dump as run
    if obj.remote:
        _fail("kg dump reads an embedded store (--store DIR); for a remote engine use "
              "'kg export --format nquads' or the engine's own backup tool")
    store = obj.store(existing=True, read_only=True)
    try:
        total = store.count()
        with click.progressbar(length=total, label="dumping", file=sys.stderr) as bar:
            n = run(store, file, progress=bar.update)
    except (BackupError, StoreError, OSError) as e:
        _fail(str(e))
    click.secho(f"wrote {n} quad(s) to {file}", fg="green", err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Swap the content of a non-empty store for the dump (default: refuse unless empty).")
@click.pass_obj
def restore(obj: Context, file, replace):
    """Restore a store from a 'kg dump' FILE (N-Quads, .gz read as gzip), atomically.

    The dump is loaded into a temporary store next to the target and swapped in only when
    every line has loaded, so a corrupt or truncated file leaves the target untouched.
    """
    from .backup import BackupError, restore as run
    size = Path(file).stat().st_size
    try:
        with click.progressbar(length=size, label="restoring", file=sys.stderr) as bar:
            n = run(file, obj.location, replace=replace, progress=bar.update)
    except (BackupError, OSError) as e:
        click.echo("", err=True)
        _fail(str(e))
    _catch_up_index(obj.store())
    click.secho(f"restored {n} quad(s) into {obj.location}", fg="green", err=True)


if __name__ == "__main__":
    main()
