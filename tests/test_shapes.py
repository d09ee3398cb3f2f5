"""The ontology, the SHACL shapes and kg.validate.

A conforming article graph (the seed article's events, laid out as kg/rdf.py writes them) must pass;
every shape must fail on at least one broken variant of it, with a message a person can act on.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from kg import validate as kv
from kg.validate import Problem, Report, validate_graph

ROOT = Path(__file__).resolve().parents[1]
OWL, RDF, RDFS, SH = ns.OWL, ns.RDF, ns.RDFS, ns.SH
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
DIP = rdflib.Namespace("https://w3id.org/dipkg/ontology#")
DIPSH = "https://w3id.org/dipkg/shapes#"
SCHEMA = rdflib.Namespace("https://schema.org/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
SEM = rdflib.Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")

HEADER = """\
@base <https://w3id.org/dipkg/resource/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dip: <https://w3id.org/dipkg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
"""

# The seed article (eval/example-seed.trig) in the agreed layout: the article's graph plus the actor
# triples its events use. Keys: article f70a25d573f8ddde; events <event/KEY-HASH>.
SEED_TTL = HEADER + """
<article/f70a25d573f8ddde> a dip:Article ;
    dcterms:identifier "seed-putin-modi-2024" ;
    dcterms:title "Putin and Modi Strengthen Cooperation – Latest News" ;
    dcterms:issued "2024-07-09"^^xsd:date ;
    dcterms:source "https://example.org/news/putin-modi-2024"^^xsd:anyURI .

<event/f70a25d573f8ddde-visit> a dip:Visit ;
    prov:wasDerivedFrom <article/f70a25d573f8ddde> ;
    dip:evidence "Friendly and full of closeness, that is how the images published by the Kremlin of Indian Prime Minister Narendra Modi's visit to Moscow are intended to appear." ;
    dip:evidenceStart 120 ; dip:evidenceEnd 270 ;
    dip:extractor "curated" ;
    dip:status dip:Occurred ;
    dip:cameoCode "042" ; dip:hostCameoCode "043" ; dip:ploverCategory "CONSULT" ; dip:ploverMode "visit" ;
    dip:visitor <person/narendra-modi> ;
    dip:host <person/vladimir-putin> ;
    dip:place <place/rus/moscow> ;
    dip:startDate "2024-07-08"^^xsd:date ;
    dip:endDate "2024-07-09"^^xsd:date .

<event/f70a25d573f8ddde-award> a dip:Award ;
    prov:wasDerivedFrom <article/f70a25d573f8ddde> ;
    dip:evidence "On Tuesday, Putin awarded Modi the highest Russian state order for his services." ;
    dip:extractor "curated" ;
    dip:status dip:Conferred ;
    dip:cameoCode "051" ; dip:ploverCategory "SUPPORT" ; dip:ploverContext "diplomatic" ;
    dip:recipient <person/narendra-modi> ;
    dip:conferredBy <person/vladimir-putin> ;
    dip:awardName "Order of St Andrew the Apostle" ;
    dip:awardText "the highest Russian state order" ;
    dip:date "2024-07-09"^^xsd:date .

<event/f70a25d573f8ddde-decl> a dip:Agreement ;
    prov:wasDerivedFrom <article/f70a25d573f8ddde> ;
    dip:evidence "According to the final declaration, Putin and Modi agreed, among other things, to increase trade turnover to 100 billion dollars by 2030." ;
    dip:status dip:Signed ;
    dip:cameoCode "057" ; dip:ploverCategory "SUPPORT" ; dip:ploverContext "diplomatic" ;
    dip:party <country/IND> , <country/RUS> ;
    dip:title "final declaration" ;
    dip:topic "trade" , "military-technical cooperation" , "spare parts production in India" ;
    dip:date "2024-07-09"^^xsd:date .

<event/f70a25d573f8ddde-oil> a dip:Agreement ;
    prov:wasDerivedFrom <article/f70a25d573f8ddde> ;
    dip:evidence "The Economic Times reported that a long-term agreement on oil deliveries was to be made." ;
    dip:status dip:Reported ;
    dip:cameoCode "0311" ; dip:ploverCategory "AGREE" ; dip:ploverContext "economic" ;
    dip:party <country/IND> , <organization/rostec> ;
    dip:title "long-term oil supply agreement at a discount" ;
    dip:topic "oil" ;
    dip:date "2024-07"^^xsd:gYearMonth .

<event/f70a25d573f8ddde-trade> a dip:TradeTarget ;
    prov:wasDerivedFrom <article/f70a25d573f8ddde> ;
    dip:evidence "According to the final declaration, Putin and Modi agreed, among other things, to increase trade turnover to 100 billion dollars by 2030." ;
    dip:extractor "spacy-rules/0.1" ;
    dip:status dip:Agreed ;
    dip:cameoCode "0311" ; dip:ploverCategory "AGREE" ; dip:ploverContext "economic" ;
    dip:party <country/IND> , <country/RUS> ;
    dip:targetValue <event/f70a25d573f8ddde-trade/amount> ;
    dip:targetYear "2030"^^xsd:gYear ;
    dip:metric "trade turnover" .

<event/f70a25d573f8ddde-trade/amount> a schema:MonetaryAmount ;
    schema:value 100000000000.0 ;
    schema:currency "USD" .

<person/narendra-modi> a dip:Person ;
    rdfs:label "Narendra Modi" ;
    skos:altLabel "Modi" , "Indian Prime Minister" ;
    dip:represents <country/IND> ;
    dip:role "Prime Minister" .

<person/vladimir-putin> a dip:Person ;
    rdfs:label "Vladimir Putin" ;
    dip:represents <country/RUS> .

<place/rus/moscow> a dip:Place ;
    rdfs:label "Moscow" ;
    geo:lat 55.75204 ; geo:long 37.61781 ;
    dip:country <country/RUS> .

<organization/rostec> a dip:Organization ;
    rdfs:label "Rostec" .

<country/IND> a dip:Country ; dip:countryCode "IND" ; rdfs:label "India" ;
    owl:sameAs <http://www.wikidata.org/entity/Q668> .
<country/RUS> a dip:Country ; dip:countryCode "RUS" ; rdfs:label "Russia" ;
    owl:sameAs <http://www.wikidata.org/entity/Q159> .
"""

A = "<article/f70a25d573f8ddde>"
VISIT = "<event/f70a25d573f8ddde-visit>"
AWARD = "<event/f70a25d573f8ddde-award>"
DECL = "<event/f70a25d573f8ddde-decl>"
TRADE = "<event/f70a25d573f8ddde-trade>"
AMOUNT = "<event/f70a25d573f8ddde-trade/amount>"
RES = "https://w3id.org/dipkg/resource/"


def ttl(snippet: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=HEADER + snippet, format="turtle")


def seed_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=SEED_TTL, format="turtle")


def mutate(remove: str = "", add: str = "") -> rdflib.Graph:
    """The seed graph without the triples in ``remove`` and with those in ``add`` (Turtle snippets)."""
    g = seed_graph()
    if remove:
        gone = ttl(remove)
        missing = [t for t in gone if t not in g]
        assert not missing, f"test bug: triples to remove are not in the seed graph: {missing}"
        for t in gone:
            g.remove(t)
    if add:
        for t in ttl(add):
            g.add(t)
    return g




def canon(**change: str) -> str:
    """A canonical visit of graph/events (kg/resolve.py), valid unless ``change`` replaces or drops (None) a slot."""
    slots = {"a": "dip:CanonicalEvent , dip:CanonicalVisit", "prov:wasDerivedFrom": A, "dip:evidence": '"Modi was in Moscow."',
             "dip:status": "dip:Occurred", "dip:cameoCode": '"042"', "dip:ploverCategory": '"CONSULT"',
             "dip:visitor": "<person/narendra-modi>", "dip:place": "<place/rus/moscow>", "dip:sourceCount": "2",
             "dip:resolutionKey": '"Visit person/narendra-modi RUS"',
             "dip:firstReported": '"2024-07-09"^^xsd:date', "dip:lastReported": '"2024-07-10"^^xsd:date'}
    slots.update(change)
    return "<event/canonical-x> " + " ; ".join(f"{k} {v}" for k, v in slots.items() if v is not None) + " ."


# (id, remove, add, expected message substring, expected failing shape)
CASES = [
    ("canonical-no-source-count", "", canon(**{"dip:sourceCount": None}), "exactly one dip:sourceCount",
     "Canonical-sourceCount"),
    ("canonical-zero-sources", "", canon(**{"dip:sourceCount": "0"}), "exactly one dip:sourceCount",
     "Canonical-sourceCount"),
    ("canonical-reported-backwards", "", canon(**{"dip:firstReported": '"2024-07-11"^^xsd:date'}),
     "not after its dip:lastReported", "Canonical-firstReported"),
    ("canonical-last-reported-string", "", canon(**{"dip:lastReported": '"2024-07-10"'}),
     "at most one dip:lastReported, an xsd:date", "Canonical-lastReported"),
    ("canonical-no-key", "", canon(**{"dip:resolutionKey": None}), "exactly one dip:resolutionKey", "Canonical-key"),
    ("canonical-points-to-canonical", "", canon(**{"dip:sameEventAs": "<event/canonical-y>"}),
     "does not point to another", "Canonical-not-linked"),
    ("canonical-no-visitor", "", canon(**{"dip:visitor": None}), "with the slots that class needs", "CanonicalEventShape"),
    ("event-two-canonical-events", "", f"{VISIT} dip:sameEventAs <event/canonical-x> , <event/canonical-y> .",
     "exactly one canonical event", "SameEventAs-one"),
    # --- Article
    ("article-no-identifier", f'{A} dcterms:identifier "seed-putin-modi-2024" .', "",
     "Article needs exactly one dcterms:identifier", "Article-identifier"),
    ("article-empty-identifier", f'{A} dcterms:identifier "seed-putin-modi-2024" .', f'{A} dcterms:identifier "" .',
     "dcterms:identifier", "Article-identifier"),
    ("article-two-titles", "", f'{A} dcterms:title "Another headline" .',
     "at most one dcterms:title", "Article-title"),
    ("article-issued-not-date", f'{A} dcterms:issued "2024-07-09"^^xsd:date .', f'{A} dcterms:issued "2024-07-09" .',
     "dcterms:issued, an xsd:date", "Article-issued"),
    ("article-source-plain-string", f'{A} dcterms:source "https://example.org/news/putin-modi-2024"^^xsd:anyURI .',
     f'{A} dcterms:source "https://example.org/news/putin-modi-2024" .', "xsd:anyURI", "Article-source"),
    ("article-two-texts", "", f'{A} schema:text "One text." , "Another text." .',
     "at most one schema:text", "Article-text"),
    ("article-empty-text", "", f'{A} schema:text "" .', "non-empty plain string", "Article-text"),
    ("article-text-with-language", "", f'{A} schema:text "The text."@en .', "non-empty plain string", "Article-text"),
    ("article-blank-node", "", '[] a dip:Article ; dcterms:identifier "x" .',
     "dip:Article must be an IRI", "ArticleShape"),
    # --- every event
    ("event-untyped", "",
     '<event/x-1> prov:wasDerivedFrom <article/f70a25d573f8ddde> ; dip:evidence "Something." ; dip:status dip:Occurred .',
     "must be typed dip:Visit, dip:Award, dip:Agreement or dip:TradeTarget", "Event-type-min"),
    ("event-two-classes", "", f"{DECL} a dip:TradeTarget .",
     "exactly one of dip:Visit, dip:Award, dip:Agreement, dip:TradeTarget", "Event-type-max"),
    ("event-blank-node", "",
     '[] a dip:Award ; prov:wasDerivedFrom <article/f70a25d573f8ddde> ; dip:evidence "x" ; dip:status dip:Conferred ;'
     ' dip:recipient <person/narendra-modi> ; dip:awardText "a medal" .',
     "An event must be an IRI", "EventShape"),
    ("missing-wasDerivedFrom", f"{VISIT} prov:wasDerivedFrom {A} .", "",
     "needs prov:wasDerivedFrom", "Event-derivedFrom-count"),
    ("wasDerivedFrom-non-article", f"{AWARD} prov:wasDerivedFrom {A} .", f"{AWARD} prov:wasDerivedFrom <article/other> .",
     "prov:wasDerivedFrom must point to a node typed dip:Article", "Event-derivedFrom-article"),
    ("wasDerivedFrom-to-person", f"{AWARD} prov:wasDerivedFrom {A} .", f"{AWARD} prov:wasDerivedFrom <person/narendra-modi> .",
     "prov:wasDerivedFrom must point to a node typed dip:Article", "Event-derivedFrom-article"),
    ("missing-evidence",
     f'{AWARD} dip:evidence "On Tuesday, Putin awarded Modi the highest Russian state order for his services." .', "",
     "needs exactly one dip:evidence", "Event-evidence-count"),
    ("two-evidences", "", f'{AWARD} dip:evidence "Another sentence." .',
     "needs exactly one dip:evidence", "Event-evidence-count"),
    ("blank-evidence",
     f'{AWARD} dip:evidence "On Tuesday, Putin awarded Modi the highest Russian state order for his services." .',
     f'{AWARD} dip:evidence "   " .', "dip:evidence must be a non-blank plain string", "Event-evidence-value"),
    ("evidence-language-tagged",
     f'{AWARD} dip:evidence "On Tuesday, Putin awarded Modi the highest Russian state order for his services." .',
     f'{AWARD} dip:evidence "Putin awarded Modi."@en .', "plain string (xsd:string, no language tag)",
     "Event-evidence-value"),
    ("missing-status", f"{TRADE} dip:status dip:Agreed .", "",
     "needs exactly one dip:status", "Event-status-count"),
    ("two-statuses", "", f"{TRADE} dip:status dip:Proposed .",
     "needs exactly one dip:status", "Event-status-count"),
    ("evidenceStart-negative", f"{VISIT} dip:evidenceStart 120 .", f"{VISIT} dip:evidenceStart -1 .",
     "dip:evidenceStart is at most one xsd:integer >= 0", "Event-evidenceStart"),
    ("evidenceEnd-string", f"{VISIT} dip:evidenceEnd 270 .", f'{VISIT} dip:evidenceEnd "270" .',
     "dip:evidenceEnd is at most one xsd:integer >= 0", "Event-evidenceEnd"),
    ("evidence-end-before-start", f"{VISIT} dip:evidenceEnd 270 .", f"{VISIT} dip:evidenceEnd 100 .",
     "dip:evidenceEnd must not be before dip:evidenceStart", "Event-evidence-offsets"),
    ("two-extractors", "", f'{VISIT} dip:extractor "spacy-rules/0.1" .',
     "dip:extractor is at most one", "Event-extractor"),
    ("confidence-above-one", "", f"{VISIT} dip:confidence 1.5 .",
     "dip:confidence is optional, at most one xsd:decimal from 0 to 1", "Event-confidence"),
    ("confidence-negative", "", f"{VISIT} dip:confidence -0.1 .",
     "dip:confidence is optional, at most one xsd:decimal from 0 to 1", "Event-confidence"),
    ("confidence-double", "", f"{VISIT} dip:confidence 5.0E-1 .",
     "xsd:decimal from 0 to 1", "Event-confidence"),
    ("confidence-string", "", f'{VISIT} dip:confidence "high" .',
     "xsd:decimal from 0 to 1", "Event-confidence"),
    ("two-confidences", "", f"{VISIT} dip:confidence 0.5 , 0.7 .",
     "at most one xsd:decimal", "Event-confidence"),
    # --- codes (v2)
    ("cameo-missing", f'{AWARD} dip:cameoCode "051" .', "",
     "Every event needs exactly one dip:cameoCode", "Event-cameoCode"),
    ("cameo-no-leading-zero", f'{AWARD} dip:cameoCode "051" .', f'{AWARD} dip:cameoCode "51" .',
     "with its leading zero", "Event-cameoCode"),
    ("cameo-two", "", f'{DECL} dip:cameoCode "030" .', "exactly one dip:cameoCode", "Event-cameoCode"),
    ("plover-category-missing", f'{VISIT} dip:ploverCategory "CONSULT" .', "",
     "Every event needs exactly one dip:ploverCategory", "Event-ploverCategory"),
    ("plover-category-lower-case", f'{VISIT} dip:ploverCategory "CONSULT" .', f'{VISIT} dip:ploverCategory "consult" .',
     "a PLOVER category in upper case", "Event-ploverCategory"),
    ("plover-mode-upper-case", f'{VISIT} dip:ploverMode "visit" .', f'{VISIT} dip:ploverMode "Visit" .',
     "lower-case PLOVER mode", "Event-ploverMode"),
    ("plover-mode-two", "", f'{VISIT} dip:ploverMode "meet" .', "at most one lower-case PLOVER mode", "Event-ploverMode"),
    ("plover-context-two", "", f'{AWARD} dip:ploverContext "economic" .',
     "at most one lower-case PLOVER context", "Event-ploverContext"),
    ("host-cameo-on-award", "", f'{AWARD} dip:hostCameoCode "043" .',
     "dip:hostCameoCode is only for a dip:Visit", "HostCameoCode-visit"),
    ("host-cameo-wrong", f'{VISIT} dip:hostCameoCode "043" .', f'{VISIT} dip:hostCameoCode "042" .',
     "dip:hostCameoCode is at most one", "HostCameoCode-value"),
    ("visit-cameo-agreement-code", f'{VISIT} dip:cameoCode "042" .', f'{VISIT} dip:cameoCode "057" .',
     "A Visit's dip:cameoCode is", "Visit-cameoCode"),
    ("award-cameo-visit-code", f'{AWARD} dip:cameoCode "051" .', f'{AWARD} dip:cameoCode "042" .',
     "An Award's dip:cameoCode is", "Award-cameoCode"),
    ("agreement-cameo-visit-code", f'{DECL} dip:cameoCode "057" .', f'{DECL} dip:cameoCode "043" .',
     "An Agreement's dip:cameoCode is", "Agreement-cameoCode"),
    ("trade-target-cameo-sign-code", f'{TRADE} dip:cameoCode "0311" .', f'{TRADE} dip:cameoCode "057" .',
     "A TradeTarget's dip:cameoCode is", "TradeTarget-cameoCode"),
    # --- Visit
    ("visit-status-signed", f"{VISIT} dip:status dip:Occurred .", f"{VISIT} dip:status dip:Signed .",
     "Visit dip:status must be one of dip:Occurred, dip:Ongoing, dip:Planned, dip:Cancelled", "Visit-status"),
    ("visit-status-literal", f"{VISIT} dip:status dip:Occurred .", f'{VISIT} dip:status "occurred" .',
     "Visit dip:status must be one of", "Visit-status"),
    ("missing-visitor", f"{VISIT} dip:visitor <person/narendra-modi> .", "",
     "Visit needs exactly one dip:visitor (a Person, or a Country for a delegation)", "Visit-visitor-count"),
    ("two-visitors", "", f"{VISIT} dip:visitor <person/vladimir-putin> .",
     "Visit needs exactly one dip:visitor", "Visit-visitor-count"),
    ("visitor-organization", f"{VISIT} dip:visitor <person/narendra-modi> .", f"{VISIT} dip:visitor <organization/rostec> .",
     "dip:visitor must be a node typed dip:Person or dip:Country", "Visit-visitor-class"),
    ("visitor-untyped", f"{VISIT} dip:visitor <person/narendra-modi> .", f"{VISIT} dip:visitor <person/nobody> .",
     "dip:visitor must be a node typed dip:Person or dip:Country", "Visit-visitor-class"),
    ("two-hosts", "", f"{VISIT} dip:host <country/RUS> .",
     "Visit has at most one dip:host", "Visit-host-count"),
    ("host-organization", f"{VISIT} dip:host <person/vladimir-putin> .", f"{VISIT} dip:host <organization/rostec> .",
     "dip:host must be a node typed dip:Person or dip:Country", "Visit-host-class"),
    ("missing-place", f"{VISIT} dip:place <place/rus/moscow> .", "",
     "Visit needs exactly one dip:place", "Visit-place-count"),
    ("place-is-person", f"{VISIT} dip:place <place/rus/moscow> .", f"{VISIT} dip:place <person/vladimir-putin> .",
     "dip:place must be a node typed dip:Place or dip:Country", "Visit-place-class"),
    ("startDate-plain-string", f'{VISIT} dip:startDate "2024-07-08"^^xsd:date .', f'{VISIT} dip:startDate "2024-07-08" .',
     "Visit has at most one dip:startDate, a valid xsd:date", "Visit-startDate"),
    ("startDate-dateTime", f'{VISIT} dip:startDate "2024-07-08"^^xsd:date .',
     f'{VISIT} dip:startDate "2024-07-08T10:00:00"^^xsd:dateTime .', "dip:startDate, a valid xsd:date", "Visit-startDate"),
    ("startDate-ill-formed", f'{VISIT} dip:startDate "2024-07-08"^^xsd:date .', f'{VISIT} dip:startDate "2024-13-45"^^xsd:date .',
     "dip:startDate, a valid xsd:date", "Visit-startDate"),
    ("endDate-bad-datatype", f'{VISIT} dip:endDate "2024-07-09"^^xsd:date .', f"{VISIT} dip:endDate 2024 .",
     "dip:endDate, a valid xsd:date", "Visit-endDate"),
    ("two-startDates", "", f'{VISIT} dip:startDate "2024-07-07"^^xsd:date .',
     "at most one dip:startDate", "Visit-startDate"),
    ("endDate-before-startDate", f'{VISIT} dip:endDate "2024-07-09"^^xsd:date .', f'{VISIT} dip:endDate "2024-07-07"^^xsd:date .',
     "dip:endDate is before dip:startDate", "Visit-date-order"),
    ("endDate-month-before-start", f'{VISIT} dip:endDate "2024-07-09"^^xsd:date .', f'{VISIT} dip:endDate "2024-06"^^xsd:gYearMonth .',
     "dip:endDate is before dip:startDate", "Visit-date-order"),
    ("endDate-year-before-start-year",
     f'{VISIT} dip:startDate "2024-07-08"^^xsd:date . {VISIT} dip:endDate "2024-07-09"^^xsd:date .',
     f'{VISIT} dip:startDate "2024"^^xsd:gYear . {VISIT} dip:endDate "2023"^^xsd:gYear .',
     "dip:endDate is before dip:startDate", "Visit-date-order"),
    # --- Award
    ("award-status-occurred", f"{AWARD} dip:status dip:Conferred .", f"{AWARD} dip:status dip:Occurred .",
     "Award dip:status must be one of dip:Conferred, dip:Announced, dip:Planned", "Award-status"),
    ("missing-recipient", f"{AWARD} dip:recipient <person/narendra-modi> .", "",
     "Award needs exactly one dip:recipient", "Award-recipient-count"),
    ("recipient-country", f"{AWARD} dip:recipient <person/narendra-modi> .", f"{AWARD} dip:recipient <country/IND> .",
     "dip:recipient must be a node typed dip:Person", "Award-recipient-class"),
    ("two-conferrers", "", f"{AWARD} dip:conferredBy <country/RUS> .",
     "Award has at most one dip:conferredBy", "Award-conferredBy-count"),
    ("conferredBy-place", f"{AWARD} dip:conferredBy <person/vladimir-putin> .", f"{AWARD} dip:conferredBy <place/rus/moscow> .",
     "dip:conferredBy must be a node typed dip:Person, dip:Country or dip:Organization", "Award-conferredBy-class"),
    ("award-no-name-no-text",
     f'{AWARD} dip:awardName "Order of St Andrew the Apostle" ; dip:awardText "the highest Russian state order" .', "",
     "Award needs dip:awardName (the official name) or dip:awardText", "AwardNameShape"),
    ("award-empty-name", f'{AWARD} dip:awardName "Order of St Andrew the Apostle" .', f'{AWARD} dip:awardName "" .',
     "dip:awardName is at most one non-empty plain string", "Award-awardName"),
    ("award-text-language-tagged", f'{AWARD} dip:awardText "the highest Russian state order" .',
     f'{AWARD} dip:awardText "the highest Russian state order"@en .', "dip:awardText is at most one non-empty plain string",
     "Award-awardText"),
    ("award-date-string", f'{AWARD} dip:date "2024-07-09"^^xsd:date .', f'{AWARD} dip:date "9 July 2024" .',
     "Award has at most one dip:date", "Award-date"),
    # --- Agreement
    ("agreement-one-party", f"{DECL} dip:party <country/RUS> .", "",
     "Agreement needs at least two dip:party", "Agreement-party-count"),
    ("agreement-party-person", f"{DECL} dip:party <country/RUS> .", f"{DECL} dip:party <person/vladimir-putin> .",
     "dip:party must be a node typed dip:Country or dip:Organization", "Agreement-party-class"),
    ("agreement-status-conferred", f"{DECL} dip:status dip:Signed .", f"{DECL} dip:status dip:Conferred .",
     "Agreement dip:status must be one of dip:Signed, dip:Agreed, dip:Reported, dip:Planned, dip:Denied",
     "Agreement-status"),
    ("agreement-two-titles", "", f'{DECL} dip:title "Joint statement" .',
     "dip:title is at most one", "Agreement-title"),
    ("agreement-topic-not-string", "", f"{DECL} dip:topic 42 .",
     "dip:topic values must be non-empty plain strings", "Agreement-topic"),
    ("agreement-date-gYear-as-int", f'{DECL} dip:date "2024-07-09"^^xsd:date .', f"{DECL} dip:date 2024 .",
     "Agreement has at most one dip:date", "Agreement-date"),
    # --- TradeTarget and amount
    ("tradetarget-status-signed", f"{TRADE} dip:status dip:Agreed .", f"{TRADE} dip:status dip:Signed .",
     "TradeTarget dip:status must be one of dip:Agreed, dip:Proposed, dip:Reaffirmed", "TradeTarget-status"),
    ("tradetarget-no-party", f"{TRADE} dip:party <country/IND> , <country/RUS> .", "",
     "TradeTarget needs at least one dip:party", "TradeTarget-party-count"),
    ("tradetarget-party-person", "", f"{TRADE} dip:party <person/narendra-modi> .",
     "dip:party must be a node typed dip:Country or dip:Organization", "TradeTarget-party-class"),
    ("missing-targetValue", f"{TRADE} dip:targetValue {AMOUNT} .", "",
     "TradeTarget needs exactly one dip:targetValue", "TradeTarget-targetValue-count"),
    ("targetValue-untyped", f"{AMOUNT} a schema:MonetaryAmount .", "",
     "dip:targetValue must point to a node typed schema:MonetaryAmount", "TradeTarget-targetValue-class"),
    ("targetYear-integer", f'{TRADE} dip:targetYear "2030"^^xsd:gYear .', f"{TRADE} dip:targetYear 2030 .",
     "dip:targetYear, an xsd:gYear", "TradeTarget-targetYear"),
    ("two-metrics", "", f'{TRADE} dip:metric "investment" .',
     "dip:metric is at most one", "TradeTarget-metric"),
    ("amount-negative", f"{AMOUNT} schema:value 100000000000.0 .", f"{AMOUNT} schema:value -5.0 .",
     "schema:value must be exactly one xsd:decimal >= 0", "MonetaryAmount-value"),
    ("amount-integer-not-decimal", f"{AMOUNT} schema:value 100000000000.0 .", f"{AMOUNT} schema:value 100000000000 .",
     "schema:value must be exactly one xsd:decimal >= 0", "MonetaryAmount-value"),
    ("amount-string", f"{AMOUNT} schema:value 100000000000.0 .", f'{AMOUNT} schema:value "100 billion" .',
     "schema:value must be exactly one xsd:decimal", "MonetaryAmount-value"),
    ("amount-missing-value", f"{AMOUNT} schema:value 100000000000.0 .", "",
     "schema:value must be exactly one xsd:decimal", "MonetaryAmount-value"),
    ("currency-unknown", f'{AMOUNT} schema:currency "USD" .', f'{AMOUNT} schema:currency "ABC" .',
     "schema:currency must be an ISO 4217 code", "MonetaryAmount-currency"),
    ("currency-lowercase", f'{AMOUNT} schema:currency "USD" .', f'{AMOUNT} schema:currency "usd" .',
     "schema:currency must be an ISO 4217 code", "MonetaryAmount-currency"),
    ("currency-missing", f'{AMOUNT} schema:currency "USD" .', "",
     "needs exactly one schema:currency", "MonetaryAmount-currency-count"),
    # --- actors and places
    ("country-code-unknown", '<country/RUS> dip:countryCode "RUS" .', '<country/RUS> dip:countryCode "XYZ" .',
     "dip:countryCode must be an ISO 3166-1 alpha-3 code", "Country-countryCode"),
    ("country-code-alpha2", '<country/RUS> dip:countryCode "RUS" .', '<country/RUS> dip:countryCode "RU" .',
     "dip:countryCode must be an ISO 3166-1 alpha-3 code", "Country-countryCode"),
    ("country-code-missing", '<country/RUS> dip:countryCode "RUS" .', "",
     "Country needs exactly one dip:countryCode", "Country-countryCode-count"),
    ("country-no-label", '<country/IND> rdfs:label "India" .', "",
     "Country needs exactly one rdfs:label", "Country-label"),
    ("person-no-label", '<person/vladimir-putin> rdfs:label "Vladimir Putin" .', "",
     "Person needs exactly one rdfs:label", "Person-label"),
    ("person-two-labels", "", '<person/vladimir-putin> rdfs:label "Putin" .',
     "Person needs exactly one rdfs:label", "Person-label"),
    ("person-empty-altLabel", "", '<person/vladimir-putin> skos:altLabel "" .',
     "skos:altLabel values must be non-empty plain strings", "Person-altLabel"),
    ("person-represents-organization", "", "<person/vladimir-putin> dip:represents <organization/rostec> .",
     "dip:represents must point to a node typed dip:Country", "Person-represents"),
    ("person-role-not-string", "", "<person/vladimir-putin> dip:role 1 .",
     "dip:role values must be non-empty plain strings", "Person-role"),
    ("place-without-country", "<place/rus/moscow> dip:country <country/RUS> .", "",
     "Place needs exactly one dip:country", "Place-country"),
    ("place-country-untyped", "<place/rus/moscow> dip:country <country/RUS> .", "<place/rus/moscow> dip:country <country/ZZZ> .",
     "Place needs exactly one dip:country, a node typed dip:Country", "Place-country"),
    ("place-no-label", '<place/rus/moscow> rdfs:label "Moscow" .', "",
     "Place needs exactly one rdfs:label", "Place-label"),
    ("organization-no-label", '<organization/rostec> rdfs:label "Rostec" .', "",
     "Organization needs exactly one rdfs:label", "Organization-label"),
    # --- identity and coordinates (v2)
    ("sameAs-two", "", "<country/IND> owl:sameAs <http://www.wikidata.org/entity/Q1> .",
     "An actor has at most one owl:sameAs", "SameAs-wikidata"),
    ("sameAs-page-url", "<country/IND> owl:sameAs <http://www.wikidata.org/entity/Q668> .",
     "<country/IND> owl:sameAs <https://www.wikidata.org/wiki/Q668> .", "not the page URL", "SameAs-wikidata"),
    ("sameAs-literal", "<country/IND> owl:sameAs <http://www.wikidata.org/entity/Q668> .",
     '<country/IND> owl:sameAs "Q668" .', "its Wikidata entity IRI", "SameAs-wikidata"),
    ("sameAs-on-event", "", f"{AWARD} owl:sameAs <http://www.wikidata.org/entity/Q1> .",
     "owl:sameAs is for actors", "SameAs-actor"),
    ("lat-without-long", "<place/rus/moscow> geo:long 37.61781 .", "",
     "exactly one geo:long", "Geo-long"),
    ("long-without-lat", "<place/rus/moscow> geo:lat 55.75204 .", "",
     "exactly one geo:lat", "Geo-lat"),
    ("lat-out-of-range", "<place/rus/moscow> geo:lat 55.75204 .", "<place/rus/moscow> geo:lat 95.0 .",
     "from -90 to 90", "Geo-lat"),
    ("long-string", "<place/rus/moscow> geo:long 37.61781 .", '<place/rus/moscow> geo:long "37.6" .',
     "from -180 to 180", "Geo-long"),
    ("coordinates-on-country", "", "<country/RUS> geo:lat 60.0 ; geo:long 100.0 .",
     "geo:lat / geo:long are for a dip:Place", "Geo-place"),
]


def _run(case):
    _id, remove, add, _msg, _shape = case
    return validate_graph(mutate(remove, add))


def test_seed_graph_conforms():
    report = validate_graph(seed_graph())
    assert report.conforms, report.text("seed")
    assert report.problems == []
    assert report.text("seed") == "article seed: conforms"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_graph_fails_with_message(case):
    _id, _remove, _add, message, shape = case
    report = _run(case)
    assert not report.conforms
    found = [p for p in report.problems if p.shape == f"dipsh:{shape}"]
    assert found, f"expected a result from dipsh:{shape}; got:\n{report.text(_id)}"
    assert any(message in p.message for p in found), report.text(_id)
    assert all(p.severity == "Violation" for p in found)


_NOT_CONSTRAINTS = {SH[x] for x in (
    "targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "property", "sparql", "name", "message",
    "description", "path", "severity", "deactivated", "declare", "prefixes", "select", "order", "group")}


def _constraint_shapes(shapes: rdflib.Graph) -> set[URIRef]:
    """Named shapes (dipsh:...) that carry constraints of their own (not just sh:property links)."""
    out = set()
    for s in set(shapes.subjects()):
        if not str(s).startswith(DIPSH) or s == URIRef(DIPSH):
            continue
        preds = {p for p in shapes.predicates(s) if str(p).startswith(str(SH))}
        if preds - _NOT_CONSTRAINTS or (s, RDF.type, SH.SPARQLConstraint) in shapes:
            out.add(s)
    return out


def test_every_shape_has_a_failing_case():
    """Each named shape with constraints in shapes/dipkg.ttl is exercised by at least one case above."""
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dipkg.ttl")
    named = {str(s)[len(DIPSH):] for s in _constraint_shapes(shapes)}
    assert len(named) > 50
    covered = {c[4] for c in CASES}
    assert named - covered == set(), f"shapes without a failing example: {sorted(named - covered)}"
    assert covered - named == set(), f"cases name unknown shapes: {sorted(covered - named)}"


def test_every_shape_has_a_message_and_name():
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dipkg.ttl")
    for s in _constraint_shapes(shapes):
        assert shapes.value(s, SH.message), f"{s} has no sh:message"
    for s in set(shapes.subjects(SH.path, None)):
        if isinstance(s, URIRef):
            assert shapes.value(s, SH.name), f"property shape {s} has no sh:name"
    for s in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(s, RDFS.label), f"node shape {s} has no rdfs:label"


# ------------------------------------------------------------------ things that must pass

def test_a_canonical_event_with_its_report_link_passes():
    from kg.validate import validate_graph
    g = mutate(add=canon() + f" {VISIT} dip:sameEventAs <event/canonical-x> .")
    report = validate_graph(g)
    assert report.conforms, report.text("canonical")


@pytest.mark.parametrize("remove,add", [
    # a delegation visit to a country, no host, no dates
    (f"{VISIT} dip:visitor <person/narendra-modi> ; dip:host <person/vladimir-putin> ; dip:place <place/rus/moscow> ;"
     f' dip:startDate "2024-07-08"^^xsd:date ; dip:endDate "2024-07-09"^^xsd:date .',
     f"{VISIT} dip:visitor <country/IND> ; dip:place <country/RUS> ."),
    # end given to the month only, same month as the start
    (f'{VISIT} dip:endDate "2024-07-09"^^xsd:date .', f'{VISIT} dip:endDate "2024-07"^^xsd:gYearMonth .'),
    # same-day visit; gYear dates
    (f'{VISIT} dip:endDate "2024-07-09"^^xsd:date .', f'{VISIT} dip:endDate "2024-07-08"^^xsd:date .'),
    (f'{VISIT} dip:startDate "2024-07-08"^^xsd:date . {VISIT} dip:endDate "2024-07-09"^^xsd:date .',
     f'{VISIT} dip:startDate "2024"^^xsd:gYear . {VISIT} dip:endDate "2024"^^xsd:gYear .'),
    # dates with a timezone
    (f'{VISIT} dip:startDate "2024-07-08"^^xsd:date . {VISIT} dip:endDate "2024-07-09"^^xsd:date .',
     f'{VISIT} dip:startDate "2024-07-08Z"^^xsd:date . {VISIT} dip:endDate "2024-07-09+03:00"^^xsd:date .'),
    # award with only the article's words; conferred by a country
    (f'{AWARD} dip:awardName "Order of St Andrew the Apostle" . {AWARD} dip:conferredBy <person/vladimir-putin> .',
     f"{AWARD} dip:conferredBy <country/RUS> ."),
    # award with only the official name, conferred by an organization, no date
    (f'{AWARD} dip:awardText "the highest Russian state order" ; dip:date "2024-07-09"^^xsd:date ;'
     f' dip:conferredBy <person/vladimir-putin> .',
     f"{AWARD} dip:conferredBy <organization/rostec> ."),
    # a trade target with one party that is an organization, a zero amount, every status
    (f"{TRADE} dip:party <country/IND> , <country/RUS> ; dip:status dip:Agreed .",
     f"{TRADE} dip:party <organization/rostec> ; dip:status dip:Reaffirmed ."),
    (f"{AMOUNT} schema:value 100000000000.0 .", f"{AMOUNT} schema:value 0.0 ."),
    # planned is allowed for visits, awards and agreements
    (f"{VISIT} dip:status dip:Occurred . {AWARD} dip:status dip:Conferred . {DECL} dip:status dip:Signed .",
     f"{VISIT} dip:status dip:Planned . {AWARD} dip:status dip:Planned . {DECL} dip:status dip:Planned ."),
    # an extracted event's confidence, at both ends of the range (curated events have none: the seed)
    ("", f"{VISIT} dip:confidence 0.85 . {AWARD} dip:confidence 0.0 . {DECL} dip:confidence 1.0 ."),
    # the article's full text, with the line breaks, tabs and characters beyond the BMP it was ingested with
    ("", f'{A} schema:text "MOSCOW \\u2014 Modi\\r\\n\\tarrived \\U0001F1EE\\U0001F1F3 on Monday." .'),
    # no optional metadata at all
    (f'{A} dcterms:title "Putin and Modi Strengthen Cooperation – Latest News" ; dcterms:issued "2024-07-09"^^xsd:date ;'
     f' dcterms:source "https://example.org/news/putin-modi-2024"^^xsd:anyURI .', ""),
])
def test_valid_variants_conform(remove, add):
    report = validate_graph(mutate(remove, add))
    assert report.conforms, report.text()


def test_typed_xsd_string_literals_are_accepted():
    """oxrdflib/pyoxigraph return plain strings as "x"^^xsd:string; sh:in must still match them."""
    g = seed_graph()
    typed = rdflib.Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            o = Literal(str(o), datatype=XSD_STRING)
        typed.add((s, p, o))
    report = validate_graph(typed)
    assert report.conforms, report.text()
    assert len(typed) == len(g)  # the caller's graph is left alone
    assert (URIRef(RES + "country/IND"), DIP.countryCode, Literal("IND", datatype=XSD_STRING)) in typed


def test_dataset_is_validated_as_union():
    ds = rdflib.Dataset()
    article_graph = ds.graph(URIRef(RES + "article/f70a25d573f8ddde"))
    actors = ds.graph(URIRef(RES + "actors"))
    for t in seed_graph():
        is_actor = any(str(t[0]).startswith(RES + k) for k in ("person/", "place/", "organization/", "country/"))
        (actors if is_actor else article_graph).add(t)
    assert validate_graph(ds).conforms


def test_validator_reuse_does_not_leak_between_articles():
    bad = mutate(f"{VISIT} dip:visitor <person/narendra-modi> .", "")
    good = seed_graph()
    for _ in range(3):
        assert not validate_graph(bad).conforms
        assert validate_graph(good).conforms
    assert len(validate_graph(bad).problems) == 1


def test_data_graph_is_not_modified():
    g = seed_graph()
    before = set(g)
    validate_graph(g)
    assert set(g) == before


def test_shapes_and_ontology_are_loaded_once():
    validate_graph(seed_graph())
    first = kv._load()
    validate_graph(seed_graph())
    assert kv._load() is first


def test_configured_shapes_override(tmp_path):
    """Settings.shapes (KG_SHAPES), given to kg.validate.configure, points validation at another shapes file."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dip: <https://w3id.org/dipkg/ontology#> .
<urn:s> a sh:NodeShape ; sh:targetClass dip:Visit ; sh:property [ sh:path dip:nothing ; sh:minCount 1 ;
    sh:message "custom shape" ] .
""")
    kv.configure(shapes=shapes)
    try:
        report = validate_graph(seed_graph())
        assert [p.message for p in report.problems] == ["custom shape"]
    finally:
        kv.configure()
    assert validate_graph(seed_graph()).conforms


def test_report_text_is_readable():
    report = validate_graph(mutate(f"{VISIT} dip:visitor <person/narendra-modi> .",
                                   f"{VISIT} dip:visitor <organization/rostec> ."))
    assert not report.conforms
    (p,) = report.problems
    assert isinstance(p, Problem)
    assert p.focus == RES + "event/f70a25d573f8ddde-visit"
    assert p.path == str(DIP.visitor)
    assert p.value == "<organization/rostec>"
    assert p.severity == "Violation"
    assert p.focus_type == "Visit"
    text = report.text("seed-x")
    assert text.splitlines()[0] == "article seed-x: 1 problem"
    assert text.splitlines()[1] == (
        "article seed-x: event <event/f70a25d573f8ddde-visit> (Visit): dip:visitor: "
        "dip:visitor must be a node typed dip:Person or dip:Country in the graph "
        "(not an Organization or an untyped node) (found <organization/rostec>)")


def test_report_shows_literal_values():
    report = validate_graph(mutate('<country/RUS> dip:countryCode "RUS" .', '<country/RUS> dip:countryCode "XYZ" .'))
    (p,) = report.problems
    assert p.value == '"XYZ"'
    assert "country <country/RUS> (Country): dip:countryCode:" in report.text("a")


def test_report_dataclass_defaults():
    r = Report(conforms=True)
    assert r.problems == [] and r.text() == "graph: conforms"


# ------------------------------------------------------------------ code lists

def _tsv_column(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return sorted({row[column] for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)})


def _sh_in(shape: str) -> list[str]:
    g = rdflib.Graph().parse(ROOT / "shapes" / "dipkg.ttl")
    head = g.value(URIRef(DIPSH + shape), SH["in"])
    assert head is not None, f"dipsh:{shape} has no sh:in"
    return [str(x) for x in rdflib.collection.Collection(g, head)]


def test_country_code_list_matches_data_file():
    codes = _tsv_column(ROOT / "kg" / "data" / "countries.tsv", "alpha3")
    assert len(codes) > 240 and "IND" in codes and "RUS" in codes
    assert _sh_in("Country-countryCode") == codes


def test_currency_code_list_matches_data_file():
    codes = _tsv_column(ROOT / "kg" / "data" / "currencies.tsv", "code")
    assert len(codes) > 150 and "USD" in codes and "INR" in codes
    assert _sh_in("MonetaryAmount-currency") == codes


def test_gen_code_lists_check_passes():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_code_lists.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_gen_code_lists_rewrites_only_the_block(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_code_lists
    finally:
        sys.path.pop(0)
    text = (ROOT / "shapes" / "dipkg.ttl").read_text(encoding="utf-8")
    stale = text.replace('"IND" ', "", 1)
    assert stale != text
    assert gen_code_lists.rewrite(stale) == text


# ------------------------------------------------------------------ the ontology

# The terms of /work/shared/ONTOLOGY-CONTRACT.md (hard-coded: the contract is the API, this is its test).
CONTRACT_CLASSES = [
    "dip:Article", "dip:Country", "dip:Person", "dip:Organization", "dip:Place", "dip:DiplomaticEvent",
    "dip:Visit", "dip:Award", "dip:Agreement", "dip:TradeTarget", "schema:MonetaryAmount",
]
CONTRACT_PROPERTIES = [
    "dcterms:identifier", "dcterms:title", "dcterms:issued", "dcterms:source", "prov:wasDerivedFrom",
    "dip:evidence", "dip:countryCode", "rdfs:label", "dip:represents", "dip:role", "dip:country",
    "dip:visitor", "dip:host", "dip:place", "dip:startDate", "dip:endDate",
    "dip:recipient", "dip:conferredBy", "dip:awardName", "dip:date",
    "dip:party", "dip:title", "dip:topic",
    "dip:targetValue", "schema:value", "schema:currency", "dip:targetYear", "dip:metric", "dip:status",
]
CONTRACT_STATUSES = [
    "Occurred", "Ongoing", "Planned", "Cancelled", "Conferred", "Announced",
    "Signed", "Agreed", "Reported", "Denied", "Proposed", "Reaffirmed",
]
ADDED_PROPERTIES = ["dip:evidenceStart", "dip:evidenceEnd", "dip:awardText", "dip:extractor", "skos:altLabel",
                    "dip:confidence", "dip:cameoCode", "dip:hostCameoCode", "dip:ploverCategory", "dip:ploverMode",
                    "dip:ploverContext", "owl:sameAs", "geo:lat", "geo:long", "schema:text"]
ADDED_CLASSES = ["dip:Actor", "dip:Status"]
NS = {
    "dip": str(DIP), "schema": str(SCHEMA), "dcterms": str(DCTERMS), "prov": "http://www.w3.org/ns/prov#",
    "rdfs": str(RDFS), "skos": str(SKOS), "owl": str(OWL), "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}


def _iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(NS[prefix] + local)


@pytest.fixture(scope="module")
def ont() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "dipkg.ttl")


def _has_label_and_comment(ont, iri):
    labels = [x for x in ont.objects(iri, RDFS.label) if str(x).strip()]
    comments = [x for x in ont.objects(iri, RDFS.comment) if str(x).strip()]
    return labels and comments


@pytest.mark.parametrize("curie", CONTRACT_CLASSES + ADDED_CLASSES)
def test_ontology_defines_class(ont, curie):
    iri = _iri(curie)
    assert (iri, RDF.type, OWL.Class) in ont, f"{curie} is not an owl:Class"
    assert _has_label_and_comment(ont, iri), f"{curie} lacks rdfs:label / rdfs:comment"


@pytest.mark.parametrize("curie", CONTRACT_PROPERTIES + ADDED_PROPERTIES)
def test_ontology_defines_property(ont, curie):
    iri = _iri(curie)
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    assert kinds & set(ont.objects(iri, RDF.type)), f"{curie} is not declared as a property"
    assert _has_label_and_comment(ont, iri), f"{curie} lacks rdfs:label / rdfs:comment"
    if curie.startswith("dip:"):
        # our own terms: real RDFS domain and range
        assert ont.value(iri, RDFS.domain) is not None, f"{curie} has no rdfs:domain"
        assert ont.value(iri, RDFS.range) is not None, f"{curie} has no rdfs:range"
    else:
        # reused terms: documented domain/range without hijacking someone else's vocabulary
        assert ont.value(iri, SCHEMA.domainIncludes) is not None, f"{curie} has no schema:domainIncludes"
        assert ont.value(iri, SCHEMA.rangeIncludes) is not None, f"{curie} has no schema:rangeIncludes"
        assert ont.value(iri, RDFS.domain) is None and ont.value(iri, RDFS.range) is None, \
            f"{curie}: do not assert rdfs:domain/range on a term we do not own"


def test_confidence_is_a_decimal_on_events(ont):
    """ONTOLOGY-CONTRACT.md (v2 additions): dip:confidence is xsd:decimal in [0, 1] on an event."""
    assert ont.value(DIP.confidence, RDFS.range) == URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    assert ont.value(DIP.confidence, RDFS.domain) == DIP.DiplomaticEvent


@pytest.mark.parametrize("name", CONTRACT_STATUSES)
def test_ontology_defines_status(ont, name):
    iri = DIP[name]
    assert (iri, RDF.type, DIP.Status) in ont
    assert _has_label_and_comment(ont, iri)


def test_ontology_class_hierarchy(ont):
    for cls in ("Visit", "Award", "Agreement", "TradeTarget"):
        assert (DIP[cls], RDFS.subClassOf, DIP.DiplomaticEvent) in ont
    assert (DIP.DiplomaticEvent, RDFS.subClassOf, SEM.Event) in ont
    assert (DIP.DiplomaticEvent, RDFS.subClassOf, SCHEMA.Event) in ont
    for cls in ("Person", "Country", "Organization"):
        assert (DIP[cls], RDFS.subClassOf, DIP.Actor) in ont


def test_ontology_header(ont):
    (o,) = list(ont.subjects(RDF.type, OWL.Ontology))
    for p in (DCTERMS.title, DCTERMS.description, OWL.versionInfo, DCTERMS.license):
        assert ont.value(o, p) is not None, f"ontology header lacks {p}"
    assert "MIT" in str(ont.value(o, DCTERMS.license))


def test_ontology_event_classes_map_to_cameo_and_plover(ont):
    cameo = "https://w3id.org/dipkg/cameo#"
    plover = "https://w3id.org/dipkg/plover#"
    match = (SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.exactMatch)
    for cls in ("Visit", "Award", "Agreement", "TradeTarget"):
        targets = {str(o) for p in match for o in ont.objects(DIP[cls], p)}
        assert any(t.startswith(cameo) for t in targets), f"dip:{cls} has no CAMEO mapping"
        for t in targets:
            assert ont.value(URIRef(t), SKOS.notation) is not None, f"{t} has no skos:notation"
            assert ont.value(URIRef(t), SKOS.prefLabel) is not None, f"{t} has no skos:prefLabel"
    assert (DIP.Visit, SKOS.closeMatch, URIRef(cameo + "042")) in ont
    assert (DIP.Agreement, SKOS.closeMatch, URIRef(cameo + "057")) in ont
    assert (DIP.Agreement, SKOS.closeMatch, URIRef(plover + "AGREE")) in ont
    assert (DIP.Visit, SKOS.closeMatch, URIRef(plover + "CONSULT")) in ont


def test_every_cameo_code_dipkg_assigns_is_an_ontology_concept_and_allowed_by_its_class_shape(ont):
    """kg/data/cameo_plover.tsv, the ontology's cameo: concepts and the per-class sh:in lists agree."""
    from kg.codes import cameo_table
    cameo = "https://w3id.org/dipkg/cameo#"
    plover = "https://w3id.org/dipkg/plover#"
    for code, row in cameo_table().items():
        assert ont.value(URIRef(cameo + code), SKOS.notation) == Literal(code), f"no cameo:{code} concept"
        assert ont.value(URIRef(plover + row.plover_category), SKOS.notation) is not None, row.plover_category
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dipkg.ttl")
    allowed = set()
    for cls in ("Visit", "Award", "Agreement", "TradeTarget"):
        allowed |= {str(x) for x in rdflib.collection.Collection(
            shapes, shapes.value(URIRef(f"{DIPSH}{cls}-cameoCode"), SH["in"]))}
    assert allowed | {"043"} == set(cameo_table())


def test_shapes_status_lists_match_ontology(ont):
    """The sh:in of each class's status shape equals the ontology's owl:oneOf for that class."""
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dipkg.ttl")
    for cls in ("Visit", "Award", "Agreement", "TradeTarget"):
        in_list = set(rdflib.collection.Collection(shapes, shapes.value(URIRef(f"{DIPSH}{cls}-status"), SH["in"])))
        one_of = set(rdflib.collection.Collection(ont, ont.value(DIP[f"{cls}Status"], OWL.oneOf)))
        assert in_list == one_of, cls
