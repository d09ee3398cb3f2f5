"""Shared fixtures: a live ``kg serve`` process on 127.0.0.1.

``start_server(store_dir, token=None, **env)`` starts the service in a subprocess on a free
port, waits for /health and returns a :class:`LiveServer` (``.url``, ``.token``, ``.stop()``);
extra keyword arguments become environment variables (``KG_QUERY_TIMEOUT="2"``, ...), and
``workers=``/``threads=`` pick the gunicorn shape. Fixtures:

- ``live_server``: a module-scoped server with the dev corpus loaded (when it is available)
  and a write token;
- ``empty_server``: a module-scoped server over an empty store, with a token;
- ``server_factory``: call it to start more servers; they are stopped at the end of the test.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "dev"
KG = Path(sys.executable).parent / "kg"
TEST_TOKEN = "test-token-3f9a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, proc: subprocess.Popen, url: str, store: str, token: str | None, log: Path):
        self.proc, self.url, self.store, self.token, self.log = proc, url, store, token, log

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


def start_server(store_dir: str | os.PathLike, token: str | None = None, *, workers: int = 2, threads: int = 4,
                 wait: float = 30.0, **env) -> LiveServer:
    """Start ``kg serve`` over ``store_dir`` on a free 127.0.0.1 port and wait until /health answers."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    environ.update({k: str(v) for k, v in env.items()})
    if token:
        environ["KG_TOKEN"] = token
    environ["PYTHONPATH"] = str(ROOT) + os.pathsep + environ.get("PYTHONPATH", "")
    log = Path(tempfile.mkstemp(prefix="kg-serve-", suffix=".log")[1])
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]),
           "--store", str(store_dir), "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--threads", str(threads)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=environ, cwd=str(ROOT),
                                start_new_session=True)
    server = LiveServer(proc, f"http://127.0.0.1:{port}", str(store_dir), token, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited with {proc.returncode}:\n{server.log_text()}")
        try:
            if requests.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"kg serve did not become healthy in {wait} s:\n{server.log_text()}")


def load_corpus(store_dir: str | os.PathLike) -> int:
    """Import the dev corpus into ``store_dir``; returns the number of files (0 when absent)."""
    files = sorted(str(p) for p in CORPUS.glob("*.json")) if CORPUS.is_dir() else []
    if files:
        subprocess.run([str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]),
                        "--store", str(store_dir), "import", *files], check=False, capture_output=True,
                       cwd=str(ROOT), timeout=300)
    return len(files)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    store = tmp_path_factory.mktemp("kg-live") / "store"
    load_corpus(store)
    server = start_server(store, token=TEST_TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    store = tmp_path_factory.mktemp("kg-empty") / "store"
    server = start_server(store, token=TEST_TOKEN)
    yield server
    server.stop()


@pytest.fixture
def server_factory(tmp_path):
    started: list[LiveServer] = []

    def make(token: str | None = None, store: str | os.PathLike | None = None, **kw) -> LiveServer:
        s = start_server(store or tmp_path / f"store{len(started)}", token=token, **kw)
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()
