"""Behaviour of the extraction stage (kg.extract): people, money, dates, targets, the seed article."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract import default_extractor
from kg.extract.dates import find_dates, parse_iso, target_year
from kg.extract.money import find_money
from kg.extract.text import content_mask, normalise_quotes
from kg.records import Agreement, Article, Award, TradeTarget, Visit

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "corpus" / "dev"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"dev corpus not found at {DEV}")


@pytest.fixture(scope="module")
def ex():
    return default_extractor()


def run(ex, text, published="2024-07-09"):
    return ex.extract(Article(id="t", text=text, published=published))


def test_person_from_title_then_surname(ex):
    text = ("Indian Prime Minister Narendra Modi arrived in Tokyo on Monday for talks with Japan's leaders.\n\n"
            "Modi's visit is his first this year.")
    visits = [e for e in run(ex, text) if isinstance(e, Visit)]
    assert len(visits) == 1
    v = visits[0]
    assert (v.visitor, v.visitor_country, v.place, v.place_country) == ("Narendra Modi", "IND", "Tokyo", "JPN")
    assert v.start == "2024-07-08"


@pytest.mark.parametrize("text,amount,currency", [
    ("$20bn", 20e9, "USD"), ("Rs 5,000 crore", 50e9, "INR"), ("50 billion euros", 50e9, "EUR"),
    ("100 billion dollars", 100e9, "USD"), ("EUR 15 billion", 15e9, "EUR"), ("5 trillion yen", 5e12, "JPY"),
])
def test_money_amounts(text, amount, currency):
    (m,) = find_money(text)
    assert (m.amount, m.currency) == (amount, currency)


def test_relative_dates_against_publication():
    pub = parse_iso("2024-07-09")  # a Tuesday
    assert find_dates("On Monday, the eve of the talks", pub)[0][2] == "2024-07-08"
    assert find_dates("On Tuesday, Putin spoke", pub)[0][2] == "2024-07-09"
    assert find_dates("He will arrive on Friday", pub)[0][2] == "2024-07-12"
    assert find_dates("yesterday", pub)[0][2] == "2024-07-08"
    assert find_dates("last month", pub)[0][2] == "2024-06"
    assert target_year("within five years", pub) == 2029
    assert target_year("by 2030", pub) == 2030


def test_target_within_five_years(ex):
    text = ("India and Brazil agreed on Monday to raise bilateral trade to $20bn within five years, "
            "officials said after the talks in New Delhi.")
    (t,) = [e for e in run(ex, text, "2023-03-01") if isinstance(e, TradeTarget)]
    assert (t.amount, t.currency, t.year, sorted(t.parties)) == (20e9, "USD", 2028, ["BRA", "IND"])


def test_statistic_is_not_a_target(ex):
    text = "Trade between India and Brazil was worth about $15 billion in 2022, up 12 percent on the year before."
    assert not [e for e in run(ex, text) if isinstance(e, TradeTarget)]


def test_quotes_normalised_same_length():
    s = "Narendra Modi‘s visit to “Moscow”"
    assert len(normalise_quotes(s)) == len(s) and "‘" not in normalise_quotes(s)


def test_boilerplate_blanked_keeping_offsets():
    text = "Share: Facebook | Twitter\n\nThe two leaders signed a treaty in Paris on Monday.\n\nRELATED\n- Other story here today\n"
    masked = content_mask(text)
    assert len(masked) == len(text)
    assert "Facebook" not in masked and "Other story" not in masked and "signed a treaty" in masked


def test_evidence_offsets_point_into_original(ex):
    text = "Putin awarded Modi the highest Russian state order on Tuesday.\n\nModi‘s visit to Moscow ended."
    for e in run(ex, text):
        assert text[e.evidence_start:e.evidence_end] == e.evidence


@needs_dev
def test_seed_article_has_its_five_events_and_no_others(ex):
    gold = json.loads((DEV / "00-seed-putin-modi-2024.json").read_text(encoding="utf-8"))
    art = Article(id=gold["id"], text=gold["text"], published=gold["published"])
    events = ex.extract(art)
    kinds = sorted(e.type for e in events)
    assert kinds == ["Agreement", "Agreement", "Award", "TradeTarget", "Visit"]
    (v,) = [e for e in events if isinstance(e, Visit)]
    assert (v.visitor, v.visitor_country, v.place_country, v.status) == ("Narendra Modi", "IND", "RUS", "occurred")
    (a,) = [e for e in events if isinstance(e, Award)]
    assert (a.recipient, a.conferrer_country, a.award) == ("Narendra Modi", "RUS", "Order of St Andrew the Apostle")
    (t,) = [e for e in events if isinstance(e, TradeTarget)]
    assert (t.amount, t.currency, t.year) == (100e9, "USD", 2030)
    assert all(sorted(x.parties) == ["IND", "RUS"] for x in events if isinstance(x, Agreement))


@needs_dev
def test_dev_corpus_scores(ex):
    from kg.evaluate import evaluate
    r = evaluate(str(DEV), ex)
    assert r["f1"] >= 0.80
    assert all(r["types"][t]["f1"] >= 0.70 for t in r["types"])
