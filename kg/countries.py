"""The country table, ``kg/data/countries.tsv`` (ISO 3166-1, from pycountry): its one reader.

It lives below both users, extraction (the gazetteer matches country names) and RDF (a party
is a dip:Country only when its code is in the table), so neither reaches into the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def tsv_rows(path: Path):
    """The cells of a tab-separated data file, blank lines and ``#`` comments skipped."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [c.strip() for c in line.split("\t")]


def split_forms(cell: str | None) -> list[str]:
    """The ``|``-separated forms of a table cell."""
    return [f.strip() for f in (cell or "").split("|") if f.strip()]


@dataclass(frozen=True)
class Country:
    code: str                 # ISO 3166-1 alpha-3
    alpha2: str
    name: str                 # English short name, the rdfs:label ("Russia")
    iso_names: tuple[str, ...]  # ISO's other names ("Russian Federation")


@lru_cache(maxsize=1)
def country_table() -> dict[str, Country]:
    """ISO 3166-1 alpha-3 -> :class:`Country`."""
    out = {}
    for row in tsv_rows(DATA / "countries.tsv"):
        if row[0] != "alpha3":
            out[row[0]] = Country(row[0], row[1], row[2], tuple(split_forms(row[3] if len(row) > 3 else "")))
    return out


def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 -> English short name (what the graph uses as the country's rdfs:label)."""
    return {c.code: c.name for c in country_table().values()}
