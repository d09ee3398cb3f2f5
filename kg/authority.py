"""What well-kept outside sources say about an actor: its Wikidata entity, a city's coordinates.

Researchers join event data with other data by stable identifiers and map it, so the actor graph
links an actor to its Wikidata entity (``owl:sameAs``) and gives a city its coordinates
(``geo:lat`` / ``geo:long``). Both come from committed tables that scripts/gen_identity.py generates
from installed packages and whose headers name every source: ``kg/data/wikidata.tsv`` (countries, from
Natural Earth) and ``kg/data/coordinates.tsv`` (the gazetteer's cities, from GeoNames). An actor the
tables do not know gets neither: no identifier is ever guessed.

This module is the tables' one reader. It sits below :mod:`kg.rdf`, which writes the triples and
passes the keys the tables use (ISO codes, and ``kg.rdf.slug`` of names, as actor IRIs are made).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .countries import DATA, tsv_rows

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
KINDS = ("country", "person", "organization", "place")
_QID = re.compile(r"^Q[1-9][0-9]*$")


@lru_cache(maxsize=1)
def wikidata_table() -> dict[tuple[str, str], str]:
    """(kind, key) -> QID: a country by ISO alpha-3, a person or organisation by slug, a place by 'ISO3/slug'."""
    out = {}
    for row in tsv_rows(DATA / "wikidata.tsv"):
        if row[0] == "kind":
            continue
        if len(row) < 3 or row[0] not in KINDS or not _QID.match(row[2]):
            raise ValueError(f"kg/data/wikidata.tsv: bad row {row!r} (kind one of {', '.join(KINDS)}, QID like Q668)")
        out[(row[0], row[1])] = row[2]
    return out


def wikidata_iri(kind: str, key: str) -> str | None:
    """The Wikidata entity IRI of an actor (``kind`` one of :data:`KINDS`, ``key`` as in the table), or None."""
    qid = wikidata_table().get((kind, key))
    return WIKIDATA_ENTITY + qid if qid else None


@lru_cache(maxsize=1)
def coordinates_table() -> dict[tuple[str, str], tuple[str, str]]:
    """(ISO3, slug of the city's name) -> (latitude, longitude), the decimal strings GeoNames gives."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for row in tsv_rows(DATA / "coordinates.tsv"):
        if row[0] != "iso3":
            out.setdefault((row[0], row[1]), (row[3], row[4]))
    return out


def coordinates(country: str | None, key: str) -> tuple[str, str] | None:
    """(lat, long) of a gazetteer city by its ISO alpha-3 country and slug, else None."""
    return coordinates_table().get((country.upper(), key)) if country else None
