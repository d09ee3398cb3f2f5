"""Records -> RDF: the graph of one article, and the shared actor nodes it uses.

Layout (the public shape of the store; see ONTOLOGY-CONTRACT.md for the terms):

- one named graph per article, named by the article IRI, holding the
  ``dip:Article`` node (with its full text as ``schema:text`` unless the store keeps sentences only),
  its events and their monetary amounts;
- one shared graph (:data:`ACTORS_GRAPH`) holding countries, persons, places
  and organisations, so an actor has one IRI and one description across the
  whole store and deleting an article never deletes an actor someone else uses.

IRIs are deterministic: countries by ISO code, persons by normalised full
name, places by country and name, organisations by name, articles by id and
events by article and content. Re-importing an article therefore rebuilds the
very same graph, which is what makes re-import idempotent.

Labels are deterministic too. Normalised names make 'Luiz Inácio Lula da Silva'
and 'Luiz Inacio Lula da Silva' one IRI; of all the spellings an actor is known
by, :func:`canonical_label` picks the rdfs:label by a fixed rule and every other
spelling is a skos:altLabel (:func:`settle_labels`), whatever order the articles
arrive in. The stores apply the same rule against what they already hold.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from .authority import coordinates, wikidata_iri
from .codes import event_codes
from .records import Agreement, Article, Award, Event, TradeTarget, Visit, event_to_json
from .countries import country_names  # noqa: F401 (kg.rdf.country_names: the table lives in kg/countries.py)

DIP = Namespace("https://w3id.org/dipkg/ontology#")
SCHEMA = Namespace("https://schema.org/")
BASE = "https://w3id.org/dipkg/resource/"
ACTORS_GRAPH = URIRef("https://w3id.org/dipkg/graph/actors")

GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")   # W3C Basic Geo: geo:lat, geo:long

PREFIXES = {"dip": str(DIP), "prov": str(PROV), "dcterms": str(DCTERMS), "schema": str(SCHEMA),
            "xsd": str(XSD), "rdfs": str(RDFS), "skos": str(SKOS), "owl": str(OWL), "geo": str(GEO)}

STATUS_TERMS = {"occurred": "Occurred", "ongoing": "Ongoing", "planned": "Planned",
                "cancelled": "Cancelled", "conferred": "Conferred", "announced": "Announced",
                "signed": "Signed", "agreed": "Agreed", "reported": "Reported", "denied": "Denied",
                "proposed": "Proposed", "reaffirmed": "Reaffirmed"}

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,80}$")


# --- IRIs ------------------------------------------------------------------------------

def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Luiz Inácio Lula da Silva' -> 'luiz-inacio-lula-da-silva'."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "x"


def label_preference(text: str) -> tuple:
    """Sort key of one spelling of a name; the smallest key is the canonical label.

    In order: the most diacritics ('Lourenço' over 'Lourenco'), the most characters, mixed
    case over ALL CAPS or all lower case, NFC over other Unicode forms of the same text, then
    code-point order. Only the text counts, never when or where it was seen.
    """
    nfc = unicodedata.normalize("NFC", text)
    marks = sum(1 for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c))
    mixed = any(c.isupper() for c in nfc) and any(c.islower() for c in nfc)
    return (-marks, -len(nfc), not mixed, text != nfc, text)


def canonical_label(spellings) -> str:
    """The rdfs:label among the spellings of one actor (see :func:`label_preference`)."""
    return min(spellings, key=label_preference)


def settle_labels(actor_triples, known: dict | None = None) -> tuple[list[tuple], dict]:
    """One rdfs:label per actor, chosen from every spelling known for it; the others become skos:altLabel.

    ``actor_triples`` are (s, p, o) triples for the actor graph; ``known`` maps an actor IRI to
    ``(labels, altLabels)`` (strings) the store already holds for it. The candidates for an
    actor's label are its rdfs:label values in both, plus any altLabel that is a spelling of
    one of them (the same :func:`slug`: an earlier label that was demoted, not an alias such as
    'Modi'). Returns the triples to write (the chosen label as rdfs:label, the other labels as
    skos:altLabel, no altLabel equal to the label) and {actor IRI: chosen label}.
    """
    known = known or {}
    triples = list(dict.fromkeys(actor_triples))
    labels: dict = {}
    alts: dict = {}
    for s, p, o in triples:
        if p == RDFS.label:
            labels.setdefault(s, set()).add(str(o))
        elif p == SKOS.altLabel:
            alts.setdefault(s, set()).add(str(o))
    chosen = {}
    for s, written in labels.items():
        stored_labels, stored_alts = known.get(str(s), ((), ()))
        candidates = set(written) | set(stored_labels)
        keys = {slug(c) for c in candidates}
        candidates |= {a for a in (alts.get(s, set()) | set(stored_alts)) if slug(a) in keys}
        chosen[s] = canonical_label(candidates)
    out = []
    for s, p, o in triples:
        if s in chosen and p in (RDFS.label, SKOS.altLabel):
            if str(o) == chosen[s]:
                continue
            p = SKOS.altLabel
        out.append((s, p, o))
    # The label may be a spelling only the store had (as an altLabel): it is written either way.
    out += [(s, RDFS.label, Literal(label)) for s, label in chosen.items()]
    return list(dict.fromkeys(out)), chosen


def _digest(text: str, n: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def article_key(article_id: str) -> str:
    """The article id itself when it is IRI-safe, else a hash of it (ids are free text)."""
    return article_id if _SAFE_ID.match(article_id) else _digest(article_id)


def article_iri(article_id: str) -> URIRef:
    return URIRef(f"{BASE}article/{article_key(article_id)}")


def country_iri(code: str) -> URIRef:
    return URIRef(f"{BASE}country/{code.upper()}")


def person_iri(name: str) -> URIRef:
    return URIRef(f"{BASE}person/{slug(name)}")


def place_iri(name: str, country: str | None) -> URIRef:
    return URIRef(f"{BASE}place/{(country or 'xxx').lower()}/{slug(name)}")


def organization_iri(name: str) -> URIRef:
    return URIRef(f"{BASE}organization/{slug(name)}")


_NOT_CONTENT = ("evidence_start", "evidence_end", "confidence")


def event_iri(article_id: str, event: Event) -> URIRef:
    """Deterministic from the article and the event's content.

    Offsets and confidence are left out: they say where and how sure, not what happened, so a
    re-extraction that only re-scores an event keeps its IRI.
    """
    content = {k: v for k, v in event_to_json(event).items() if k not in _NOT_CONTENT}
    return URIRef(f"{BASE}event/{article_key(article_id)}-{_digest(json.dumps(content, sort_keys=True), 12)}")


def is_country_code(party: str) -> bool:
    """True when a party is an ISO 3166-1 alpha-3 code in kg/data/countries.tsv.

    Three capital letters are not enough: "SCO", "WFP" and "OAS" are organisations, and a
    dip:Country with an unknown code fails SHACL (and, before, took its whole article with it).
    """
    return party in country_names()


# --- records -> graphs -----------------------------------------------------------------

@dataclass
class ArticleGraphs:
    """What one article contributes: its own graph and the actor triples it uses."""

    iri: URIRef
    graph: Graph    # goes into the named graph ``iri``
    actors: Graph   # goes into ACTORS_GRAPH (shared, merged)
    events: list[tuple[URIRef, Event]]

    def validation_graph(self) -> Graph:
        """The article graph plus its actor nodes: everything the shapes look at."""
        g = Graph()
        for t in self.graph:
            g.add(t)
        for t in self.actors:
            g.add(t)
        return g


def date_literal(value: str) -> Literal:
    """'2024-07-09' -> xsd:date, '2024-07' -> xsd:gYearMonth, '2024' -> xsd:gYear."""
    dt = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(value), XSD.date)
    return Literal(value, datatype=dt)


def decimal_literal(value: float | int | str) -> Literal:
    d = Decimal(str(value))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return Literal(text, datatype=XSD.decimal)


class _Builder:
    def __init__(self, article: Article, extractor: str | None, text: bool = True):
        self.article = article
        self.extractor = extractor
        self.text = text
        self.iri = article_iri(article.id)
        self.g = Graph()
        self.actors = Graph()
        self.people = {slug(p.name): p for p in article.people}

    # actors -----------------------------------------------------------------
    def country(self, code: str) -> URIRef:
        code = code.upper()
        node = country_iri(code)
        a = self.actors
        a.add((node, RDF.type, DIP.Country))
        a.add((node, DIP.countryCode, Literal(code)))
        name = country_names().get(code)
        if name:
            a.add((node, RDFS.label, Literal(name)))
        self.same_as(node, "country", code)
        return node

    def same_as(self, node: URIRef, kind: str, key: str) -> None:
        """owl:sameAs the actor's Wikidata entity, when kg/data/wikidata.tsv knows it (kg.authority)."""
        entity = wikidata_iri(kind, key)
        if entity:
            self.actors.add((node, OWL.sameAs, URIRef(entity)))

    def person(self, name: str, country: str | None) -> URIRef:
        node = person_iri(name)
        self.actors.add((node, RDF.type, DIP.Person))
        self.actors.add((node, RDFS.label, Literal(name)))
        if country:
            self.actors.add((node, DIP.represents, self.country(country)))
        self.same_as(node, "person", slug(name))
        about = self.people.get(slug(name))
        if about is not None:
            if about.role:
                self.actors.add((node, DIP.role, Literal(about.role)))
            for alias in about.aliases:
                if alias != name:
                    self.actors.add((node, SKOS.altLabel, Literal(alias)))
        return node

    def organization(self, name: str) -> URIRef:
        node = organization_iri(name)
        self.actors.add((node, RDF.type, DIP.Organization))
        self.actors.add((node, RDFS.label, Literal(name)))
        self.same_as(node, "organization", slug(name))
        return node

    def place(self, name: str, country: str | None) -> URIRef:
        node = place_iri(name, country)
        self.actors.add((node, RDF.type, DIP.Place))
        self.actors.add((node, RDFS.label, Literal(name)))
        if country:
            self.actors.add((node, DIP.country, self.country(country)))
            self.same_as(node, "place", f"{country.upper()}/{slug(name)}")
            where = coordinates(country, slug(name))
            if where:
                self.actors.add((node, GEO.lat, decimal_literal(where[0])))
                self.actors.add((node, GEO.long, decimal_literal(where[1])))
        return node

    def agent(self, name: str | None, country: str | None) -> URIRef | None:
        """A named person, else the country itself (a delegation, or 'Moscow said')."""
        if name:
            return self.person(name, country)
        if country:
            return self.country(country)
        return None

    def party(self, party: str) -> URIRef:
        """A state when the party is a known ISO alpha-3 code, else an organisation named so."""
        return self.country(party) if is_country_code(party) else self.organization(party)

    # article and events ---------------------------------------------------------
    def build_article(self) -> None:
        a, g = self.article, self.g
        g.add((self.iri, RDF.type, DIP.Article))
        g.add((self.iri, DCTERMS.identifier, Literal(a.id)))
        if a.title:
            g.add((self.iri, DCTERMS.title, Literal(a.title)))
        if a.published:
            g.add((self.iri, DCTERMS.issued, date_literal(a.published)))
        if a.url:
            g.add((self.iri, DCTERMS.source, Literal(a.url, datatype=XSD.anyURI)))
        if self.text and a.text and a.text.strip():
            # verbatim: dip:evidenceStart/End are offsets into this very string (Python code points)
            g.add((self.iri, SCHEMA.text, Literal(a.text)))

    def add_codes(self, e: URIRef, event: Event) -> None:
        """CAMEO and PLOVER codes (kg.codes): derived from the record, so they never change the event's IRI."""
        codes = event_codes(event)
        g, cameo = self.g, codes.cameo
        g.add((e, DIP.cameoCode, Literal(cameo.code)))
        if codes.host_cameo is not None:
            g.add((e, DIP.hostCameoCode, Literal(codes.host_cameo.code)))
        g.add((e, DIP.ploverCategory, Literal(cameo.plover_category)))
        if cameo.plover_mode:
            g.add((e, DIP.ploverMode, Literal(cameo.plover_mode)))
        if cameo.plover_context:
            g.add((e, DIP.ploverContext, Literal(cameo.plover_context)))

    def build_event(self, event: Event) -> URIRef:
        g = self.g
        e = event_iri(self.article.id, event)
        g.add((e, RDF.type, DIP[event.type]))
        g.add((e, PROV.wasDerivedFrom, self.iri))
        if event.evidence:
            g.add((e, DIP.evidence, Literal(event.evidence)))
        if event.status:
            term = STATUS_TERMS.get(event.status)
            g.add((e, DIP.status, DIP[term] if term else DIP[slug(event.status)]))
        if event.evidence_start is not None and event.evidence_end is not None:
            g.add((e, DIP.evidenceStart, Literal(event.evidence_start)))
            g.add((e, DIP.evidenceEnd, Literal(event.evidence_end)))
        if self.extractor:
            g.add((e, DIP.extractor, Literal(self.extractor)))
        confidence = getattr(event, "confidence", None)
        if confidence is not None:
            g.add((e, DIP.confidence, decimal_literal(confidence)))
        self.add_codes(e, event)

        def add(p, o):
            if o is not None:
                g.add((e, p, o))

        def date(p, v):
            if v:
                g.add((e, p, date_literal(v)))

        if isinstance(event, Visit):
            add(DIP.visitor, self.agent(event.visitor, event.visitor_country))
            add(DIP.host, self.agent(event.host, event.host_country))
            if event.place:
                add(DIP.place, self.place(event.place, event.place_country))
            elif event.place_country:
                add(DIP.place, self.country(event.place_country))
            date(DIP.startDate, event.start)
            date(DIP.endDate, event.end)
        elif isinstance(event, Award):
            if event.recipient:
                add(DIP.recipient, self.person(event.recipient, event.recipient_country))
            add(DIP.conferredBy, self.agent(event.conferrer, event.conferrer_country))
            if event.award:
                add(DIP.awardName, Literal(event.award))
            if event.award_text:
                add(DIP.awardText, Literal(event.award_text))
            date(DIP.date, event.date)
        elif isinstance(event, (Agreement, TradeTarget)):
            for p in dict.fromkeys(event.parties):
                add(DIP.party, self.party(p))
            if isinstance(event, Agreement):
                if event.title:
                    add(DIP.title, Literal(event.title))
                for t in dict.fromkeys(event.topics):
                    add(DIP.topic, Literal(t))
                date(DIP.date, event.date)
            else:
                if event.amount is not None or event.currency:
                    amount = URIRef(f"{e}/amount")
                    add(DIP.targetValue, amount)
                    g.add((amount, RDF.type, SCHEMA.MonetaryAmount))
                    if event.amount is not None:
                        g.add((amount, SCHEMA.value, decimal_literal(event.amount)))
                    if event.currency:
                        g.add((amount, SCHEMA.currency, Literal(event.currency.upper())))
                if event.year is not None:
                    add(DIP.targetYear, Literal(f"{event.year:04d}", datatype=XSD.gYear))
                if event.metric:
                    add(DIP.metric, Literal(event.metric))
        return e


def article_graphs(article: Article, *, extractor: str | None = None, text: bool = True) -> ArticleGraphs:
    """Build the RDF of one article. ``extractor`` names what produced its events ('curated', ...).

    ``text``: write the article's full text, verbatim, as ``schema:text`` of the article node (the
    ``store_text`` setting, KG_STORE_TEXT); False keeps only the events' evidence sentences, for texts
    whose licence forbids redistribution. An empty text is never written."""
    b = _Builder(article, extractor, text)
    b.build_article()
    events: dict[URIRef, Event] = {}
    for ev in article.events:
        # Same content, same IRI: one event, even if the article repeats the sentence (first place wins).
        iri = event_iri(article.id, ev)
        if iri not in events:
            events[b.build_event(ev)] = ev
    # An article may spell one actor two ways ("Lula" in full, with and without accents): one label.
    actors = Graph()
    for t in settle_labels(b.actors)[0]:
        actors.add(t)
    return ArticleGraphs(iri=b.iri, graph=b.g, actors=actors, events=list(events.items()))
