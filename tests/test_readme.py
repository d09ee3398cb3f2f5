"""The SPARQL guide's example queries are the ones the page's editor offers, and they all run.

The README is short and links to docs/sparql.md, where the examples live; the editor's list is
kg/web/static/examples.json.
"""
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "sparql.md"
EXAMPLES = json.loads((ROOT / "kg" / "web" / "static" / "examples.json").read_text(encoding="utf-8"))
QUERIES = EXAMPLES["queries"] if isinstance(EXAMPLES, dict) else EXAMPLES


def test_the_readme_links_to_the_example_queries():
    assert "docs/sparql.md#example-queries" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.get("id") or q.get("name") or q.get("title"))
def test_example_query_is_in_the_sparql_guide_and_returns_rows(q, tmp_path):
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"```sparql\n{q['query'].strip()}\n```" in guide, f"{q.get('id')}: not in {GUIDE.relative_to(ROOT)}"
    assert f"**{q['title']}**" in guide, f"{q.get('id')}: its title is not in {GUIDE.relative_to(ROOT)}"
    from kg.ingest import ingest_many
    from kg.readers import read_annotated
    from kg.store import open_store
    store = open_store(str(tmp_path / "s"))
    ingest_many(store, read_annotated(sorted(map(str, (ROOT / "samples" / "annotated").glob("*.json")))))
    res = store.query(q["query"], result_format="json")
    data = json.loads(res.body)
    assert data["results"]["bindings"], f"{q.get('id')}: no rows on the sample articles"
