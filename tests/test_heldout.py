"""Generalisation check: the extractor on tests/heldout (24 articles written blind, see tests/heldout/INDEX.md).

The set was written by an annotator who did not see the extractor, about events, countries, years and
styles that differ from the dev corpus. SHA256SUMS pins every article, so the gold cannot be edited
silently. No extraction rule may name a string of these articles.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

HELDOUT = Path(__file__).resolve().parent / "heldout"
# floors set from the first measurement, below it by a margin
# Floors set from the first measurements, below them by a margin: the extractor of 34096ed scored micro
# 0.61 (written blind, before any look), extraction v2 0.64 (Visit 0.78, Award 0.77, Agreement 0.41,
# TradeTarget 0.71). Nobody tuned on these articles: read only the aggregate figures.
FLOORS = {"Visit": 0.70, "Award": 0.60, "Agreement": 0.33, "TradeTarget": 0.55}
MICRO_FLOOR = 0.58
TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
STATUSES = {
    "Visit": {"occurred", "ongoing", "planned", "cancelled"},
    "Award": {"conferred", "announced", "planned"},
    "Agreement": {"signed", "agreed", "reported", "planned", "denied"},
    "TradeTarget": {"agreed", "proposed", "reaffirmed"},
}
KINDS = {"wire", "readout", "analysis", "scraped-page", "brief"}
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def articles():
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(HELDOUT.glob("*.json"))]


def test_heldout_files_match_sha256sums():
    listed = {}
    for line in (HELDOUT / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(None, 1)
            listed[name.lstrip("*")] = digest
    present = {p.name for p in HELDOUT.glob("*.json")}
    assert present == set(listed), (sorted(present ^ set(listed)))
    for name, digest in listed.items():
        assert hashlib.sha256((HELDOUT / name).read_bytes()).hexdigest() == digest, name


def test_heldout_files_follow_the_guidelines():
    arts = articles()
    assert 22 <= len(arts) <= 26
    assert len({a["id"] for a in arts}) == len(arts)
    counts = {t: 0 for t in TYPES}
    for a in arts:
        assert {"id", "published", "title", "kind", "facts_from", "text", "events", "not_events"} <= set(a)
        assert a["kind"] in KINDS, a["id"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["published"])
        assert 150 <= len(a["text"].split()) <= 400, a["id"]
        for e in a["events"]:
            assert e["type"] in TYPES and e["status"] in STATUSES[e["type"]], (a["id"], e["type"], e["status"])
            counts[e["type"]] += 1
            assert e["evidence"] in a["text"], (a["id"], e["evidence"][:60])
            for k in ("visitor_country", "host_country", "place_country", "recipient_country", "conferrer_country"):
                assert e.get(k) is None or re.fullmatch(r"[A-Z]{3}", e[k]), (a["id"], k)
            for k in ("start", "end", "date"):
                assert e.get(k) is None or DATE.fullmatch(e[k]), (a["id"], k, e[k])
            if e["type"] in ("Agreement", "TradeTarget"):
                assert isinstance(e["parties"], list) and len(e["parties"]) >= 2, a["id"]
            if e["type"] == "TradeTarget":
                assert isinstance(e["amount"], int) and e["amount"] > 0, a["id"]
                assert re.fullmatch(r"[A-Z]{3}", e["currency"]), a["id"]
    assert 60 <= sum(counts.values()) <= 100, counts
    assert all(counts[t] >= 5 for t in TYPES), counts


@pytest.fixture(scope="module")
def result():
    from kg.evaluate import evaluate
    from kg.extract import default_extractor
    return evaluate(str(HELDOUT), default_extractor())


def test_heldout_micro_f1(result):
    assert result["f1"] >= MICRO_FLOOR, result["f1"]


@pytest.mark.parametrize("t", TYPES)
def test_heldout_type_f1(result, t):
    assert result["types"][t]["gold"] > 0
    assert result["types"][t]["f1"] >= FLOORS[t], (t, result["types"][t])
