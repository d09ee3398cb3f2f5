"""The embedded backend: a pyoxigraph (RocksDB) store in a local directory.

pyoxigraph runs each SPARQL Update as one transaction, which gives per-article
atomic replace for free. Next to the quads the directory holds the derived event
index of the JSON API (kg/store/event_index.py), which every write block of this
class keeps current, stamped with the store version it reflects.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import gc
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

import logging
import sqlite3

from ..rdf import ACTORS_GRAPH, PREFIXES
from .base import (OX_RDF_FORMATS, OX_RESULT_FORMATS, RDF_FORMATS, RESULT_FORMATS, QueryResult, Store, StoreError,
                   StoreRejected, labelled_actors, replace_articles_update, with_resolution)
from .event_index import EventIndex, actor_rows, article_row, canonical_rows, graph_idents, graph_rows
from .resolution import EVENTS_GRAPH, rebuild_update, resolution_update
from .terms import iri

log = logging.getLogger("kg.store")
_DIP_SAME = "https://w3id.org/dipkg/ontology#sameEventAs"

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


def _open_for_reading(path: str, attempts: int = 8) -> ox.Store:
    """A read-only open, again after a short pause when it raced with a writer deleting files.

    RocksDB reads the file list from the MANIFEST, then opens the files: a compaction finishing in
    between (another process writing steadily) fails the open with a missing .sst. Measured under a
    writer committing and compacting in a loop: up to 3 consecutive opens failed.
    """
    for attempt in range(attempts):
        try:
            return _open(path, read_only=True)
        except (OSError, RuntimeError) as e:
            if attempt == attempts - 1 or not stale_snapshot(e):
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def lock_exclusive(lock, store_dir: str | os.PathLike) -> None:
    """``flock(lock, LOCK_EX)`` on a store's write lock, saying that we wait while we wait.

    A process that keeps the store open for writing between updates (kg.web.writer) checks
    :meth:`EmbeddedStore.writer_wanted` and lets go at once, so ``kg import``, ``POST /articles`` or a
    restore never waits out its idle period. The sign is a shared flock on the ``.kg-write.want``
    file, held until we have the lock (the kernel drops it if we die while waiting).
    """
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    with open(Path(store_dir) / EmbeddedStore.WANT_FILE, "a+") as want:
        fcntl.flock(want, fcntl.LOCK_SH)
        fcntl.flock(lock, fcntl.LOCK_EX)


# Opens that race a writer's compaction: seen failing up to 3 times in a row under steady writes on a busy
# 2-core machine (tests/test_store.py), so 6 tries with doubling pauses (10 ms ... 160 ms, 0.3 s in all).
OPEN_ATTEMPTS = 6


def stale_snapshot(error: object) -> bool:
    """True for the error a read-only handle gives when a writer's compaction deleted a file it needs.

    A RocksDB read-only handle does not pin the files of its snapshot: a query running on (or
    starting from) an older snapshot fails with "Corruption: IO error: No such file or directory
    ... .sst", and an open can race with a writer removing an old write-ahead log (".log").
    Opening again answers it (EmbeddedStore._retrying).
    """
    text = str(error)
    return "No such file or directory" in text and any(
        k in text for k in (".sst", ".log", "MANIFEST", "While open a file", "while stat a file"))



def _lock_held(path: Path, mode: int) -> bool:
    """True when another process holds ``path``'s flock so that ``mode`` (LOCK_SH or LOCK_EX) cannot be
    taken now; False when it can (released at once) or the file cannot be opened."""
    try:
        with open(path, "a+") as f:
            try:
                fcntl.flock(f, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False
    except OSError:
        return False

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
    WANT_FILE = ".kg-write.want"          # shared-locked by processes waiting for LOCK_FILE (lock_exclusive)
    HOLDER_FILE = ".kg-writer.holder"     # the pid of a process keeping the store open between updates

    def __init__(self, path: str, *, read_only: bool = False, in_memory: bool = False, _frozen: bool = False):
        self.location = path
        self.read_only = read_only or _frozen
        self._frozen = _frozen      # a checkpoint that no one writes (snapshot()): plain opens suffice
        self._memory = ox.Store() if in_memory else None
        self._reader: ox.Store | None = None
        self._reader_version: str | None = None
        self._writer: ox.Store | None = None
        self._dir_mtime: int | None = None
        self._logs: list[str] = []
        self._read_stats = {"opens": 0, "pinned": 0, "stale_retries": 0}
        self._snapshots: list[tuple[float, Path]] = []  # (created, checkpoint dir), oldest first
        # Threads of one process (gunicorn gthread workers) share this object: without this lock a
        # second thread would write through the first one's handle and could find it gone (None)
        # or commit after the first one bumped the version (readers would miss its write).
        self._thread_lock = threading.RLock()
        self._index = None if in_memory or _frozen else EventIndex(path)
        self._track: _Track | None = None     # what the current write block changed, for the index
        if not in_memory:
            if not Path(path).exists():
                if read_only:
                    raise StoreError(f"no store at {path!r}; create it with 'kg --store {path} import ...'")
                with self.writing():
                    self._track.rebuild = True     # a new store: its (empty) index starts current

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

    # --- reads ------------------------------------------------------------------
    # The read design, as measured (bench/write_amplification.py, tests/test_store.py): each process keeps
    # ONE read-only handle, opened again whenever version() changed (any process committed). How it is
    # opened depends on what the directory holds at that moment (_pinned_snapshot):
    # - between writes (no process holds the write lock) the write-ahead log is never empty after a clean
    #   write, so the handle is a plain read-only open (30 sequential writes: 30 plain opens, 0 checkpoints);
    # - while a writer holds the lock, the handle is opened on a checkpoint (hard links) that pins its
    #   files. That branch is what keeps reads alive under concurrent writes: with plain opens only, a
    #   GROUP BY looped and grew to 24 GB until the kernel killed it (measured while another process
    #   committed 40 articles; tests/test_store.py runs that case).
    # A read that still meets a deleted file ("No such file or directory ... .sst") runs again on a fresh
    # handle (_retrying here; the web executor retries lazily consumed results the same way).
    def _handle(self) -> ox.Store:
        """The pyoxigraph handle reads use: the writer inside a write block, else the current read handle."""
        if self._memory is not None:
            return self._memory
        if self._writer is not None:
            return self._writer
        v = self.version()
        if self._reader is None or v != self._reader_version:
            self._reader = self._pinned_snapshot()
            self._reader_version = v
            self._read_stats["opens"] += 1
        return self._reader

    # A RocksDB read-only handle does not pin the files of its snapshot, and every write session ends
    # with a flush that may start a compaction, which deletes files: under steady writes a long query
    # on a plain read-only handle fails with "No such file or directory ... .sst". So a snapshot opened
    # while a writer is active is opened on a checkpoint (hard links: ~20 ms, no copy) in a directory next
    # to the store. Its links keep the files alive; it is deleted once no query can still be using it.
    SNAPSHOT_GRACE_S = 120.0  # longer than any query timeout

    def _snapshot_dir(self) -> Path:
        loc = Path(self.location).resolve()
        return loc.parent / f".{loc.name}.snapshots"

    def _pinned_snapshot(self) -> ox.Store:
        if self._frozen or not Path(self.location).is_dir() or (any(size for _, size in self._wal_state())
                                                  and (not self._writer_active() or self._holder_lingering())):
            # no store (the usual error), or no writer active and a non-empty write-ahead log: after every
            # clean write (the log is never emptied), and after a writer killed before it closed, whose
            # commits only that log holds (a checkpoint would not carry them; a read-only open replays them).
            # Also while a lingering writer (kg.web.writer) holds the lock: its acknowledged updates are in
            # the log only (it does not flush per update), so a checkpoint would miss them (measured: a
            # checkpoint taken beside a writer that committed 101 quads held 0; a plain open held 101).
            return _open_for_reading(self.location)
        root = self._snapshot_dir()
        for attempt in range(OPEN_ATTEMPTS):
            target = root / f"{os.getpid()}-{time.time_ns()}"
            try:
                root.mkdir(exist_ok=True)
                src = _open(self.location, read_only=True)
                src.backup(str(target))
                del src
                handle = _open(str(target), read_only=True)
            except (OSError, RuntimeError, StoreError) as e:  # pyoxigraph raises RocksDB corruption as RuntimeError
                shutil.rmtree(target, ignore_errors=True)
                if attempt < OPEN_ATTEMPTS - 1 and stale_snapshot(e):
                    time.sleep(0.01 * 2 ** attempt)   # compaction removes files in bursts: back off
                    continue
                if isinstance(e, StoreError) or stale_snapshot(e):
                    raise
                return _open(self.location, read_only=True)  # no room for a checkpoint: unpinned read
            self._snapshots.append((time.monotonic(), target))
            self._read_stats["pinned"] += 1
            self._prune_snapshots()
            return handle
        raise AssertionError("unreachable")

    def _writer_active(self) -> bool:
        """True while some process holds the write lock (its commits become visible when it closes)."""
        return _lock_held(Path(self.location) / self.LOCK_FILE, fcntl.LOCK_SH)

    def _holder_lingering(self) -> bool:
        """True while a live process keeps the store open for writing between updates (kg.web.writer)."""
        try:
            pid = int((Path(self.location) / self.HOLDER_FILE).read_text() or 0)
        except (OSError, ValueError):
            return False
        return pid > 0 and _alive(pid)

    def writer_wanted(self) -> bool:
        """True when another process waits for the write lock (:func:`lock_exclusive`)."""
        return _lock_held(Path(self.location) / self.WANT_FILE, fcntl.LOCK_EX)

    def publish(self) -> None:
        """Bump the version now, inside a :meth:`writing` block: for a writer that stays open between
        updates, so that every other process's next read reopens and sees the update just committed."""
        if self._memory is None:
            self._bump_version()

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
        if everything:
            with contextlib.suppress(OSError):
                self._snapshot_dir().rmdir()        # only when no other process left one there

    def read_stats(self) -> dict[str, int]:
        """How reads went in this process: handles opened, of which on pinned checkpoints, reads run again."""
        return dict(self._read_stats)

    def reopen(self) -> None:
        """Forget the read handle: the next read opens a fresh one (see :func:`stale_snapshot`)."""
        self._reader = None
        self._reader_version = None
        self._read_stats["stale_retries"] += 1

    def _retrying(self, read):
        """``read(handle)`` on the current handle, again on a fresh one when the old one lost a file."""
        for attempt in range(3):
            try:
                return read(self._handle())
            except (OSError, RuntimeError) as e:
                if attempt == 2 or self._writer is not None or not stale_snapshot(e):
                    raise
                self.reopen()
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

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
            lock_exclusive(lock, self.location)
            try:
                # The index follows this block only if it reflected the store when the block began.
                self._track = _Track(in_sync=self._index is not None and self._index.version() == self.version())
                rows = None
                self._writer = _open_for_writing(self.location)
                try:
                    yield
                    self._writer.flush()
                    rows = self._index_rows(self._track)   # read back through the read-write handle
                finally:
                    # pyoxigraph has no close(): dropping the only reference closes RocksDB,
                    # so no caller may keep one (writing() yields nothing on purpose).
                    self._writer = None
                    self._bump_version()
                    _prune_info_logs(self.location)
                if rows is not None:
                    # after the commit and the bump, so the stamp is the version readers will see;
                    # a kill before this commit leaves the index lagging, never ahead or half written
                    graphs, actors, canon, idents, articles = rows
                    try:
                        self._index.apply(graphs, actors, self.version(), rebuild=self._track.rebuild,
                                          canon=canon, idents=idents, articles=articles)
                    except sqlite3.Error as e:
                        log.warning("the event index of %s was not updated (%s); it lags until 'kg reindex'",
                                    self.location, e)
            finally:
                self._track = None
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- the event index ------------------------------------------------------------------------
    def _index_rows(self, track: "_Track"):
        """(graph rows, actor rows, canonical rows, article identifiers, articles) for the index from what this block
        wrote, or None when it cannot follow. The canonical events re-read are those the block's resolution
        step rewrote (``track.canonical``; every one after ``kg resolve`` or for a rebuild); one that is gone
        maps to None."""
        if self._index is None or track.foreign or not (track.in_sync or track.rebuild):
            return None
        h = self._writer
        actors_graph = ox.NamedNode(str(ACTORS_GRAPH))
        events_graph = ox.NamedNode(str(EVENTS_GRAPH))
        derived = (actors_graph, events_graph)    # the canonical events are not article events
        if track.rebuild:
            graphs = [g.value for g in h.named_graphs() if isinstance(g, ox.NamedNode) and g not in derived]
            actors = actor_rows(h.quads_for_pattern(None, None, None, actors_graph))
        else:
            graphs = sorted(track.graphs)
            actors = actor_rows(q for a in sorted(track.actors)
                                for q in h.quads_for_pattern(ox.NamedNode(a), None, None, actors_graph))
        graph_quads = {g: list(h.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in graphs}
        if track.rebuild or track.all_canonical:
            found = canonical_rows(h.quads_for_pattern(None, None, None, events_graph))
            # after kg resolve (not a rebuild) the old rows of events no longer there must go too
            canon = {**dict.fromkeys(self._index_canonical_iris() if not track.rebuild else ()), **found}
        else:
            same = ox.NamedNode(_DIP_SAME)
            found = canonical_rows(q for c in sorted(track.canonical) for q in (
                *h.quads_for_pattern(ox.NamedNode(c), None, None, events_graph),
                *h.quads_for_pattern(None, same, ox.NamedNode(c), events_graph)))
            canon = {c: found.get(c) for c in sorted(track.canonical)}
        return ({g: graph_rows(q) for g, q in graph_quads.items()}, actors, canon,
                {g: graph_idents(q) for g, q in graph_quads.items()},
                {g: article_row(g, q) for g, q in graph_quads.items()})

    def _index_canonical_iris(self) -> list[str]:
        """The canonical events the index holds now (read before a whole canonical graph is re-read)."""
        return [r[0] for r in self._index.canonical_iris()]

    def replace_articles(self, items) -> None:
        """Store.replace_articles, telling the index which graphs and actors changed."""
        if not items:
            return
        with self.writing():
            # the canonical events these articles touch change in the same transaction (kg/store/resolution.py)
            touched: set[str] = set()
            self._write(with_resolution(replace_articles_update(items, self.known_labels(labelled_actors(items))),
                                        resolution_update(self, [], items, touched)))
            if self._track is not None:
                self._track.canonical |= touched
                self._track.graphs.update(str(a) for a, _, _ in items)
                self._track.actors.update(str(s) for _, _, actors in items for s in actors.subjects())

    def delete_article(self, article_iri: str) -> bool:
        with self.writing():
            existed = self.has_graph(article_iri)
            if existed:
                touched: set[str] = set()
                self._write(with_resolution(f"DROP GRAPH {iri(article_iri)}",
                                            resolution_update(self, [article_iri], touched=touched)))
                if self._track is not None:
                    self._track.graphs.add(article_iri)
                    self._track.canonical |= touched
            return existed

    def resolve_events(self) -> int:
        """Store.resolve_events, as an update the event index follows: it re-reads every canonical event."""
        with self.writing():
            self._write(rebuild_update(self))
            if self._track is not None:
                self._track.all_canonical = True
        return self.canonical_count()

    def reindex(self) -> int:
        """Rebuild the event index from the whole store (one SQLite transaction); the events indexed."""
        if self._index is None:
            raise StoreError("an in-memory store has no event index")
        with self.writing():
            self._track.rebuild = True
        return len(self._index.dump()["events"])

    def index_lags(self) -> bool:
        """True when the event index does not reflect the current store (the API then asks SPARQL)."""
        return self._index is not None and self._index.version() != self.version()

    def catch_up_index(self) -> bool:
        """Rebuild the index if it lags (after a crash, a restore, a SPARQL Update); True if it did."""
        if not self.index_lags() or self.read_only:
            return False
        self.reindex()
        return True

    def event_index(self):
        """An IndexReader on the event index when it reflects the store as it is now, else None."""
        if self._index is None or self._memory is not None:
            return None
        try:
            return self._index.reader(self.version())
        except sqlite3.Error:
            return None

    def _write(self, sparql: str) -> None:
        """An update the index follows (the caller records what it changed in self._track)."""
        try:
            self._writer_or_memory().update(sparql)
        except SyntaxError as e:
            raise StoreRejected(f"invalid SPARQL Update: {e}") from e

    def _writer_or_memory(self) -> ox.Store:
        return self._memory if self._memory is not None else self._writer

    def update(self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None) -> None:
        """Run a SPARQL Update; ``base_iri`` resolves relative IRIs, ``prefixes`` are predeclared.

        The index cannot tell what an arbitrary update changed: it lags from here until a rebuild."""
        with self.writing():
            if self._track is not None:
                self._track.foreign = True
            try:
                self._writer_or_memory().update(sparql, base_iri=base_iri, prefixes=prefixes)
            except SyntaxError as e:
                raise StoreRejected(f"invalid SPARQL Update: {e}") from e

    def extend(self, quads) -> None:
        with self.writing():
            if self._track is not None:
                self._track.foreign = True
            self._writer_or_memory().extend(quads)

    def query(self, sparql, *, result_format="json", graph_format="turtle",
              default_graphs=None, named_graphs=None) -> QueryResult:
        kwargs = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.DefaultGraph() if g == "default" else ox.NamedNode(g)
                                       for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        # serialised inside the retry: solutions are read lazily, so a lost file shows up there
        return self._retrying(lambda h: _serialize(h.query(sparql, **kwargs), result_format, graph_format))

    def evaluate(self, sparql, *, base_iri=None, prefixes=None, default_graph=None, named_graphs=None,
                 union_default_graph=False):
        kwargs = {}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.DefaultGraph() if g == "default" else ox.NamedNode(g)
                                       for g in default_graph]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if union_default_graph:
            kwargs["use_default_graph_as_union"] = True
        return self._handle().query(sparql, base_iri=base_iri, prefixes=prefixes, **kwargs)

    def pattern_quads(self, subject=None, predicate=None, obj=None, graph=None) -> list[ox.Quad]:
        """``quads_for_pattern`` on the handle reads use (the writer inside a write block): how
        kg/store/resolution_local.py reads mentions without serialising SELECT results."""
        return self._retrying(lambda h: list(h.quads_for_pattern(subject, predicate, obj, graph)))

    def has_graph(self, graph_iri: str) -> bool:
        return self._retrying(lambda h: h.contains_named_graph(ox.NamedNode(graph_iri)))

    def count(self) -> int:
        return self._retrying(len)

    def quads(self, graphs: list[str] | None = None) -> Iterator[ox.Quad]:
        h = self._handle()
        if graphs is None:
            return iter(h.quads_for_pattern(None, None, None, None))
        return (q for g in graphs for q in h.quads_for_pattern(None, None, None, ox.NamedNode(g)))

    def graph_triples(self, graph_iri: str | None) -> list[ox.Triple]:
        g = ox.DefaultGraph() if graph_iri is None else ox.NamedNode(graph_iri)
        return self._retrying(lambda h: [ox.Triple(q.subject, q.predicate, q.object)
                                         for q in h.quads_for_pattern(None, None, None, g)])

    def export(self, out: BinaryIO, fmt: str, graphs: list[str] | None = None) -> None:
        if fmt not in _OX_RDF:
            raise StoreError(f"unknown format {fmt!r}; use one of {', '.join(_OX_RDF)}")
        quads = self.quads(graphs)
        if fmt in ("nquads", "trig", "jsonld"):
            ox.serialize(quads, out, format=_OX_RDF[fmt], prefixes=PREFIXES if fmt == "trig" else None)
        else:
            seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            ox.serialize(seen, out, format=_OX_RDF[fmt],
                         prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)

    def optimize(self) -> bool:
        with self.writing():
            self._writer_or_memory().optimize()
        return True

    # --- snapshots: one consistent view for a long read (kg dump) -------------------------------
    def checkpoint(self, path: str | os.PathLike) -> None:
        """A consistent copy of the store at ``path`` (a new directory): RocksDB hard links, milliseconds.

        Opened read-only, a checkpoint keeps its files however much a writer compacts meanwhile.
        """
        if self._memory is not None:
            raise StoreError("an in-memory store has no checkpoint; export it instead")
        target = Path(path)
        for attempt in range(3):
            src = None
            try:
                src = _open(self.location, read_only=True)
                src.backup(str(target))
                return
            except (OSError, RuntimeError) as e:   # pyoxigraph raises RocksDB corruption as RuntimeError
                shutil.rmtree(target, ignore_errors=True)
                if attempt == 2 or not stale_snapshot(e):
                    raise StoreError(f"cannot checkpoint the store {self.location!r} into {target}: {e}; "
                                     "check the free space and permissions there") from e
                time.sleep(0.01 * (attempt + 1))
            finally:
                src = None
                gc.collect()

    @contextlib.contextmanager
    def snapshot(self):
        """A read-only store on a checkpoint next to this one, deleted on exit (the store itself in memory)."""
        if self._memory is not None:
            yield self
            return
        loc = Path(self.location).resolve()
        target = Path(tempfile.mkdtemp(prefix=f".{loc.name}.snapshot-", dir=loc.parent))
        target.rmdir()      # RocksDB makes the directory
        try:
            self.checkpoint(target)
            snap = EmbeddedStore(str(target), _frozen=True)
            try:
                yield snap
            finally:
                snap.close()
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def close(self) -> None:
        self._reader = None
        self._memory = None
        if self._index is not None:
            self._index.close()
        gc.collect()  # pyoxigraph closes RocksDB when the last reference goes
        self._prune_snapshots(everything=True)


@dataclasses.dataclass
class _Track:
    """What one write block changed, as far as the event index is concerned."""

    in_sync: bool                       # the index reflected the store when the block began
    rebuild: bool = False               # re-derive everything (kg reindex, a new store)
    foreign: bool = False               # an update the index cannot follow ran (SPARQL Update, restore)
    graphs: set = dataclasses.field(default_factory=set)   # article graphs written or dropped
    actors: set = dataclasses.field(default_factory=set)   # actor nodes written
    canonical: set = dataclasses.field(default_factory=set)   # canonical events the resolution step rewrote
    all_canonical: bool = False         # the canonical graph was rewritten whole (kg resolve)


def _serialize(res, result_format: str, graph_format: str) -> QueryResult:
    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", res.serialize(format=_OX_RESULTS[result_format]), RESULT_FORMATS[result_format])
    if isinstance(res, ox.QuerySolutions):
        return QueryResult("select", res.serialize(format=_OX_RESULTS[result_format]),
                           RESULT_FORMATS[result_format])
    fmt = graph_format if graph_format in _OX_RDF and graph_format not in ("nquads", "trig") else "ntriples"
    body = res.serialize(format=_OX_RDF[fmt]) if hasattr(res, "serialize") else \
        ox.serialize(res, format=_OX_RDF[fmt], prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)
    return QueryResult("graph", body or b"", RDF_FORMATS[fmt])


# RocksDB starts a new info log at every open (LOG; the previous one is renamed LOG.old.<time>), ~130 KB
# each, and keeps up to 1000: with one read-write open per write they were 80% of the bytes on disk
# (4.0 of 4.9 MB after 30 small writes). They are diagnostics only; the newest few are kept.
KEEP_INFO_LOGS = 5


def _prune_info_logs(location: str) -> None:
    try:
        old = sorted(e.name for e in os.scandir(location) if e.name.startswith("LOG.old."))
    except OSError:
        return
    for name in old[:-KEEP_INFO_LOGS]:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(location, name))


__all__ = ["EmbeddedStore", "ACTORS_GRAPH"]
