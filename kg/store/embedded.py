"""The embedded backend: a pyoxigraph (RocksDB) store in a local directory.

pyoxigraph runs each SPARQL Update as one transaction, which gives per-article
atomic replace for free.
"""
from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import threading
import time
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..rdf import ACTORS_GRAPH, PREFIXES
from .base import OX_RDF_FORMATS, OX_RESULT_FORMATS, RDF_FORMATS, RESULT_FORMATS, QueryResult, Store, StoreError, StoreRejected

_OX_RESULTS = OX_RESULT_FORMATS
_OX_RDF = OX_RDF_FORMATS


def _open(path: str, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(path)
        Path(path).mkdir(parents=True, exist_ok=True)
        return ox.Store(path)
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(f"the store {path!r} is held open for writing by another program; "
                             "stop it and try again") from e
        raise StoreError(f"cannot open the store {path!r}: {e}; check the path and its permissions") from e


def _open_for_writing(path: str, patience: float = 10.0) -> ox.Store:
    """Open read-write, waiting a little for a process that does not use our lock file to let go."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return _open(path, read_only=False)
        except StoreError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_snapshot(error: object) -> bool:
    """True for the error a read-only handle gives when a writer's compaction deleted a file it needs.

    A RocksDB read-only handle does not pin the files of its snapshot: a query running on (or
    starting from) an older snapshot fails with "Corruption: IO error: No such file or directory
    ... .sst", and an open can race with a writer removing an old write-ahead log (".log").
    Opening again answers it; reads use pinned checkpoints to make this rare (see _pinned_snapshot).
    """
    text = str(error)
    return "No such file or directory" in text and any(
        k in text for k in (".sst", ".log", "MANIFEST", "While open a file", "while stat a file"))


class EmbeddedStore(Store):
    """A pyoxigraph store on disk that many processes can share.

    RocksDB lets one process at a time open the directory read-write, and a
    read-only handle is a snapshot. So this class never holds the write lock
    for long: reads go to a read-only snapshot that is reopened when the
    store's version file changes, and each write (or :meth:`writing` block)
    takes an exclusive file lock, opens the store read-write, commits, closes
    and bumps the version. ``kg serve`` workers and the CLI can therefore use
    one store at the same time; writers queue on the lock.
    """

    VERSION_FILE = ".kg-version"
    LOCK_FILE = ".kg-write.lock"

    def __init__(self, path: str, *, read_only: bool = False, in_memory: bool = False):
        self.location = path
        self.read_only = read_only
        self._memory = ox.Store() if in_memory else None
        self._reader: ox.Store | None = None
        self._reader_version: str | None = None
        self._writer: ox.Store | None = None
        self._dir_mtime: int | None = None
        self._logs: list[str] = []
        self._snapshots: list[tuple[float, Path]] = []  # (created, checkpoint dir), oldest first
        # Threads of one process (gunicorn gthread workers) share this object: without this lock a
        # second thread would write through the first one's handle and could find it gone (None)
        # or commit after the first one bumped the version (readers would miss its write).
        self._thread_lock = threading.RLock()
        if not in_memory:
            if not Path(path).exists():
                if read_only:
                    raise StoreError(f"no store at {path!r}; create it with 'kg --store {path} import ...'")
                with self.writing():
                    pass

    # --- versions and handles ---------------------------------------------------
    def version(self) -> str:
        """Changes after every committed write (any process): a cache key for query results."""
        if self._memory is not None:
            return str(id(self._memory))
        try:
            bumped = (Path(self.location) / self.VERSION_FILE).read_text() or "0"
        except OSError:
            bumped = "0"
        # RocksDB's write-ahead logs change with every commit (and a new one starts at every read-write
        # open), read-only opens leave them alone: so a writer killed after its commit but before the bump
        # still changes the version, and no reader keeps answering from the older snapshot.
        return bumped + "".join(f"|{n}:{size}" for n, size in self._wal_state())

    def _wal_state(self) -> list[tuple[str, int]]:
        """(name, size) of RocksDB's *.log files; the directory is listed again only when it changed."""
        try:
            mtime = os.stat(self.location).st_mtime_ns
            if mtime != self._dir_mtime:
                self._logs = sorted(e.name for e in os.scandir(self.location) if e.name.endswith(".log"))
                self._dir_mtime = mtime
            return [(n, os.stat(os.path.join(self.location, n)).st_size) for n in self._logs]
        except FileNotFoundError:  # a log was removed since the listing: list again next time
            self._dir_mtime = None
            return []
        except OSError:
            return []

    def _bump_version(self) -> None:
        vf = Path(self.location) / self.VERSION_FILE
        tmp = vf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(f"{time.time_ns()}-{os.getpid()}")
        os.replace(tmp, vf)

    @property
    def ox(self) -> ox.Store:
        """A pyoxigraph handle to read from: the latest committed snapshot."""
        if self._memory is not None:
            return self._memory
        if self._writer is not None:
            return self._writer
        v = self.version()
        if self._reader is None or v != self._reader_version:
            self._reader = self._pinned_snapshot()
            self._reader_version = v
        return self._reader

    # A RocksDB read-only handle does not pin the files of its snapshot, and every write session ends
    # with a flush that may start a compaction, which deletes files: under steady writes a long query
    # on a plain read-only handle fails with "No such file or directory ... .sst". So each snapshot is
    # opened on a checkpoint (hard links: ~20 ms, no copy) in a directory next to the store. Its links
    # keep the files alive; it is deleted once no query can still be using it.
    SNAPSHOT_GRACE_S = 120.0  # longer than any query timeout

    def _snapshot_dir(self) -> Path:
        loc = Path(self.location).resolve()
        return loc.parent / f".{loc.name}.snapshots"

    def _pinned_snapshot(self) -> ox.Store:
        if not Path(self.location).is_dir() or (any(size for _, size in self._wal_state())
                                                  and not self._writer_active()):
            # no store (the usual error), or commits only in the write-ahead log of a writer killed
            # before it closed: a checkpoint would not carry those, a plain read-only open replays them
            return _open(self.location, read_only=True)
        root = self._snapshot_dir()
        for attempt in range(3):
            target = root / f"{os.getpid()}-{time.time_ns()}"
            try:
                root.mkdir(exist_ok=True)
                src = _open(self.location, read_only=True)
                src.backup(str(target))
                del src
                handle = _open(str(target), read_only=True)
            except (OSError, RuntimeError, StoreError) as e:  # pyoxigraph raises RocksDB corruption as RuntimeError
                shutil.rmtree(target, ignore_errors=True)
                if attempt < 2 and stale_snapshot(e):
                    time.sleep(0.01 * (attempt + 1))
                    continue
                if isinstance(e, StoreError) or stale_snapshot(e):
                    raise
                return _open(self.location, read_only=True)  # no room for a checkpoint: unpinned read
            self._snapshots.append((time.monotonic(), target))
            self._prune_snapshots()
            return handle
        raise AssertionError("unreachable")

    def _writer_active(self) -> bool:
        """True while some process holds the write lock (its commits become visible when it closes)."""
        try:
            with open(Path(self.location) / self.LOCK_FILE, "a+") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(lock, fcntl.LOCK_UN)
                return False
        except OSError:
            return False

    def _prune_snapshots(self, everything: bool = False) -> None:
        """Delete this process's superseded snapshots past the grace period, and those of dead processes."""
        now = time.monotonic()
        keep = []
        for i, (born, path) in enumerate(self._snapshots):
            current = i == len(self._snapshots) - 1
            if everything or (not current and now - born > self.SNAPSHOT_GRACE_S):
                shutil.rmtree(path, ignore_errors=True)
            else:
                keep.append((born, path))
        self._snapshots = keep
        try:
            for entry in os.scandir(self._snapshot_dir()):
                pid = entry.name.split("-", 1)[0]
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            pass

    @contextlib.contextmanager
    def writing(self):
        """Hold the write lock and one read-write handle for a block of writes (a batch)."""
        if self.read_only:
            raise StoreError("this store was opened read-only")
        if self._memory is not None:
            yield
            return
        with self._thread_lock:
            if self._writer is not None:      # a nested block of this thread
                yield
                return
            yield from self._write_block()

    def _write_block(self):
        Path(self.location).mkdir(parents=True, exist_ok=True)
        with open(Path(self.location) / self.LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._writer = _open_for_writing(self.location)
                try:
                    yield
                    self._writer.flush()
                finally:
                    # pyoxigraph has no close(): dropping the only reference closes RocksDB,
                    # so no caller may keep one (writing() yields nothing on purpose).
                    self._writer = None
                    self._bump_version()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def reopen(self) -> None:
        """Forget the read snapshot: the next read opens a fresh one (see :func:`stale_snapshot`)."""
        self._reader = None
        self._reader_version = None

    def _writer_or_memory(self) -> ox.Store:
        return self._memory if self._memory is not None else self._writer

    def update(self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None) -> None:
        """Run a SPARQL Update; ``base_iri`` resolves relative IRIs, ``prefixes`` are predeclared."""
        with self.writing():
            try:
                self._writer_or_memory().update(sparql, base_iri=base_iri, prefixes=prefixes)
            except SyntaxError as e:
                raise StoreRejected(f"invalid SPARQL Update: {e}") from e

    def query(self, sparql, *, result_format="json", graph_format="turtle",
              default_graphs=None, named_graphs=None) -> QueryResult:
        for attempt in range(3):
            try:
                return self._query(sparql, result_format=result_format, graph_format=graph_format,
                                   default_graphs=default_graphs, named_graphs=named_graphs)
            except (OSError, RuntimeError) as e:
                if attempt == 2 or self._writer is not None or not stale_snapshot(e):
                    raise
                self.reopen()

    def _query(self, sparql, *, result_format, graph_format, default_graphs, named_graphs) -> QueryResult:
        kwargs = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.DefaultGraph() if g == "default" else ox.NamedNode(g)
                                       for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        res = self.ox.query(sparql, **kwargs)
        if isinstance(res, ox.QueryBoolean):
            return QueryResult("ask", res.serialize(format=_OX_RESULTS[result_format]),
                               RESULT_FORMATS[result_format])
        if isinstance(res, ox.QuerySolutions):
            return QueryResult("select", res.serialize(format=_OX_RESULTS[result_format]),
                               RESULT_FORMATS[result_format])
        fmt = graph_format if graph_format in _OX_RDF and graph_format not in ("nquads", "trig") else "ntriples"
        body = res.serialize(format=_OX_RDF[fmt]) if hasattr(res, "serialize") else \
            ox.serialize(res, format=_OX_RDF[fmt], prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)
        return QueryResult("graph", body or b"", RDF_FORMATS[fmt])

    def has_graph(self, graph_iri: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(graph_iri))

    def export(self, out: BinaryIO, fmt: str, graphs: list[str] | None = None) -> None:
        if fmt not in _OX_RDF:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(_OX_RDF)}")
        if graphs is None:
            quads = self.ox.quads_for_pattern(None, None, None, None)
        else:
            src = self.ox
            quads = (q for g in graphs for q in src.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        if fmt in ("nquads", "trig", "jsonld"):
            ox.serialize(quads, out, format=_OX_RDF[fmt], prefixes=PREFIXES if fmt == "trig" else None)
        else:
            seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(seen, out, format=_OX_RDF[fmt],
                         prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)

    def optimize(self) -> None:
        with self.writing():
            self._writer_or_memory().optimize()

    def close(self) -> None:
        self._reader = None
        self._memory = None
        gc.collect()  # pyoxigraph closes RocksDB when the last reference goes
        self._prune_snapshots(everything=True)


__all__ = ["EmbeddedStore", "ACTORS_GRAPH"]
