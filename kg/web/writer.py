"""Updates of the embedded store through one lingering writer: the write lock stays held between updates,
and the service's other processes hand their updates to the process that holds it.

Why: opening RocksDB read-write and closing it again costs 60-130 ms on the project's 2-core machine (an
empty store: 92 ms; the INSERT DATA itself on an open handle: 0.02 ms), so opening the store for each
SPARQL Update made a small update take 63-129 ms against Oxigraph's ~1 ms (issue 15). Only one process
may have the store open for writing, and ``kg serve`` has several that receive updates (each gunicorn
worker has its executor's writer process), so whichever of them would write first becomes the *holder*:

- it binds an abstract Unix socket named after the store (so there is one holder per store, and the name
  disappears with the process), takes the write lock and keeps the store open;
- one thread runs every update, its own and those other processes send over the socket, one at a time,
  each as its own transaction, and bumps the store version after each (``EmbeddedStore.publish``);
- it lets go after ``LINGER_S`` without updates, or within ``POLL_S`` when another program waits for the
  lock (``kg import``, ``POST /articles``, a restore: ``EmbeddedStore.writer_wanted``).

What stays as before: a 204 is sent after the update committed, and every reader sees it (while a holder
lingers, readers open plain read-only handles, which replay the write-ahead log; see
``EmbeddedStore._pinned_snapshot``); an update that overruns its deadline is never committed after its 503
(the holder exits at that deadline, as a killed executor process did, and the transaction is lost); a
client process only sends its update when the handshake proved the holder knows the store's key (and vice
versa: multiprocessing's HMAC challenge, before anything is unpickled). The key file is readable only by
who may write the store anyway.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import secrets
import socket
import threading
import time
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, answer_challenge, deliver_challenge
from pathlib import Path

from .executor import QueryError, QueryTimeout, StoreFailed

LINGER_S = 2.0      # keep the store open this long after the last update
POLL_S = 0.02       # how often an idle holder checks whether someone else waits for the lock
MARGIN_S = 0.05     # the holder gives up on an update this long before its requester's deadline
KEY_FILE = ".kg-writer.key"

_holder: Holder | None = None     # the holder in this process, if it is one


def address(location: str) -> str:
    """The abstract socket name of the store at ``location`` (one per store directory)."""
    real = os.path.realpath(location)
    return "\0dipkg-writer-" + hashlib.sha256(real.encode()).hexdigest()[:32]


def _key(location: str) -> bytes:
    """The store's handshake key, created (mode 0600) by the first process that needs it."""
    path = Path(location) / KEY_FILE
    for _ in range(50):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_bytes()
            if len(key) == 32:
                return key
            time.sleep(0.002)       # its creator is writing it
            continue
        with os.fdopen(fd, "wb") as f:
            key = secrets.token_bytes(32)
            f.write(key)
        return key
    raise StoreFailed(f"cannot read the writer key {path}; delete it and try again")


class NoHolder(Exception):
    """No process holds the writer (or it is letting go): become the holder, or wait for the lock."""


_NoHolder = NoHolder


def run(store, job: dict, run_job) -> object:
    """Run the update ``job`` (``run_job(store, job)``) through this store's holder; returns a Result or
    raises a QueryError, as ``run_job`` does. ``job['deadline']`` (time.monotonic) bounds it."""
    global _holder
    deadline = job.get("deadline") or time.monotonic() + 3600
    while True:
        h = _holder
        if h is not None and h.accepting():
            try:
                return h.submit(job)
            except _NoHolder:
                continue
        if h is not None:
            h.join()
            _holder = None
        try:
            return _send(store.location, job, deadline)
        except _NoHolder:
            pass
        h = Holder.claim(store, run_job)
        if h is not None:
            _holder = h
            continue
        if time.monotonic() > deadline:
            raise QueryTimeout(job.get("timeout") or 0)
        time.sleep(0.002)         # another process is taking over: its socket answers in a moment


_conns: dict[str, Connection] = {}    # this process's open connection to each store's holder


def _connect(location: str) -> Connection:
    try:
        return Client(address(location), family="AF_UNIX", authkey=_key(location))
    except (OSError, EOFError, AuthenticationError):   # no holder, one letting go, no key file yet
        raise _NoHolder() from None


def send(location: str, job: dict):
    """Run the update ``job`` in the store's current holder, from any process (a web worker sends its
    updates straight there, one hop fewer than through its executor); NoHolder when there is none."""
    return _send(location, job, job.get("deadline") or time.monotonic() + 3600)


def _send(location: str, job: dict, deadline: float):
    """Run ``job`` in the holder of another process, over a connection kept open between updates (a new
    connection costs a handshake per update); _NoHolder when there is none or it is letting go."""
    for fresh in (False, True):
        conn = _conns.pop(location, None)
        if conn is None:
            if not fresh:
                continue
            conn = _connect(location)
        started = False
        try:
            conn.send(job)
            while True:
                # the holder stops at the deadline by itself (MARGIN_S before it); a second more is a hang
                if not conn.poll(max(0.0, deadline - time.monotonic()) + 1.0):
                    conn.close()
                    raise QueryTimeout(job.get("timeout") or 0)
                kind, value = conn.recv()
                if kind == "retry":
                    conn.close()
                    raise _NoHolder()
                if kind == "started":
                    started = True
                    continue
                _conns[location] = conn
                if isinstance(value, BaseException):
                    raise value
                return value
        except (EOFError, OSError):
            conn.close()
            if not started:
                continue            # the holder let go since the last update: connect again, or take over
            if time.monotonic() >= deadline - MARGIN_S:
                raise QueryTimeout(job.get("timeout") or 0) from None
            raise StoreFailed("the process writing this update stopped before it answered; the update was "
                              "not applied unless it had just committed: check, then send it again") from None
    raise _NoHolder()


class Holder:
    """This process keeps the store open for writing and runs everyone's updates (see the module doc)."""

    def __init__(self, store, run_job, sock: socket.socket, key: bytes):
        self.store, self.run_job, self.sock, self.key = store, run_job, sock, key
        self.jobs: queue.Queue = queue.Queue()
        self.state = threading.Lock()
        self.closing = False
        self.clients: set[socket.socket] = set()
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.last = time.monotonic()
        self.writer = threading.Thread(target=self._write_loop, name="kg-writer", daemon=True)
        self.acceptor = threading.Thread(target=self._accept_loop, name="kg-writer-accept", daemon=True)

    @classmethod
    def claim(cls, store, run_job) -> Holder | None:
        """Become the holder of ``store``; None when another process just did (its socket name is taken)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(address(store.location))
        except OSError:
            sock.close()
            return None
        sock.listen(64)
        sock.settimeout(0.1)
        h = cls(store, run_job, sock, _key(store.location))
        h.writer.start()
        h.ready.wait()
        if h.failed is not None:
            h.join()
            raise h.failed
        h.acceptor.start()
        return h

    def accepting(self) -> bool:
        return not self.closing

    # --- the writer thread: owns the write block, runs the updates ---------------------------------
    def _write_loop(self) -> None:
        store = self.store
        try:
            block = store.writing()
            block.__enter__()               # waits for the lock (lock_exclusive)
        except BaseException as e:          # the store cannot be opened: report to whoever claimed
            self.failed = StoreFailed(f"{type(e).__name__}: {e}") if not isinstance(e, QueryError) else e
            self.closing = True
            self.ready.set()
            return
        holder_file = Path(store.location) / store.HOLDER_FILE
        try:
            holder_file.write_text(str(os.getpid()))
            self.ready.set()
            while True:
                try:
                    job, reply = self.jobs.get(timeout=POLL_S)
                except queue.Empty:
                    if time.monotonic() - self.last > LINGER_S or store.writer_wanted():
                        with self.state:
                            self.closing = True
                        break
                    continue
                self._run_one(job, reply)
                self.last = time.monotonic()
            while True:                     # jobs queued before closing: their senders go elsewhere
                try:
                    _job, reply = self.jobs.get_nowait()
                except queue.Empty:
                    break
                reply(("retry", None))
        finally:
            self.sock.close()
            self._hang_up()
            try:
                block.__exit__(None, None, None)   # flush, close, bump the version, unlock
            finally:
                with contextlib.suppress(OSError):
                    if holder_file.read_text() == str(os.getpid()):
                        holder_file.unlink()

    def _run_one(self, job: dict, reply) -> None:
        reply(("started", None))
        deadline = job.get("deadline")
        timer = None
        if deadline is not None:
            # pyoxigraph cannot stop an update: past its requester's deadline, stop the process (the
            # transaction is lost, the lock released by the kernel), as the executor would kill it
            timer = threading.Timer(max(0.0, deadline - MARGIN_S - time.monotonic()), os._exit, (75,))
            timer.daemon = True
            timer.start()
        try:
            res = self.run_job(self.store, job)
        except QueryError as e:
            res = e
        except Exception as e:
            res = StoreFailed(f"{type(e).__name__}: {e}")
        finally:
            if timer is not None:
                timer.cancel()
        self.store.publish()
        reply(("done", res))

    def submit(self, job: dict):
        """Run ``job`` from this process (the executor's pipe) on the writer thread; wait for its answer."""
        box: list = []
        done = threading.Event()

        def reply(msg):
            if msg[0] != "started":
                box.append(msg)
                done.set()
        with self.state:
            if self.closing:
                raise _NoHolder()
            self.jobs.put((job, reply))
        done.wait()
        kind, value = box[0]
        if kind == "retry":
            raise _NoHolder()
        if isinstance(value, BaseException):
            raise value
        return value

    # --- the socket: other processes' updates -----------------------------------------------------
    def _accept_loop(self) -> None:
        while not self.closing:
            try:
                s, _ = self.sock.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                return
            s.settimeout(None)
            threading.Thread(target=self._serve, args=(s,), daemon=True, name="kg-writer-conn").start()

    def _serve(self, s: socket.socket) -> None:
        """One client process's connection: its updates, one after another, until it or we close."""
        conn = Connection(os.dup(s.fileno()))
        with self.state:
            if self.closing:
                s.close()
                conn.close()
                return
            self.clients.add(s)
        try:
            deliver_challenge(conn, self.key)
            answer_challenge(conn, self.key)
            while True:
                job = conn.recv()
                done = threading.Event()

                def reply(msg, done=done):
                    try:
                        conn.send(msg)
                    except OSError:
                        pass
                    if msg[0] != "started":
                        done.set()
                with self.state:
                    if self.closing:
                        reply(("retry", None))
                        return
                    self.jobs.put((job, reply))
                done.wait()
        except Exception:       # gone, or not one of ours (nothing is unpickled before the handshake)
            return
        finally:
            with self.state:
                self.clients.discard(s)
            conn.close()
            s.close()

    def _hang_up(self) -> None:
        """Close every client connection (shutdown wakes a thread blocked reading it)."""
        with self.state:
            clients = list(self.clients)
        for s in clients:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def join(self) -> None:
        self.writer.join()
        if self.acceptor.is_alive():
            self.acceptor.join(1)
