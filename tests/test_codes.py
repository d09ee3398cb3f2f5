"""CAMEO and PLOVER codes on every event (kg/codes.py): the rules, the table, and what reaches the store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg
from kg.codes import cameo_table, event_codes, intent_code
from kg.records import Agreement, Article, Award, TradeTarget, Visit

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def codes(event):
    c = event_codes(event)
    return (c.cameo.code, c.host_cameo.code if c.host_cameo else None, c.cameo.plover_category,
            c.cameo.plover_mode, c.cameo.plover_context)


@pytest.mark.parametrize("event,expected", [
    (Visit(status="occurred"), ("042", "043", "CONSULT", "visit", None)),
    (Visit(status="ongoing"), ("042", "043", "CONSULT", "visit", None)),
    (Visit(status="planned"), ("036", None, "AGREE", None, "diplomatic")),
    (Visit(status="cancelled"), ("125", None, "REJECT", "meet", "diplomatic")),
    (Award(status="conferred"), ("051", None, "SUPPORT", None, "diplomatic")),
    (Award(status="announced"), ("051", None, "SUPPORT", None, "diplomatic")),
    (Award(status="planned"), ("032", None, "AGREE", None, "diplomatic")),
    (Agreement(status="signed", topics=["trade"]), ("057", None, "SUPPORT", None, "diplomatic")),
    (Agreement(status="agreed", topics=["trade", "investment"]), ("0311", None, "AGREE", None, "economic")),
    (Agreement(status="planned", topics=["defence"]), ("0312", None, "AGREE", None, "military")),
    (Agreement(status="reported", topics=["extradition"]), ("0313", None, "AGREE", None, "legal")),
    (Agreement(status="agreed", topics=["intelligence sharing"]), ("0314", None, "AGREE", None, "intelligence")),
    (Agreement(status="agreed", topics=["trade", "culture"]), ("030", None, "AGREE", None, "diplomatic")),
    (Agreement(status="agreed"), ("030", None, "AGREE", None, "diplomatic")),
    (Agreement(status="denied", topics=["oil"]), ("120", None, "REJECT", None, None)),
    (TradeTarget(status="agreed"), ("0311", None, "AGREE", None, "economic")),
    (TradeTarget(status="proposed"), ("0311", None, "AGREE", None, "economic")),
    (TradeTarget(status="reaffirmed"), ("0311", None, "AGREE", None, "economic")),
])
def test_each_type_and_status_gets_its_cameo_and_plover_codes(event, expected):
    assert codes(event) == expected


def test_topics_refine_intent_only_when_all_are_of_one_kind():
    assert intent_code(["energy security", "oil"]) == "0311"      # "security" alone is no kind
    assert intent_code(["defence", "trade"]) == "030"              # two kinds: not one of them
    assert intent_code(["military-technical cooperation"]) == "0312"
    assert intent_code(["security"]) == "030"
    assert intent_code([]) == "030"


def test_the_table_is_the_plover_mapping_for_the_codes_it_lists():
    table = cameo_table()
    assert set(table) == {"030", "0311", "0312", "0313", "0314", "032", "036", "042", "043", "051", "057",
                          "120", "125"}
    assert table["042"].name == "Make a visit" and table["043"].name == "Host a visit"
    assert (table["057"].plover_category, table["057"].plover_mode) == ("SUPPORT", None)
    header = (ROOT / "kg" / "data" / "cameo_plover.tsv").read_text(encoding="utf-8")
    assert "openeventdata/PLOVER" in header and "CC BY-SA 4.0" in header


def test_every_gold_event_of_the_dev_corpus_gets_a_code():
    """Every type/status pair the annotators used is covered (an uncovered one would raise)."""
    if not DEV.is_dir():
        pytest.skip("no shared dev corpus")
    seen = set()
    for path in sorted(DEV.glob("*.json")):
        article = kg.read_annotated([str(path)])
        for a, _where in article:
            for e in a.events:
                seen.add((e.type, e.status, event_codes(e).cameo.code))
    assert ("Visit", "occurred", "042") in seen and ("Agreement", "signed", "057") in seen


def test_codes_reach_the_store_and_leave_event_iris_alone(tmp_path):
    from kg.rdf import event_iri
    article = Article(id="codes-1", published="2024-07-09", events=[
        Visit(evidence="Modi arrived in Moscow.", status="occurred", visitor="Narendra Modi",
              visitor_country="IND", place="Moscow", place_country="RUS"),
        Visit(evidence="Modi will visit Kyiv.", status="planned", visitor="Narendra Modi", visitor_country="IND",
              place="Kyiv", place_country="UKR"),
        Agreement(evidence="India and Russia signed a treaty.", status="signed", parties=["IND", "RUS"]),
    ])
    before = [event_iri(article.id, e) for e in article.events]
    with kg.open_store(str(tmp_path / "s")) as store:
        assert kg.ingest_article(store, article, extractor="curated").ok
        res = kg.run_query(store, """SELECT ?e ?code ?host ?cat ?mode WHERE {
            ?e dip:cameoCode ?code ; dip:ploverCategory ?cat .
            OPTIONAL { ?e dip:hostCameoCode ?host } OPTIONAL { ?e dip:ploverMode ?mode } FILTER NOT EXISTS { ?e a dip:CanonicalEvent } }""")
        rows = {b["e"]["value"]: (b["code"]["value"], b.get("host", {}).get("value"), b["cat"]["value"],
                                  b.get("mode", {}).get("value"))
                for b in json.loads(res.body)["results"]["bindings"]}
    assert rows == {
        str(before[0]): ("042", "043", "CONSULT", "visit"),
        str(before[1]): ("036", None, "AGREE", None),
        str(before[2]): ("057", None, "SUPPORT", None),
    }
