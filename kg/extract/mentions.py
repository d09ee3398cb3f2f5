"""Who and where: country and person mentions of one article, with people resolved.

People are resolved to one full name per article ("Modi", "the Indian Prime Minister" and "he"
all become "Narendra Modi") and to the country they represent.  The article's own words come
first: a demonym or country before the title ("Indian Prime Minister Narendra Modi",
"Singapore's Prime Minister ..."), or an "of <country>" after the name; only when the text
gives nothing is the table of recent leaders consulted.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from .gazetteer import Gazetteer, Place

CONNECTORS = {"bin", "bint", "al", "al-", "el", "da", "de", "do", "dos", "van", "von", "der", "ibn", "abu", "la", "le", "di"}
HONORIFICS = {"sheikh", "shaikh", "prince", "princess", "shri", "smt", "smt.", "h.e.", "mr", "mr.", "mrs", "ms", "dr",
              "dr.", "ayatollah", "king", "queen", "emir", "amir", "sultan", "president", "premier", "chancellor",
              "his", "her", "highness", "majesty", "excellency", "sir", "dame", "lord", "former", "the", "pm",
              "minister", "prime", "secretary", "general", "crown", "vice", "deputy", "foreign", "leader",
              "supreme", "state", "governor", "ambassador", "chairman", "spokesman", "spokeswoman"}
SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}
ROLE_WORDS = ("prime minister", "president", "premier", "chancellor", "king", "queen", "amir", "emir", "sultan",
              "crown prince", "foreign minister", "minister", "secretary of state", "leader", "ambassador", "governor")
_GAP_OK = re.compile(r"^(?:'s|\s|former|then|the|of|for|and|state|affairs|external|[A-Z][\w.\-]*|"
                     r"[a-z]+ minister|minister|ambassador|envoy|president|leader|premier|king|chancellor|"
                     r"spokesman|spokeswoman|official|officials|crown|prince|sheikh|adviser|advisor|diplomat|negotiator|security|"
                     r"national|top|chief|senior|special|representative|deputy|vice|head|commander|director|secretary)*$")
# "Iran's top security official, Ali Shamkhani": a possessive role, then the name after one comma
_POSS_ROLE_COMMA = re.compile(r"^['’]s\s+(?:[a-z-]+\s+){0,4}(?:official|adviser|advisor|diplomat|minister|envoy|negotiator|"
                              r"chief|leader|president|spokesman|spokeswoman|ambassador|premier|ruler|monarch|head),\s+$")
_ADJ_ROLE_COMMA = re.compile(r"^\s+(?:[a-z-]+\s+){0,2}(" + "|".join(r.replace(" ", r"\s+") for r in ROLE_WORDS) + r"),\s*$", re.I)
_OF_AFTER = re.compile(r"^(?:,\s*(?:the\s+)?[A-Za-z\- ]{0,40}?)?\s+of\s+(?:the\s+)?(?:State\s+of\s+|Kingdom\s+of\s+|Republic\s+of\s+)?$")
# "the Chancellor of Austria, Karl Nehammer": a role of a country, then the name after one comma
_ROLE_OF_BEFORE = re.compile(r"\b(?:" + "|".join(ROLE_WORDS) + r"|head of state|head of government)\s+of\s+(?:the\s+)?"
                             r"(?:State\s+of\s+|Kingdom\s+of\s+|Republic\s+of\s+)?$", re.I)
_ROLE_OF_NAME = re.compile(r"\b(?i:" + "|".join(r.replace(" ", r"\s+") for r in ROLE_WORDS) + r")\s+(?:of|for)\s+(?:the\s+)?"   # "the minister for the Pacific, Zed Seselja"
                           r"(?:[A-Z][\w\-]+\s+){0,3}?[A-Z][\w\-]+,\s+((?:" + r"(?:[A-Z]\.|[A-Z][\w'’\-]*|bin|al-\w+|Al-\w+|de|da|von|der|van)"
                           r"\s+){1,4}[A-Z][\w'’\-]+)")
_OF_COUNTRY_COMMA = re.compile(r"\s+of\s+(?:the\s+)?(?:[A-Z][\w\-]+\s+){0,3}?[A-Z][\w\-]+,\s+")
_ORG_ROLE = re.compile(r"\b(president|secretary|chair|chairman|chairperson|commissioner|director|head|"
                       r"high representative|envoy)\b", re.I)   # an organisation's office: its holder acts for it
_FIRST_OF_KIND = re.compile(r",?\s+(?:who\s+)?(?:became|becomes|is|was|will\s+become)\s+the\s+first\s+([A-Z][a-z]+)\s+"
                            r"(" + "|".join(ROLE_WORDS) + r"|head of state|head of government)\b", re.I)
_BODY_WORDS = {"Bank", "Radio", "Television", "Televisi", "Air", "Airlines", "Telecom", "Republic", "Republik",
               "Petroleos", "Banco", "Radiotelevisione"}   # "Bank Indonesia": a body, not a person named after a state
_PRONOUN = re.compile(r"\b(he|him|his|she|her)\b", re.I)
_DESCRIPTOR = re.compile(r"\b(?:the|his|her)\s+(?:(visiting|[A-Z][a-z]+)\s+)?"
                         r"(prime minister|president|premier|leader|amir|emir|king|chancellor|crown prince|sultan)\b",
                         re.I)
# "President Sisi conferred upon Prime Minister the 'Order of the Nile'": a readout's capitalised title with no name
# after it is the office holder the article names (the most recent person of that role)
_BARE_TITLE = re.compile(r"\b(?:upon|on|to|by|with|for|and|that|met|received) (Prime Minister|President)"
                         r"(?=\s+(?:the|a|an|and|to|of|on|in|at|said|has|had|was|is|will|would)\b|[,.;])")
_NAME_TOKEN = r"(?:[A-Z]\.|[A-Z][\w'’\-]*|bin|bint|al-\w+|Al-\w+|al|el|da|de|do|dos|van|von|der|ibn|Abu)"
_TITLED_NAME = None  # compiled lazily from the title table


@dataclass
class Mention:
    start: int
    end: int
    text: str
    place: Place


@dataclass
class Person:
    name: str
    code: str | None = None
    roles: set[str] = field(default_factory=set)
    count: int = 0
    first: int = 0
    context_code: str | None = None
    votes: Counter = field(default_factory=Counter)
    org: str | None = None   # the organisation an official acts for ("European Commission President ...")


@dataclass
class PersonMention:
    start: int
    end: int
    text: str
    person: Person
    kind: str = "name"  # name | pronoun | descriptor


def _strip_honorifics(tokens: list[str]) -> list[str]:
    while tokens and tokens[0].lower().rstrip(",") in HONORIFICS:
        tokens = tokens[1:]
    while tokens and tokens[-1].lower() in CONNECTORS:
        tokens = tokens[:-1]
    return tokens


_NAME_PARTICLES = {"bin", "bint", "ibn", "al", "el", "da", "de", "do", "dos", "das", "van", "von", "der", "den", "la",
                   "le", "du", "del", "della", "di", "y", "e", "ben", "abu", "ould"}


def _clean_name(s: str) -> str:
    s = re.sub(r"['’]s$", "", s.strip()).strip(" ,.;:")
    toks = _strip_honorifics(s.split())
    for i, t in enumerate(toks[1:], 1):
        if t.islower() and t not in _NAME_PARTICLES and not t.startswith(("al-", "el-")):
            toks = toks[:i]  # "Modi the Grand Commander" of "confer on Prime Minister Modi the ...": the name ends
            break
    return " ".join(toks)


def _titled_name_rx(g: Gazetteer) -> re.Pattern:
    global _TITLED_NAME
    if _TITLED_NAME is None:
        caps = [t for t in g.titles if t[0].isalpha()]
        alts = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in caps)
        _TITLED_NAME = re.compile(r"\b(?i:" + alts + r")\s+((?:" + _NAME_TOKEN + r"\s+){0,5}" + _NAME_TOKEN + r")")
    return _TITLED_NAME


@dataclass
class Context:
    """Mentions of one article, queried by character span."""
    text: str
    gaz: Gazetteer
    sents: list[tuple[int, int]]
    places: list[Mention]
    persons: list[PersonMention]
    person_context: set[int]     # indices into places used as a person's country ("Indian" PM)
    counts: Counter
    dateline: Mention | None = None
    dyad: tuple[str, str] | None = None   # (visitor's country, host country) of the main trip, once known
    pub: object | None = None             # the publication date (datetime.date), for date-dependent tables
    memo: dict = field(default_factory=dict)  # article-level answers the stages ask for again and again

    def sentence_of(self, pos: int) -> int:
        starts = [s for s, _ in self.sents]
        return max(0, bisect.bisect_right(starts, pos) - 1)

    def places_in(self, a: int, b: int) -> list[tuple[int, Mention]]:
        return [(i, m) for i, m in enumerate(self.places) if a <= m.start and m.end <= b]

    def persons_in(self, a: int, b: int) -> list[PersonMention]:
        return [p for p in self.persons if a <= p.start and p.end <= b]

    def ranked_countries(self) -> list[str]:
        return [c for c, _ in self.counts.most_common() if self.gaz.is_country(c)]

    def partner_of(self, code: str) -> str | None:
        for c in self.ranked_countries():
            if c != code:
                return c
        return None


_GEO_FEATURE = re.compile(r"(?:Gulf|Sea|Bay|Strait|Straits|Gulf of the|Sea of the)\s+of\s+(?:the\s+)?$|"
                          r"(?:Gulf|Sea|Bay|Straits?)\s+of\s+the\s+$")
# lower-case stand-ins for a state ("the kingdom", "the island nation"): the kinds of state each can name
_STAND_IN = re.compile(r"\bthe\s+(kingdom|island nation|island state|island country|archipelago|Gulf state|"
                       r"Gulf kingdom|emirate|sultanate|city-state|Jewish state|Himalayan (?:nation|kingdom)|"
                       r"Indian Ocean nation|Pacific nation|Caribbean nation|Balkan (?:nation|country|state)|"
                       r"Baltic (?:nation|state)|Nordic (?:nation|country))\b")


def _stand_in_kind(word: str) -> str:
    w = word.lower().replace("-", " ")
    for k in ("kingdom", "island", "archipelago", "gulf", "emirate", "sultanate", "city state", "jewish", "himalayan",
              "indian ocean", "pacific", "caribbean", "balkan", "baltic", "nordic"):
        if k in w:
            return {"archipelago": "island", "himalayan": "himalayan"}.get(k, k)
    return w


def _find_places(text: str, g: Gazetteer) -> list[Mention]:
    out = []
    for m in g.pattern.finditer(text):
        s = m.group(0)
        p = g.forms[s]
        after = text[m.end():m.end() + 12]
        if p.kind == "demonym" and re.match(r"\s+(Ocean|Sea|Gulf|Peninsula|peninsula|Air Force|Navy|Army|Space Agency)", after):
            continue
        if text[max(0, m.start() - 4):m.start()] == "Air ":
            continue  # an airline (Air China, Air India), not the state
        if s in ("US", "UK") and not text[m.start():m.end()].isupper():
            continue
        if after[:1] == "$":
            continue  # "US$ 12 billion", "A$", "C$": a currency sign
        if p.kind == "country" and _GEO_FEATURE.search(text[max(0, m.start() - 20):m.start()]):
            continue  # "the Gulf of Thailand", "Sea of Japan": a body of water
        out.append(Mention(m.start(), m.end(), s, p))
    # "the kingdom", "the island nation": the most mentioned state of that kind in the article
    if out:
        counts = Counter(m.place.code for m in out if m.place.kind != "org" and m.place.code)
        for m in _STAND_IN.finditer(text):
            kind = _stand_in_kind(m.group(1))
            codes = g.state_kinds.get(kind, set())
            # "In Riyadh, ... Trump signed a partnership with the kingdom": one state of the kind named
            # earlier in the same sentence is the one meant, whatever the article mentions most
            s0 = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start()))
            near = {x.place.code for x in out if s0 < x.start < m.start() and x.place.kind != "org" and x.place.code in codes}
            best = next(iter(near)) if len(near) == 1 else max((c for c in counts if c in codes), key=lambda c: (counts[c], -next(
                x.start for x in out if x.place.code == c)), default=None)
            if best and g.is_country(best):
                out.append(Mention(m.start(), m.end(), m.group(0), Place(best, "country", g.countries[best])))
        out.sort(key=lambda x: x.start)
    return out


_TITLE_OF = re.compile(r"(?i:\b(?:" + "|".join(ROLE_WORDS) + r")\s+of\s+(?:the\s+)?)$")


def _raw_person_spans(text: str, doc, g: Gazetteer) -> list[tuple[int, int, str]]:
    spans = []
    for m in g.leader_pattern.finditer(text):
        spans.append((m.start(), m.end(), m.group(0)))
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            spans.append((ent.start_char, ent.end_char, ent.text))
    for m in _titled_name_rx(g).finditer(text):
        spans.append((m.start(1), m.end(1), m.group(1)))
    for m in _ROLE_OF_NAME.finditer(text):
        spans.append((m.start(1), m.end(1), m.group(1)))
    out = []
    for a, b, s in spans:
        if "\n" in s or text[b:b + 1] == "-":
            continue  # "Oscar-winning": a modifier, not a person
        name = _clean_name(s)
        if not name or name in g.forms or name in g.orgs or name.lower() in HONORIFICS:
            continue
        if not name[0].isupper() or any(w.lower() in ("minister", "president", "ministry", "summit") for w in name.split()):
            continue
        last = name.split()[-1]
        if last in g.forms and g.forms[last].kind == "country" and name not in g.leaders and (
                len(name.split()) >= 3 or name.split()[0] in _BODY_WORDS):
            continue  # "Televisi Republik Indonesia", "Bank Indonesia": a body named after its state
        first, _, rest = name.partition(" ")
        if rest and first in g.forms and g.forms[first].kind in ("country", "city") and name not in g.leaders \
                and (re.search(r"\b" + re.escape(rest) + r"\b", text[:a] + " " + text[b:])
                     or _TITLE_OF.search(text[max(0, a - 40):a])):
            # "From Israel Obama flew to Amman": the place ran into a name told elsewhere; "President of
            # Armenia Serzh Sargsyan": the title's country ran into its holder's name
            name = rest
        off = s.find(name.split()[0])
        a2 = a + max(off, 0)
        out.append((a2, a2 + len(name), name))
    out.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    merged: list[tuple[int, int, str]] = []
    for a, b, s in out:
        if merged and a < merged[-1][1]:
            if b - a > merged[-1][1] - merged[-1][0] and a <= merged[-1][0]:
                merged[-1] = (a, b, s)
            continue
        merged.append((a, b, s))
    return merged


def _context_country(text: str, a: int, b: int, places: list[Mention], sent_start: int, g: Gazetteer,
                     used: set[int]) -> tuple[str | None, str | None]:
    """Country (and role) the text gives a person named at [a, b)."""
    code = role = None
    before = text[max(sent_start, a - 70):a]
    for i, m in enumerate(places):
        if m.start >= b:
            # "Presidents ..., Ilham Aliyev of Azerbaijan and Gurbanguly Berdymukhamedov of Turkmenistan": a
            # country right after the name is its bearer's, whatever the list names before it
            if m.place.kind == "country" and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[b:m.start]) and \
                    not text[m.end:m.end + 2] in ("'s", "’s"):
                used.add(i)
                return m.place.code, next((r for r in ROLE_WORDS if re.search(
                    r"(?i:\b" + r + r"s?\b)\s*(?:(?:of|the|[A-Z][\w'’.\-]*)\s+){0,3}$", before)), None)
            break
    for r in ROLE_WORDS:
        # the role heads the name's own title ("Prime Minister X", "President of Kenya X", "Emir Sheikh X"),
        # not a clause before it ("the Emir of Kuwait presented Narendra Modi with ...")
        if re.search(r"(?i:\b" + r + r"\b)\s*(?:(?:of|the|[A-Z][\w'’.\-]*)\s+){0,3}$", before):
            role = r
            break
    for i in range(len(places) - 1, -1, -1):
        m = places[i]
        if m.end > a:
            continue
        if m.start < sent_start:
            break
        gap = text[m.end:a]
        if re.fullmatch(r",?\s*", gap) and m.place.kind == "org" and _ROLE_OF_BEFORE.search(text[max(0, m.start - 50):m.start]) \
                and _ORG_ROLE.search(text[max(0, m.start - 50):m.start]):
            return "ORG:" + m.place.name, role   # "the President of the European Commission(,) Ursula von der Leyen"
        if re.fullmatch(r",\s*", gap) and m.place.kind != "org" and _ROLE_OF_BEFORE.search(text[max(0, m.start - 50):m.start]):
            code = m.place.code   # "the Prime Minister of Belgium, Alexander De Croo"
            used.add(i)
            r = re.search(r"(" + "|".join(ROLE_WORDS) + r")\s+of\s+(?:the\s+)?\S*\s*$", text[max(0, m.start - 50):m.start].lower())
            role = role or (r.group(1) if r else None)
            return code, role
        adj_role = _ADJ_ROLE_COMMA.match(gap) if m.place.kind in ("demonym", "country") else None
        if adj_role:
            used.add(i)
            return m.place.code, role or adj_role.group(1).lower()   # "the Lao president, Bounnhang Vorachith"
        if _POSS_ROLE_COMMA.match(gap):
            if m.place.kind == "org":
                return "ORG:" + m.place.name, role   # "the Taliban's political chief, X" acts for the movement
            used.add(i)
            return m.place.code, role
        if m.place.kind in ("city", "country") and not gap.strip() and \
                re.search(r"\b(?:in|at|from|to|into|across|around|near|outside)\s+(?:the\s+)?$", text[max(0, m.start - 12):m.start], re.I):
            break  # "In Accra Bush also announced ...": where the person was, not whose they are
        if len(gap) <= 60 and len(gap.split()) <= 6 and not re.search(r"[,;()]", gap) and _GAP_OK.match(gap):
            if m.place.kind == "org":
                if _ORG_ROLE.search(gap):
                    code = "ORG:" + m.place.name  # "European Commission President X" acts for the organisation
            else:
                code = m.place.code
                used.add(i)
        break
    first = _FIRST_OF_KIND.match(text, b)
    if code is None and first and first.group(1) in g.forms and g.forms[first.group(1)].kind in ("demonym", "country"):
        return g.forms[first.group(1)].code, role or first.group(2).lower()  # "X became the first French president"
    if code is None:
        for i, m in enumerate(places):
            if m.start >= b and m.start - b <= 60:
                if _OF_AFTER.match(text[b:m.start]) and m.place.kind != "org":
                    code = m.place.code
                    used.add(i)
                elif _OF_AFTER.match(text[b:m.start]) and _ORG_ROLE.search(text[b:m.start]):
                    code = "ORG:" + m.place.name  # "Donald Tusk, President of the European Council": for the EU
                break
    return code, role


_NOT_SURNAMES = {"May", "June", "July", "August", "March", "April", "Mark", "King", "Prince", "General", "Bush",
                 "Brown", "Young", "Rice", "Price", "Hunt", "Wood", "Lee", "Kim", "Ali", "Khan", "Singh", "Park"}
_LEADER_KEYS: dict[tuple[int, str], dict] = {}   # (id of the gazetteer, table) -> key -> full name


def _unique(pairs) -> dict:
    """key -> full name for the keys that name one leader only."""
    seen: dict = {}
    for key, full in pairs:
        seen.setdefault(key, set()).add(full)
    return {k: next(iter(f)) for k, f in seen.items() if len(f) == 1}


def _leader_surnames(g: Gazetteer) -> dict[str, str]:
    """Surname -> full name for the leaders table's surnames that name one leader only."""
    if (id(g), "surname") not in _LEADER_KEYS:
        def pairs():
            for full, code, _ in set(g.leaders.values()):
                if full not in g.recent_leaders:
                    continue  # a bare surname is only ever looked up among the curated recent leaders
                toks = [t for t in full.split() if t.rstrip(".") not in SUFFIXES]
                if code in ("CHN", "TWN", "VNM", "KOR", "PRK", "SGP") and len(toks) >= 2 and toks[0] not in g.forms:
                    yield toks[0], full  # "Xi" for Xi Jinping: the family name comes first
                elif len(toks) >= 2 and len(toks[-1]) >= 4 and toks[-1][0].isupper() and toks[-1] not in g.forms \
                        and toks[-2].lower() not in ("bin", "bint", "ibn", "ben", "abu", "al", "el"):  # "bin Salman"
                    yield toks[-1], full
        _LEADER_KEYS[(id(g), "surname")] = {k: v for k, v in _unique(pairs()).items() if k not in _NOT_SURNAMES}
    return _LEADER_KEYS[(id(g), "surname")]


def _leader_by_ends(g: Gazetteer) -> dict[tuple[str, str], str]:
    """(given name, surname) -> full name for the leaders tables, so that a name printed with a middle
    name ("Rodrigo Roa Duterte") is still the table's leader."""
    if (id(g), "ends") not in _LEADER_KEYS:
        toks = ((full, [t for t in full.split() if t.rstrip(".") not in SUFFIXES]) for full, _, _ in set(g.leaders.values()))
        _LEADER_KEYS[(id(g), "ends")] = _unique(((t[0], t[-1]), full) for full, t in toks if len(t) >= 2)
    return _LEADER_KEYS[(id(g), "ends")]


def _respective_countries(text: str, raw: list, places) -> dict[tuple[int, int], str]:
    """"his counterparts from the UAE, Bahrain, Morocco and Egypt - A, B, C and D": the names, in order,
    are of the countries listed just before them (the same number of each). Names of the list that NER
    missed are added to ``raw``."""
    out: dict[tuple[int, int], str] = {}
    for m in re.finditer(r"\b(?:from|of)\s+((?:(?:(?!\s-\s)[^,;.\n–—]){2,40},\s+){1,8}(?:(?!\s-\s)[^,;.\n–—]){2,40}?\s+and\s+"
                         r"(?:(?!\s-\s)[^,;.\n–—]){2,40}?)\s+[-–—:(]\s*", text):
        codes = [mm.place.code for mm in places if m.start(1) <= mm.start < m.end(1) and mm.place.code
                 and mm.place.kind in ("country", "demonym")]
        if len(codes) != len(re.split(r",\s+|\s+and\s+", m.group(1))):
            continue
        tail = re.match(r"((?:[^,;.\n]{3,60},\s+)+[^,;.\n]{3,60}?\s+and\s+(?:[A-Z][\w'’-]*\s*){1,5})", text[m.end():])
        if not tail:
            continue
        names = []
        pos = m.end()
        for piece in re.split(r"(,\s+(?:and\s+)?|\s+and\s+)", tail.group(1)):
            if re.fullmatch(r",\s+(?:and\s+)?|\s+and\s+", piece):
                pos += len(piece)
                continue
            name = _clean_name(piece)
            off = piece.find(name.split()[0]) if name else -1
            if not name or off < 0 or len(name.split()) < 2 or not all(w[:1].isupper() or w.lower() in CONNECTORS
                                                                     for w in name.split()):
                names = []
                break
            names.append((pos + off, pos + off + len(name), name))
            pos += len(piece)
        if len(names) != len(codes):
            continue
        for (a, b, name), code in zip(names, codes):
            if not any(x <= a < y or a <= x < b for x, y, _ in raw):
                raw.append((a, b, name))
            for x, y, _ in raw:
                if x <= a < y or a <= x < b:
                    out[(x, y)] = code
    return out


# "Ms. KAMIKAWA Yoko, Minister for Foreign Affairs": Japan's government writes the family name first, in capitals
_SURNAME_FIRST = re.compile(r"\b(?:Mr|Ms|Mrs|Dr)\.?\s+([A-Z]{3,})\s+([A-Z][a-z]+)\b")


def _surname_first(text: str, raw: list) -> list:
    """Names written family name first in capitals become "Given Family", the form the rest of the text
    ("Minister Kamikawa") and the gold use; the parser's spans of them are replaced."""
    for m in _SURNAME_FIRST.finditer(text):
        a, b = m.start(1), m.end(2)
        raw = [x for x in raw if x[1] <= a or x[0] >= b]
        raw.append((a, b, f"{m.group(2)} {m.group(1).title()}"))
    return raw


_HOME_TO = re.compile(r"\b(?:fl(?:y|ies|ew|ying)|return(?:s|ed|ing)?|head(?:s|ed|ing)?|go(?:es|ing)?|went|"
                      r"travel(?:s|led|ling)?)\s+(?:back\s+)?home\s+to\s+", re.I)


def _home_countries(text: str, named: list, places: list[Mention], sent_start) -> None:
    """"... before flying home to Washington on Thursday night": a person the article gives no country
    flies home to their own; the subject is the first person the sentence names (or refers to) before it."""
    for m in _HOME_TO.finditer(text):
        dest = next((x for x in places if x.start == m.end() and x.place.code and x.place.kind in ("city", "country")), None)
        if dest is None:
            continue
        ss = sent_start(m.start())
        subj = next((x for x in named if ss <= x.start < m.start()), None)
        if subj is not None and subj.person.code is None and not getattr(subj.person, "org", None):
            subj.person.code = dest.place.code


def build_context(text: str, doc, g: Gazetteer, sents: list[tuple[int, int]], dateline: str | None) -> Context:
    places = _find_places(text, g)
    raw = _surname_first(text, _raw_person_spans(text, doc, g))
    sent_starts = [s for s, _ in sents]

    def sent_start(pos):
        i = max(0, bisect.bisect_right(sent_starts, pos) - 1)
        return sents[i][0] if sents else 0

    # cluster names: multi-token names first, then short forms onto them
    clusters: list[Person] = []
    by_leader: dict[str, Person] = {}

    ends = _leader_by_ends(g)

    def cluster_for(name: str, pos: int) -> Person:
        if name not in g.leaders:
            toks = [t for t in name.split() if t.rstrip(".") not in SUFFIXES]
            if len(toks) >= 3 and (toks[0], toks[-1]) in ends:
                name = ends[(toks[0], toks[-1])]
        if name in g.leaders:
            full, code, role = g.leaders[name]
            if full not in by_leader:
                p = next((c for c in clusters if c.name == full), None) or Person(full, first=pos)
                if p not in clusters:
                    clusters.append(p)
                by_leader[full] = p
                p.code = code if g.is_country(code) else None
                p.roles.add(role.lower())
            return by_leader[full]
        toks = [t for t in name.split() if t.rstrip(".") not in SUFFIXES] or name.split()
        best = None
        for c in clusters:
            ct = [t for t in c.name.split() if t.rstrip(".") not in SUFFIXES] or c.name.split()
            if toks == ct or (len(toks) < len(ct) and (ct[-len(toks):] == toks or ct[:len(toks)] == toks)):
                best = c
                break
            if len(toks) > len(ct) and (toks[-len(ct):] == ct or toks[:len(ct)] == ct) and c.name not in by_leader:
                c.name = name
                best = c
                break
        if best is None:
            best = Person(name, first=pos)
            clusters.append(best)
        return best

    # bare surnames of people named in full elsewhere ("Modi"), which NER often misses
    surnames = _leader_surnames(g)
    named_full = {n.split()[-1] for _, _, n in raw if len(n.split()) >= 2}
    raw = [(a, b, surnames[n]) if n in surnames and n not in named_full else (a, b, n) for a, b, n in raw]
    taken = [(a, b) for a, b, _ in raw]
    fulls = {n for _, _, n in raw if len(n.split()) >= 2}
    fulls |= {g.leaders[n][0] for _, _, n in raw if n in g.leaders}
    # a leader the article names by surname only ("Putin's trip to North Korea"): the table's one
    # leader of that surname, when the word is a proper noun here
    for surname, full in surnames.items():
        if full in fulls or surname not in text:
            continue
        for m in re.finditer(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", text):
            span = doc.char_span(m.start(), m.end())
            if span is not None and span[0].pos_ == "PROPN" and not any(x <= m.start() < y for x, y in taken):
                raw.append((m.start(), m.end(), full))
                taken.append((m.start(), m.end()))
                fulls.add(full)
    first_counts = Counter(f.split()[0] for f in fulls)
    firsts_shared = {f for f, n in first_counts.items() if n > 1}
    for full in fulls:
        toks = [t for t in full.split() if t.rstrip(".") not in SUFFIXES] or full.split()
        forms = {toks[-1]}
        code = g.leaders.get(full, (None, None))[1]
        if code in ("CHN", "PRK", "KOR", "VNM", "KHM", "TWN", "SGP"):
            forms.add(toks[0])
        elif len(toks) >= 2 and len(toks[0]) >= 4 and toks[0] not in firsts_shared and \
                re.search(r"(?<![\w-])" + re.escape(toks[0]) + r"(?![\w-])(?!\s+[A-Z])", text):
            # "Abiy" for Abiy Ahmed, "Isaias" for Isaias Afwerki: a given name the article uses alone
            forms.add(toks[0])
        for f in forms:
            if len(f) < 2 or f in g.forms or f.lower() in HONORIFICS:
                continue
            for m in re.finditer(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", text):
                if not any(x <= m.start() < y for x, y in taken):
                    raw.append((m.start(), m.end(), f))
                    taken.append((m.start(), m.end()))
    respective = _respective_countries(text, raw, places)
    raw.sort()
    order = sorted(raw, key=lambda x: (-len(x[2].split()), x[0]))
    assigned: dict[tuple[int, int], Person] = {}
    for a, b, name in order:
        assigned[(a, b)] = cluster_for(name, a)
    persons: list[PersonMention] = []
    used: set[int] = set()
    for a, b, name in raw:
        p = assigned[(a, b)]
        code, role = _context_country(text, a, b, places, sent_start(a), g, used)
        code = respective.get((a, b)) or code
        if code and code.startswith("ORG:"):
            p.votes["ORG:"] += 2  # an organisation's official: no state's
            p.org = code[4:]
            code = None
        if code and g.is_country(code):
            p.votes[code] += 1
            if p.context_code is None:
                p.context_code = code
        if role:
            p.roles.add(role)
        p.count += 1
        persons.append(PersonMention(a, b, name, p))
    for p in clusters:
        if p.votes:
            # the article's own words decide, by majority; a known leader's country counts as 1.5 votes
            if p.code and g.is_country(p.code):
                p.votes[p.code] += 1.5
            best = p.votes.most_common(1)[0][0]
            p.code = None if best == "ORG:" else best
            if best != "ORG:":
                p.org = None

    # descriptors ("the Indian Prime Minister", "the Amir") and pronouns, in text order
    extra: list[tuple[int, int, str, str, str | None]] = []
    for m in _DESCRIPTOR.finditer(text):
        mod = m.group(1)
        if mod and mod.lower() != "visiting" and mod not in g.forms:
            continue
        extra.append((m.start(), m.end(), m.group(0), "descriptor", m.group(2).lower()))
    for m in _BARE_TITLE.finditer(text):
        if not any(x[0] <= m.start(1) < x[1] for x in extra):
            extra.append((m.start(1), m.end(1), m.group(1), "descriptor", m.group(1).lower()))
    for m in _PRONOUN.finditer(text):
        if any(p.start <= m.start() < p.end for p in persons):
            continue
        extra.append((m.start(), m.end(), m.group(0), "pronoun", None))
    extra.sort()
    named = sorted(persons, key=lambda x: x.start)
    for a, b, s, kind, role in extra:
        if any(x.start <= a < x.end for x in named):
            continue
        target = None
        if kind == "descriptor":
            # "the President of Cyprus, Nikos Christodoulides": the name in apposition right after
            nxt = next((x for x in named if x.start >= b), None)
            if nxt is not None and _OF_COUNTRY_COMMA.fullmatch(text[b:nxt.start]):
                bisect.insort(named, PersonMention(a, b, s, nxt.person, kind), key=lambda x: x.start)
                continue
            mod = re.match(r"(?:the|his|her)\s+(\S+)\s", s, re.I)
            code = g.forms[mod.group(1)].code if mod and mod.group(1) in g.forms else None
            cands = [c for c in clusters if (code is None or c.code == code)]
            if role in ("leader",) or (mod and mod.group(1).lower() == "visiting"):
                pool = cands
            else:
                pool = [c for c in cands if role in c.roles] or ([] if code is None else cands)
            if pool:
                recent = [x.person for x in named if x.start < a and x.person in pool]
                bare = not re.match(r"(?:the|his|her)\s", s, re.I)  # a readout's "Prime Minister": its own, the most named
                target = recent[-1] if recent and code is None and not bare else max(pool, key=lambda c: c.count)
        else:
            ss = sent_start(a)
            here = [x for x in named if ss <= x.start < a]
            if s.lower() in ("him", "her") and here:
                # an object pronoun does not point back to its own clause's subject (the nearest name)
                here = [x for x in here if x.person is not here[-1].person]
            objects = [x for x in here if x.kind == "pronoun" and x.text.lower() in ("him", "her")]
            if s.lower() in ("he", "she") and objects:
                target = objects[-1].person  # "X received him ..., and he addressed ...": he is him
            elif here:
                target = here[0].person
            else:
                prev = [x for x in named if x.start < ss]
                if prev:
                    ps = sent_start(prev[-1].start)
                    target = next(x.person for x in named if x.start >= ps)
        if target is not None:
            pm = PersonMention(a, b, s, target, kind)
            bisect.insort(named, pm, key=lambda x: x.start)
    _home_countries(text, named, places, sent_start)
    counts: Counter = Counter()
    for m in places:
        if m.place.code:
            counts[m.place.code] += 1
    for pm in named:
        if pm.person.code and pm.kind == "name":
            counts[pm.person.code] += 2
    dl = None
    if dateline and "|" in dateline:
        city, country = dateline.split("|", 1)
        dateline = city if city.title() in g.forms else country
    if dateline:
        for m in places:
            if m.text.lower() == dateline.lower():
                dl = m
                break
        if dl is None and dateline.title() in g.forms:
            dl = Mention(-1, -1, dateline.title(), g.forms[dateline.title()])
        if dl is not None and dl.place.kind not in ("city", "country"):
            dl = None  # "European Commission - Press release": a publisher, not a place
    return Context(text, g, sents, places, named, used, counts, dl)
