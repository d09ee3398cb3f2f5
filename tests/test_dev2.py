"""A second development set (tests/dev2): written blind by an annotator, then used for tuning.

The floor sits below the measured score (micro F1 0.80; Visit 0.91, Award 0.91, Agreement 0.67,
TradeTarget 0.89 on 2026-12-02; 0.71 when the floors were first set) so that a change that loses ground on text the first dev corpus does not cover fails.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

DEV2 = Path(__file__).resolve().parent / "dev2"


def test_dev2_files_follow_the_guidelines():
    arts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEV2.glob("*.json"))]
    assert len(arts) == 20 and len({a["id"] for a in arts}) == 20
    for a in arts:
        for e in a["events"]:
            assert e["evidence"] in a["text"], (a["id"], e["evidence"][:60])


@pytest.fixture(scope="module")
def result():
    from kg.evaluate import evaluate
    from kg.extract import default_extractor
    return evaluate(str(DEV2), default_extractor())


def test_dev2_micro_f1(result):
    assert result["f1"] >= 0.74, result["f1"]


@pytest.mark.parametrize("t,floor", [("Visit", 0.85), ("Award", 0.75), ("Agreement", 0.58), ("TradeTarget", 0.75)])
def test_dev2_type_f1(result, t, floor):
    assert result["types"][t]["f1"] >= floor, (t, result["types"][t]["f1"])
