"""The lingering writer (kg/web/writer.py) with real processes: two executors stand for two gunicorn workers.

Every acknowledged update is seen by the next read of any process; another program waiting for the lock gets
it at once, not after the idle period; an update that overruns its deadline is never committed, and the next
update finds a new holder.
"""
from __future__ import annotations

import time

import pytest

from kg.store import open_store
from kg.web import writer
from kg.web.executor import QueryExecutor, QueryTimeout


def _job(sparql: str, **kw) -> dict:
    return {"op": "update", "sparql": sparql, "base_iri": None, "using": [], **kw}


def _ask(ex: QueryExecutor, pattern: str) -> bool:
    res = ex.run({"op": "query", "sparql": f"ASK {{ {pattern} }}", "result_format": "json", "graph_format": "turtle",
                  "default_graphs": [], "named_graphs": [], "max_rows": 10}, 10)
    return b"true" in res.body


@pytest.fixture
def two_workers(tmp_path):
    location = str(tmp_path / "store")
    open_store(location).close()
    a, b = QueryExecutor(location, 2), QueryExecutor(location, 2)
    yield location, a, b
    a.close()
    b.close()


def test_updates_from_two_workers_are_all_seen(two_workers):
    location, a, b = two_workers
    for i in range(12):
        ex, other = (a, b) if i % 2 else (b, a)
        ex.run(_job(f"INSERT DATA {{ <http://ex/s{i}> <http://ex/p> {i} }}"), 10)
        assert _ask(other, f"<http://ex/s{i}> <http://ex/p> {i}"), i        # read your write, other process
    store = open_store(location, read_only=True)
    assert store.count() == 12


def test_a_waiting_writer_gets_the_lock_at_once(two_workers):
    location, a, _ = two_workers
    a.run(_job("INSERT DATA { <http://ex/a> <http://ex/p> 1 }"), 10)      # a holder now lingers (2 s)
    store = open_store(location)
    t0 = time.monotonic()
    with store.writing():       # what kg import and POST /articles do
        waited = time.monotonic() - t0
    assert waited < writer.LINGER_S / 2, waited
    a.run(_job("INSERT DATA { <http://ex/b> <http://ex/p> 2 }"), 10)      # and a new holder takes over
    assert _ask(a, "<http://ex/b> <http://ex/p> 2")


def test_an_overrunning_update_is_never_committed(two_workers):
    location, a, b = two_workers
    a.run(_job("INSERT DATA { " + " ".join(f"<http://ex/n{i}> <http://ex/p> {i} ." for i in range(200)) + " }"), 10)
    slow = "INSERT { ?a <http://ex/q> ?d } WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h }"
    with pytest.raises(QueryTimeout):
        b.run(_job(slow), 1.0)       # b's request is run by a's holder, or b's own writer process
    time.sleep(1.0)
    assert not _ask(a, "?a <http://ex/q> ?d")
    b.run(_job("INSERT DATA { <http://ex/after> <http://ex/p> 1 }"), 10)
    assert _ask(a, "<http://ex/after> <http://ex/p> 1")
