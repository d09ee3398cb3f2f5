"""Store integrity under fuzzed input (small sample of bench/fuzz.py; tests/test_fuzz_http.py covers the HTTP
surface itself): fuzzed article JSON through kg import's path (JSONL -> read_annotated -> ingest_many) and
through POST /articles, fuzzed SPARQL through the engine. No crash, no 5xx, and afterwards every stored
article equals a fresh ingest of its last accepted version, kg stats agrees and kg validate conforms."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from bench.fuzz import (TOKEN, Expected, Report, compare, fuzz_import, fuzz_post,  # noqa: E402
                        fuzz_sparql_engine)
from conftest import start_server  # noqa: E402

pytestmark = pytest.mark.slow  # not in `make test-fast`; `make test` runs it


def test_fuzzed_articles_keep_the_store_intact(tmp_path):
    rep = Report()
    exp_a = Expected()
    fuzz_import(tmp_path / "a", exp_a, rep, cases=120, seconds=20, tmp=tmp_path)
    fuzz_sparql_engine(rep, cases=60, seconds=8)
    exp_b = Expected()
    server = start_server(tmp_path / "b", token=TOKEN, workers=1, threads=2, KG_MAX_BODY=str(2**20))
    try:
        fuzz_post(server.url, exp_b, rep, cases=40, seconds=12)
    finally:
        server.stop()
    compare(tmp_path / "a", exp_a, rep, "import store")
    compare(tmp_path / "b", exp_b, rep, "service store")
    assert rep.failures == [], rep.failures
    assert sum(rep.cases.values()) >= 150, rep.cases
    assert rep.accepted > 0 and rep.rejected > 0


def test_regressions_found_by_fuzzing(tmp_path):
    """Inputs that crashed ``kg import`` (RecursionError, TypeError) or gave 500 on POST /articles."""
    import json

    from bench.synthetic import templates
    from kg.ingest import ingest_many
    from kg.readers import read_annotated
    from kg.store import open_store
    good = dict(templates()[0], id="fz-good")
    bad_type = dict(templates()[0], id="fz-badtype")
    bad_type["events"] = [dict(bad_type["events"][0], type=["Visit"])]
    lines = ["[" * 100000, json.dumps(bad_type), json.dumps(good), '{"id": {"a": 1}}']
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = open_store(str(tmp_path / "s"))
    summary = ingest_many(store, read_annotated([str(f)]), extractor="curated")
    assert summary.stored == 1 and summary.failed == 3
    assert any("nested too deeply" in (o.error or "") for o in summary.outcomes)
    store.close()
    import requests
    server = start_server(tmp_path / "b", token=TOKEN, workers=1, threads=2)
    try:
        for body in (b"[" * 100000, json.dumps(bad_type).encode()):
            r = requests.post(server.url + "/articles", data=body, timeout=30, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 400, r.text[:300]
        r = requests.post(server.sparql, data={"query": "ASK " + "{" * 6000 + "}" * 6000}, timeout=30)
        assert r.status_code == 400, r.text[:300]
    finally:
        server.stop()
