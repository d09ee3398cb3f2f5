"""The README's example queries are the ones the page's editor offers, and they all run."""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = json.loads((ROOT / "kg" / "web" / "static" / "examples.json").read_text(encoding="utf-8"))
QUERIES = EXAMPLES["queries"] if isinstance(EXAMPLES, dict) else EXAMPLES


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.get("name") or q.get("title"))
def test_example_query_is_in_readme_and_returns_rows(q, tmp_path):
    assert q["query"].rstrip() in (ROOT / "README.md").read_text(encoding="utf-8")
    from kg.ingest import ingest_many
    from kg.readers import read_annotated
    from kg.store import open_store
    store = open_store(str(tmp_path / "s"))
    ingest_many(store, read_annotated(sorted(map(str, (ROOT / "samples" / "annotated").glob("*.json")))))
    res = store.query(q["query"], result_format="json")
    data = json.loads(res.body)
    assert data["results"]["bindings"], f"{q.get('name')}: no rows on the sample articles"
