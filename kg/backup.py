"""Whole-store backups as N-Quads (``kg dump FILE`` / ``kg restore FILE``), gzip when FILE ends in .gz.

A dump streams the quads of one snapshot (a RocksDB checkpoint: hard links made in
milliseconds next to the store, so a writer's compaction cannot pull files from under it),
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

import fcntl
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

HEADER = "# dipkg dump v1"
TRAILER = "# end of dipkg dump:"
BATCH_LINES = 20_000


class BackupError(RuntimeError):
    """A dump or restore could not be done; the message says why and what to do."""


def _open_out(path: Path, gz: bool):
    return gzip.open(path, "wb", compresslevel=6) if gz else open(path, "wb")


def _checkpoint(location: str) -> Path | None:
    """A RocksDB checkpoint (hard links, milliseconds) of the store next to it, or None if impossible.

    A read-only handle does not pin its files: a writer's compaction may delete them during a long
    dump ("No such file or directory ... .sst"). The checkpoint's links keep them.
    """
    from .store.embedded import stale_snapshot
    src = Path(location)
    for attempt in range(3):
        ckpt = Path(tempfile.mkdtemp(prefix=f".{src.name}.dump-", dir=src.parent))
        ckpt.rmdir()
        try:
            handle = ox.Store.read_only(str(src))
            handle.backup(str(ckpt))
            return ckpt
        except OSError as e:
            shutil.rmtree(ckpt, ignore_errors=True)
            if not stale_snapshot(e) or attempt == 2:
                return None
        finally:
            handle = None
            gc.collect()
    return None


def _quads(store) -> tuple[Iterator[ox.Quad], Path | None]:
    handle = getattr(store, "ox", None)
    if handle is None:
        raise BackupError("kg dump reads an embedded store (a directory); for a remote engine use "
                          "'kg export --format nquads' or the engine's own backup tool")
    ckpt = None
    if getattr(store, "_memory", None) is None and Path(store.location).is_dir():
        try:
            ckpt = _checkpoint(store.location)
        except OSError:
            ckpt = None
        if ckpt is not None:
            handle = ox.Store.read_only(str(ckpt))
    return handle.quads_for_pattern(None, None, None, None), ckpt


def dump(store, path: str | os.PathLike, *, progress: Callable[[int], None] | None = None) -> int:
    """Write every quad of ``store`` to ``path`` (N-Quads, gzip if .gz); returns the number of quads."""
    path = Path(path)
    part = path.with_name(path.name + ".part")
    quads, ckpt = _quads(store)      # one snapshot (a checkpoint when possible) for the whole dump
    n = 0
    try:
        with _open_out(part, path.name.endswith(".gz")) as out:
            out.write(f"{HEADER} of {store.location} at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
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
        if ckpt is not None:
            shutil.rmtree(ckpt, ignore_errors=True)
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
        handle = ox.Store.read_only(str(target))
    except OSError as e:
        raise BackupError(f"cannot open the store {target} to check that it is empty: {e}") from None
    try:
        return next(iter(handle.quads_for_pattern(None, None, None, None)), None) is None
    finally:
        del handle
        gc.collect()


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
        (tmp / ".kg-version").write_text(f"{time.time_ns()}-{os.getpid()}-restore")
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def _load(path: Path, tmp: Path, progress) -> int:
    store = ox.Store(str(tmp))
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
        store.flush()
    finally:
        del store
        gc.collect()          # pyoxigraph closes RocksDB when the last reference goes
    return n


def _swap(tmp: Path, target: Path) -> None:
    """Put the loaded store at ``target``: a rename, under the target's write lock when it exists."""
    if not target.exists():
        os.rename(tmp, target)
        return
    lock_path = target / ".kg-write.lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)     # no writer of the old store commits during the swap
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
