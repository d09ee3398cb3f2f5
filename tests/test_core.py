"""The core: curated articles -> validated graphs in a real on-disk store -> export, through the `kg` CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"
SCORER = SHARED / "eval" / "score.py"
SAMPLES = sorted((ROOT / "samples" / "annotated").glob("*.json"))
KG = [sys.executable, "-m", "kg.cli"]

needs_dev = pytest.mark.skipif(not DEV.is_dir() or not SCORER.is_file(),
                               reason=f"the shared dev corpus and scorer are not at {SHARED}")


def kg(store, *args, input=None, check=True, env=None, cwd=ROOT):
    """Run the real CLI in a fresh process (so persistence across processes is exercised too)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    env.pop("KG_STORE", None)
    proc = subprocess.run([*KG, "--store", str(store), *args], capture_output=True, text=True,
                          input=input, env=env, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def stats(store) -> dict:
    return json.loads(kg(store, "stats", "--json").stdout)


def sample(name: str) -> dict:
    return json.loads((ROOT / "samples" / "annotated" / f"{name}.json").read_text())


def write(tmp_path, name, obj) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(obj) if not isinstance(obj, str) else obj, encoding="utf-8")
    return p


# --- import, export, score --------------------------------------------------------------

@needs_dev
def test_dev_corpus_round_trip_scores_f1_1(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, sorted(DEV.glob("*.json"))))
    out = tmp_path / "out.trig"
    kg(store, "export", "--format", "trig", "-o", str(out))
    proc = subprocess.run([sys.executable, str(SCORER), str(DEV), str(out)], capture_output=True, text=True)
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("micro P 1.00 R 1.00 F1 1.00"), proc.stdout


def test_samples_import_and_stats(tmp_path):
    store = tmp_path / "s"
    proc = kg(store, "import", *map(str, SAMPLES))
    assert f"{len(SAMPLES)} article(s) stored" in proc.stderr
    s = stats(store)
    assert s["Article"] == len(SAMPLES)
    expected = {t: sum(1 for p in SAMPLES for e in json.loads(p.read_text())["events"] if e["type"] == t)
                for t in ("Visit", "Award", "Agreement", "TradeTarget")}
    assert {t: s[t] for t in expected} == expected


def test_reimport_is_idempotent_and_replaces(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    before = stats(store)
    kg(store, "import", *map(str, SAMPLES))
    assert stats(store) == before
    # a changed version of one article replaces the old one whole
    art = sample("sample-xi-paris-2024")
    art["events"] = art["events"][:1]
    kg(store, "import", str(write(tmp_path, "changed.json", art)))
    after = stats(store)
    assert after["Article"] == before["Article"]
    assert after["Visit"] == before["Visit"] - 2
    assert after["Agreement"] == before["Agreement"] - 1


def test_same_person_one_iri_across_articles(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    rows = json.loads(kg(store, "query", "--format", "json",
                         "SELECT DISTINCT ?p WHERE { ?e dip:visitor|dip:recipient ?p . ?p rdfs:label \"Narendra Modi\" }").stdout)
    assert len(rows["results"]["bindings"]) == 1
    rows = json.loads(kg(store, "query", "--format", "json",
                         "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?a { ?e dip:recipient|dip:visitor "
                         "<https://w3id.org/dipkg/resource/person/narendra-modi> } FILTER NOT EXISTS { ?e a dip:CanonicalEvent } }").stdout)
    assert rows["results"]["bindings"][0]["n"]["value"] == "1"


def test_persistence_across_processes_and_delete(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    quads_before = stats(store)["quads"]
    kg(store, "delete", "sample-xi-paris-2024")
    s = stats(store)
    assert s["Article"] == len(SAMPLES) - 1
    # actors stay: Xi Jinping is still a Person in the actors graph
    ask = kg(store, "query", "ASK { GRAPH <https://w3id.org/dipkg/graph/actors> "
                             "{ <https://w3id.org/dipkg/resource/person/xi-jinping> a dip:Person } }")
    assert ask.stdout.strip() == "true"
    assert s["quads"] < quads_before
    missing = kg(store, "delete", "no-such-article", check=False)
    assert missing.returncode != 0 and "no article with id 'no-such-article'" in missing.stderr


@pytest.mark.parametrize("args", [["stats"], ["stats", "--json"], ["query", "ASK {}"], ["export"],
                                  ["validate"], ["dump", "out.nq"], ["delete", "x"], ["optimize"]],
                         ids=lambda a: " ".join(a))
def test_commands_that_read_never_create_a_store(tmp_path, args):
    """`kg --store typo stats` names the path and how to make a store, exits non-zero, creates nothing."""
    proc = kg("typo", *args, check=False, cwd=tmp_path)
    assert proc.returncode != 0
    assert f"no store at 'typo' ({tmp_path / 'typo'})" in proc.stderr, proc.stderr
    assert "kg --store typo import" in proc.stderr and "kg --store typo ingest" in proc.stderr
    assert list(tmp_path.iterdir()) == [], "a failed read left something behind"


def test_read_commands_open_a_store_read_only(tmp_path):
    """Reads leave an existing store's data unchanged, and a directory that is no store stays empty."""
    store = tmp_path / "s"
    kg(store, "import", str(SAMPLES[0]))
    before = stats(store)
    kg(store, "query", "SELECT * { ?s ?p ?o } LIMIT 1")
    kg(store, "export", "-o", str(tmp_path / "out.trig"))
    kg(store, "validate")
    assert stats(store) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert kg(empty, "stats", check=False).returncode != 0
    assert list(empty.iterdir()) == []


# --- rejection: nothing written -----------------------------------------------------------

def test_visit_without_visitor_is_rejected_and_nothing_written(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    before = stats(store)
    art = sample("sample-kishida-washington-2024")
    art["id"] = "bad-visit"
    art["events"][0]["visitor"] = None
    art["events"][0]["visitor_country"] = None
    proc = kg(store, "import", str(write(tmp_path, "bad.json", art)), check=False)
    assert proc.returncode != 0
    assert "bad-visit" in proc.stderr and "visitor" in proc.stderr
    assert stats(store) == before


def test_bad_article_in_a_batch_does_not_stop_the_rest(tmp_path):
    store = tmp_path / "s"
    bad = write(tmp_path, "broken.json", '{"id": "x", "events": [}')
    notype = write(tmp_path, "notype.json", {"id": "y", "text": "t", "events": [{"type": "Picnic"}]})
    proc = kg(store, "import", str(bad), *map(str, SAMPLES), str(notype), check=False)
    assert proc.returncode == 1
    assert "broken.json: invalid JSON at line 1" in proc.stderr
    assert "notype.json: events[0].type: unknown event type 'Picnic'" in proc.stderr
    assert f"{len(SAMPLES)} article(s) stored" in proc.stderr and "2 failed" in proc.stderr
    assert stats(store)["Article"] == len(SAMPLES)


def test_jsonl_errors_name_the_line(tmp_path):
    store = tmp_path / "s"
    lines = [json.dumps(sample("sample-xi-paris-2024")), "{not json", json.dumps({"title": "no id"})]
    p = write(tmp_path, "batch.jsonl", "\n".join(lines))
    proc = kg(store, "import", str(p), check=False)
    assert f"{p}:2: invalid JSON" in proc.stderr
    assert f"{p}:3: id: missing or empty 'id'" in proc.stderr
    assert stats(store)["Article"] == 1


def test_wrong_field_type_names_the_field(tmp_path):
    art = sample("sample-india-efta-tepa-2024")
    art["events"][1]["amount"] = "a lot"
    proc = kg(tmp_path / "s", "import", str(write(tmp_path, "a.json", art)), check=False)
    assert proc.returncode != 0 and "events[1].amount: must be a number" in proc.stderr


# --- export ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,parse", [("trig", "trig"), ("nquads", "nquads"), ("turtle", "turtle"),
                                       ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_export_formats_parse_and_carry_the_events(tmp_path, fmt, parse):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    out = kg(store, "export", "--format", fmt, "--article", "sample-modi-cyprus-2025").stdout
    if fmt in ("trig", "nquads", "jsonld"):
        g = Dataset()
        g.parse(data=out, format=parse)
        graphs = {str(c.identifier) for c in g.graphs()}
        assert "https://w3id.org/dipkg/resource/article/sample-modi-cyprus-2025" in graphs
        assert "https://w3id.org/dipkg/graph/actors" in graphs
        triples = {(s, p, o) for s, p, o, _ in g.quads((None, None, None, None))}
    else:
        gr = Graph()
        gr.parse(data=out, format=parse)
        triples = set(gr)
    dip = "https://w3id.org/dipkg/ontology#"
    types = [str(o) for s, p, o in triples if str(p).endswith("#type") and str(o).startswith(dip)]
    assert sorted(t for t in types if t[len(dip):] in ("Visit", "Award", "Agreement")) == \
        [dip + "Agreement", dip + "Award", dip + "Visit"]
    # the actors the article uses come along, other articles' actors do not
    modi = URIRef("https://w3id.org/dipkg/resource/person/narendra-modi")
    assert any(s == modi for s, _, _ in triples)
    assert not any(str(s).endswith("/person/xi-jinping") for s, _, _ in triples)


def test_export_unknown_article(tmp_path):
    kg(tmp_path / "s", "import", str(SAMPLES[0]))
    proc = kg(tmp_path / "s", "export", "--article", "nope", check=False)
    assert proc.returncode != 0 and "no article with id 'nope'" in proc.stderr


def test_query_formats_and_errors(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    table = kg(store, "query", "SELECT ?t WHERE { ?e dip:awardName ?t FILTER NOT EXISTS { ?e a dip:CanonicalEvent } }").stdout
    assert "Grand Cross of the Order of Makarios III" in table and "(1 row)" in table
    csv = kg(store, "query", "--format", "csv", "SELECT ?t WHERE { ?e dip:awardName ?t }").stdout
    assert csv.splitlines()[0].strip() == "t"
    qf = write(tmp_path, "q.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?e a dip:Visit }")
    visits = sum(1 for p in SAMPLES for e in json.loads(p.read_text())["events"] if e["type"] == "Visit")
    assert kg(store, "query", f"@{qf}").stdout.splitlines()[2].strip() == str(visits)
    bad = kg(store, "query", "SELEKT ?x WHERE {}", check=False)
    assert bad.returncode != 0 and "the query was rejected" in bad.stderr


def test_validate_whole_store(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    proc = kg(store, "validate")
    assert f"all {len(SAMPLES)} article(s) conform" in proc.stderr
    # corrupt one article behind the CLI's back (a SPARQL update that drops a required triple)
    from kg.store import open_store
    s = open_store(str(store))
    s.update("DELETE WHERE { GRAPH ?g { ?e <https://w3id.org/dipkg/ontology#visitor> ?v } }")
    s.close()
    proc = kg(store, "validate", check=False)
    assert proc.returncode != 0 and "visitor" in proc.stderr


def test_a_repeated_event_is_stored_once(tmp_path):
    art = sample("sample-xi-paris-2024")
    first = dict(art["events"][1], evidence_start=10, evidence_end=20)
    again = dict(art["events"][1], evidence_start=300, evidence_end=310)
    art["events"] = [first, again]
    kg(tmp_path / "s", "import", str(write(tmp_path, "twice.json", art)))
    assert stats(tmp_path / "s")["Agreement"] == 1
    assert "conform" in kg(tmp_path / "s", "validate").stderr


def test_people_roles_and_aliases_enrich_the_shared_person(tmp_path):
    art = sample("sample-modi-cyprus-2025")
    art["people"] = [{"name": "Narendra Modi", "country": "IND", "role": "Prime Minister",
                      "aliases": ["Modi", "Indian Prime Minister Narendra Modi"]}]
    kg(tmp_path / "s", "import", str(write(tmp_path, "p.json", art)))
    out = json.loads(kg(tmp_path / "s", "query", "--format", "json",
                        "SELECT ?role ?alias WHERE { <https://w3id.org/dipkg/resource/person/narendra-modi> "
                        "dip:role ?role ; skos:altLabel ?alias }").stdout)
    rows = {(b["role"]["value"], b["alias"]["value"]) for b in out["results"]["bindings"]}
    assert rows == {("Prime Minister", "Modi"), ("Prime Minister", "Indian Prime Minister Narendra Modi")}
    bad = dict(art, people=[{"role": "x"}])
    proc = kg(tmp_path / "s", "import", str(write(tmp_path, "bad.json", bad)), check=False)
    assert proc.returncode != 0 and "people[0]: a person needs a non-empty 'name'" in proc.stderr


def test_optimize_keeps_the_data(tmp_path):
    store = tmp_path / "s"
    kg(store, "import", *map(str, SAMPLES))
    before = stats(store)
    assert "optimized" in kg(store, "optimize").stderr
    assert stats(store) == before


def test_a_writer_killed_before_its_version_bump_is_still_seen(tmp_path):
    """The commit lands, the process dies before bumping .kg-version: readers must still see the change."""
    from kg.store import open_store
    store_dir = tmp_path / "s"
    kg(store_dir, "import", str(SAMPLES[0]))
    reader = open_store(str(store_dir))
    before = reader.version()
    assert reader.ask("ASK { ?a a dip:Article }")
    code = ("import os, sys, pyoxigraph as ox\n"
            "s = ox.Store(sys.argv[1])\n"
            "s.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> \"written\" } }')\n"
            "os._exit(0)  # no flush, no close, no version bump\n")
    subprocess.run([sys.executable, "-c", code, str(store_dir)], check=True)
    assert reader.version() != before
    assert reader.ask('ASK { <urn:x:a> <urn:x:p> "written" }')


# --- confidence (extraction v2): optional, 0..1, absent from curated JSON ----------------------------

def _visit_json(**extra) -> dict:
    return {"type": "Visit", "visitor": "Narendra Modi", "visitor_country": "IND", "place": "Moscow",
            "place_country": "RUS", "status": "occurred", "evidence": "Modi arrived in Moscow.", **extra}


def test_confidence_is_parsed_and_carried_through_json():
    from kg.records import event_from_json, event_to_json
    ev = event_from_json(_visit_json(confidence=0.8))
    assert ev.confidence == 0.8 and event_to_json(ev)["confidence"] == 0.8
    assert event_from_json(_visit_json(confidence=1)).confidence == 1.0
    assert "confidence" not in event_to_json(event_from_json(_visit_json()))


@needs_dev
def test_curated_gold_round_trips_without_confidence():
    from kg.records import article_from_json, event_to_json
    for path in sorted(DEV.glob("*.json")):
        art = article_from_json(json.loads(path.read_text(encoding="utf-8")), where=str(path))
        assert all(e.confidence is None and "confidence" not in event_to_json(e) for e in art.events), path


@pytest.mark.parametrize("value", [1.5, -0.1, "high", True, float("nan"), [0.5]])
def test_confidence_outside_0_1_names_the_field(value):
    from kg.records import RecordError, article_from_json
    with pytest.raises(RecordError) as err:
        article_from_json({"id": "c", "text": "t", "events": [_visit_json(confidence=value)]}, where="c.json")
    assert err.value.field == "events[0].confidence"
    assert "c.json: events[0].confidence: must be a number from 0 to 1" in str(err.value)


def test_confidence_is_written_as_a_decimal_and_keeps_the_event_iri():
    from rdflib import Literal, Namespace
    from rdflib.namespace import XSD
    from kg.rdf import article_graphs, event_iri
    from kg.records import Article, event_from_json
    from kg.validate import validate_graph
    dip = Namespace("https://w3id.org/dipkg/ontology#")
    scored, plain = event_from_json(_visit_json(confidence=0.85)), event_from_json(_visit_json())
    graphs = article_graphs(Article(id="c", text="Modi arrived in Moscow.", events=[scored]), extractor="x/1")
    ((iri, _),) = graphs.events
    assert graphs.graph.value(iri, dip.confidence) == Literal("0.85", datatype=XSD.decimal)
    assert iri == event_iri("c", plain)  # re-scoring an event does not make it another event
    assert validate_graph(graphs.validation_graph()).conforms
    unscored = article_graphs(Article(id="c", text="t", events=[plain]))
    assert unscored.graph.value(iri, dip.confidence) is None


def test_three_letter_organisations_are_not_countries(tmp_path):
    """"SCO", "WFP" and "OAS" look like ISO codes but are organisations; as dip:Country they failed SHACL."""
    art = {"id": "sco-test", "published": "2022-09-16", "text": "Iran signed a memorandum with the SCO.",
           "events": [{"type": "Agreement", "parties": ["IRN", "SCO"], "status": "signed",
                       "evidence": "Iran signed a memorandum with the SCO."},
                      {"type": "Agreement", "parties": ["WFP", "OAS", "HTI"], "status": "agreed",
                       "evidence": "Iran signed a memorandum with the SCO."}]}
    store = tmp_path / "s"
    kg(store, "import", str(write(tmp_path, "sco.json", art)))
    out = json.loads(kg(store, "query", "--format", "json",
                        "SELECT ?name ?class WHERE { ?e dip:party ?p . ?p a ?class ; rdfs:label ?name }").stdout)
    kinds = {b["name"]["value"]: b["class"]["value"].rsplit("#", 1)[1] for b in out["results"]["bindings"]}
    assert kinds == {"SCO": "Organization", "WFP": "Organization", "OAS": "Organization",
                     "Iran": "Country", "Haiti": "Country"}
    assert stats(store)["Country"] == 2


# --- extracted events that fail SHACL are dropped, the rest of the article is stored -------------------

def _extracted(*events, published="2023-10-03") -> "Article":
    from kg.records import Article, event_from_json
    return Article(id="extracted-x", text="t", published=published,
                   events=[event_from_json(dict(e, evidence=e.get("evidence", "Boric arrived."))) for e in events])


GOOD_VISIT = {"type": "Visit", "visitor": "Gabriel Boric", "visitor_country": "CHL", "place": "Lima",
              "place_country": "PER", "status": "occurred", "evidence_start": 0, "evidence_end": 14}
ONE_PARTY = {"type": "Agreement", "parties": ["CHL"], "status": "signed", "evidence": "Chile signed.",
             "evidence_start": 40, "evidence_end": 53}
BAD_HOST = {"type": "Visit", "visitor": "Dina Boluarte", "visitor_country": "PER", "host_country": "XKX",
            "place_country": "XKX", "status": "planned", "evidence": "Boluarte will visit Kosovo."}


def test_an_extracted_event_that_fails_shacl_is_dropped_with_a_warning():
    from kg.ingest import prepare
    from kg.validate import validate_graph
    art = _extracted(GOOD_VISIT, ONE_PARTY, BAD_HOST)
    graphs, outcome = prepare(art, extractor="spacy-rules/test", drop_invalid_events=True)
    assert outcome.ok and graphs is not None and outcome.events == 1
    assert [e.visitor for _, e in graphs.events] == ["Gabriel Boric"]
    assert validate_graph(graphs.validation_graph()).conforms  # what would be stored conforms
    assert len(art.events) == 3                                 # the caller's article is left alone
    one_party, bad_host = outcome.dropped
    assert (one_party.type, one_party.evidence_start) == ("Agreement", 40)
    assert "Agreement needs at least two dip:party" in one_party.text()
    assert one_party.text().startswith("article extracted-x: dropped the extracted Agreement event at character 40 "
                                       "('Chile signed.')")
    # the unknown country is a node only the second visit uses: it fails that visit
    assert bad_host.type == "Visit" and "(offset unknown)" in bad_host.text()
    assert {p.focus.rsplit("/", 1)[1] for p in bad_host.problems} == {"XKX"}
    assert "dip:countryCode must be an ISO 3166-1 alpha-3 code" in bad_host.text()
    assert bad_host.to_json()["problems"][0]["focus_type"] == "Country"


def test_curated_articles_are_still_rejected_whole():
    from kg.ingest import prepare
    graphs, outcome = prepare(_extracted(GOOD_VISIT, ONE_PARTY), extractor="curated")
    assert graphs is None and not outcome.ok and not outcome.dropped
    assert "Agreement needs at least two dip:party" in outcome.error


def test_a_bad_node_shared_by_two_extracted_events_drops_both():
    from kg.ingest import prepare
    twice = dict(BAD_HOST, status="occurred", evidence="Boluarte visited Kosovo.")
    graphs, outcome = prepare(_extracted(GOOD_VISIT, BAD_HOST, twice), drop_invalid_events=True)
    assert outcome.ok and outcome.events == 1 and [d.evidence for d in outcome.dropped] == [
        "Boluarte will visit Kosovo.", "Boluarte visited Kosovo."]


def test_a_problem_of_the_article_itself_still_rejects_it():
    """No event to blame for an impossible publication date: the extracted article is rejected as before."""
    from kg.ingest import prepare
    graphs, outcome = prepare(_extracted(GOOD_VISIT, ONE_PARTY, published="2023-02-30"), drop_invalid_events=True)
    assert graphs is None and "dcterms:issued" in outcome.error
    assert [d.type for d in outcome.dropped] == ["Agreement"]


# A stricter copy of the shapes (KG_SHAPES) that every Place fails: the extracted visit to Lima is then the
# one invalid event of a real extraction, while the agreement of the same article is valid.
STRICT_PLACE = """
<https://w3id.org/dipkg/shapes#Test-place> a sh:NodeShape ; sh:targetClass dip:Place ;
    sh:property [ sh:path dip:population ; sh:minCount 1 ; sh:message "test: a place needs dip:population" ] .
"""
BORIC = ("Chilean President Gabriel Boric arrived in Lima on Monday for a two-day visit. Boric and Peruvian "
         "President Dina Boluarte signed a joint declaration on border cooperation on Tuesday.")


def strict_shapes(tmp_path) -> Path:
    p = tmp_path / "strict-shapes.ttl"
    p.write_text((ROOT / "shapes" / "dipkg.ttl").read_text(encoding="utf-8") + STRICT_PLACE, encoding="utf-8")
    return p


def test_kg_ingest_warns_on_stderr_and_stores_the_rest(tmp_path):
    store, env = tmp_path / "s", {"KG_SHAPES": str(strict_shapes(tmp_path))}
    text = write(tmp_path, "boric.txt", BORIC)
    proc = kg(store, "ingest", str(text), "--published", "2023-10-03", "--id", "boric", env=env)
    assert ("warning: article boric: dropped the extracted Visit event at character 0 "
            "('Chilean President Gabriel Boric arrived in Lima on Monday...')") in proc.stderr
    assert "test: a place needs dip:population" in proc.stderr
    assert "1 article(s) stored with 1 event(s); 0 failed. Left out: 1 extracted event(s) dropped by SHACL" \
        in proc.stderr
    counts = stats(store)
    assert (counts["Visit"], counts["Agreement"], counts["Place"]) == (0, 1, 0)
    assert "conform" in kg(store, "validate", env=env).stderr


def test_kg_ingest_min_confidence(tmp_path):
    """--min-confidence leaves out exactly the extracted events scored below it (an unscored one counts as 1.0).

    Checked against the scores the extractor gave, read back from a store filled without a threshold,
    so the test holds whatever the extractor scores (it used to score nothing)."""
    text = write(tmp_path, "boric.txt", BORIC)
    kg(tmp_path / "all", "ingest", str(text), "--published", "2023-10-03")
    out = json.loads(kg(tmp_path / "all", "query", "--format", "json",
                        "SELECT ?e ?c WHERE { VALUES ?t { dip:Visit dip:Award dip:Agreement dip:TradeTarget } "
                        "?e a ?t OPTIONAL { ?e dip:confidence ?c } }").stdout)
    scores = [float(b["c"]["value"]) if "c" in b else 1.0 for b in out["results"]["bindings"]]
    assert scores, "the extractor found no event in the Boric text"
    for threshold in sorted(set(scores) | {1.0}):
        kept = sum(s >= threshold for s in scores)
        proc = kg(tmp_path / f"s{threshold}", "ingest", str(text), "--published", "2023-10-03",
                  "--min-confidence", str(threshold))
        assert f"stored with {kept} event(s)" in proc.stderr, (threshold, scores, proc.stderr)
        left = len(scores) - kept
        assert (f"Left out: {left} below --min-confidence" in proc.stderr) if left else "Left out" not in proc.stderr
    bad = kg(tmp_path / "s", "ingest", str(text), "--min-confidence", "1.5", check=False)
    assert bad.returncode == 2 and "--min-confidence" in bad.stderr


def test_confident_events_treats_none_as_certain():
    from kg.ingest import confident_events
    from kg.records import event_from_json
    evs = [event_from_json(dict(GOOD_VISIT, evidence="e", confidence=c)) for c in (0.2, 0.5, None)]
    assert [e.confidence for e in confident_events(evs, 0.5)] == [0.5, None]
    assert confident_events(evs, 0.0) == evs


def test_the_canonical_label_is_a_fixed_rule_of_the_spellings():
    import unicodedata

    from kg.rdf import canonical_label
    lula = ["Luiz Inacio Lula da Silva", "Luiz Inácio Lula da Silva"]
    assert canonical_label(lula) == canonical_label(lula[::-1]) == "Luiz Inácio Lula da Silva"  # diacritics
    assert canonical_label(["Kim Jong Un", "Kim  Jong Un"]) == "Kim  Jong Un"                  # more characters
    assert canonical_label(["NARENDRA MODI", "narendra modi", "Narendra Modi"]) == "Narendra Modi"  # mixed case
    nfd = unicodedata.normalize("NFD", "João Lourenço")
    assert canonical_label([nfd, "João Lourenço"]) == "João Lourenço"                          # NFC
    assert canonical_label(["Kim Jong-Un", "Kim Jong Un"]) == "Kim Jong Un"                    # code points


def test_settle_labels_keeps_every_spelling_and_one_label():
    from rdflib import Literal
    from rdflib.namespace import RDFS, SKOS

    from kg.rdf import settle_labels
    s = URIRef("https://w3id.org/dipkg/resource/person/joao-lourenco")
    written = [(s, RDFS.label, Literal("Joao Lourenco")), (s, SKOS.altLabel, Literal("Lourenço"))]
    # the store holds an earlier label, and a demoted spelling as an altLabel (last-writer-wins stores did)
    known = {str(s): ({"JOAO LOURENCO"}, {"João Lourenço", "Joao Lourenco"})}
    triples, chosen = settle_labels(written, known)
    assert chosen == {s: "João Lourenço"}
    assert sorted((str(p), str(o)) for _, p, o in triples) == [
        (str(RDFS.label), "João Lourenço"), (str(SKOS.altLabel), "Joao Lourenco"), (str(SKOS.altLabel), "Lourenço")]
