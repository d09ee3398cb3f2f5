"""bench/plover.py without the PLOVER data: categories, gold countries and figures on records made up here."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench import plover  # noqa: E402
from kg.records import Agreement, Visit  # noqa: E402


def rec(event, text="The envoy of Atlantis spoke on Monday.", **kw):
    return {"id": f"T-{event}-{len(kw)}", "date": "2001-02-03", "event": event, "text": text, **kw}


def test_categories_come_from_the_coding():
    assert plover.category(rec("CONSULT", mode="visit")) == ("trip", "CONSULT/visit")
    assert plover.category(rec("CONSULT", mode="host")) == ("trip", "CONSULT/host")
    assert plover.category(rec("CONSULT", mode="phone")) == ("other", "CONSULT/phone")
    assert plover.category(rec("CONSULT")) == ("other", "CONSULT")
    assert plover.category(rec("AGREE", eventText="will visit")) == ("trip", "AGREE/announced visit")
    assert plover.category(rec("AGREE", eventText="agreed to talk")) == ("agree", "AGREE")
    assert plover.category(rec("SUPPORT", eventText="signed accord")) == ("agree", "SUPPORT/signed")
    assert plover.category(rec("SUPPORT", eventText="praised")) == ("other", "SUPPORT")
    assert plover.category(rec("REJECT")) == ("conflict", "REJECT")
    assert plover.category(rec("ASSAULT", mode="beat")) == ("conflict", "ASSAULT")
    assert plover.category({"id": "doc", "event": "DOCUMENT"}) is None


def test_gold_country_from_event_location_then_the_host_side():
    iso2 = plover.iso2_to_iso3()
    visit = rec("CONSULT", mode="visit", source=[{"code": "FRA"}], target=[{"code": "JPN"}])
    assert plover.gold_countries(visit, "CONSULT/visit", iso2) == ({"JPN"}, "host actor")
    visit["eventLoc"] = {"name": "Geneva", "country code": "CH"}
    assert plover.gold_countries(visit, "CONSULT/visit", iso2) == ({"CHE"}, "eventLoc")
    host = rec("CONSULT", mode="host", source=[{"code": "BRA"}], target=[{"code": "IGO"}])
    assert plover.gold_countries(host, "CONSULT/host", iso2) == ({"BRA"}, "host actor")
    both = rec("CONSULT", mode="visit", source=[{"code": "FRA"}, {"code": "DEU"}], target="")
    assert plover.gold_countries(both, "CONSULT/visit", iso2) == ({"FRA", "DEU"}, "participants")
    assert plover.gold_countries(rec("CONSULT", mode="visit", target=[{"code": "IGO"}]), "CONSULT/visit",
                                 iso2) == (set(), None)


def test_records_read_from_a_json_array_and_from_json_lines(tmp_path):
    one, two = rec("AGREE"), rec("REJECT")
    (tmp_path / "a.txt").write_text(json.dumps([{"id": "header", "event": "DOCUMENT"}, one]), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(two) + "\n", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("not records", encoding="utf-8")
    records, files = plover.load_records(tmp_path)
    assert [r["event"] for r in records] == ["DOCUMENT", "AGREE", "REJECT"]
    assert [f.name for f in files] == ["a.txt", "b.jsonl"]


def test_text_is_cleaned_and_dated():
    r = rec("AGREE", text="{The ministers spoke of ``peace'' and \\$5 in aid.}")
    art = plover.to_article(r, 0)
    assert art.text == 'The ministers spoke of "peace" and $5 in aid.'
    assert art.published == "2001-02-03"
    assert plover.to_article({"event": "AGREE", "text": "x"}, 7).published == plover.FIXED_DATE


def test_figures():
    trip = rec("CONSULT", mode="visit", target=[{"code": "JPN"}])
    missed = rec("CONSULT", mode="host", source=[{"code": "BRA"}])
    agree = rec("AGREE", text="Atlantis and Lemuria agreed a treaty.")
    conflict = rec("REJECT")
    other = rec("AID")
    pairs = [(trip, [Visit(place_country="JPN")]), (missed, []), (agree, []),
             (conflict, [Agreement(status="signed", parties=["ATL", "LEM"])]), (other, [Visit(place_country="FRA")])]
    s = plover.score(pairs)
    assert s["n"] == {"trip": 2, "agree": 1, "conflict": 1, "other": 1}
    assert s["hit"]["trip"] == 1 and s["hit"]["agree"] == 0
    assert (s["country"]["checked"], s["country"]["match"]) == (1, 1)
    assert (s["accord"]["n"], s["accord"]["hit"]) == (1, 0)
    assert s["types"]["conflict"]["Agreement"] == 1 and s["signed"] == 1
    assert s["types"]["other"]["Visit"] == 1
    assert any("Visit 1, Award 0, Agreement 1" in line for line in plover.type_table(s))


def test_missing_path_and_a_dump_inside_the_repo_are_refused(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["plover.py", str(tmp_path / "nowhere")])
    assert plover.main() == 2
    assert "fetch openeventdata/PLOVER" in capsys.readouterr().err
    (tmp_path / "r.json").write_text(json.dumps([rec("AGREE")]), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["plover.py", str(tmp_path), "--dump", str(ROOT / "dump.jsonl")])
    assert plover.main() == 2
    assert "inside the repository" in capsys.readouterr().err
    assert not (ROOT / "dump.jsonl").exists()


def test_a_third_party_meeting_has_a_gold_country_only_from_its_location():
    iso2 = plover.iso2_to_iso3()
    r = rec("CONSULT", mode="third-party", source=[{"code": "FRA"}, {"code": "DEU"}], target=[{"code": "JPN"}])
    assert plover.gold_countries(r, "CONSULT/third-party", iso2) == (set(), None)
    r["eventLoc"] = {"name": "Vienna", "country code": "AT"}
    assert plover.gold_countries(r, "CONSULT/third-party", iso2) == ({"AUT"}, "eventLoc")
