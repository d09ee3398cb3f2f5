"""Real SPARQL engines for the tests: Oxigraph server and OpenLink Virtuoso 7, on 127.0.0.1.

Each engine runs from a temporary directory on a free port and is stopped at the
end of the session. Where an engine's binary is missing the tests that need it
are skipped with a message saying how to install it; with ``CI=true`` they fail
instead, so that a CI machine missing an install step cannot look green.

Import the fixtures into a test module::

    from engines import oxigraph_server, virtuoso_server  # noqa: F401

The engine objects (:class:`OxigraphServer`, :class:`VirtuosoServer`) can also
be used outside pytest (bench/bench_backends.py does).
"""
from __future__ import annotations

import os
import shutil
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
VENV_BIN = Path(sys.executable).parent

OXIGRAPH_INSTALL = "pip install 'oxigraph>=0.5,<0.6' (the test extra: pip install -e '.[test]')"
VIRTUOSO_INSTALL = (
    "apt-get update && "
    "echo 'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba' | debconf-set-selections && "
    "echo 'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba' | "
    "debconf-set-selections && "
    "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends virtuoso-opensource")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, how: str):
    """Skip (or, under CI=true, fail) because an engine is not installed."""
    msg = f"{what} is not installed; install it with: {how}"
    if in_ci():
        pytest.fail(msg + " (CI=true: a missing engine is a failure, not a skip)", pytrace=False)
    pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with code {proc.returncode} while starting:\n{tail}")
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s:\n{tail}")


class Engine:
    """A server process we started; ``url`` is its SPARQL query endpoint."""

    name = "engine"
    url: str
    proc: subprocess.Popen | None = None

    def store_options(self) -> dict:
        return {}

    def kill(self) -> None:
        """SIGKILL: the crash the atomicity tests simulate."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class OxigraphServer(Engine):
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT --union-default-graph``."""

    name = "oxigraph"

    def __init__(self, directory: Path | str, port: int | None = None, binary: str | None = None):
        self.dir = Path(directory)
        self.port = port or free_port()
        self.binary = binary or self.find()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.log = self.dir / "oxigraph.log"

    @staticmethod
    def find() -> str | None:
        cand = VENV_BIN / "oxigraph"
        if cand.exists():
            return str(cand)
        return shutil.which("oxigraph")

    def start(self, timeout: float = 30) -> OxigraphServer:
        (self.dir / "db").mkdir(parents=True, exist_ok=True)
        self._logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.dir / "db"), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"],
            stdout=self._logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _wait(lambda: requests.get(self.url, params={"query": "ASK {}"}, timeout=2).ok,
              timeout, "oxigraph serve", self.proc, self.log)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if getattr(self, "_logf", None):
            self._logf.close()


class VirtuosoServer(Engine):
    """Virtuoso 7 (Debian's virtuoso-opensource) with its database in a temporary directory.

    The Debian ini is copied with the database paths moved to ``directory``, both
    ports bound to 127.0.0.1 and ``[SPARQL] ResultSetMaxRows`` raised (the
    default 10000 silently truncates results). With ``grant_update`` the
    anonymous SPARQL user gets SPARQL_UPDATE, so ``/sparql`` accepts updates;
    otherwise clients write through ``/sparql-auth`` with digest dba/dba.
    """

    name = "virtuoso"
    USER = PASSWORD = "dba"

    def __init__(self, directory: Path | str, sql_port: int | None = None, http_port: int | None = None,
                 *, result_set_max_rows: int = 1_000_000, grant_update: bool = False):
        self.dir = Path(directory)
        self.sql_port = sql_port or free_port()
        self.http_port = http_port or free_port()
        self.max_rows = result_set_max_rows
        self.grant_update = grant_update
        self.binary = shutil.which("virtuoso-t")
        self.isql = shutil.which("isql-vt") or shutil.which("isql")
        self.url = f"http://127.0.0.1:{self.http_port}/sparql"
        self.ini = self.dir / "virtuoso.ini"
        self.log = self.dir / "virtuoso.log"

    @classmethod
    def installed(cls) -> bool:
        return bool(shutil.which("virtuoso-t") and (shutil.which("isql-vt") or shutil.which("isql"))
                    and VIRTUOSO_INI.exists())

    def store_options(self) -> dict:
        return {} if self.grant_update else {"user": self.USER, "password": self.PASSWORD}

    def write_ini(self) -> None:
        d = self.dir
        settings = {
            "Database": {"DatabaseFile": d / "virtuoso.db", "ErrorLogFile": self.log,
                         "LockFile": d / "virtuoso.lck", "TransactionFile": d / "virtuoso.trx",
                         "xa_persistent_file": d / "virtuoso.pxa"},
            "TempDatabase": {"DatabaseFile": d / "virtuoso-temp.db", "TransactionFile": d / "virtuoso-temp.trx"},
            "Parameters": {"ServerPort": f"127.0.0.1:{self.sql_port}", "DirsAllowed": f"., {d}",
                           "NumberOfBuffers": 170000, "MaxDirtyBuffers": 130000},
            "HTTPServer": {"ServerPort": f"127.0.0.1:{self.http_port}"},
            "SPARQL": {"ResultSetMaxRows": self.max_rows, "MaxQueryExecutionTime": 300},
        }
        out, section = [], None
        for line in VIRTUOSO_INI.read_text().splitlines():
            s = line.strip()
            if s.startswith("[") and s.endswith("]"):
                section = s[1:-1]
            elif section in settings and "=" in s and not s.startswith(";"):
                key = s.split("=", 1)[0].strip()
                if key in settings[section]:
                    line = f"{key} = {settings[section].pop(key)}"
            out.append(line)
        # keys the Debian ini lacks: append them to their section
        text = "\n".join(out) + "\n"
        for section, rest in settings.items():
            if rest:
                extra = "".join(f"{k} = {v}\n" for k, v in rest.items())
                text = text.replace(f"[{section}]\n", f"[{section}]\n{extra}", 1)
        self.ini.write_text(text)

    def isql_exec(self, sql: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", self.USER, self.PASSWORD,
                               f"exec={sql}"], capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def start(self, timeout: float = 90) -> VirtuosoServer:
        self.dir.mkdir(parents=True, exist_ok=True)
        if not self.ini.exists():
            self.write_ini()
        self._out = open(self.dir / "stdout.log", "ab")
        self.proc = subprocess.Popen([self.binary, "+foreground", "+configfile", str(self.ini)],
                                     cwd=self.dir, stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        _wait(lambda: self.isql_exec("select 1;", timeout=10).returncode == 0, timeout,
              "virtuoso-t", self.proc, self.log)
        _wait(lambda: requests.get(self.url, params={"query": "ASK {}"}, timeout=5).ok, timeout,
              "virtuoso HTTP", self.proc, self.log)
        if self.grant_update:
            r = self.isql_exec('GRANT SPARQL_UPDATE TO "SPARQL";')
            if r.returncode != 0:
                raise RuntimeError(f"GRANT SPARQL_UPDATE failed: {r.stdout}{r.stderr}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.isql_exec("checkpoint; shutdown;", timeout=60)
                self.proc.wait(timeout=60)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait(timeout=30)
        if getattr(self, "_out", None):
            self._out.close()


# --- pytest fixtures -------------------------------------------------------------------

@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    if not OxigraphServer.find():
        missing("the oxigraph server CLI", OXIGRAPH_INSTALL)
    eng = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    yield eng
    eng.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    if not VirtuosoServer.installed():
        missing("OpenLink Virtuoso 7 (virtuoso-t, isql-vt, /etc/virtuoso-opensource-7/virtuoso.ini)",
                VIRTUOSO_INSTALL)
    eng = VirtuosoServer(tempfile.mkdtemp(prefix="virtuoso-", dir=tmp_path_factory.getbasetemp())).start()
    yield eng
    eng.stop()


@pytest.fixture
def fresh_oxigraph(tmp_path):
    """A server of one's own (for tests that kill it)."""
    if not OxigraphServer.find():
        missing("the oxigraph server CLI", OXIGRAPH_INSTALL)
    eng = OxigraphServer(tmp_path / "oxigraph").start()
    yield eng
    eng.stop()


@pytest.fixture
def fresh_virtuoso(tmp_path):
    if not VirtuosoServer.installed():
        missing("OpenLink Virtuoso 7", VIRTUOSO_INSTALL)
    eng = VirtuosoServer(tmp_path / "virtuoso").start()
    yield eng
    eng.stop()


# --- data --------------------------------------------------------------------------------

SAMPLES_DIR = ROOT / "samples" / "annotated"
DEV_DIR = ROOT.parent / "shared" / "corpus" / "dev"


def seed_article_dicts() -> list[dict]:
    """The project's sample articles, plus the shared dev corpus when it is there."""
    import json
    files = sorted(SAMPLES_DIR.glob("*.json")) + (sorted(DEV_DIR.glob("*.json")) if DEV_DIR.is_dir() else [])
    out = []
    for f in files:
        try:
            obj = json.loads(f.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("events"):
            out.append(obj)
    return out


def synthetic_articles(n: int, *, tag: str = "syn") -> list:
    """``n`` valid articles (kg.records.Article): copies of the seed articles under new ids.

    Events get new IRIs (they hang off the article id) and actors are shared, as in a real corpus.
    """
    from kg.records import article_from_json
    seeds = seed_article_dicts()
    out = []
    for i in range(n):
        obj = dict(seeds[i % len(seeds)])
        obj["id"] = f"{tag}-{i:05d}-{obj['id']}"[:80]
        obj["text"] = obj.get("text", "")[:2000]
        out.append(article_from_json(obj, where=f"synthetic #{i}"))
    return out
