"""kg.web.executor: killable worker processes, one job each; an overrunning query is killed with its worker
and replaced, and the queries running beside it finish untouched. Failures come out as typed exceptions."""
import concurrent.futures as cf
import time

import pytest

from kg.store import open_store
from kg.web.executor import NotAcceptable, QueryExecutor, QueryRejected, QueryTimeout

HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def _job(sparql, **kw):
    job = {"op": "query", "sparql": sparql, "result_format": "json", "graph_format": "turtle",
           "default_graphs": [], "named_graphs": [], "max_rows": 1000}
    job.update(kw)
    return job


@pytest.fixture(scope="module")
def location(tmp_path_factory):
    loc = str(tmp_path_factory.mktemp("shared") / "store")
    st = open_store(loc)
    st.update("INSERT DATA { GRAPH <http://ex/g> { " +
              " ".join(f"<http://ex/s{i}> <http://ex/p> {i} ." for i in range(300)) + " } }")
    st.close()
    return loc


def test_timeout_kills_only_the_overrunning_query(location):
    ex = QueryExecutor(location, size=3)
    try:
        assert ex.run(_job("ASK {}"), 10).kind == "ask"
        with cf.ThreadPoolExecutor(3) as pool:
            heavy = pool.submit(ex.run, _job(HEAVY), 1.5)
            time.sleep(1.0)
            # a query still running when the heavy one is killed (a few seconds of work): it must finish
            slowish = pool.submit(ex.run, _job("SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
                                               "FILTER(?f < 120) }"), 60)
            t0 = time.monotonic()
            with pytest.raises(QueryTimeout):
                heavy.result()
            assert time.monotonic() - t0 < 5
            res = slowish.result()
            assert b"10800000" in res.body
        assert ex.kills == 1
        assert ex.run(_job("ASK {}"), 10).kind == "ask"
    finally:
        ex.close()


def test_killed_worker_is_replaced(location):
    ex = QueryExecutor(location, size=1)
    try:
        assert ex.run(_job("ASK {}"), 10).kind == "ask"
        (first,) = ex.pids()
        with pytest.raises(QueryTimeout):
            ex.run(_job(HEAVY), 0.5)
        assert ex.run(_job("ASK {}"), 10).kind == "ask"       # a fresh worker took its place
        assert ex.pids() and ex.pids()[0] != first
    finally:
        ex.close()


def test_concurrent_reads(location):
    ex = QueryExecutor(location, size=4)
    try:
        q = _job("SELECT ?s { ?s <http://ex/p> ?o } ORDER BY ?s LIMIT 5")
        with cf.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _: ex.run(q, 10), range(40)))
        assert all(r.body.count(b'"uri"') == 5 for r in results)
        assert len(ex.pids()) <= 4
        assert ex.run({"op": "stats"}, 10).value["quads"] == 300
    finally:
        ex.close()


def test_failures_are_typed(location):
    ex = QueryExecutor(location, size=1)
    try:
        with pytest.raises(QueryRejected, match="syntax"):
            ex.run(_job("SELEC ?s {"), 10)
        with pytest.raises(QueryRejected, match="does not hold"):
            ex.run(_job("SELECT * FROM <http://ex/nowhere> { ?s ?p ?o }", own_dataset=True,
                        from_graphs=["http://ex/nowhere"]), 10)
        with pytest.raises(NotAcceptable):
            ex.run(_job("SELECT * { ?s ?p ?o }", result_format=None), 10)
        with pytest.raises(QueryRejected, match="Update"):
            ex.run({"op": "update", "sparql": "INSERT DATTA {}"}, 10)
        assert ex.run(_job("ASK {}"), 10).kind == "ask"       # the worker survived all of that
    finally:
        ex.close()
