"""The gazetteer's form matcher against the one alternation regex it replaced."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.extract.gazetteer import FormMatcher, load

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


@pytest.fixture(scope="module")
def g():
    return load()


def _regex(forms):
    alts = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?=[A-ZÀ-Ö])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")


def _texts():
    texts = ["The U.S.-led talks in São Paulo and Sao Paulo, then New York City; New Yorkers met in New York. "
             "Côte d'Ivoire's and Ivory Coast's envoys, the Republic of Korea and Korea, OPEC+ and G20 leaders, "
             "Washington, D.C., St. John's, Xi'an, Port-au-Prince. Germany-based Germans; Kuwait City; Kuwaiti",
             "", "Paris", "Paris.", "Parisian", "Mr. Abu Dhabi", "AbuDhabi", "Beijing's", "Hong Kong-based"]
    if DEV.is_dir():
        texts += [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(DEV.glob("*.json"))]
    return texts


def test_matcher_finds_what_one_alternation_regex_finds(g):
    rx = _regex(g.forms)
    for text in _texts():
        want = [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text)]
        got = [(m.start(), m.end(), m.group(0)) for m in g.pattern.finditer(text)]
        assert got == want, text[:80]


def test_matcher_match_objects():
    m = FormMatcher(["New York", "New York City", "York"])
    found = list(m.finditer("In New York City and York, not Yorkshire or New Yorkers."))
    assert [x.group(0) for x in found] == ["New York City", "York"]
    assert found[0].span() == (found[0].start(), found[0].end()) == (3, 16) and found[0][0] == "New York City"
