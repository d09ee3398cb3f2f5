"""Real SPARQL clients against the live service: SPARQLWrapper and rdflib's SPARQLStore."""
from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from conftest import TEST_TOKEN

DIP = "https://w3id.org/dipkg/ontology#"


@pytest.fixture(scope="module")
def seeded(empty_server):
    """The empty server with a few events of our own, written through SPARQL Update."""
    store = SPARQLUpdateStore(query_endpoint=empty_server.sparql, update_endpoint=empty_server.sparql,
                              auth=None, headers={"Authorization": f"Bearer {TEST_TOKEN}"})
    store.update(f"""PREFIX dip: <{DIP}>
        INSERT DATA {{ GRAPH <http://ex/clients> {{
          <http://ex/e1> a dip:Visit ; dip:visitor <http://ex/modi> ; dip:host <http://ex/putin> .
          <http://ex/e2> a dip:Visit ; dip:visitor <http://ex/xi> ; dip:host <http://ex/putin> .
          <http://ex/e3> a dip:Agreement ; dip:title "Trade, and \\"other\\" things" .
        }} }}""")
    return empty_server


def wrapper(server, query, fmt):
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


def test_sparqlwrapper_json(seeded):
    res = wrapper(seeded, f"SELECT ?e WHERE {{ ?e a <{DIP}Visit> }} ORDER BY ?e", JSON).queryAndConvert()
    assert [b["e"]["value"] for b in res["results"]["bindings"]] == ["http://ex/e1", "http://ex/e2"]


def test_sparqlwrapper_json_post(seeded):
    sw = wrapper(seeded, f"ASK {{ ?e a <{DIP}Agreement> }}", JSON)
    sw.setMethod(POST)
    assert sw.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_xml(seeded):
    doc = wrapper(seeded, f"SELECT ?t WHERE {{ ?e <{DIP}title> ?t }}", XML).queryAndConvert()
    values = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert values == ['Trade, and "other" things']


def test_sparqlwrapper_csv(seeded):
    raw = wrapper(seeded, f"SELECT ?e ?t WHERE {{ ?e <{DIP}title> ?t }}", CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows == [["e", "t"], ["http://ex/e3", 'Trade, and "other" things']]


def test_sparqlwrapper_construct(seeded):
    q = f"CONSTRUCT {{ ?v <http://ex/visited> ?h }} WHERE {{ ?e <{DIP}visitor> ?v ; <{DIP}host> ?h }}"
    g = wrapper(seeded, q, TURTLE).queryAndConvert()
    if isinstance(g, bytes):
        g = rdflib.Graph().parse(data=g, format="turtle")
    assert len(g) == 2
    g = wrapper(seeded, q, XML).queryAndConvert()           # RDF/XML, parsed by SPARQLWrapper into a Graph
    assert isinstance(g, rdflib.Graph) and len(g) == 2


def test_rdflib_sparqlstore(seeded):
    g = rdflib.Graph(SPARQLStore(seeded.sparql, returnFormat="json"))
    rows = list(g.query(f"SELECT ?v ?h WHERE {{ ?e <{DIP}visitor> ?v ; <{DIP}host> ?h }} ORDER BY ?v"))
    assert [(str(r.v), str(r.h)) for r in rows] == [("http://ex/modi", "http://ex/putin"), ("http://ex/xi", "http://ex/putin")]
    assert (rdflib.URIRef("http://ex/e1"), rdflib.RDF.type, rdflib.URIRef(DIP + "Visit")) in g
    assert len(list(g.triples((None, rdflib.URIRef(DIP + "host"), None)))) == 2
    res = g.query(f"CONSTRUCT WHERE {{ ?e a <{DIP}Agreement> }}")
    assert len(res.graph) == 1


def test_rdflib_sparqlstore_xml_default(seeded):
    g = rdflib.Graph(SPARQLStore(seeded.sparql))
    assert bool(g.query(f"ASK {{ ?e a <{DIP}Visit> }}").askAnswer) is True
