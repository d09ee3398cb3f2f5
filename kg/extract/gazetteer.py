"""World-knowledge tables the rules look things up in, loaded once from ``kg/data``.

Everything here is general knowledge (countries, demonyms, capitals and major cities,
leader titles, state orders, international organisations, recent heads of state and
government); nothing is taken from a particular article.  The tables are plain TSV so a
researcher can extend them without touching code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
GAZ = DATA / "gazetteer"


def _rows(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [c.strip() for c in line.split("\t")]


def _forms(cell: str | None) -> list[str]:
    return [f.strip() for f in (cell or "").split("|") if f.strip()]


# A form starts with a capital not preceded by a word character or hyphen, and ends before a non-word
# character: the same boundaries the single alternation regex over all forms used to have.
_START = re.compile(r"(?<![\w-])[A-ZÀ-Ö]")
_NONWORD = re.compile(r"\W")


class _Match:
    """What :meth:`FormMatcher.finditer` yields: the part of ``re.Match`` the rules use."""
    __slots__ = ("_start", "_end", "_text")

    def __init__(self, start: int, end: int, text: str):
        self._start, self._end, self._text = start, end, text

    def start(self, group: int = 0) -> int:
        return self._start

    def end(self, group: int = 0) -> int:
        return self._end

    def span(self, group: int = 0) -> tuple[int, int]:
        return self._start, self._end

    def group(self, group: int = 0) -> str:
        if group:
            raise IndexError("no such group")
        return self._text

    __getitem__ = group

    def __repr__(self) -> str:
        return f"<match span=({self._start}, {self._end}) {self._text!r}>"


class FormMatcher:
    """Finds the known surface forms in a text, longest first, like ``re.compile("|".join(forms))``.

    One regex alternation over thousands of forms is slow to compile and to run (measured on the dev
    articles at ~9,700 forms: 0.17 s to compile and 2.1 ms per article, against 0.35 ms for this). This
    looks up the word at each capitalised position (its "head", up to the first non-word character) in
    a dict, and only then tries the forms starting with that head, longest first, at the following word
    boundaries.
    """

    def __init__(self, forms):
        self.forms = set(forms)
        self.heads: dict[str, int] = {}   # first word of a form -> length of the longest form starting with it
        for f in self.forms:
            m = _NONWORD.search(f, 1)
            head = f[:m.start()] if m else f
            self.heads[head] = max(self.heads.get(head, 0), len(f))

    def finditer(self, text: str):
        n = len(text)
        pos = 0
        for sm in _START.finditer(text):
            p = sm.start()
            if p < pos:
                continue
            m = _NONWORD.search(text, p + 1)
            b = m.start() if m else n
            longest = self.heads.get(text[p:b])
            if longest is None:
                continue
            limit = min(n, p + longest)
            ends = [b] + [x.start() for x in _NONWORD.finditer(text, b + 1, limit + 1)]
            if n <= limit and ends[-1] != n:
                ends.append(n)
            for e in reversed(ends):
                if e - p <= longest and text[p:e] in self.forms:
                    pos = e
                    yield _Match(p, e, text[p:e])
                    break


@dataclass(frozen=True)
class Place:
    """A surface form found in text that points to a state: ``kind`` tells how."""
    code: str          # ISO alpha-3
    kind: str          # country | demonym | city | org
    name: str          # canonical name (country short name, city name, organisation short name)
    capital: bool = False


@dataclass(frozen=True)
class Order:
    code: str
    rank: int
    name: str
    forms: tuple[str, ...]


@dataclass
class Gazetteer:
    countries: dict[str, str] = field(default_factory=dict)       # ISO3 -> short name
    forms: dict[str, Place] = field(default_factory=dict)          # exact surface form -> Place
    capitals: dict[str, str] = field(default_factory=dict)         # ISO3 -> capital city
    orders: list[Order] = field(default_factory=list)
    orgs: dict[str, str] = field(default_factory=dict)             # surface form -> short name
    leaders: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # form -> (full, ISO3, role)
    state_kinds: dict[str, set[str]] = field(default_factory=dict)  # "kingdom" -> {SAU, THA, ...}
    titles: list[str] = field(default_factory=list)
    title_words: set[str] = field(default_factory=set)
    pattern: FormMatcher | None = None   # .finditer(text): matches whose group(0) is a key of ``forms``
    leader_pattern: re.Pattern | None = None

    def country_name(self, code: str | None) -> str | None:
        return self.countries.get(code or "")

    def is_country(self, code: str | None) -> bool:
        return bool(code) and code in self.countries

    def top_order(self, code: str) -> Order | None:
        ranked = sorted((o for o in self.orders if o.code == code), key=lambda o: o.rank)
        return ranked[0] if ranked else None

    def find_order(self, text: str) -> Order | None:
        """The order whose official name or known form occurs in ``text`` (longest form wins)."""
        low = text.lower()
        best = None
        for o in self.orders:
            for f in (o.name, *o.forms):
                if len(f) > 3 and f.lower() in low and (best is None or len(f) > best[0]):
                    best = (len(f), o)
        return best[1] if best else None


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    g = Gazetteer()
    for row in _rows(DATA / "countries.tsv"):
        if len(row) >= 3 and row[0] != "alpha3":
            g.countries[row[0]] = row[2]
            g.forms.setdefault(row[2], Place(row[0], "country", row[2]))
    for code, cell in _rows(GAZ / "aliases.tsv"):
        for f in _forms(cell):
            g.forms.setdefault(f, Place(code, "country", g.countries.get(code, f)))
    for code, cell in _rows(GAZ / "demonyms.tsv"):
        for f in _forms(cell):
            g.forms.setdefault(f, Place(code, "demonym", g.countries.get(code, f)))
    for row in _rows(GAZ / "cities.tsv"):
        city, code, cap = row[0], row[1], row[2] == "1"
        if cap:
            g.capitals.setdefault(code, city)
        for f in [city, *_forms(row[3] if len(row) > 3 else "")]:
            # a city named like a country (Singapore, Kuwait) stays a country mention
            if f not in g.forms or g.forms[f].kind == "demonym":
                g.forms[f] = Place(code, "city", city, cap)
    for row in _rows(GAZ / "organisations.tsv"):
        short = row[0]
        for f in [short, *_forms(row[1] if len(row) > 1 else "")]:
            g.orgs[f] = short
            g.forms.setdefault(f, Place("", "org", short))
    for row in _rows(GAZ / "state_orders.tsv"):
        g.orders.append(Order(row[0], int(row[1]), row[2], tuple(_forms(row[3] if len(row) > 3 else ""))))
    for kind, cell in _rows(GAZ / "state_kinds.tsv"):
        g.state_kinds[kind] = set(_forms(cell))
    for row in _rows(GAZ / "leaders.tsv"):
        full, code, role = row[0], row[1], row[2]
        for f in [full, *_forms(row[3] if len(row) > 3 else "")]:
            g.leaders.setdefault(f, (full, code, role))
            # Arabic particles are printed either way: "al-Sisi", "Al-Sisi", "El-Sisi", "el-Sisi"
            for v in {re.sub(r"\b([ae])l-", lambda m: m.group(1).upper() + "l-", f),
                      re.sub(r"\b([AE])l-", lambda m: m.group(1).lower() + "l-", f),
                      re.sub(r"\b[aA]l-", "El-", f), re.sub(r"\b[eE]l-", "Al-", f)} - {f}:
                g.leaders.setdefault(v, (full, code, role))
    g.titles = sorted((t for (t,) in _rows(GAZ / "titles.txt")), key=len, reverse=True)
    g.title_words = {w for t in g.titles for w in t.split()}
    g.pattern = FormMatcher(g.forms)
    lalts = sorted(g.leaders, key=len, reverse=True)
    g.leader_pattern = re.compile(r"(?<![\w])(?=[A-ZÀ-Ö])(?:" + "|".join(re.escape(a) for a in lalts) + r")(?![\w])")
    return g
