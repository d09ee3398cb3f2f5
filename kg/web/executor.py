"""Query execution with a deadline: killable worker processes for the embedded store, direct calls for remote engines.

pyoxigraph cannot cancel a running query (it has no timeout or interrupt in its Python API), so
a web worker never runs an embedded query itself: it hands the job to a worker process and waits
at most the query timeout; a worker that overruns is killed with SIGKILL and replaced by a fresh
one (forkserver context, so a replacement starts in tens of milliseconds). Each worker runs one
job at a time and keeps its store handle open between jobs (``open_store(location,
read_only=True)`` for reads, which re-opens its snapshot whenever a write bumps the store
version; updates open the store for writing under its file lock only for the update). Killing
one worker therefore never touches another query, and an update killed before it commits
leaves the store unchanged.

A remote engine (Oxigraph server, Virtuoso) is called directly in the request thread: the
``requests`` timeouts of :class:`kg.store.remote.RemoteStore` bound the call, and nothing runs
in this process that would need killing.

Every failure is an exception of a type below; :mod:`kg.web.errors` maps each type to its HTTP
status, in one table. A worker sends its failure back as the exception object itself, so the
type crosses the pipe and no caller reads error messages to decide what happened.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import re
import threading
import time
from dataclasses import dataclass

from ..rdf import PREFIXES


class QueryError(Exception):
    """A query or update that did not produce an answer; the message says what to do next."""


class QueryTimeout(QueryError):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"exceeded {seconds:g} s and was stopped")

    def __reduce__(self):
        return (QueryTimeout, (self.seconds,))


class QueryBusy(QueryError):
    """Every worker stayed busy until the request's deadline."""


class QueryCrashed(QueryError):
    """The worker process died by itself (out of memory, a crash in the engine), twice."""


class QueryRejected(QueryError):
    """The client's mistake: a syntax error, a graph the store does not hold, an invalid IRI."""


class GraphStateError(QueryError):
    """An update that SPARQL 1.1 Update says must fail on the store's current graphs: CREATE of a graph that
    exists, DROP / CLEAR / MOVE of one that does not (each without SILENT). The client's to fix, never a 500."""


# pyoxigraph raises these as a plain RuntimeError; the message is all there is to tell them by
_GRAPH_STATE = re.compile(r"The graph (<[^>]*>|DEFAULT) (already exists|does not exist)")


def graph_state_error(message: str) -> GraphStateError | None:
    """The GraphStateError for pyoxigraph's ``message``, with the spec's rule and the fix; None if it is not one."""
    m = _GRAPH_STATE.search(message)
    if m is None:
        return None
    graph, state = m.groups()
    if state == "already exists":
        return GraphStateError(
            f"the graph {graph} already exists. SPARQL 1.1 Update (3.2.1 CREATE): creating a graph that exists "
            f"fails unless SILENT is given. Write CREATE SILENT GRAPH {graph} to go on when it exists, or "
            f"DROP GRAPH {graph} first to start it empty")
    return GraphStateError(
        f"the graph {graph} does not exist. SPARQL 1.1 Update (3.2 Graph Management): DROP, CLEAR, MOVE and "
        f"COPY of a graph that does not exist fail unless SILENT is given. Add SILENT (e.g. DROP SILENT GRAPH "
        f"{graph}) to ignore it; SELECT DISTINCT ?g {{ GRAPH ?g {{}} }} lists the stored graphs")


class NotAcceptable(QueryError):
    """The query form cannot be answered in any format the client accepts; ``kind`` is the form."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(f"cannot answer this {kind.upper() if kind != 'graph' else 'CONSTRUCT/DESCRIBE'} query "
                         "in any of the accepted formats")

    def __reduce__(self):
        return (NotAcceptable, (self.kind,))


class StoreFailed(QueryError):
    """The store itself failed (an I/O error, a remote engine refusing or erroring): not the client's fault."""


class StoreUnavailable(StoreFailed):
    """A remote engine could not be reached or did not answer in time: retry later."""


# older names, kept for callers outside kg/web
ExecutorBusy, ExecutorCrashed = QueryBusy, QueryCrashed


@dataclass
class Result:
    kind: str = ""             # select / ask / graph / update / stats
    body: bytes = b""
    fmt: str = ""              # the format name used (json, turtle, ...)
    rows: int = 0
    truncated: bool = False
    value: object = None
    ok: bool = True            # failures are exceptions; kept so that callers may still test it


# --- the jobs (run in a worker process for the embedded store, in the request thread for a remote one) -----

_state: dict = {}


def _store(location: str, read_only: bool):
    key = ("ro" if read_only else "rw", location)
    st = _state.get(key)
    if st is None:
        from ..store import open_store
        st = _state[key] = open_store(location, read_only=True) if read_only else open_store(location)
    return st


def _retry_stale(run):
    """Run a read again on a fresh snapshot when a writer deleted files the old one used (twice at most)."""
    def wrapper(store, job: dict) -> Result:
        from ..store.embedded import stale_snapshot
        for attempt in range(3):
            try:
                return run(store, job)
            except Exception as e:
                cause = e.__cause__ if isinstance(e, StoreFailed) and e.__cause__ is not None else e
                if attempt == 2 or not stale_snapshot(cause):
                    raise
            store.reopen()
        raise AssertionError("unreachable")
    wrapper.__name__ = run.__name__
    return wrapper


# Every way a request names the graphs it reads: a graph the store does not hold is refused alike, with a
# 400 that says so (rather than an empty answer, which reads as "no match"): this service never fetches
# remote data, so an unknown graph is a typo or data not loaded yet. See docs/sparql.md#datasets.
_DATASET_SOURCES = (("from_graphs", "FROM"), ("from_named", "FROM NAMED"), ("default_graphs", "default-graph-uri"),
                    ("named_graphs", "named-graph-uri"), ("using", "USING"))


def _check_from(has_graph, job: dict) -> None:
    for name, clause in _DATASET_SOURCES:
        for g in job.get(name) or ():
            if g != "default" and not has_graph(g):
                raise QueryRejected(
                    f"{clause} <{g}> names a graph this store does not hold, and this service never fetches "
                    "remote data. Use the IRI of a stored graph (SELECT DISTINCT ?g { GRAPH ?g {} } lists "
                    "them) or load the data first.")


@_retry_stale
def _query_embedded(store, job: dict) -> Result:
    import pyoxigraph as ox

    from .results import serialize_boolean, serialize_solutions, serialize_solutions_native, serialize_triples
    kwargs = {}
    if job.get("default_graphs"):
        kwargs["default_graph"] = list(job["default_graphs"])
    elif not job.get("named_graphs") and not job.get("own_dataset"):
        # the union default graph, unless the query has FROM / FROM NAMED (pyoxigraph would let
        # the union flag override them)
        kwargs["union_default_graph"] = True
    if job.get("named_graphs"):
        kwargs["named_graphs"] = list(job["named_graphs"])
        if not job.get("default_graphs"):
            # named-graph-uri alone: the default graph is then empty (SPARQL 1.1 Protocol 2.1.4)
            kwargs["default_graph"] = ["urn:x-dipkg:empty-default-graph"]
    _check_from(store.has_graph, job)
    try:
        res = store.evaluate(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES, **kwargs)
    except SyntaxError as e:
        raise QueryRejected(f"SPARQL syntax error: {e}") from None
    cap = job["max_rows"]
    if isinstance(res, ox.QueryBoolean):
        fmt = job.get("result_format")
        if fmt is None:
            raise NotAcceptable("ask")
        return Result("ask", serialize_boolean(bool(res), fmt), fmt)
    if isinstance(res, ox.QuerySolutions):
        fmt = job.get("result_format")
        if fmt is None:
            raise NotAcceptable("select")
        # pyoxigraph's serialiser when the answer fits the cap (nearly always), else a re-run
        # through ours, which stops at the cap
        out = serialize_solutions_native(res, fmt, cap, max(1 << 20, cap * 4096))
        if out is None:
            res = store.evaluate(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES, **kwargs)
            out = serialize_solutions(res, fmt, cap)
        body, rows, trunc = out
        return Result("select", body, fmt, rows, trunc)
    fmt = job.get("graph_format")
    if fmt is None:
        raise NotAcceptable("graph")
    body, rows, trunc = serialize_triples(res, fmt, cap, PREFIXES)
    return Result("graph", body, fmt, rows, trunc)


def _query_remote(store, job: dict) -> Result:
    """A remote engine runs the query; its answer is parsed and re-serialised here, under the same row cap.

    The engine is asked for SPARQL JSON (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE), which every
    engine speaks, so the client's format, the cap and X-Result-Truncated work as on the embedded store.
    """
    import io

    import pyoxigraph as ox

    from ..query import with_prefixes
    from .results import serialize_boolean, serialize_solutions, serialize_triples
    _check_from(store.has_graph, job)
    res = store.query(with_prefixes(job["sparql"]), result_format="json", graph_format="ntriples",
                      default_graphs=job.get("default_graphs"), named_graphs=job.get("named_graphs"))
    cap = job["max_rows"]
    if res.kind == "graph":
        fmt = job.get("graph_format")
        if fmt is None:
            raise NotAcceptable("graph")
        triples = ox.parse(io.BytesIO(res.body), format=ox.RdfFormat.N_TRIPLES)
        body, rows, trunc = serialize_triples(triples, fmt, cap, PREFIXES)
        return Result("graph", body, fmt, rows, trunc)
    fmt = job.get("result_format")
    if fmt is None:
        raise NotAcceptable(res.kind)
    parsed = ox.parse_query_results(io.BytesIO(res.body), format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return Result("ask", serialize_boolean(bool(parsed), fmt), fmt)
    body, rows, trunc = serialize_solutions(parsed, fmt, cap)
    return Result("select", body, fmt, rows, trunc)


def _update(store, job: dict) -> Result:
    if store.is_remote:
        _check_from(store.has_graph, job)
        store.update(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES)
        return Result("update")
    with store.writing():          # the check reads through the writer: the state the update will see
        _check_from(store.has_graph, job)
        store.update(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES)
    return Result("update")


def _stats(store, job: dict) -> Result:
    n = store.count()
    return Result("stats", value={"quads": n, "version": store.version()})


def _prepare(job: dict) -> Result:
    """POST /articles: extract (where asked) and validate each article; ``value`` is [(graphs, outcome)]."""
    from .. import validate
    from ..batch import extract_and_prepare
    from ..ingest import prepare
    validate.configure(job.get("shapes"), job.get("ontology"))  # the worker is another process: the service's files
    out = []
    store_text = job.get("store_text", True)
    for article, extract in job["items"]:
        out.append(extract_and_prepare(article, min_confidence=job["min_confidence"], store_text=store_text)
                   if extract else prepare(article, extractor="curated", where="request", store_text=store_text))
    return Result("prepare", value=out)


def run_job(store, job: dict) -> Result:
    """Run one job on ``store``; every failure comes out as a :class:`QueryError` subclass."""
    from ..store import StoreError
    from ..store.base import StoreRejected, StoreUnavailable as _Unreachable
    op = job["op"]
    embedded = store is not None and not store.is_remote
    try:
        if op == "query":
            return (_query_embedded if embedded else _query_remote)(store, job)
        if op == "update":
            return _update(store, job)
        if op == "prepare":
            return _prepare(job)
        if op == "stats":
            return (_retry_stale(_stats) if embedded else _stats)(store, job)
        raise ValueError(f"unknown job {op!r}")
    except QueryError:
        raise
    except StoreRejected as e:
        raise graph_state_error(str(e)) or QueryRejected(str(e)) from None
    except _Unreachable as e:
        raise StoreUnavailable(str(e)) from None
    except StoreError as e:
        raise StoreFailed(str(e)) from None
    except SyntaxError as e:
        raise QueryRejected(f"SPARQL syntax error: {e}") from None
    except ValueError as e:  # pyoxigraph: a bad IRI or term in the request
        raise QueryRejected(f"invalid request: {e}") from None
    except OSError as e:
        raise StoreFailed(f"the query failed while running: {e}") from None
    except RuntimeError as e:
        raise graph_state_error(str(e)) or StoreFailed(f"{type(e).__name__}: {e}") from None
    except Exception as e:
        raise StoreFailed(f"{type(e).__name__}: {e}") from None


# --- the worker process ---------------------------------------------------------------------

def worker_main(conn, location: str) -> None:
    """Serve jobs from ``conn`` one at a time until the pipe closes; answer a Result or a QueryError."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web worker decides when we stop
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            store = None if job["op"] == "prepare" else _store(location, job["op"] != "update")
            if job["op"] == "update" and not store.is_remote:
                from . import writer         # one lingering writer per store: see kg.web.writer
                res = writer.run(store, job, run_job)
            else:
                res = run_job(store, job)
        except QueryError as e:
            res = e
        except Exception as e:  # opening the store failed: report, never die on a job
            res = StoreFailed(f"{type(e).__name__}: {e}")
        try:
            conn.send(res)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx, location: str):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, location), daemon=True, name="kg-query")
        self.proc.start()
        child.close()

    def kill(self) -> None:
        """SIGKILL, reap, close the pipe (each step may find it already gone)."""
        try:
            self.proc.kill()
        except Exception:
            pass
        self.proc.join(2)
        try:
            self.conn.close()
        except Exception:
            pass


class QueryExecutor:
    """Up to ``size`` worker processes, one job each at a time. ``run(job, timeout)`` returns a Result or
    raises a QueryError: QueryTimeout after killing the worker that overran, QueryBusy when no worker
    came free before the deadline."""

    def __init__(self, location: str, size: int = 2):
        self.location = location
        self.size = max(1, size)
        self.pid = os.getpid()
        self._ctx = None
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._writer: _Worker | None = None     # runs the updates (one at a time), started on the first one
        self._writer_lock = threading.Lock()
        self.kills = 0              # workers killed at a deadline
        self.crashes = 0            # workers that died by themselves

    def _context(self):
        if self._ctx is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            self._ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                self._ctx.set_forkserver_preload(["kg.web.executor", "kg.web.results", "kg.store.embedded",
                                                 "kg.web.writer"])
        return self._ctx

    def pids(self) -> list[int]:
        """The idle workers' process ids (for tests and /metrics)."""
        return [w.proc.pid for w in list(self._idle.queue)]

    def _checkout(self, deadline: float) -> _Worker:
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            if w.proc.is_alive():
                return w
            self._discard(w)       # it died while idle (a writer that stopped at a deadline, kg.web.writer)
        with self._lock:
            if self._started < self.size:
                self._started += 1
                try:
                    return _Worker(self._context(), self.location)
                except Exception:
                    self._started -= 1
                    raise
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryBusy("all query processes stayed busy; retry in a moment") from None

    def _discard(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            self._started -= 1

    def _writer_checkout(self, deadline: float) -> _Worker:
        """The one process that runs this executor's updates (never reads: a read that overruns is killed,
        and a process holding the store's writer for the whole service must not die for a read)."""
        if not self._writer_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise QueryBusy("another update is running and did not finish in time; retry in a moment")
        w = self._writer
        if w is None or not w.proc.is_alive():
            if w is not None:
                w.kill()
            try:
                w = self._writer = _Worker(self._context(), self.location)
            except BaseException:
                self._writer = None
                self._writer_lock.release()
                raise
        return w

    def _writer_return(self, w: _Worker) -> None:
        self._writer_lock.release()

    def _writer_discard(self, w: _Worker) -> None:
        w.kill()
        self._writer = None
        self._writer_lock.release()

    def run(self, job: dict, timeout: float) -> Result:
        deadline = time.monotonic() + timeout
        # the deadline travels with the job: a process that runs it for another (kg.web.writer) stops there too
        job = {**job, "deadline": deadline, "timeout": timeout}
        updates = job.get("op") == "update"
        if updates:
            from . import writer
            try:
                return writer.send(self.location, job)    # straight to the store's lingering writer
            except writer.NoHolder:
                pass                                      # none: our writer process becomes it
        checkout, give_back, discard = ((self._writer_checkout, self._writer_return, self._writer_discard)
                                        if updates else (self._checkout, self._idle.put, self._discard))
        for attempt in range(2):
            w = checkout(deadline)
            try:
                w.conn.send(job)
                if not w.conn.poll(max(0.05, deadline - time.monotonic())):
                    self.kills += 1
                    discard(w)
                    raise QueryTimeout(timeout)
                res = w.conn.recv()
            except QueryTimeout:
                raise
            except (EOFError, OSError) as e:
                # it died by itself: a read is tried once more in a fresh worker (reads are idempotent)
                self.crashes += 1
                discard(w)
                if attempt == 1 or updates:
                    raise QueryCrashed(f"the query process died ({type(e).__name__}); the query may need more "
                                       "memory than the server has: add LIMIT or narrow the pattern") from None
                continue
            except BaseException:
                discard(w)
                raise
            give_back(w)
            if isinstance(res, QueryError):
                raise res
            return res
        raise AssertionError("unreachable")

    def close(self) -> None:
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            w.kill()
        if self._writer is not None:
            self._writer.kill()
            self._writer = None


class DirectExecutor:
    """A remote engine: jobs run in the calling thread, bounded by the store's own HTTP timeouts.

    (POST /articles still extracts in a QueryExecutor: spaCy runs here, not in the engine.)"""

    def __init__(self, store):
        self.store = store
        self.pid = os.getpid()
        self.kills = 0

    def run(self, job: dict, timeout: float) -> Result:
        return run_job(self.store, job)

    def close(self) -> None:
        pass


def executor_for(location: str, size: int, store=None):
    """The executor that fits the store at ``location``: worker processes for a directory, direct calls for a URL
    (on ``store`` when the caller has that remote store open already)."""
    if location.startswith(("http://", "https://")):
        from ..store import open_store
        return DirectExecutor(store if store is not None else open_store(location))
    return QueryExecutor(location, size)
