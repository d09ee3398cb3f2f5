"""kg.web.executor: reads share one query process; an overrunning query is killed with it, and
the other queries it held run again in the replacement (only the overrunning one fails)."""
import concurrent.futures as cf
import time

import pytest

from kg.store import open_store
from kg.web.executor import QueryExecutor, QueryTimeout

HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def _job(sparql):
    return {"op": "query", "sparql": sparql, "result_format": "json", "graph_format": "turtle",
            "default_graphs": [], "named_graphs": [], "max_rows": 1000}


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
        assert ex.run(_job("ASK {}"), 10).ok
        first = ex._shared.proc.pid
        with cf.ThreadPoolExecutor(3) as pool:
            heavy = pool.submit(ex.run, _job(HEAVY), 1.5)
            time.sleep(1.0)
            # a query still running when the heavy one is killed (a few seconds of work, so that it is still
            # running half a second later even on a fast machine): it runs again
            slowish = pool.submit(ex.run, _job("SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
                                               "FILTER(?f < 120) }"), 60)
            t0 = time.monotonic()
            with pytest.raises(QueryTimeout):
                heavy.result()
            assert time.monotonic() - t0 < 5
            res = slowish.result()
            assert res.ok and b"10800000" in res.body
        assert ex.kills == 1
        assert ex.reruns >= 1
        assert ex.run(_job("ASK {}"), 10).ok
        assert ex._shared.proc.pid != first      # the killed process was replaced
    finally:
        ex.close()


def test_concurrent_reads_share_one_process(location):
    ex = QueryExecutor(location, size=4)
    try:
        q = _job("SELECT ?s { ?s <http://ex/p> ?o } ORDER BY ?s LIMIT 5")
        with cf.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _: ex.run(q, 10), range(40)))
        assert all(r.ok and r.body.count(b'"uri"') == 5 for r in results)
        assert ex._shared is not None and ex._started == 0      # no single-job process was needed
        assert ex.run({"op": "stats"}, 10).value["quads"] == 300
    finally:
        ex.close()
