"""Synthetic curated articles for benchmarks: the project's samples (and the shared dev corpus when present)
re-issued under new ids, so every benchmark runs on realistic event shapes without any network."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from kg.records import Article, article_from_json

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def templates() -> list[dict]:
    files = sorted((ROOT / "samples" / "annotated").glob("*.json"))
    if DEV.is_dir():
        files += sorted(DEV.glob("*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def article_dicts(n: int, prefix: str = "bench", events: bool = True) -> list[dict]:
    """n curated articles as JSON objects (for JSONL files and POST bodies), with distinct ids and
    distinct event IRIs (the evidence carries the number). ``events=False``: raw articles to extract."""
    base = templates()
    out = []
    for i in range(n):
        obj = copy.deepcopy(base[i % len(base)])
        obj["id"] = f"{prefix}-{i:06d}"
        for e in obj["events"]:
            e["evidence"] = f"{e['evidence']} [{i}]"
        if not events:
            obj.pop("events")
            obj.pop("not_events", None)
            obj["text"] = obj.get("text", "") + f"\n\n[{i}]"
        out.append(obj)
    return out


def articles(n: int, prefix: str = "bench") -> list[Article]:
    """n curated articles with distinct ids, as records."""
    return [article_from_json(obj) for obj in article_dicts(n, prefix)]
