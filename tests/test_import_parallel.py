"""``kg import``'s path (kg.batch.import_curated: validation in worker processes, 500 articles per
transaction, resolution read by quad patterns) stores exactly what one process writing 50 articles per
transaction stores, reports the same outcomes in the same order, and keeps the canonical events equal to a
resolution from scratch.

The input re-issues the samples and tests/resolve under new ids, so the resolution keys have many reports
(the case whose cost the new path was made for), and holds one invalid article and one unreadable record.
"""
from __future__ import annotations

import json
from pathlib import Path

from kg.batch import PARALLEL_FROM, import_curated
from kg.ingest import ingest_many
from kg.records import RecordError, article_from_json
from kg.store import open_store
from kg.store.resolution import check_resolution

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "samples" / "annotated").glob("*.json")) + sorted((ROOT / "tests" / "resolve").glob("*.json"))


def _items(n: int) -> list:
    base = [json.loads(p.read_text(encoding="utf-8")) for p in FILES]
    items = []
    for i in range(n):
        obj = json.loads(json.dumps(base[i % len(base)]))
        obj["id"] = f"par-{i:04d}"
        for e in obj.get("events", []):
            e.pop("gold", None)
        items.append(article_from_json(obj))
    bad = json.loads(json.dumps(base[0]))
    bad["id"] = "par-invalid"
    items.insert(7, article_from_json(bad))
    items[7].events[0].evidence = ""       # SHACL: evidence must not be empty
    items.insert(11, RecordError("not an article", where="par-unreadable.json"))
    return items


def _quads(store) -> list[str]:
    return sorted(str(q) for q in store.quads())


def test_parallel_import_stores_what_one_process_stores(tmp_path):
    items = _items(PARALLEL_FROM + 40)
    one = open_store(str(tmp_path / "one"))
    par = open_store(str(tmp_path / "par"))
    try:
        seen: list = []
        a = ingest_many(one, items, extractor="curated", chunk=50)
        b = import_curated(par, items, processes=2, on_outcome=seen.append)
        assert [(o.article_id, o.ok, o.error) for o in a.outcomes] == [(o.article_id, o.ok, o.error) for o in b.outcomes]
        assert [o.article_id for o in seen] == [o.article_id for o in b.outcomes]
        assert b.failed == 2 and b.stored == len(items) - 2
        assert "evidence" in next(o.error for o in b.outcomes if o.article_id == "par-invalid")
        assert _quads(one) == _quads(par)
        ok, message = check_resolution(par)
        assert ok, message
    finally:
        one.close()
        par.close()
