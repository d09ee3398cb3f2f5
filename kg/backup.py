"""Whole-store backups as N-Quads (``kg dump FILE`` / ``kg restore FILE``), gzip when FILE ends in .gz.

A dump streams the quads of one snapshot (``Store.snapshot()``: for the embedded store a RocksDB
checkpoint, hard links made in milliseconds next to the store, so a writer's compaction cannot
pull files from under it),
so it is consistent even while other processes write, and it is written to ``FILE.part`` and renamed at the end: a
dump that is interrupted never leaves a file that looks complete. It starts with a
``# dipkg dump`` comment and ends with ``# end of dipkg dump: N quads``, so restore can
tell a dump cut short at a line boundary from a whole one.

A restore never writes into the live store. It loads the file into a temporary
store directory next to the target and, once every line has parsed and loaded,
swaps the directories (under the target's write lock when it already exists). A
corrupt or truncated file therefore leaves the target exactly as it was. It only
restores into a missing or empty store unless ``replace=True``.
"""
from __future__ import annotations

import gc
import gzip
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .store import StoreError
from .store.embedded import EmbeddedStore, lock_exclusive

HEADER = "# dipkg dump v1"
TRAILER = "# end of dipkg dump:"
BATCH_LINES = 20_000


class BackupError(RuntimeError):
    """A dump or restore could not be done; the message says why and what to do."""


def _open_out(path: Path, gz: bool):
    return gzip.open(path, "wb", compresslevel=6) if gz else open(path, "wb")


def dump(store, path: str | os.PathLike, *, progress: Callable[[int], None] | None = None) -> int:
    """Write every quad of ``store`` to ``path`` (N-Quads, gzip if .gz); returns the number of quads."""
    if store.is_remote:
        raise BackupError("kg dump reads an embedded store (a directory); for a remote engine use "
                          "'kg export --format nquads' or the engine's own backup tool")
    try:
        with store.snapshot() as snap:   # one consistent state (a checkpoint) for the whole dump
            return _write_dump(snap, store.location, Path(path), progress)
    except StoreError as e:
        raise BackupError(str(e)) from None


def _write_dump(snap, location: str, path: Path, progress) -> int:
    part = path.with_name(path.name + ".part")
    quads = snap.quads()
    n = 0
    try:
        with _open_out(part, path.name.endswith(".gz")) as out:
            out.write(f"{HEADER} of {location} at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
                      .encode("utf-8"))
            batch: list[ox.Quad] = []
            for q in quads:
                batch.append(q)
                if len(batch) >= BATCH_LINES:
                    out.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS))
                    n += len(batch)
                    if progress:
                        progress(len(batch))
                    batch.clear()
            if batch:
                out.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS))
                n += len(batch)
                if progress:
                    progress(len(batch))
            out.write(f"{TRAILER} {n} quads\n".encode("utf-8"))
        with open(part, "rb") as f:
            os.fsync(f.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        quads = None
        gc.collect()
    return n


# --- restore ----------------------------------------------------------------------------------

def _lines(path: Path, progress: Callable[[int], None] | None) -> Iterator[tuple[int, bytes]]:
    """(line number, line) from a plain or gzip file, with errors that name the line reached."""
    raw = open(path, "rb")
    f = gzip.GzipFile(fileobj=raw, mode="rb") if path.name.endswith(".gz") else raw
    n = 0
    pos = 0
    try:
        while True:
            try:
                line = f.readline()
            except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as e:
                what = ("is truncated (the gzip stream ends early)" if isinstance(e, EOFError)
                        else f"is corrupt ({e})")
                raise BackupError(f"{path} {what} after line {n}; nothing was restored. "
                                  "Use an intact copy of the dump.") from None
            if not line:
                return
            n += 1
            if progress:
                p = raw.tell()
                progress(p - pos)
                pos = p
            yield n, line
    finally:
        raw.close()


def _is_empty_store(target: Path) -> bool:
    """True when ``target`` is missing, an empty directory, or a store holding no quads."""
    if not target.exists():
        return True
    if not target.is_dir():
        raise BackupError(f"{target} exists and is not a directory; give a store directory")
    entries = [p.name for p in target.iterdir()]
    if not entries:
        return True
    if "CURRENT" not in entries:
        raise BackupError(f"{target} is a non-empty directory that is not a store; restore into a new "
                          "directory instead")
    try:
        with EmbeddedStore(str(target), read_only=True) as store:
            return store.count() == 0
    except StoreError as e:
        raise BackupError(f"cannot open the store {target} to check that it is empty: {e}") from None


def restore(path: str | os.PathLike, location: str | os.PathLike, *, replace: bool = False,
            progress: Callable[[int], None] | None = None) -> int:
    """Load a dump into the store directory ``location``, atomically; returns the number of quads."""
    path, target = Path(path), Path(location)
    if str(location).startswith(("http://", "https://")):
        raise BackupError("kg restore writes an embedded store (a directory); for a remote engine load the "
                          "N-Quads with the engine's own loader")
    if not path.is_file():
        raise BackupError(f"no dump file at {path}")
    if not replace and not _is_empty_store(target):
        raise BackupError(f"the store {target} is not empty, so nothing was restored. Restore into a new "
                          f"directory ('kg --store NEW_DIR restore {path}'), or pass --replace to swap the "
                          "store's whole content for the dump (make a dump of it first)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    try:
        n = _load(path, tmp, progress)
        (tmp / EmbeddedStore.VERSION_FILE).write_text(f"{time.time_ns()}-{os.getpid()}-restore")
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def _load(path: Path, tmp: Path, progress) -> int:
    with EmbeddedStore(str(tmp)) as store, store.writing():   # one read-write open for the whole load
        return _load_into(store, path, progress)


def _load_into(store, path: Path, progress) -> int:
    n = 0
    header = False
    trailer: int | None = None
    last = 0
    batch: list[bytes] = []
    first = 0

    def flush():
        nonlocal n
        if not batch:
            return
        data = b"".join(batch)
        try:
            quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        except SyntaxError as e:
            line = first + (getattr(e, "lineno", None) or 1) - 1
            why = str(getattr(e, "msg", e)).split(": ", 1)[-1]
            raise BackupError(f"{path} line {line} is not valid N-Quads ({why}); "
                              "the file is corrupt or truncated, and nothing was restored") from None
        store.extend(quads)
        n += len(quads)
        batch.clear()

    try:
        for lineno, line in _lines(path, progress):
            last = lineno
            if trailer is not None and line.strip():
                raise BackupError(f"{path} line {lineno}: data after the end marker; the file is corrupt")
            if line.startswith(b"#"):
                text = line.decode("utf-8", "replace").strip()
                if lineno == 1 and text.startswith(HEADER):
                    header = True
                elif text.startswith(TRAILER):
                    try:
                        trailer = int(text[len(TRAILER):].split()[0])
                    except (ValueError, IndexError):
                        raise BackupError(f"{path} line {lineno}: unreadable end marker {text!r}") from None
                continue
            if not batch:
                first = lineno
            batch.append(line if line.endswith(b"\n") else line + b"\n")
            if len(batch) >= BATCH_LINES:
                flush()
        flush()
        if header and trailer is None:
            raise BackupError(f"{path} is truncated: it ends at line {last} without the "
                              f"'{TRAILER} N quads' line a complete dump has; nothing was restored")
        if trailer is not None and trailer != n:
            raise BackupError(f"{path} says it holds {trailer} quads but {n} were read; the file is corrupt "
                              "and nothing was restored")
    except StoreError as e:
        raise BackupError(f"{path} could not be loaded ({e}); nothing was restored") from None
    return n


def _swap(tmp: Path, target: Path) -> None:
    """Put the loaded store at ``target``: a rename, under the target's write lock when it exists."""
    if not target.exists():
        os.rename(tmp, target)
        return
    lock_path = target / EmbeddedStore.LOCK_FILE
    with open(lock_path, "a+") as lock:
        lock_exclusive(lock, target)         # no writer of the old store commits during the swap
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
        os.rename(target, old)
        try:
            os.rename(tmp, target)
        except BaseException:
            os.rename(old, target)
            raise
        # Readers reopen by path when .kg-version changes, so they see the restored store next.
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["dump", "restore", "BackupError"]
