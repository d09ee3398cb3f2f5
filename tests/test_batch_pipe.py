"""kg.batch parses a worker's articles with one nlp.pipe call (extract_and_prepare_many): the events, the
validated graphs and the outcomes are those of parsing each article alone (extract_and_prepare)."""
from __future__ import annotations

import json
from pathlib import Path

from kg.batch import extract_and_prepare, extract_and_prepare_many
from kg.extract import default_extractor
from kg.records import article_from_json

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "samples" / "annotated").glob("*.json")) + sorted((ROOT / "tests" / "resolve").glob("*.json"))


def _raw() -> list:
    out = []
    for p in FILES:
        obj = json.loads(p.read_text(encoding="utf-8"))
        obj.pop("events", None)
        obj.pop("not_events", None)
        out.append(obj)
    return out


def _seen(result) -> tuple:
    graphs, outcome = result
    triples = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in graphs.validation_graph()) if graphs else None
    return (outcome.article_id, outcome.ok, outcome.error, outcome.events, outcome.below_confidence,
            [d.text() for d in outcome.dropped], triples)


def test_one_pipe_call_gives_what_one_parse_per_article_gives():
    ex = default_extractor()
    alone = [_seen(extract_and_prepare(article_from_json(o), ex)) for o in _raw()]
    together = [_seen(r) for r in extract_and_prepare_many([article_from_json(o) for o in _raw()], ex)]
    assert together == alone
    assert sum(r[4] for r in alone) + sum(r[3] for r in alone) > 10, "the articles yield events"
