"""Killable query execution: query processes beside each web worker.

pyoxigraph cannot cancel a running query, so the web worker never runs one itself. It
hands the query to a query process (forkserver context, so a replacement starts in a few
milliseconds) and waits at most the query timeout; a process that overruns is killed with
SIGKILL and replaced.

Reads (queries, stats) go to one process per web worker that runs up to ``size`` of them at
once, in threads sharing one read-only store handle (``open_store(location,
read_only=True)``, which re-opens its snapshot whenever a write bumps the store version).
pyoxigraph releases the GIL while it evaluates, and one handle means one RocksDB block cache
and one address space: four concurrent aggregates ran 20-25% faster as four threads on one
handle than as four processes with a handle each (2 cores). When a query overruns, the
process is killed with everything it runs; the other queries it held are run again in its
replacement, within their own deadlines (reads are idempotent), so only the overrunning query
fails. When the process dies by itself (out of memory, a crash in the engine) every query it
held is tried once more, then answered as crashed.

Updates run one at a time per process, in a small pool of single-job processes (opening the
store for writing under its file lock only for the update), so a runaway ``DELETE ... WHERE``
is killable too: an update killed before it commits leaves the store unchanged.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass

from ..rdf import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QueryTimeout(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"query exceeded {seconds:g} s")


class ExecutorBusy(Exception):
    pass


class ExecutorCrashed(Exception):
    pass


@dataclass
class Result:
    ok: bool
    kind: str = ""             # select / ask / graph / update / stats
    body: bytes = b""
    fmt: str = ""              # the format name used (json, turtle, ...)
    rows: int = 0
    truncated: bool = False
    status: int = 200          # for errors: the HTTP status to answer
    error: str = ""
    value: object = None


# --- the query process ------------------------------------------------------------------

_state: dict = {}
_state_lock = threading.Lock()


def _store(location: str, read_only: bool):
    key = ("ro" if read_only else "rw", location)
    st = _state.get(key)
    if st is None:
        with _state_lock:       # the threads of a shared query process open one handle
            st = _state.get(key)
            if st is None:
                from ..store import open_store
                st = _state[key] = open_store(location, read_only=read_only) if read_only else \
                    open_store(location)
    return st


def _retry_stale(run):
    """Run a read again on a fresh snapshot when a writer deleted files the old one used (twice at most)."""
    def wrapper(location: str, job: dict) -> Result:
        from ..store.embedded import stale_snapshot
        for attempt in range(3):
            try:
                res = run(location, job)
            except Exception as e:
                if attempt == 2 or not stale_snapshot(e):
                    raise
            else:
                if res.ok or attempt == 2 or not stale_snapshot(res.error):
                    return res
            _store(location, True).reopen()
        raise AssertionError("unreachable")
    wrapper.__name__ = run.__name__
    return wrapper


@_retry_stale
def _run_query(location: str, job: dict) -> Result:
    import pyoxigraph as ox

    from .results import serialize_boolean, serialize_solutions, serialize_solutions_native, serialize_triples
    store = _store(location, True)
    if store.is_remote:
        return _run_remote_query(store, job)
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
    for name in ("from_graphs", "from_named"):
        for g in job.get(name) or ():
            if not store.has_graph(g):
                return Result(False, status=400, error=(
                    f"FROM{' NAMED' if name == 'from_named' else ''} <{g}> names a graph this store does not "
                    "hold, and this service never fetches remote data. Use the IRI of a stored graph "
                    "(SELECT DISTINCT ?g { GRAPH ?g {} } lists them) or load the data first."))
    try:
        res = store.evaluate(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES, **kwargs)
    except SyntaxError as e:
        return Result(False, status=400, error=f"SPARQL syntax error: {e}")
    cap = job["max_rows"]
    try:
        if isinstance(res, ox.QueryBoolean):
            fmt = job.get("result_format")
            if fmt is None:
                return Result(False, status=406, kind="ask", error="not_acceptable")
            return Result(True, "ask", serialize_boolean(bool(res), fmt), fmt)
        if isinstance(res, ox.QuerySolutions):
            fmt = job.get("result_format")
            if fmt is None:
                return Result(False, status=406, kind="select", error="not_acceptable")
            # pyoxigraph's serialiser when the answer fits the cap (nearly always), else a re-run
            # through ours, which stops at the cap
            out = serialize_solutions_native(res, fmt, cap, max(1 << 20, cap * 4096))
            if out is None:
                res = store.evaluate(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES, **kwargs)
                out = serialize_solutions(res, fmt, cap)
            body, rows, trunc = out
            return Result(True, "select", body, fmt, rows, trunc)
        fmt = job.get("graph_format")
        if fmt is None:
            return Result(False, status=406, kind="graph", error="not_acceptable")
        body, rows, trunc = serialize_triples(res, fmt, cap, PREFIXES)
        return Result(True, "graph", body, fmt, rows, trunc)
    except OSError as e:
        return Result(False, status=400 if "lookup" in str(e) or "http" in str(e).lower() else 500,
                      error=f"the query failed while running: {e}")


def _run_remote_query(store, job: dict) -> Result:
    """A remote engine runs the query; its answer is parsed and re-serialised here, under the same row cap.

    The engine is asked for SPARQL JSON (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE), which every
    engine speaks, so the client's format, the cap and X-Result-Truncated work as on the embedded store.
    """
    import io

    import pyoxigraph as ox

    from ..query import with_prefixes
    from ..store import StoreError
    from .results import serialize_boolean, serialize_solutions, serialize_triples
    for name in ("from_graphs", "from_named"):
        for g in job.get(name) or ():
            if not store.has_graph(g):
                return Result(False, status=400, error=(
                    f"FROM{' NAMED' if name == 'from_named' else ''} <{g}> names a graph this store does not "
                    "hold, and this service never fetches remote data."))
    try:
        res = store.query(with_prefixes(job["sparql"]), result_format="json", graph_format="ntriples",
                          default_graphs=job.get("default_graphs"), named_graphs=job.get("named_graphs"))
    except StoreError as e:
        msg = str(e)
        return Result(False, status=400 if "400" in msg or "syntax" in msg.lower() else 502, error=msg)
    cap = job["max_rows"]
    if res.kind == "graph":
        fmt = job.get("graph_format")
        if fmt is None:
            return Result(False, status=406, kind="graph", error="not_acceptable")
        triples = ox.parse(io.BytesIO(res.body), format=ox.RdfFormat.N_TRIPLES)
        body, rows, trunc = serialize_triples(triples, fmt, cap, PREFIXES)
        return Result(True, "graph", body, fmt, rows, trunc)
    fmt = job.get("result_format")
    if fmt is None:
        return Result(False, status=406, kind=res.kind, error="not_acceptable")
    parsed = ox.parse_query_results(io.BytesIO(res.body), format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return Result(True, "ask", serialize_boolean(bool(parsed), fmt), fmt)
    body, rows, trunc = serialize_solutions(parsed, fmt, cap)
    return Result(True, "select", body, fmt, rows, trunc)


def _run_update(location: str, job: dict) -> Result:
    store = _store(location, False)
    try:
        store.update(job["sparql"], base_iri=job.get("base_iri"), prefixes=PREFIXES)
    except SyntaxError as e:
        return Result(False, status=400, error=f"SPARQL Update syntax error: {e}")
    except Exception as e:  # StoreError wraps SyntaxError for us
        msg = str(e)
        if "invalid SPARQL Update" in msg or "syntax" in msg.lower() or "error at" in msg:
            return Result(False, status=400, error=msg)
        raise
    return Result(True, "update")


@_retry_stale
def _run_stats(location: str, job: dict) -> Result:
    store = _store(location, True)
    n = store.count()
    return Result(True, "stats", value={"quads": n, "version": store.version()})


_HANDLERS = {"query": _run_query, "update": _run_update, "stats": _run_stats}


def _handle(location: str, job: dict) -> Result:
    try:
        return _HANDLERS[job["op"]](location, job)
    except ValueError as e:  # pyoxigraph: a bad IRI or term in the request
        return Result(False, status=400, error=f"invalid request: {e}")
    except Exception as e:  # report, never die on a job
        return Result(False, status=500, error=f"{type(e).__name__}: {e}")


def worker_main(conn, location: str) -> None:
    """Serve jobs from ``conn`` one at a time until the pipe closes."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web worker decides when we stop
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        res = _handle(location, job)
        try:
            conn.send(res)
        except (BrokenPipeError, OSError):
            return


def shared_worker_main(conn, location: str, slots: int) -> None:
    """Serve ``(id, job)`` messages from ``conn``, up to ``slots`` at once in threads, answering
    ``(id, Result)`` in completion order, until the pipe closes."""
    import signal
    from concurrent.futures import ThreadPoolExecutor
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    send_lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=max(1, slots), thread_name_prefix="kg-query")

    def run(jid: int, job: dict) -> None:
        res = _handle(location, job)
        try:
            with send_lock:
                conn.send((jid, res))
        except (BrokenPipeError, OSError):
            os._exit(0)

    while True:
        try:
            jid, job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)     # the web worker is gone: do not wait for running queries
        pool.submit(run, jid, job)


# --- the pool, in the web worker -----------------------------------------------------------

def _terminate(proc, conn) -> None:
    """SIGKILL a query process, reap it and close its pipe (each step may find it already gone)."""
    try:
        proc.kill()
    except Exception:
        pass
    proc.join(2)
    try:
        conn.close()
    except Exception:
        pass


class _Proc:
    def __init__(self, ctx, location: str):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, location), daemon=True,
                                name="kg-query")
        self.proc.start()
        child.close()

    def kill(self):
        _terminate(self.proc, self.conn)


class _Slot:
    __slots__ = ("event", "result", "failure")

    def __init__(self):
        self.event = threading.Event()
        self.result: Result | None = None
        self.failure = ""           # "collateral" (killed for another job's timeout) or "crashed"


class _SharedProc:
    """A query process running up to ``slots`` jobs at once; a reader thread hands out the answers."""

    def __init__(self, ctx, location: str, slots: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=shared_worker_main, args=(child, location, slots), daemon=True,
                                name="kg-query")
        self.proc.start()
        child.close()
        self.dead = False
        self._killed = False
        self._pending: dict[int, _Slot] = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True, name="kg-query-reader").start()

    def _read(self) -> None:
        while True:
            try:
                jid, res = self.conn.recv()
            except Exception:      # EOF, closed, killed
                break
            with self._lock:
                slot = self._pending.pop(jid, None)
            if slot is not None:
                slot.result = res
                slot.event.set()
        self._fail_pending("crashed")

    def _fail_pending(self, why: str, spare: int | None = None) -> None:
        with self._lock:
            self.dead = True
            slots = [s for j, s in self._pending.items() if j != spare]
            self._pending.clear()
        for s in slots:
            s.failure = why
            s.event.set()

    def submit(self, jid: int, job: dict, slot: _Slot) -> bool:
        with self._lock:
            if self.dead:
                return False
            self._pending[jid] = slot
        try:
            with self._send_lock:
                self.conn.send((jid, job))
        except Exception:
            self._fail_pending("crashed")
        return True

    def kill(self, cause: int | None = None) -> None:
        """SIGKILL; the jobs of others still pending are failed as "collateral" (to run again).

        Only the first call kills and reaps: a waiter woken as collateral may call it again (via
        QueryExecutor._shared_proc) while the first caller is still joining."""
        self._fail_pending("collateral", spare=cause)
        with self._lock:
            if self._killed:
                return
            self._killed = True
        _terminate(self.proc, self.conn)


class QueryExecutor:
    """Reads: one shared query process running up to ``size`` queries at once. Updates: up to
    ``size`` single-job processes. ``run(job, timeout)`` returns a Result or raises QueryTimeout."""

    def __init__(self, location, size: int = 2):  # a path, URL or kg.store.StoreConfig: what open_store takes
        self.location = location
        self.size = max(1, size)
        self.pid = os.getpid()
        self._ctx = None
        self._idle: queue.LifoQueue[_Proc] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self.kills = 0
        self._shared: _SharedProc | None = None
        self.reruns = 0             # reads run again after their process was killed or died
        self._read_slots = threading.BoundedSemaphore(self.size)
        self._ids = itertools.count(1)

    def _context(self):
        if self._ctx is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            self._ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                self._ctx.set_forkserver_preload(["kg.web.executor", "kg.web.results", "kg.store.embedded"])
        return self._ctx

    def _checkout(self, wait: float) -> _Proc:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.size:
                self._started += 1
                try:
                    return _Proc(self._context(), self.location)
                except Exception:
                    self._started -= 1
                    raise
        try:
            return self._idle.get(timeout=wait)
        except queue.Empty:
            raise ExecutorBusy() from None

    def _discard(self, p: _Proc) -> None:
        p.kill()
        with self._lock:
            self._started -= 1

    def run(self, job: dict, timeout: float) -> Result:
        if job.get("op") == "update":
            return self._run_exclusive(job, timeout)
        return self._run_shared(job, timeout)

    def _shared_proc(self) -> _SharedProc:
        with self._lock:
            p = self._shared
            if p is None or p.dead:
                if p is not None:
                    p.kill()        # reap a process that died by itself
                p = self._shared = _SharedProc(self._context(), self.location, self.size)
            return p

    def _run_shared(self, job: dict, timeout: float) -> Result:
        deadline = time.monotonic() + timeout
        if not self._read_slots.acquire(timeout=timeout):
            raise ExecutorBusy()
        try:
            crashes = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(timeout)
                p = self._shared_proc()
                jid, slot = next(self._ids), _Slot()
                if not p.submit(jid, job, slot):
                    continue            # it died meanwhile: the next loop starts a fresh one
                if not slot.event.wait(max(0.05, remaining)):
                    self.kills += 1
                    p.kill(cause=jid)   # the others it held run again in the replacement
                    raise QueryTimeout(timeout)
                if slot.result is not None:
                    return slot.result
                self.reruns += 1
                if slot.failure == "crashed":
                    crashes += 1
                    if crashes > 1:
                        raise ExecutorCrashed("the query process died")
        finally:
            self._read_slots.release()

    def _run_exclusive(self, job: dict, timeout: float) -> Result:
        deadline = time.monotonic() + timeout
        p = self._checkout(timeout)
        remaining = max(0.05, deadline - time.monotonic())
        try:
            p.conn.send(job)
            if not p.conn.poll(remaining):
                self.kills += 1
                self._discard(p)
                raise QueryTimeout(timeout)
            res = p.conn.recv()
        except QueryTimeout:
            raise
        except (EOFError, OSError, BrokenPipeError) as e:
            self._discard(p)
            raise ExecutorCrashed(str(e)) from e
        except BaseException:
            self._discard(p)
            raise
        self._idle.put(p)
        return res

    def close(self) -> None:
        with self._lock:
            shared, self._shared = self._shared, None
        if shared is not None:
            shared.kill()
        while True:
            try:
                p = self._idle.get_nowait()
            except queue.Empty:
                break
            p.kill()
