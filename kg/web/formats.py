"""The formats the HTTP endpoints speak, and Accept negotiation: one table each.

Short names and their media types come from the store (:data:`kg.store.base.RESULT_FORMATS`,
:data:`kg.store.base.RDF_FORMATS`); here are the media types a client may *ask* for, in order of
preference (the first is what ``*/*`` or no Accept header gets), and the names ``?format=`` takes.
Matching is werkzeug's ``MIMEAccept.best_match`` (quality first, then the more specific range, then
the earlier candidate).
"""
from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from ..store.base import RDF_FORMATS, RESULT_FORMATS

RESULT_TYPES = RESULT_FORMATS          # SELECT / ASK answers: short name -> media type
GRAPH_TYPES = RDF_FORMATS              # CONSTRUCT / DESCRIBE answers and graphs

RESULT_ACCEPT = [("application/sparql-results+json", "json"), ("application/json", "json"),
                 ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
                 ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("text/plain", "tsv"),
                 ("application/javascript", "json"), ("text/javascript", "json")]
GRAPH_ACCEPT = [("text/turtle", "turtle"), ("application/x-turtle", "turtle"), ("application/n-triples", "ntriples"),
                ("text/plain", "ntriples"), ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
                ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
                ("text/n3", "turtle"), ("text/rdf+n3", "turtle")]
DATASET_ACCEPT = [("application/trig", "trig"), ("application/n-quads", "nquads"), ("text/plain", "nquads"),
                  ("application/x-trig", "trig")]
# what a request body in each Content-Type is parsed as (text/plain: N-Triples)
INPUT_TYPES = {**dict(DATASET_ACCEPT), **dict(GRAPH_ACCEPT)}

# ?format= / ?output= values -> format name. Every value SPARQLWrapper 2.0 sends (json, xml, csv, tsv, turtle,
# n3, rdf+xml, json-ld), the short names of Jena, Virtuoso and Fuseki, and media types. N3 is answered as
# Turtle (Turtle is N3). A value not in this table is ignored and Accept decides, as Oxigraph does
# (sparql.negotiate): clients send values of their own that they would parse anyway.
FORMAT_ALIASES = {"json": "json", "srj": "json", "sparql-results+json": "json", "js": "json",
                  "xml": "xml", "srx": "xml", "sparql-results+xml": "xml",
                  "csv": "csv", "tsv": "tsv", "tab-separated-values": "tsv",
                  "turtle": "turtle", "ttl": "turtle", "n3": "turtle", "text/n3": "turtle",
                  "text/rdf+n3": "turtle", "application/x-turtle": "turtle",
                  "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
                  "jsonld": "jsonld", "json-ld": "jsonld", "ld+json": "jsonld",
                  "rdfxml": "rdfxml", "rdf": "rdfxml", "rdf/xml": "rdfxml", "rdf+xml": "rdfxml",
                  "application/json": "json",
                  **{media: name for name, media in RESULT_FORMATS.items()},
                  **{media: name for name, media in RDF_FORMATS.items() if name not in ("nquads", "trig")}}
# a '+' sent unencoded in a URL arrives as a space ("rdf xml")
FORMAT_ALIASES.update({k.replace("+", " "): v for k, v in list(FORMAT_ALIASES.items()) if "+" in k})


def format_alias(value: str) -> str | None:
    """The format name a ?format= value stands for, or None when it is not one we know (then Accept decides)."""
    v = value.strip().lower()
    return FORMAT_ALIASES.get(v) or FORMAT_ALIASES.get(v.split(";")[0].strip())


def best_match(accept: MIMEAccept, table: list[tuple[str, str]]) -> str | None:
    """The format name of ``table`` that ``accept`` (``request.accept_mimetypes``) prefers; None if none is acceptable.

    No Accept header (or an empty one) accepts the first. Media-type parameters other than q
    (``text/turtle; charset=utf-8``) are dropped before matching, as clients send them freely and
    werkzeug would otherwise match them exactly; a lone ``*`` is read as ``*/*``.
    """
    if not accept:
        return table[0][1] if table else None
    ranges = MIMEAccept([("*/*" if v.split(";")[0].strip() == "*" else v.split(";")[0].strip(), q)
                         for v, q in accept])
    best = ranges.best_match([m for m, _ in table])
    return dict(table)[best] if best else None
