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
    # floors a little below the scores measured on all 57 dev articles (micro 0.80; Visit 0.85,
    # Award 0.97, Agreement 0.71, TradeTarget 0.90): a change that loses ground here fails
    assert r["f1"] >= 0.77, r["f1"]
    assert all(r["types"][t]["f1"] >= 0.68 for t in r["types"]), {t: v["f1"] for t, v in r["types"].items()}


# --- general fixes (each rule in a line or two; none names a corpus article) -----------------------

def test_dateline_date_is_not_an_event_date(ex):
    from kg.extract.text import blank_dateline_date
    assert blank_dateline_date("LIMA, Oct 2 (Wire) - x") == "LIMA,       (Wire) - x"
    text = "LIMA, Oct 2 (Wire) - Chilean President Gabriel Boric arrived in Lima on Monday for a two-day visit."
    (v,) = [e for e in run(ex, text, "2023-10-03") if isinstance(e, Visit)]
    assert (v.start, v.end) == ("2023-10-02", "2023-10-03")


def test_visit_end_from_another_sentence_about_the_trip(ex):
    text = ("Chilean President Gabriel Boric arrived in Lima on Monday for talks with Peru's leaders.\n\n"
            "Boric left Peru on Wednesday.")
    (v,) = [e for e in run(ex, text, "2023-10-05") if isinstance(e, Visit)]
    assert (v.start, v.end) == ("2023-10-02", "2023-10-04")


def test_due_in_is_a_planned_visit(ex):
    text = "Chilean President Gabriel Boric is due in Lima on Friday for talks with Peru's president."
    (v,) = [e for e in run(ex, text, "2023-10-03") if isinstance(e, Visit)]
    assert (v.place_country, v.status, v.start) == ("PER", "planned", "2023-10-06")


def test_lower_case_stand_ins_and_water_bodies():
    from kg.extract.gazetteer import load
    from kg.extract.mentions import _find_places
    found = [(m.text, m.place.code) for m in _find_places(
        "Thailand said the kingdom would patrol the Gulf of Thailand with Japan and the island nation.", load())]
    assert ("the kingdom", "THA") in found and ("the island nation", "JPN") in found
    assert sum(code == "THA" for _, code in found) == 2  # "Thailand" and "the kingdom", not the gulf


def test_organisations_are_parties_and_venues_are_not(ex):
    text = "The European Union and Chile signed an advanced framework agreement in Brussels on Wednesday."
    (a,) = [e for e in run(ex, text, "2023-12-14") if isinstance(e, Agreement)]
    assert sorted(a.parties) == ["CHL", "EU"]
    text = "China's central bank and the Bank of Korea signed a currency swap agreement on Monday."
    (a,) = [e for e in run(ex, text, "2023-12-14") if isinstance(e, Agreement)]
    assert sorted(a.parties) == ["Bank of Korea", "People's Bank of China"]


def test_negotiations_hedges_and_similar_deals_are_not_agreements(ex):
    text = ("Talks on a free trade deal with Canada are continuing. An investment pact could be signed next year "
            "if talks go well. A similar agreement with Peru was signed last year.")
    assert not [e for e in run(ex, text, "2023-12-14") if isinstance(e, Agreement)]


def test_listed_mous_keep_names_with_and(ex):
    text = ("Chile and Peru signed three memorandums of understanding, on the Pacific Trade and Investment Fund, "
            "tourism and mining.")
    assert len([e for e in run(ex, text, "2023-12-14") if isinstance(e, Agreement)]) == 3


def test_two_targets_in_one_sentence_and_currency_signs(ex):
    text = ("The leaders agreed to raise bilateral trade between Chile and Peru to US$ 12 billion within five years "
            "and investment to US$ 5 billion over the same period.")
    ts = sorted((t.amount, t.year, tuple(sorted(t.parties))) for t in run(ex, text, "2023-06-25") if isinstance(t, TradeTarget))
    assert ts == [(5e9, 2028, ("CHL", "PER")), (12e9, 2028, ("CHL", "PER"))]


def test_target_amounts_and_years():
    pub = parse_iso("2024-03-08")
    (m,) = find_money("Rs 8.3 lakh crore")
    assert (m.amount, m.currency) == (8.3e12, "INR")
    assert target_year("to A$40 billion by the end of the decade", pub) == 2030


def test_yearly_estimate_is_not_a_target(ex):
    text = "Officials expect the deal between Chile and Peru to lift exports and save firms 140 million euros a year in duties."
    assert not [e for e in run(ex, text) if isinstance(e, TradeTarget)]


def test_award_text_is_the_award_not_the_verb(ex):
    text = "Chilean President Gabriel Boric presented Peruvian President Dina Boluarte with the Order of Merit on Monday."
    (a,) = [e for e in run(ex, text, "2023-10-03") if isinstance(e, Award)]
    assert a.award_text == "the Order of Merit" and a.recipient == "Dina Boluarte"


def test_comment_widgets_are_boilerplate():
    text = "The two leaders signed a treaty in Paris on Monday.\n\nComments (3)\nJo: Another deal that sells us out today.\n"
    assert "Another deal" not in content_mask(text)


def test_eval_goes_through_the_store(tmp_path):
    """kg eval ingests the gold text into a temporary store and reads the events back with SPARQL."""
    from kg.evaluate import evaluate_via_store
    gold = {"id": "boric-lima", "published": "2023-10-03", "title": "t", "kind": "brief", "text":
            "Chilean President Gabriel Boric arrived in Lima on Monday for a two-day visit. Boric and Peruvian "
            "President Dina Boluarte signed a joint declaration on border cooperation on Tuesday.",
            "events": [{"type": "Visit", "visitor": "Gabriel Boric", "visitor_country": "CHL", "host": "Dina Boluarte",
                        "host_country": "PER", "place": "Lima", "place_country": "PER", "start": "2023-10-02",
                        "end": "2023-10-03", "status": "ongoing", "evidence": "x"},
                       {"type": "Agreement", "parties": ["CHL", "PER"], "title": "Joint declaration on border cooperation",
                        "date": "2023-10-03", "status": "signed", "evidence": "x"},
                       {"type": "Award", "recipient": "Gabriel Boric", "recipient_country": "CHL", "award": None,
                        "conferrer_country": "PER", "date": None, "status": "conferred", "evidence": "x"}]}
    (tmp_path / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    r = evaluate_via_store(str(tmp_path))
    assert r["types"]["Visit"]["tp"] == 1 and r["types"]["Agreement"]["tp"] == 1
    assert r["types"]["Award"]["gold"] == 1 and r["types"]["Award"]["tp"] == 0 and len(r["misses"]) == 1
    assert r["types"]["Visit"]["slots"]["start"] == [1, 1] and not r["failed"]


# --- kg eval --verbose: why each miss and extra happened (kg.eval_causes) ------------------------------

S1 = "Chilean President Gabriel Boric arrived in Lima on Monday for a two-day visit."
S2 = "Boric and Peruvian President Dina Boluarte signed a joint declaration on border cooperation on Tuesday."
S4 = "Argentina, Chile and Peru signed a fisheries memorandum."
S5 = "Trade between Chile and Peru grew 10% last year."
RELATED = "Related: Boluarte to visit Madrid"


def _visit(visitor, vc, place, pc, evidence, **kw):
    return {"type": "Visit", "visitor": visitor, "visitor_country": vc, "place": place, "place_country": pc,
            "status": "occurred", "evidence": evidence, **kw}


def _agreement(parties, title, evidence, **kw):
    return {"type": "Agreement", "parties": parties, "title": title, "status": "signed", "evidence": evidence, **kw}


TINY_GOLD = [
    {"id": "a1", "text": "\n".join([S1, S2, RELATED, S4, S5]),
     "not_events": ["'Trade between Chile and Peru grew': a statistic, not a target"],
     "events": [
         _visit("Gabriel Boric", "CHL", "Lima", "PER", S1, host_country="PER", start="2023-10-02", end="2023-10-03",
                status="ongoing"),                                                            # matched, 2 slot errors
         _agreement(["CHL", "PER"], "Joint declaration on border cooperation", S2, date="2023-10-03"),  # matched
         _visit("Dina Boluarte", "PER", "Quito", "ECU", "Boluarte flew to Quito."),          # place
         _visit("Luiz Inacio Lula da Silva", "BRA", "Lima", "PER", "Lula arrived in Lima."), # visitor
         _agreement(["ARG", "CHL"], "fisheries memorandum", S4),                             # parties
         {"type": "TradeTarget", "parties": ["CHL", "PER"], "amount": 10e9, "currency": "USD", "year": 2030,
          "status": "agreed", "evidence": "They aim for $10bn of trade by 2030."},           # target
         {"type": "Award", "recipient": "Dina Boluarte", "recipient_country": "PER", "conferrer_country": "ESP",
          "award": "Order of Isabella the Catholic", "status": "conferred",
          "evidence": "Spain gave Boluarte the Order of Isabella the Catholic."},           # trigger missed
     ]},
    {"id": "a2", "text": "India and Japan signed a pact and a memorandum.",
     "events": [_agreement(["IND", "JPN"], "pact", "India and Japan signed a pact and a memorandum."),
                _agreement(["IND", "JPN"], "memorandum", "India and Japan signed a pact and a memorandum.")]},
]
TINY_PRED = {
    "a1": [
        _visit("Gabriel Boric", "CHL", "Lima", "PER", S1, host_country="PER", start="2023-10-02"),
        _agreement(["CHL", "PER"], "joint declaration", S2, date="2023-10-02"),
        _visit("Gabriel Boric", None, "Lima", "PER", S2),                                    # duplicate
        _visit("Dina Boluarte", "PER", "Madrid", "ESP", RELATED),                            # boilerplate (a headline)
        _visit("Alberto Fernandez", "ARG", "Lima", "PER", "Argentine President Alberto Fernandez came to Lima."),
        _agreement(["ARG", "CHL", "PER"], "fisheries memorandum", S4),                       # parties
        {"type": "Award", "recipient": "Gabriel Boric", "conferrer_country": "PER", "status": "conferred",
         "evidence": "Boric thanked Peru."},                                                 # spurious
        {"type": "TradeTarget", "parties": ["CHL", "PER"], "status": "agreed", "evidence": S5},  # boilerplate (not_events)
    ],
    "a2": [_agreement(["IND", "JPN"], "pact", "India and Japan signed a pact and a memorandum.")],
}


def test_eval_causes_on_a_tiny_gold_and_prediction():
    from kg.eval_causes import explain
    r = explain(TINY_GOLD, TINY_PRED)
    causes = lambda kind: sorted((i["type"], i["cause"]) for i in r[kind])  # noqa: E731
    assert causes("misses") == [("Agreement", "merged"), ("Agreement", "parties"), ("Award", "trigger missed"),
                                ("TradeTarget", "target"), ("Visit", "place"), ("Visit", "visitor")]
    assert causes("extras") == [("Agreement", "parties"), ("Award", "spurious"), ("TradeTarget", "boilerplate"),
                                ("Visit", "boilerplate"), ("Visit", "duplicate"), ("Visit", "visitor")]
    assert sorted((i["type"], i["cause"], i["slot"]) for i in r["slot_errors"]) == [
        ("Agreement", "dates", "date"), ("Visit", "dates", "end"), ("Visit", "status", "status")]
    place = next(i for i in r["misses"] if i["cause"] == "place")
    assert place["event"]["place"] == "Quito" and place["nearest"]["place"] == "Madrid"
    extra_visitor = next(i for i in r["extras"] if i["cause"] == "visitor")
    assert extra_visitor["nearest"]["visitor"] == "Luiz Inacio Lula da Silva"
    assert r["counts"]["misses"]["visitor"] == {"Visit": 1}
    assert r["counts"]["extras"]["boilerplate"] == {"Visit": 1, "TradeTarget": 1}
    assert r["counts"]["slot_errors"]["dates"] == {"Visit": 1, "Agreement": 1}


def test_eval_causes_agree_with_the_score():
    """Every miss and extra the score counts gets exactly one cause."""
    from kg.eval_causes import explain
    from kg.evaluate import score
    s, r = score(TINY_GOLD, TINY_PRED), explain(TINY_GOLD, TINY_PRED)
    assert len(r["misses"]) == len(s["misses"]) == sum(c["gold"] - c["tp"] for c in s["types"].values())
    assert len(r["extras"]) == len(s["extras"]) == sum(c["pred"] - c["tp"] for c in s["types"].values())


def test_eval_verbose_report_groups_by_cause():
    from kg.evaluate import format_report, score_with_thresholds
    text = format_report(score_with_thresholds(TINY_GOLD, TINY_PRED), verbose=True)
    lines = text.splitlines()
    header = lines.index("gold events not matched (misses):") + 1
    assert lines[header].split() == ["cause", "Visit", "Award", "Agreement", "TradeTarget", "total"]
    assert "  visitor                    1           0           0           0       1" in lines
    assert "MISSES: trigger missed (1)" in lines and "EXTRAS: boilerplate (2)" in lines
    assert any(x.startswith("  Visit a1: end gold '2023-10-03', predicted None") for x in lines)
    assert lines[-1].startswith("micro P ")


def test_eval_scores_at_confidence_thresholds():
    """An event without a confidence counts as 1.0; the headline score keeps what kg ingest would store."""
    from kg.evaluate import format_report, score_with_thresholds
    gold = [TINY_GOLD[1]]
    pred = {"a2": [dict(TINY_PRED["a2"][0], confidence=0.4),
                   _agreement(["IND", "JPN"], "memorandum", "x", confidence=0.8),
                   _agreement(["IND", "USA"], "other", "y")]}
    r = score_with_thresholds(gold, pred)
    rows = {row["threshold"]: (row["tp"], row["pred"]) for row in r["thresholds"]}
    assert rows == {0.0: (2, 3), 0.3: (2, 3), 0.5: (1, 2), 0.7: (1, 2), 0.9: (0, 1)}
    from kg.records import DEFAULT_MIN_CONFIDENCE
    # the headline row is the default threshold: at 0.5 the 0.4 event is not stored
    assert (r["min_confidence"], r["types"]["Agreement"]["tp"]) == (DEFAULT_MIN_CONFIDENCE, rows[0.5][0])
    text = format_report(r)
    assert text.splitlines()[0].split()[:2] == ["confidence", ">="]
    assert "0.50                2    1   0.50   0.50   0.50" in text


def test_eval_reads_confidence_back_from_the_store(tmp_path):
    """kg eval scores what the store holds, so dip:confidence must come back as the event's confidence."""
    from kg.evaluate import read_events
    from kg.ingest import ingest_many
    from kg.records import article_from_json
    from kg.store import open_store
    art = article_from_json({"id": "a2", "text": TINY_GOLD[1]["text"], "published": "2024-01-01",
                             "events": [dict(TINY_PRED["a2"][0], confidence=0.4)]})
    store = open_store(str(tmp_path / "s"))
    try:
        assert ingest_many(store, [art], extractor="spacy-rules/test").stored == 1
        (e,) = read_events(store)["a2"]
    finally:
        store.close()
    assert (e["confidence"], e["parties"], e["evidence"]) == (0.4, ["IND", "JPN"], TINY_GOLD[1]["text"])


def test_short_list_items_are_kept_only_after_a_prose_line_that_opens_them():
    text = ("The ministers signed the following documents on Monday in Nairobi:\n1. MoU on health\n2. Road map\n"
            "Read more\n- Trade deal news\n")
    masked = content_mask(text)
    assert "MoU on health" in masked and "Road map" in masked
    assert "Trade deal news" not in masked  # a short bullet with no header line is a link
