"""Concurrency (short version of bench/concurrency.py): 8 clients for ~12 s against kg serve, 2 of them
posting articles; no request fails and no reader ever sees half an article (events and triples per
article always equal what that article must have)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from bench.concurrency import run, setup  # noqa: E402
from conftest import start_server  # noqa: E402

pytestmark = pytest.mark.slow  # not in `make test-fast`; `make test` runs it


def test_readers_and_writers_together(tmp_path):
    store = tmp_path / "store"
    pre, new, expect = setup(store, 60, 150, prefix="ctest")
    server = start_server(store, token="conc-token", workers=2, threads=4)
    try:
        out = run(server.url, "conc-token", expect=expect, preloaded=pre, pending=new, seconds=12,
                  readers=6, writers=2, max_requests=2000)
    finally:
        server.stop()
    assert out["errors"] == 0, out["error_list"]
    assert out["half_articles"] == 0, out["half_list"]
    assert out["kinds"]["post"]["n"] >= 2 and out["kinds"]["completeness"]["n"] >= 10, out
    assert out["article_rows_checked"] > 0
    r = subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), "validate"], capture_output=True,
                       text=True, cwd=str(ROOT), timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
