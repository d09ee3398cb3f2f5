"""Articles are stored with their full text (schema:text, issue 14 item 4), and the events' offsets index it.

Real components throughout: `kg ingest` / `kg import` as subprocesses on an on-disk store, `kg serve` for
HTTP. The inputs (tests/article_texts.py) carry what could make the stored text differ from the text the
offsets were computed on: a byte order mark, CRLF line ends, tabs, odd spaces, characters beyond the BMP,
and an HTML page read by trafilatura. For every event, ``stored_text[start:end] == evidence``.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from article_texts import PUBLISHED, RAW_TEXT, write_inputs
from conftest import KG, ROOT, TEST_TOKEN, start_server

from kg import Settings, SettingsError
from kg.extract.inputs import read_inputs
from kg.store import open_store

SAMPLE = ROOT / "samples" / "annotated" / "sample-xi-paris-2024.json"
TEXT = ox.NamedNode("https://schema.org/text")


def kg(*args, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")} | (env or {})
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=environ, cwd=str(ROOT), timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def texts(store_dir) -> dict[str, str]:
    """Each article's dcterms:identifier -> its stored schema:text, read from the article's own graph."""
    with open_store(str(store_dir), read_only=True) as s:
        return {r["id"]: r["text"] for r in s.select(
            "SELECT ?id ?text WHERE { GRAPH ?a { ?a a dip:Article ; dcterms:identifier ?id ; schema:text ?text } }")}


def events(store_dir) -> list[dict]:
    """Every article event with its evidence, offsets and article id."""
    with open_store(str(store_dir), read_only=True) as s:
        return s.select("SELECT ?e ?id ?ev ?start ?end WHERE { GRAPH ?a { ?a dcterms:identifier ?id . "
                        "?e prov:wasDerivedFrom ?a ; dip:evidence ?ev . "
                        "OPTIONAL { ?e dip:evidenceStart ?start ; dip:evidenceEnd ?end } } }")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    txt, html = write_inputs(tmp_path_factory.mktemp("inputs"))
    read = list(read_inputs([str(txt), str(html)], published=PUBLISHED))
    return {"txt": txt, "html": html, "articles": {p.name: a for p, a in zip((txt, html), read)}}


@pytest.fixture(scope="module")
def stores(tmp_path_factory, inputs):
    """The two raw articles ingested with their texts (the default) and with --no-text."""
    base = tmp_path_factory.mktemp("stores")
    with_text, without = base / "with-text", base / "no-text"
    kg("--store", with_text, "ingest", inputs["txt"], inputs["html"], "--published", PUBLISHED)
    kg("--store", without, "ingest", "--no-text", inputs["txt"], inputs["html"], "--published", PUBLISHED)
    return with_text, without


def test_ingested_texts_are_stored_verbatim_and_offsets_index_them(stores, inputs):
    with_text, _ = stores
    stored = texts(with_text)
    txt, html = inputs["articles"]["modi.txt"], inputs["articles"]["xi.html"]
    # the text file as read (its BOM dropped, CRLF, tabs and astral characters kept), the page as trafilatura read it
    assert stored == {txt.id: RAW_TEXT, html.id: html.text}
    assert "\r\n" in stored[txt.id] and "\U0001F1EE" in stored[txt.id] and "\ufeff" not in stored[txt.id]
    evs = events(with_text)
    assert {e["id"] for e in evs} == {txt.id, html.id}
    assert len(evs) >= 4
    for e in evs:
        assert e.get("start") is not None, e
        assert stored[e["id"]][e["start"]:e["end"]] == e["ev"], e
    # events after the astral characters: offsets count code points (Python's str), not UTF-16 units
    late = [e for e in evs if e["id"] == txt.id and e["start"] > RAW_TEXT.index("\U0001F600")]
    astral = lambda e: sum(ord(c) > 0xFFFF for c in RAW_TEXT[:e["start"]])  # noqa: E731
    assert late and all(astral(e) == 4 and len(RAW_TEXT[:e["start"]].encode("utf-16-le")) // 2 == e["start"] + 4
                        for e in late)
    # what is stored conforms, and the event index (which does not read texts) still equals a rebuild
    kg("--store", with_text, "validate")
    r = kg("--store", with_text, "reindex", "--check")
    assert "current and equals a rebuild" in r.stderr + r.stdout


def test_no_text_keeps_the_same_events_and_sentences(stores):
    with_text, without = stores
    assert texts(without) == {}
    key = lambda e: (e["e"], e["ev"], e.get("start"), e.get("end"))  # noqa: E731
    assert sorted(map(key, events(without))) == sorted(map(key, events(with_text)))


@pytest.mark.parametrize("env, flag, stored", [
    ({"KG_STORE_TEXT": "false"}, None, False),
    ({"KG_STORE_TEXT": "0"}, "--text", True),      # the option over the environment
    ({"KG_STORE_TEXT": "yes"}, "--no-text", False),
    ({}, None, True),
])
def test_the_setting_from_the_environment_and_the_option(tmp_path, env, flag, stored):
    store = tmp_path / "s"
    kg("--store", store, "import", *([flag] if flag else []), SAMPLE, env=env)
    got = texts(store)
    text = json.loads(SAMPLE.read_text(encoding="utf-8"))["text"]
    assert got == ({"sample-xi-paris-2024": text} if stored else {})


def test_curated_import_stores_the_text_and_no_triple_for_an_empty_one(tmp_path):
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    empty = dict(sample, id="no-text-given", text="")
    blank = dict(sample, id="blank-text", text=" \r\n\t ")
    f = tmp_path / "more.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in (empty, blank)) + "\n", encoding="utf-8")
    kg("--store", tmp_path / "s", "import", SAMPLE, f)
    assert texts(tmp_path / "s") == {sample["id"]: sample["text"]}
    with open_store(str(tmp_path / "s"), read_only=True) as s:
        n = s.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a dip:Article }")[0]["n"]
    assert n == 3


def test_a_bad_setting_names_the_variable():
    assert Settings.from_env({}).store_text is True
    assert Settings.from_env({"KG_STORE_TEXT": "Off"}).store_text is False
    assert Settings.from_env({"KG_STORE_TEXT": "false"}, store_text=True).store_text is True
    with pytest.raises(SettingsError, match=r"KG_STORE_TEXT='sometimes' is not true or false"):
        Settings.from_env({"KG_STORE_TEXT": "sometimes"})
    r = kg("--store", "x", "stats", env={"KG_STORE_TEXT": "sometimes"}, check=False)
    assert r.returncode == 2 and "KG_STORE_TEXT" in r.stderr


@pytest.mark.parametrize("fmt, oxfmt", [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS),
                                        ("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                                        ("jsonld", ox.RdfFormat.JSON_LD)])
def test_exports_carry_the_text_exactly(stores, inputs, fmt, oxfmt):
    with_text, _ = stores
    out = kg("--store", with_text, "export", "--format", fmt, "--article", inputs["articles"]["modi.txt"].id)
    got = [q.object.value for q in ox.parse(io.BytesIO(out.stdout.encode("utf-8")), format=oxfmt)
           if q.predicate == TEXT]
    assert got == [RAW_TEXT]


# --- HTTP: GET /api/events/<id> and POST /articles ----------------------------------------------------------

def detail(server, event_id: str) -> dict:
    r = requests.get(server.url + f"/api/events/{event_id}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def listing(server, **params) -> list[dict]:
    r = requests.get(server.url + "/api/events", params={"limit": 500, **params}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["events"]


def test_the_event_detail_returns_the_text_its_offsets_index(stores):
    with_text, without = stores
    for store, has_text in ((with_text, True), (without, False)):
        server = start_server(store, workers=1, threads=2)
        try:
            evs = listing(server)
            assert evs and all("text" not in e["article"] for e in evs)     # lists stay small
            for e in evs:
                d = detail(server, e["id"])
                text = d["article"]["text"]
                if has_text:
                    assert text[d["evidenceStart"]:d["evidenceEnd"]] == d["evidence"]
                else:
                    assert "text" in d["article"] and text is None
            # a real-world event: its evidence is its latest report's sentence, its article its first source's
            for c in listing(server, canonical="true"):
                d = detail(server, c["id"])
                assert d["article"] is None or "text" not in d["article"]
        finally:
            server.stop()


@pytest.mark.parametrize("store_text", [True, False])
def test_posted_articles_follow_the_service_setting(tmp_path, store_text):
    env = {} if store_text else {"KG_STORE_TEXT": "false"}
    server = start_server(tmp_path / "s", token=TEST_TOKEN, workers=1, threads=2, **env)
    try:
        auth = {"Authorization": f"Bearer {TEST_TOKEN}"}
        r = requests.post(server.url + "/articles", params={"published": PUBLISHED, "id": "posted-raw"},
                          data=b"\xef\xbb\xbf" + RAW_TEXT.encode("utf-8"),
                          headers={**auth, "Content-Type": "text/plain; charset=utf-8"}, timeout=120)
        assert r.status_code == 201, r.text
        sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
        r = requests.post(server.url + "/articles", json=sample, headers=auth, timeout=120)
        assert r.status_code == 201, r.text
        mine = listing(server, article="posted-raw")
        assert mine
        for e in mine:
            d = detail(server, e["id"])
            if store_text:
                assert d["article"]["text"] == RAW_TEXT
                assert RAW_TEXT[d["evidenceStart"]:d["evidenceEnd"]] == d["evidence"]
            else:
                assert d["article"]["text"] is None and d["evidence"]
        curated = detail(server, listing(server, article=sample["id"])[0]["id"])
        assert curated["article"]["text"] == (sample["text"] if store_text else None)
    finally:
        server.stop()
