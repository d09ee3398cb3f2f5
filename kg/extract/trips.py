"""Trip frames from the dependency parse: who travels where, cued by a verb or a noun.

A frame is one (visitors, destinations) pair read off one trigger token:

* movement verbs (lemmas: visit, arrive, fly, travel, land, tour, head, ...): the visitors are the
  verb's subject (inherited through ``conj``/``xcomp``, or the noun a ``who`` clause hangs on), the
  destinations the objects of ``to``/``in``/``into``/``for`` and every later "to <place>" of the
  same clause (a tour listed in one sentence);
* trip nouns (visit, trip, tour, stop, swing): the possessor ("Kagame's visit"), an agent
  ("by Sir Alan Duncan") or else the subject of the governing verb ("Modi paid a visit to");
* hosting verbs (host, receive, welcome, greet, "play host to"): the visitors are the objects, the
  destination the place of the clause, else the host's own country;
* attendance (attend, take part, participate, be represented by, lead a delegation): the venue
  named in the object ("the G20 summit in Seoul") or the article's venue (its dateline, or the
  city its summit is held in);
* meetings placed in a city ("met X in Jakarta", "held talks in Hanoi"): every participant from
  another country.

Nothing here decides status or dates (see :mod:`kg.extract.visits`); each frame carries its cue
kind, from which the confidence of the event is derived.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import MONTHS
from .numbers import NUMBER_WORDS

MOVE = {"visit", "arrive", "fly", "travel", "land", "tour", "head", "leave", "come", "go", "jet", "journey",
        "reach", "stop", "drive", "return", "embark", "proceed", "move", "set", "spend", "due", "begin", "start",
        "end", "conclude", "wrap", "finish", "touch", "cross", "depart"}
LEG_VERBS = {"begin", "start", "end", "conclude", "wrap", "finish"}   # "He began on Sunday in Dakar"
_END_OF_STAY = re.compile(r"\b(?:at the end of|after|concluding|wrapping up|ending|capping)\s+(?:a|an|his|her|their|the)\s+"
                          r"(?:[\w-]+\s+){0,3}(?:visit|trip|stay|tour)\b", re.I)
MOVE_NEEDS_TO = {"go", "come", "head", "leave", "move", "set", "drive", "return", "proceed", "reach", "journey", "cross",
                 "take", "bring"}   # "his swing took him to Cairo"
TRIP_NOUN = {"visit", "trip", "tour", "stop", "stopover", "swing", "journey", "leg", "arrival", "visits", "mission", "stay"}
HOST = {"host", "receive", "welcome", "greet"}
GROUP_NOUNS = {"leader", "president", "head", "premier", "minister", "delegate"}
OFFICES = {"minister", "president", "premier", "chancellor", "king", "queen", "emir", "amir", "sultan", "prince",
           "secretary", "envoy", "ambassador", "monarch", "vice-president", "governor", "speaker", "foreign minister",
           "crown prince", "sheikh", "taoiseach"}
ATTEND = {"attend", "participate", "represent", "witness"}
MEET = {"meet", "talk", "confer"}
EVENT_NOUN = {"summit", "conference", "meeting", "forum", "gathering", "session", "talks", "ceremony", "inauguration",
              "assembly", "games", "cop", "celebration", "parade", "funeral", "sidelines", "retreat"}
WITNESSED = {"signing", "sign", "ceremony", "exchange", "inauguration", "launch"}
DEST_PREP = {"to", "in", "into", "for", "at"}
PARTICLES = {"on", "onward", "onwards", "back", "over", "down", "in", "out", "off", "then"}
HYPOTHETICAL_MARK = {"if", "whether", "unless"}
BACKGROUND_MARK = {"when", "since"}


@dataclass
class Frame:
    kind: str                      # move | noun | host | attend | meet | venue | earlier (a leg before)
    trigger: object                # the spaCy token
    visitors: list = field(default_factory=list)   # PersonMention
    dests: list = field(default_factory=list)      # (ISO3, city or None)
    host: object | None = None     # PersonMention of a host named by the cue
    here: bool = False             # destination is the article's venue


class Mentions:
    """Character-offset lookups from tokens to the article's person and place mentions."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.persons = sorted(ctx.persons, key=lambda p: p.start)
        self.places = [(i, m) for i, m in enumerate(ctx.places)]

    def person_at(self, tok):
        a = tok.idx
        for p in self.persons:
            if p.start <= a < p.end:
                return p
        return None

    def persons_in(self, a, b, exclude=()):
        return [p for p in self.persons if a <= p.start and p.end <= b and not any(x <= p.start < y for x, y in exclude)]

    def place_before(self, pos, window=600):
        """The last city (else country) named in the text before ``pos``, within ``window`` characters."""
        cands = [x for _, x in self.places if pos - window <= x.start < pos and x.place.kind in ("city", "country")
                 and x.place.code]
        cities = [x for x in cands if x.place.kind == "city"]
        x = (cities or cands or [None])[-1]
        return (x.place.code, x.place.name if x.place.kind == "city" else None) if x is not None else None

    def office_holder(self, tok):
        """An unnamed office holder with a country: "Taiwan's Vice Foreign Minister", "the Emir of Qatar",
        "the Iraqi president". A trip by a role is still a trip; the person is labelled by the role."""
        from .mentions import Person, PersonMention
        if tok.lemma_.lower() not in OFFICES or tok.pos_ not in ("NOUN", "PROPN"):
            return None
        code = None
        for c in tok.children:
            cands = [c] if c.dep_ in ("poss", "amod", "compound", "nmod") else \
                [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ == "of" else []
            for t in cands:
                pm = self.place_at(t)
                if pm is not None and pm.place.kind in ("country", "demonym") and self.ctx.gaz.is_country(pm.place.code):
                    code = pm.place.code
        if code is None:
            return None
        dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "amod", "advmod")}
        if dets & {"a", "an", "first", "only", "last", "sitting", "any", "no", "every", "former", "previous"}:
            return None  # "the first Chinese president to visit", "a sitting US president": a generic role
        if any(p.person.code == code and p.kind == "name" for p in self.persons):
            return None  # the article names its office holder: the name's own mentions carry the trip
        words = [c.text for c in tok.children if c.dep_ == "compound" and c.i < tok.i and c.text[:1].isupper()
                 and self.place_at(c) is None] + [tok.text]
        role = " ".join(w[:1].upper() + w[1:] for w in words)
        name = f"{role} of {self.ctx.gaz.country_name(code)}"
        return PersonMention(tok.idx, tok.idx + len(tok.text), tok.text, Person(name, code, {role.lower()}), kind="office")

    def group_before(self, tok):
        """"Zelensky received the four presidents", "the leaders were in St Petersburg", "Putin hosted them":
        a plural reference to people is the last group the text named together (two or more named people
        with a country in one sentence, within the last few sentences); a number, when given, must agree."""
        low = tok.lower_
        plural = tok.tag_ == "NNS" and tok.lemma_.lower() in GROUP_NOUNS and any(
            c.lower_ in ("the", "these", "those", "both") or c.like_num for c in tok.children) and not any(
            c.dep_ == "prep" and c.lower_ in ("of", "from") for c in tok.children)  # "the leaders of the eight ...": others
        if not (plural or low in ("they", "them", "both")):
            return []
        n = next((c for c in tok.children if c.like_num), None)
        want = NUMBER_WORDS.get(n.lower_) if n is not None else None
        if low == "both" or any(c.lower_ == "both" for c in tok.children):
            want = 2  # "Both arrived in the Belgian capital", "both presidents"
        sents = self.ctx.sents
        cur = max((i for i, (a, _) in enumerate(sents) if a <= tok.idx), default=0)
        for si in range(cur, max(-1, cur - 4), -1):
            a, b = sents[si]
            # (for "both", a named pair the text gives no country, "Ivica Dacic and Hashim Thaci", still counts)
            here = [p for p in self.persons if a <= p.start < min(b, tok.idx) and p.kind == "name"
                    and (p.person.code or low == "both")]
            people = list({id(p.person): p for p in here}.values())
            if len(people) >= 2 and (want is None or len(people) == want):
                return people
            pairs = [(x, y) for x, y in zip(people, people[1:]) if re.fullmatch(r"\s+and\s+", self.ctx.text[x.end:y.start])]
            if want == 2 and len(pairs) == 1:
                return list(pairs[0])  # "A and B put their initials to ... hosted by C. Both arrived ...": the pair
            if low in ("they", "them", "both") and si < cur:
                break  # a pronoun reaches back one sentence only
        return []

    def place_at(self, tok):
        a = tok.idx
        for i, m in self.places:
            if m.start <= a < m.end and i not in self.ctx.person_context and m.place.kind in ("city", "country", "demonym"):
                return m
        return None


def _span(tok):
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


def _chain(tok):
    """``tok`` and the tokens coordinated with it ("X, Y and Z")."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj":
            out += _chain(c)
    return out


def _excluded_spans(tok):
    """Sub-spans of a noun phrase that name other people: relative clauses, 'with'/'of' phrases."""
    out = []
    for t in tok.subtree:
        if t.dep_ in ("relcl", "acl") or (t.dep_ == "prep" and t.lower_ in ("with", "by", "than", "against", "including")):
            out.append(_span(t))
    return out


def _people(m: Mentions, tok):
    """People a noun phrase names: its head and conjuncts, else any person inside it."""
    if tok is None:
        return []
    out = []
    for t in _chain(tok):
        p = m.person_at(t)
        if p is not None and p.kind != "name" and _titled_holder(m, t) is not None:
            p = _titled_holder(m, t)  # "President of Armenia Serzh Sargsyan": the title's holder
        if p is not None and p not in out:
            out.append(p)
    a, b = _span(tok)
    # coordinated names the parser attached as appositions ("X, Iranian President Y and Turkish President Z")
    out += [p for p in m.persons_in(a, b, exclude=_excluded_spans(tok))
            if p not in out and p.kind == "name" and not _possessor_or_of(tok, p, m)]
    if out:
        return out
    office = m.office_holder(tok)
    if office is not None:
        return [office]
    return m.group_before(tok)


def _titled_holder(m, t):
    """The person a title names with its country ("President of Armenia Serzh Sargsyan"): a name right
    after "<title> of <place>"."""
    of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return None
    end = of.idx + len(of.text)
    for p in m.persons_in(end, end + 80):
        if p.kind == "name" and _only_places(m, end, p.start):
            return p
    return None


def _only_places(m, a, b):
    """True when the text between ``a`` and ``b`` is one place name (and blanks)."""
    gap = m.ctx.text[a:b]
    if not gap.strip():
        return False
    for _, x in m.places:
        if a <= x.start and x.end <= b and x.place.kind in ("country", "city"):
            gap = gap.replace(x.text, "", 1)
    return re.fullmatch(r"\s*(?:the\s*)?", gap) is not None


def _possessor_or_of(tok, p, m=None):
    """True when person ``p`` inside the phrase of ``tok`` only qualifies it ("Putin's envoy", "the envoy of X");
    not for a title's holder ("President of Armenia Serzh Sargsyan")."""
    for t in tok.subtree:
        if t.idx <= p.start < t.idx + len(t.text) or p.start <= t.idx < p.end:
            for anc in [t] + list(t.ancestors):
                if anc.i == tok.i:
                    break
                if anc.dep_ == "poss":
                    return True
                if anc.dep_ == "pobj" and anc.head.lower_ in ("of", "for"):
                    of = anc.head
                    holder = next((q for q in m.persons_in(of.idx, of.idx + 120) if q.kind == "name"
                                   and q.start <= anc.idx < q.end), None) if m is not None and of.lower_ == "of" else None
                    if holder is not None and _only_places(m, of.idx + 2, holder.start):
                        continue
                    return True
    return False


def summit_article(ctx) -> bool:
    """An article about a multilateral gathering: its attendees travelled to it (GUIDELINES v2). Asked
    for every sentence, so counted once per article."""
    known = ctx.memo.get("summit_article")
    if known is None:
        known = ctx.memo["summit_article"] = len(_SUMMIT_WORD.findall(ctx.text)) >= 2
    return known


_SUMMIT_WORD = re.compile(r"\b(summit|summits|conference|forum|gathering|ministerial|COP\d+|G20|G7|G-20|G-7)\b", re.I)
PRESENCE_VERBS = {"attend", "sign", "speak", "address", "chair", "co-chair", "join", "participate", "represent", "lead",
                  "open", "warn", "urge", "call", "tell", "use", "hold", "meet", "deliver", "present", "announce",
                  "pledge", "propose", "say", "adopt", "criticise", "criticize", "accuse", "condemn", "welcome",
                  "praise", "reject", "argue", "insist", "declare", "vow", "promise", "ask", "appeal", "demand"}


# Where an organisation sits: its officials there are at home, elsewhere they travel
ORG_SEATS = {"EU": ("Brussels", "Strasbourg", "Luxembourg"), "NATO": ("Brussels",), "AU": ("Addis Ababa",),
             "UN": ("New York", "Geneva"), "ASEAN": ("Jakarta",), "GCC": ("Riyadh",), "Arab League": ("Cairo",),
             "OAS": ("Washington",), "SCO": ("Beijing",), "ECOWAS": ("Abuja",), "OPEC": ("Vienna",)}


_AMONG = re.compile(r"\bamong\s+(?:the\s+)?(?:(?:more than|over|some|about|nearly)\s+)?(?:\d+|\w+)?\s*(?:other\s+)?"
                    r"(?:leaders|heads of state|heads of government|presidents|prime ministers|dignitaries|guests|"
                    r"participants|attendees)\b(?:\s+(?:at|attending|who attended|present at)\b)?", re.I)


def presence(ctx, doc, sent_span, venue, g) -> list[Frame]:
    """Leaders acting at the article's summit: each a visitor to its venue (document-level reasoning).

    Only in a summit article with a known venue, for named people with a leader's or minister's role
    whose country is not the venue's, acting (subject of a verb, or "in the presence of") in a
    sentence that places nothing elsewhere and tells nothing of the past."""
    if venue is None:
        return []
    summit = summit_article(ctx)
    m = Mentions(ctx)
    s, e = sent_span
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return []
    sent = ctx.text[s:e]
    if re.search(r"\b(last year|previous|had presided|ago|earlier this year|in 20\d\d|in 19\d\d|next year)\b", sent):
        return []
    for _, x in m.places:
        if s <= x.start < e and x.place.kind in ("city", "country") and x.place.code != venue[0] and \
                re.search(r"\b(?:in|at|to|from)\s+(?:the\s+)?$", ctx.text[max(0, x.start - 9):x.start]):
            return []
    out = []
    for tok in span:
        toks = []
        if summit and tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in PRESENCE_VERBS and tok.tag_ != "VB" and \
                not any(c.dep_ == "aux" and c.lower_ in ("will", "would", "could", "may", "might", "should") for c in tok.children):
            toks = [c for c in tok.children if c.dep_ in ("nsubj",)]
            toks += [p for c in tok.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        listed = []
        if tok.lower_ == "presence" and tok.head.lower_ == "in" and not toks:
            toks = [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            # "in the presence of the President of X, A, the Prime Minister of Y, B, and ...": the parser
            # rarely keeps such a list under "presence"; every named person up to the clause's end is present
            cut = re.search(r";|\s(?:who|which|where|when)\s", ctx.text[tok.idx:e])
            listed = [p for p in ctx.persons_in(tok.idx, tok.idx + cut.start() if cut else e) if p.kind == "name"]
        among = summit and tok.i == span.start and not toks and not listed and _AMONG.search(sent)
        if among:
            # "Among the leaders at the summit were Fiji's Frank Bainimarama, ...", "Merkel and Sarraj were
            # among more than 80 leaders at the summit": every named person of the list is there
            listed = [p for p in ctx.persons_in(s, e) if p.kind == "name"]
        people = [p for t in toks for p in _people(m, t)]
        people += [p for p in listed if all(p is not q for q in people)]
        # "Presidents A of X, B of Y and C of Z joined ...": a plural title heads the whole list
        # (the parser may make the title a subject of its own, next to the list's)
        spans = [_span(t) for t in toks]
        titled = [p for a, b in spans for ps in [ctx.persons_in(a, max([b] + [y for x, y in spans if x >= b and
                                                                              not ctx.text[b:x].strip()]))]
                  if ps and (_PLURAL_TITLE.search(ctx.text[a:ps[0].start]) or _PLURAL_TITLE_AT.match(ctx.text[a:b]))
                  for p in ps]
        people += [p for p in titled if all(p.start != q.start for q in people)]
        titled_at = {p.start for p in titled}
        people = [p for p in people if p.kind == "name" and (
            (p.person.code and p.person.code != venue[0] and (p.person.roles or p.person.name in g.leaders or among
                                                              or p.start in titled_at))
            # an organisation's head away from its seat ("the President of the European Commission" in Cairo)
            or (not p.person.code and getattr(p.person, "org", None) and venue[1]
                and venue[1] not in ORG_SEATS.get(p.person.org, (venue[1],))))]
        if people:
            out.append(Frame("presence", tok, people, [venue], here=True))
    return out


_PLURAL_TITLE = re.compile(r"\b(?:Presidents|Prime Ministers|Premiers|Kings|Emirs|Chancellors|"
                           r"Foreign Ministers|Leaders|Heads of State)\s+$", re.I)
_PLURAL_TITLE_AT = re.compile(r"(?:the\s+)?(?:Presidents|Prime Ministers|Premiers|Kings|Emirs|Chancellors|"
                              r"Foreign Ministers|Leaders|Heads of State)\b", re.I)


def signers_present(ctx, doc, sent_span, g) -> list[Frame]:
    """Who signs in a named city is there: "X and Y today signed in Cairo a Joint Declaration", "A joint
    statement issued in Beijing was signed by X, Y and Z" (resident envoys and an organisation's head at its
    own seat excepted). Summit articles are left to :func:`presence`."""
    if summit_article(ctx):
        return []
    m = Mentions(ctx)
    s, e = sent_span
    span = doc.char_span(s, e, alignment_mode="expand")
    out = []
    for tok in span or []:
        if tok.pos_ != "VERB" or tok.lemma_ not in ("sign", "ink") or tok.tag_ not in ("VBD", "VBN"):
            continue
        cities = [d for prep, pobj in _dest_tokens(tok) if prep == "in" for d in _place_of(m, pobj, g) if d[1]]
        subj = [c for c in tok.children if c.dep_ == "nsubj"]
        agent = [c for c in tok.children if c.dep_ == "agent"]
        if not cities and agent:   # the document's own place: "a statement issued in Beijing was signed by"
            cities = [d for c in tok.children if c.dep_ == "nsubjpass" for t in c.subtree
                      if t.dep_ == "prep" and t.lower_ == "in" for pobj in t.children if pobj.dep_ == "pobj"
                      for d in _place_of(m, pobj, g) if d[1]]
        if not cities or not (subj or agent):
            continue
        code, city = cities[0][0], cities[0][1]
        # every official named in the subject (the parser often buries "President of the European Commission
        # X" inside the next official's "of" phrase) or in the agent
        a0, b0 = (subj[0].left_edge.idx, tok.idx) if subj else \
            (agent[0].idx, agent[0].right_edge.idx + len(agent[0].right_edge.text))
        people = [p for p in ctx.persons_in(a0, b0) if p.kind == "name" and not p.person.roles & ENVOYS and (
            (p.person.code and p.person.code != code)
            or (not p.person.code and getattr(p.person, "org", None) and city not in ORG_SEATS.get(p.person.org, (city,))))]
        if people:
            out.append(Frame("presence", tok, people, [(code, city)]))
    return out


ENVOYS = {"ambassador", "envoy", "charge d'affaires", "consul"}   # resident in the capital where they sign


ORDINAL = {"first", "second", "third", "last", "only", "latest", "youngest", "oldest"}


def subject(tok):
    """The subject of a verb, looking up through coordination, control and participles."""
    seen = 0
    t = tok
    while t is not None and seen < 6:
        seen += 1
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP") and c.lower_ not in ("that", "which"):
                return c
            if c.dep_ == "nsubj" and c.lower_ in ("which", "that") and t.dep_ == "relcl" and t.lemma_ in ("take", "bring"):
                # "his tour, which will also take him to Peru": the tour (the parser may hang the clause on a
                # later noun: "Xi's tour, his second trip since taking office, which has taken him to ...")
                trip = next((x for x in reversed(list(t.doc[max(t.sent.start, c.i - 12):c.i])) if x.lemma_ in TRIP_NOUN
                             and x.pos_ == "NOUN"), None)
                if trip is not None:
                    return trip
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who",) and t.dep_ == "relcl":
                h = t.head
                if any(a.lower_ in ("are", "were", "have") for a in t.children if a.dep_ in ("aux", "auxpass")):
                    while h.dep_ == "conj" and h.head.i != h.i:
                        h = h.head  # "A, ..., and B, ..., who are visiting Manila": both travel
                return h
        if t.dep_ == "acl" and t.head.lemma_ in ("invitation", "invite") and t.head.head.lemma_ in ("accept", "take"):
            t = t.head.head  # "X accepted Y's invitation to visit Turkey": the guest is who accepted
            continue
        if t.dep_ == "acl" and t.head.lemma_ in ("plan", "decision", "bid", "wish", "desire", "intention"):
            poss = next((c for c in t.head.children if c.dep_ == "poss"), None)
            if poss is not None:
                return poss  # "Putin's plan to travel to Paris"
        if t.dep_ in ("relcl", "acl") and t.head.dep_ == "attr" and t.head.head.lemma_ in ("be", "become"):
            # "X became the first French president to set foot in Rwanda": X is who travels
            t = t.head.head
            continue
        if t.dep_ in ("relcl", "acl") and t.head.pos_ in ("PROPN", "NOUN", "PRON"):
            h = t.head
            if h.pos_ == "NOUN" and h.dep_ == "appos" and h.head.pos_ == "PROPN":
                return h.head  # "Xi, the first Chinese president to visit Serbia in 32 years, ...": Xi travels
            if h.pos_ == "NOUN" and h.dep_ in ("dobj", "npadvmod", "appos") and h.left_edge.i > 0 \
                    and h.doc[h.left_edge.i - 1].text == "," and any(c.lower_ in ORDINAL for c in h.children):
                # "X held talks ..., the first Chilean leader to visit Argentina since 2019": the parser makes
                # the description an object; it describes the clause's subject
                t = h.head
                continue
            return h
        if t.dep_ in ("conj", "xcomp", "advcl", "ccomp", "pcomp", "prep", "pobj", "acomp") and t.head.i != t.i:
            t = t.head
            continue
        break
    return None


def _dest_tokens(tok):
    """Objects of destination prepositions under ``tok`` (one level of particles: "flew on to")."""
    out = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in DEST_PREP:
            out += [(c.lower_, p) for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ in ("prt", "advmod", "prep") and c.lower_ in PARTICLES:
            out += [(g.lower_, p) for g in c.children if g.dep_ == "prep" and g.lower_ in DEST_PREP
                    for p in g.children if p.dep_ == "pobj"]
    return out


def _place_of(m: Mentions, tok, g):
    """(ISO3, city) for a noun phrase naming a place ("Kazan", "the Indian capital", "Oyo, the town of ...")."""
    for t in _chain(tok):
        pm = m.place_at(t)
        if t.lower_ == "capital" and any(c.lower_ in ("commercial", "economic", "financial", "business", "cultural",
                                                        "former", "old", "regional", "provincial") for c in t.children):
            a, b = _span(t)  # "the Tanzanian commercial capital" is in Tanzania, not Dodoma
            for x in [x for _, x in m.places if a <= x.start and x.end <= b and x.place.kind in ("country", "demonym")][:1]:
                yield x.place.code, None, x
            continue
        if pm is None and t.pos_ == "PROPN" and t.ent_type_ in ("GPE", "LOC", "FAC", "") and t.lower_ != "capital":
            # "in Bintan, Indonesia": a town the gazetteer does not know, placed by the country after it
            after = m.ctx.text[t.idx + len(t.text):t.idx + len(t.text) + 40]
            x = next((x for _, x in m.places if x.place.kind == "country" and x.place.code
                      and x.start == t.idx + len(t.text) + (len(after) - len(after.lstrip(", ")))), None)
            if x is not None and re.match(r",\s", after) and not m.person_at(t):
                name = " ".join(w.text for w in t.subtree if w.i <= t.i and w.pos_ == "PROPN")
                yield x.place.code, name, x
                continue
        if pm is None:
            # the head is "capital"/"city" with a demonym/country modifier, or a place inside a short NP
            a, b = _span(t)
            if b - a <= 40:
                kinds = ("city", "country", "demonym") if t.lower_ == "capital" else ("city", "country")
                inside = [x for _, x in m.places if a <= x.start and x.end <= b and x.place.kind in kinds]
                if inside:
                    pm = inside[0]
        if pm is None:
            continue
        if pm.place.kind == "demonym":
            if t.lower_ == "capital" and g.capitals.get(pm.place.code):
                yield pm.place.code, g.capitals[pm.place.code], pm
            continue
        if pm.place.kind == "country" and t.lower_ == "capital" and g.capitals.get(pm.place.code):
            yield pm.place.code, g.capitals[pm.place.code], pm  # "the capital of Kenya"
            continue
        yield pm.place.code, (pm.place.name if pm.place.kind == "city" else None), pm


def _to_list(m: Mentions, sent, after_tok, g):
    """Later "to <place>" phrases of the same sentence: the legs of a tour listed in one sentence."""
    out = []
    for t in sent:
        if t.i <= after_tok.i or t.lower_ != "to" or t.dep_ not in ("prep", "conj"):
            continue
        prev = t.doc[t.i - 1] if t.i > 0 else None
        if prev is not None and prev.lower_ not in (",", ";", "and", "then", "on", "-", "–") and prev.i != after_tok.i:
            continue
        for p in t.children:
            if p.dep_ == "pobj":
                out += list(_place_of(m, p, g))
    return out


def _clause_hypothetical(tok) -> bool:
    t = tok
    for _ in range(6):
        for c in t.children:
            if c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARK:
                return True
        if t.head.i == t.i:
            break
        t = t.head
    return False


def _negated(tok) -> bool:
    if tok.dep_ == "xcomp" and tok.head.lemma_ in ("agree", "decide", "choose", "opt") and \
            any(c.dep_ == "neg" for c in tok.children) and not any(c.dep_ == "neg" for c in tok.head.children):
        return False  # "agreed not to travel to Johannesburg": a trip called off (visits.CANCEL), not no trip
    if tok.dep_ == "pcomp" and tok.head.lower_ == "without":
        return True  # "agreed to resign without returning to Kyrgyzstan"
    return any(c.dep_ == "neg" for c in tok.children) or any(c.dep_ == "neg" for c in tok.head.children
                                                             if tok.dep_ in ("xcomp",))


_RECENT = re.compile(r"\b(?:(?:two|three|four|five|six|a few|\d) days (?:earlier|before)|the (?:day|night|evening) before|"
                     r"a day (?:earlier|before)|earlier (?:that|the same) (?:day|week))\b", re.I)


def _background(tok) -> bool:
    """A trip told inside a "when"/"since" clause of another statement ("the goal set when Key visited Beijing")."""
    t = tok
    for _ in range(3):
        if any(c.dep_ in ("mark", "advmod") and c.lower_ in BACKGROUND_MARK for c in t.children) and t.tag_ in ("VBD", "VBN") \
                and t.dep_ in ("advcl", "relcl", "conj"):
            # but "The groundwork had been laid three days earlier, when Panetta flew to Bangkok": days before
            # the story, a leg of it
            return not _RECENT.search(t.sent.text)
        if t.dep_ == "relcl" and t.tag_ == "VBD" and any(c.lower_ == "who" for c in t.children) and any(
                x.lower_ in MONTHS or (x.like_num and len(x.text) == 4) for c in t.children
                if c.dep_ == "prep" and c.lower_ == "in" for x in c.children if x.dep_ == "pobj"):
            return True  # "Pena Nieto, who visited China in April for the Boao Forum, said ...": an aside of the past
        if t.dep_ not in ("conj",) or t.head.i == t.i:
            break
        t = t.head
    return False


def frames(ctx, doc, sent_span, venue, g) -> list[Frame]:
    """All trip frames of one sentence. ``venue`` is where a trip with no place of its own goes
    ("flew in on Sunday", "Putin's state visit"): the place the sentence opens with ("In Kabul, ..."),
    else the article's focus (see :func:`article_venue`), as (ISO3, city) or None."""
    m = Mentions(ctx)
    s, e = sent_span
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None:
        return []
    venue = _sentence_venue(m, span, g) or venue
    out: list[Frame] = []
    for tok in span:
        lem = tok.lemma_.lower()
        if tok.pos_ in ("VERB", "AUX") and _clause_hypothetical(tok):
            continue
        if tok.pos_ == "VERB" and _negated(tok):
            continue
        carried = False
        if lem in ("take", "bring"):   # "his swing took him to Cairo": the trip noun is the subject
            sj = subject(tok)
            carried = sj is not None and sj.lemma_ in TRIP_NOUN
        expected_in = tok.lower_ == "expected" and tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children) \
            and any(c.dep_ == "prep" and c.lower_ == "in" for c in tok.children)   # "X, who had been expected in Y"
        if (tok.pos_ == "VERB" and (lem in MOVE or carried)) or (tok.lower_ == "due" and tok.pos_ == "ADJ") or expected_in:
            f = _move_frame(m, tok, "due" if expected_in else lem, span, venue, g)
        elif tok.pos_ in ("NOUN", "PROPN") and tok.lower_ in TRIP_NOUN | {"visits", "stops", "trips"} and lem in TRIP_NOUN:
            f = _noun_frame(m, tok, span, venue, g)
        elif tok.pos_ == "VERB" and (lem in HOST | {"play"} or (lem in ("give", "extend", "accord", "roll", "lay") and any(
                c.dep_ == "dobj" and c.lemma_ in ("welcome", "reception", "carpet") for c in tok.children))):
            f = _host_frame(m, tok, lem, venue, g)
        elif tok.pos_ == "VERB" and (lem in ATTEND or (lem == "take" and any(c.lower_ == "part" for c in tok.children))
                                     or (lem == "lead" and any(c.lower_ in ("delegation", "delegations") for c in tok.children))):
            f = _attend_frame(m, tok, lem, venue, g)
        elif (tok.pos_ == "VERB" and lem in MEET) or (tok.lower_ == "talks" and tok.dep_ in ("dobj", "pobj")):
            f = _meet_frame(m, tok, g)
        elif lem == "be" or (lem == "speak" and tok.tag_ == "VBG" and tok.dep_ == "advcl"):
            f = _being_in_frame(m, tok, lem, g)
        elif venue and tok.pos_ == "VERB" and any(c.dep_ == "advmod" and c.lower_ == "here" for c in tok.children):
            f = _here_frame(m, tok, venue)
        else:
            continue
        if f is not None and f.visitors and f.dests and not _background(tok):
            out.append(f)
            if f.kind == "move":
                out += _previous_leg(m, tok, f, g)
    if not out:
        f = _opened_venue_frame(m, span, g)
        if f is not None:
            out.append(f)
    return out


def _opened_venue_frame(m, span, g):
    """"In Colombo, he and President Rajapaksa launched ...": on a tour, a sentence that opens with a named
    city and goes on with what the traveller (a pronoun for someone the article already named) did there
    puts them in that city. Only a pronoun subject: "In London, the Russian ambassador said" names a resident."""
    first = span[0]
    if first.lower_ != "in" or first.dep_ != "prep" or first.head.pos_ != "VERB":
        return None
    verb = first.head
    if _negated(verb) or _clause_hypothetical(verb) or _background(verb):
        return None
    dests = [d for p in first.children if p.dep_ == "pobj" for d in _place_of(m, p, g) if d[1]]
    subj = subject(verb)
    if not dests or subj is None or subj.lower_ not in ("he", "she", "they"):
        return None
    visitors = [v for v in _people(m, subj) if v.person.code and v.person.code != dests[0][0]]
    return Frame("attend", verb, visitors, _dedupe(dests)) if visitors else None


def _move_frame(m, tok, lem, sent, venue, g):
    if lem == "touch" and not any(c.dep_ == "prt" and c.lower_ == "down" for c in tok.children):
        return None  # "touched on trade": only "touched down in" is a landing
    subj = subject(tok)
    visitors = _people(m, subj) if subj is not None else []
    if subj is not None and subj.head.i == tok.i:
        # "A, B and C arrived": the parser may give the verb two subjects ("A" and "B and C")
        for other in (c for c in tok.children if c.dep_ == "nsubj" and c.i != subj.i):
            visitors += [p for p in _people(m, other) if all(p.person is not v.person for v in visitors)]
    if subj is not None and subj.lower_ in ("visit", "trip", "tour", "swing", "journey") :
        # "his five-day swing took him to Cairo": the possessor travels
        visitors = [p for c in subj.children if c.dep_ == "poss" for p in [m.person_at(c)] if p]
        pron = any(c.dep_ == "dobj" and c.pos_ == "PRON" for c in tok.children)
        if not visitors and pron:
            # "the Premier will leave for Colombia, the second stop of a tour that will also take him to
            # Peru": "him" is who is on the tour, the subject of the clause the tour hangs on
            up = next((a for a in subj.ancestors if a.pos_ in ("VERB", "AUX")), None)
            who = subject(up) if up is not None else None
            visitors = [v for v in _people(m, who) if v.kind == "name" or v.person.code] if who is not None else []
        if not visitors:
            visitors = [p for c in tok.children if c.dep_ == "dobj" for p in _people(m, c)]
        if not visitors and pron:
            # "X is on a tour that will take him to ...": "him" is who is on the tour
            up = next((a for a in subj.ancestors if a.pos_ in ("VERB", "AUX")), None)
            who = subject(up) if up is not None else None
            visitors = _people(m, who) if who is not None else []
    dests = []
    if lem == "visit":
        for c in tok.children:
            if c.dep_ in ("dobj", "attr"):
                dests += list(_place_of(m, c, g))
    for prep, p in _dest_tokens(tok):
        if lem in ("leave", "depart") and prep != "for":
            continue
        if prep in ("at",) and lem not in ("arrive", "land", "touch"):
            continue
        if prep == "in" and lem not in {"arrive", "land", "touch", "stop", "set", "tour", "visit", "due", "spend"} | LEG_VERBS:
            continue
        if lem in LEG_VERBS and prep != "in":
            continue
        dests += list(_place_of(m, p, g))
    if not dests and lem in ("leave", "depart") and _END_OF_STAY.search(sent.text):
        # "X left Israel on Friday at the end of a three-day visit": the place left is the one visited
        for c in tok.children:
            if c.dep_ == "dobj":
                dests += list(_place_of(m, c, g))
    if not dests and lem in {"leave"} | LEG_VERBS:
        return None
    if lem in LEG_VERBS and (not visitors or any(c.dep_ == "dobj" and c.lemma_ not in TRIP_NOUN for c in tok.children)):
        return None  # "began talks in ...", "ended the war": no leg of a trip
    if dests or lem in ("arrive", "land", "fly", "come", "visit"):
        dests += _to_list(m, sent, tok, g)
    here = False
    adv = {c.lower_ for c in tok.children if c.dep_ == "advmod"}
    if not dests and "there" in adv:
        prev = m.place_before(sent.start_char)
        if prev is not None:
            dests = [prev]  # "Abiy flew there on Sunday": the place the text spoke of last
    if not dests and venue and "here" in adv:
        dests = [venue]
    if not dests and venue and lem in ("arrive", "land", "fly", "come") and _no_place_after(m, tok):
        dests = [venue]
        here = True
    if lem in MOVE_NEEDS_TO and not dests:
        return None
    if subj is not None and subj.lower_ in ("men", "leaders", "sides", "presidents", "delegations") and not visitors:
        # "Both men flew in on Sunday - Kim ..., Trump ...": the people named after the verb
        visitors = [p for p in m.persons_in(tok.idx, sent.end_char) if p.kind == "name"]
    return Frame("move", tok, visitors, _dedupe(dests), here=here)


def _previous_leg(m, tok, f, g) -> list[Frame]:
    """"The Japanese leader flew in from Ulaanbaatar, where on Thursday he and Mongolian Prime Minister X
    signed ...": the place a traveller came from, when a "where" clause tells what they did there, is an
    earlier leg of the trip (a city only named as a flight's origin is not)."""
    out = []
    for c in tok.children:
        if c.dep_ != "prep" or c.lower_ != "from":
            continue
        for p in c.children:
            if p.dep_ != "pobj":
                continue
            for r in p.children:
                if r.dep_ != "relcl" or not any(w.lower_ == "where" for w in r.children):
                    continue
                sj = subject(r)
                told = _people(m, sj) if sj is not None else []
                if any(v.person is x.person for v in f.visitors for x in told):
                    dests = [d for d in _place_of(m, p, g) if d[0] not in {v.person.code for v in f.visitors}]
                    if dests:
                        out.append(Frame("earlier", r, f.visitors, _dedupe(dests)))
    return out


def _sentence_venue(m, span, g):
    """A place the sentence opens with: "In Kabul, ...", "In Male on Sunday, ..."."""
    first = span[0]
    if first.lower_ not in ("in", "at") or first.dep_ != "prep":
        return None
    for p in first.children:
        if p.dep_ == "pobj":
            for code, city, _ in _place_of(m, p, g):
                return code, city
    return None


def _no_place_after(m, tok):
    """"flew in", "arrived on Tuesday", "came here": a movement verb with no place of its own."""
    def came_from(t, top):  # "aboard an El Al plane from Tel Aviv": where the plane came from
        for a in [t, *t.ancestors]:
            if a.dep_ == "prep" and a.lower_ in ("from", "via"):
                return True
            if a.i == top.i:
                return False
        return False

    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("from",):
            continue
        if c.dep_ in ("prep", "dobj") and any(m.place_at(t) and not came_from(t, c) for t in c.subtree):
            return False
    return True


CALL_OFF_VERBS = {"call", "cancel", "postpone", "scrap", "skip", "delay", "put", "shelve"}


def _noun_frame(m, tok, sent, venue, g):
    visitors = []
    for c in tok.children:
        if c.dep_ == "poss":
            p = m.person_at(c)
            if p:
                visitors.append(p)
        if c.dep_ == "prep" and c.lower_ in ("by", "of"):
            for p in c.children:
                if p.dep_ == "pobj":
                    visitors += [x for x in _people(m, p) if x not in visitors]
        if c.dep_ == "compound" and m.person_at(c):
            visitors.append(m.person_at(c))
    if not visitors:
        head = tok.head
        for _ in range(3):
            if head.pos_ in ("VERB", "AUX"):
                subj = subject(head)
                if subj is not None:
                    visitors = _people(m, subj)
                break
            if head.head.i == head.i:
                break
            head = head.head
    dests = []
    for prep, p in _dest_tokens(tok):
        if prep in ("to", "in", "into"):
            dests += list(_place_of(m, p, g))
            if not visitors:
                # "a brief stop in Cotonou, where Bush met President Boni Yayi": an ownerless stop's
                # traveller is the one the "where" clause names
                for r in p.children:
                    if r.dep_ == "relcl" and any(w.lower_ == "where" for w in r.children):
                        sj = subject(r)
                        visitors = [v for v in _people(m, sj) if v.person.code] if sj is not None else []
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod"):
            pm = m.place_at(c)
            if pm is not None and pm.place.kind in ("country", "city"):
                dests.append((pm.place.code, pm.place.name if pm.place.kind == "city" else None, pm))
    if not dests and tok.dep_ == "nsubj" and tok.head.lemma_ in ("begin", "start", "open", "end", "conclude", "continue"):
        # "The trip began on Friday in Sharm el-Sheikh, where Biden addressed ...": the leg's city is the
        # verb's, and the traveller the one the "where" clause names when the trip has no owner
        for c in tok.head.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        dests += [d for d in _place_of(m, p, g) if d[1]]
                        if not visitors:
                            for r in p.children:
                                if r.dep_ == "relcl" and any(w.lower_ == "where" for w in r.children):
                                    sj = subject(r)
                                    visitors = [v for v in _people(m, sj) if v.person.code] if sj is not None else []
    if dests:
        dests += _to_list(m, sent, tok, g)
    here = False
    came_from = (tok.head.dep_ == "prep" and tok.head.lower_ in ("from", "after")) or \
        (tok.dep_ == "pobj" and tok.head.lower_ in ("from", "after"))
    if came_from and not (tok.head.lower_ == "after" and tok.head.head.lemma_ in ("wrap", "end", "conclude", "finish")):
        return None  # "arrived from a stop in ...": where the trip came from; but "wrapped up the tour in
        # Kinshasa after stops in Gabon and Angola": the tour's earlier legs
    by_agent = any(c.dep_ == "prep" and c.lower_ == "by" for c in tok.children)
    # "X called off the trip": the trip the article is about, to its venue
    called_off = tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_ in CALL_OFF_VERBS and \
        any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children)
    if not dests and venue and (any(c.dep_ == "poss" for c in tok.children) or by_agent or called_off) and \
            tok.lower_ in ("visit", "trip", "tour"):
        # "Putin's state visit", "during a visit by Ethiopian Prime Minister Abiy Ahmed": to the article's venue
        dests = [venue]
        here = True
    return Frame("noun", tok, visitors, _dedupe(dests), here=here)


def _host_frame(m, tok, lem, venue, g):
    if lem in ("play", "give", "extend", "accord", "roll", "lay"):
        if lem == "play" and not any(c.lower_ == "host" for c in tok.children):
            return None
        # "played host to X", "gave a warm welcome to X", "rolled out the red carpet for X"
        to = ("to", "for") if lem in ("roll", "lay") else ("to",)
        preps = [c for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in to]
        preps += [g for c in tok.children if c.dep_ == "dobj" for g in c.children if g.dep_ == "prep" and g.lower_ in to]
        objs = [p for c in preps for p in c.children if p.dep_ == "pobj"]
    else:
        objs = [c for c in tok.children if c.dep_ in ("dobj",)]
        if tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
            # "X was received by Y": the subject is the visitor, the agent the host
            # the parser's labels when a date comes between: "nsubj", even hung on the auxiliary
            objs = [c for c in tok.children if c.dep_ == "nsubjpass"] or \
                [c for c in tok.children if c.dep_ == "nsubj"] or \
                [c for a in tok.children if a.dep_ == "auxpass" for c in a.children if c.dep_ == "nsubj"]
        elif tok.tag_ == "VBN" and tok.dep_ == "advcl" and tok.head.lemma_ == "be" and \
                any(c.dep_ == "agent" for c in tok.children):
            # "X was on Tuesday received by Y": the parser makes the participle a clause of "was"
            objs = [c for c in tok.head.children if c.dep_ == "nsubj"]
    visitors = [p for o in objs for p in _people(m, o)]
    if not visitors:  # "Kenya's President William Ruto": the parser may make the name an apposition of the title
        visitors = [p for o in objs for a in o.children if a.dep_ == "appos" for p in _people(m, a)]
    subj = subject(tok)
    if tok.tag_ == "VBN" and (any(c.dep_ == "auxpass" for c in tok.children) or objs and objs[0].head.i == tok.head.i
                              and tok.head.i != tok.i and tok.dep_ == "advcl"):
        agent = [p for c in tok.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        subj = agent[0] if agent else None
    host = m.person_at(subj) if subj is not None else None
    dests = []
    for prep, p in _dest_tokens(tok):
        if prep in ("in", "at"):
            dests += list(_place_of(m, p, g))
    if not dests:
        # "received him for lunch at Kramar's Villa in Prague": a city anywhere in the clause
        a, b = _span(tok)
        skip = [_span(c) for c in tok.children if c.dep_ in ("conj", "advcl", "nsubj", "nsubjpass", "dobj")]
        for _, x in m.places:
            if a <= x.start < b and x.place.kind == "city" and not any(u <= x.start < v for u, v in skip) \
                    and re.search(r"\b(?:in|at)\s+(?:the\s+)?$", m.ctx.text[max(0, x.start - 8):x.start]):
                dests.append((x.place.code, x.place.name, x))
                break
    if not dests and subj is not None:
        dests = list(_place_of(m, subj, g))  # "Bled played host to his talks"
    if not dests and host is not None and host.person.code and (lem != "greet" or tok.dep_ in ("ROOT", "conj")):
        dests = [(host.person.code, None, None)]  # not for "... to greet X": the traveller greets too
    visitors = [v for v in visitors if host is None or v.person is not host.person]
    f = Frame("host", tok, visitors, _dedupe(dests), host=host)
    return f


def _attend_frame(m, tok, lem, venue, g):
    subj = subject(tok)
    # "Russia is represented by X", "the meeting was also attended by A, B and C": the agents attend
    passive_rep = lem in ("represent", "attend", "witness") and any(c.dep_ == "auxpass" for c in tok.children)
    if lem == "witness" and not ({t.lemma_.lower() for c in tok.children for t in c.subtree} & WITNESSED):
        return None  # "the region has witnessed growth": only a signing or a ceremony is witnessed in person
    if passive_rep:
        # the parser often hangs "by" on the venue noun ("represented at the summit, which ..., by X")
        agents = [p for c in tok.subtree if (c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"))
                  and not any(a.dep_ == "relcl" for a in c.ancestors if a.i != tok.i and tok.i in [x.i for x in a.ancestors])
                  for p in c.children if p.dep_ == "pobj"]
        visitors = [p for a in agents for p in _people(m, a)]
        by = next((c for c in tok.children if c.dep_ == "agent"), None)
        if by is not None and lem != "represent":
            # "was witnessed by Clinton, Russian Foreign Minister Sergei Lavrov, ... and X": the parser rarely
            # keeps such a list under "by"; every named person up to the clause's end is one of the agents
            e = by.sent.end_char
            cut = re.search(r";|\s(?:who|which|where|when|while|after|before)\s", m.ctx.text[by.idx:e])
            visitors += [p for p in m.persons_in(by.idx, by.idx + cut.start() if cut else e) if p.kind == "name"
                         and all(p.person is not v.person for v in visitors)]
        _give_country(m, visitors, [c for c in tok.children if c.dep_ == "nsubjpass"])  # "Russia is represented by X"
    else:
        visitors = _people(m, subj) if subj is not None else []
        if subj is not None and re.search(r"\band others\b", m.ctx.text[_span(subj)[0]:tok.idx]):
            return None  # "Wang Huning, Li Zhanshu, Yang Jiechi and others attended ...": a leader's delegation
        if lem == "lead":
            _give_country(m, visitors, [a for c in tok.children if c.lower_ in ("delegation", "delegations")
                                        for a in c.children if a.dep_ in ("amod", "compound", "poss")])
    dests = []
    if lem == "represent" and not passive_rep:
        # "X will represent the United States at the APEC summit in Bangkok": only the venue phrase
        objs = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("at", "in")]
        if not objs:
            return None
    else:
        objs = [c for c in tok.children if c.dep_ in ("dobj", "prep")] if lem != "take" else \
            [c for c in tok.children if c.dep_ == "prep"]
    for o in objs:
        a, b = _span(o)
        # every place the event phrase locates: "the G20 summit in Seoul ... and the APEC summit in Yokohama"
        for x in [x for _, x in m.places if a <= x.start and x.end <= b and x.place.kind in ("city", "country")]:
            before = m.ctx.text[max(0, x.start - 10):x.start]
            if re.search(r"\b(?:from|of)\s+(?:the\s+)?$", before):
                continue
            if dests and not re.search(r"\b(?:in|at)\s+(?:the\s+)?$|,\s*$", before):
                continue
            dests.append((x.place.code, x.place.name if x.place.kind == "city" else None, x))
    if lem == "lead":
        for prep, p in _dest_tokens(tok) + [(pp.lower_, q) for c in tok.children if c.dep_ == "dobj"
                                             for pp in c.children if pp.dep_ == "prep" and pp.lower_ in ("in", "to", "at")
                                             for q in pp.children if q.dep_ == "pobj"]:
            if prep in ("in", "to", "at"):
                dests += list(_place_of(m, p, g))
        dests = [d for d in dests if not m.ctx.text[max(0, d[2].start - 5):d[2].start].lower().endswith("of ")] \
            if dests and len(dests[0]) > 2 else dests
    here = False
    if not dests and venue:
        words = {t.lower_ for o in objs for t in o.subtree} | {t.lower_ for t in tok.children}
        if words & EVENT_NOUN or lem in ("represent", "participate", "witness") or tok.lower_ in ("attended", "attending", "attends"):
            dests = [venue]
            here = True
    return Frame("attend", tok, visitors, _dedupe(dests), here=here)


def _being_in_frame(m, tok, lem, g):
    """"X is in Moscow for the annual summit", "X was in Washington this week for a state visit",
    "Speaking in Hanoi on Friday, X said ...": presence in a named city of another country."""
    places = [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children if p.dep_ == "pobj"]
    dests = [d for p in places for d in _place_of(m, p, g) if d[1]]   # a named city only
    if not dests:
        return None
    if lem == "be":
        purpose = {t.lemma_.lower() for c in tok.children if c.dep_ == "prep" and c.lower_ == "for"
                   for t in c.subtree}
        if not purpose & (TRIP_NOUN | EVENT_NOUN | {"talk", "visit"}):
            return None
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    else:
        subj = subject(tok)
    visitors = [v for v in _people(m, subj) if v.person.code] if subj is not None else []
    if lem == "speak" and not any(v.person.code != dests[0][0] for v in visitors) and tok.head.i > tok.i:
        # "Speaking in Nairobi after talks with President Ruto, German Chancellor Olaf Scholz said ...": the
        # parser loses the subject in the long opener; the speaker is the last name before the main verb
        named = [p for p in m.persons_in(tok.idx, tok.head.idx) if p.kind == "name" and p.person.code
                 and p.person.code != dests[0][0]]
        visitors = named[-1:]
    return Frame("attend", tok, visitors, _dedupe(dests))


def _here_frame(m, tok, venue):
    """"ACCRA, June 7 (Wire) - Kenyan President William Ruto said here on Friday ...": a foreign official
    acting "here", in the dateline's city, is there. Envoys are not: they live there."""
    subj = subject(tok)
    visitors = [v for v in _people(m, subj) if v.person.code and v.person.code != venue[0]
                and not v.person.roles & ENVOYS] if subj is not None else []
    return Frame("attend", tok, visitors, [venue], here=True)


def _give_country(m, visitors, toks):
    """The country a clause gives people the article leaves without one ("Russia is represented by X",
    "X is leading the Brazilian delegation"): it becomes theirs."""
    codes = {pm.place.code for t in toks for pm in [m.place_at(t)] if pm is not None and pm.place.code
             and m.ctx.gaz.is_country(pm.place.code)}
    if len(codes) == 1:
        for v in visitors:
            if v.person.code is None and getattr(v.person, "org", None) is None:
                v.person.code = next(iter(codes))


def _meet_frame(m, tok, g):
    verb = tok if tok.pos_ == "VERB" else tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subj = subject(verb)
    visitors = _people(m, subj) if subj is not None else []
    for c in list(verb.children) + list(tok.children):
        if c.dep_ == "dobj" and c.i != tok.i:
            visitors += _people(m, c)
        if c.dep_ == "prep" and c.lower_ == "with":
            for p in c.children:
                if p.dep_ == "pobj":
                    visitors += _people(m, p)
    dests = []
    for t in {verb, tok}:
        for prep, p in _dest_tokens(t):
            if prep == "in":
                dests += [d for d in _place_of(m, p, g) if d[1]]  # a named city only
    visitors = [v for v in visitors if v.person.code]  # a local counterpart is often named without a country
    return Frame("meet", tok, visitors, _dedupe(dests))


def _dedupe(dests):
    out, seen = [], set()
    for d in dests:
        code, city = d[0], d[1]
        if not code:
            continue
        key = (code, city)
        if key in seen:
            continue
        # a city of a country already listed replaces the bare country
        out = [x for x in out if not (x[0] == code and x[1] is None and city)]
        if any(x[0] == code and x[1] and city is None for x in out):
            continue
        seen.add(key)
        out.append((code, city))
    return out


_SUMMIT_IN = re.compile(r"\b(summit|conference|meeting|forum|talks|session|gathering|games|COP\d*)\b[^.;]{0,60}?\b(?:in|at)\s+$",
                        re.I)
_GATHERED_IN = re.compile(r"\b(?:met|meet|gathered|gather|convened|convene|assembled)\s+(?:here\s+)?in\s+$", re.I)
_FOR_SUMMIT = re.compile(r"[^.;]{0,50}?\bfor\s+(?:the|a|an|their)\s+(?:[\w-]+\s+){0,4}(?:summit|conference|forum|meeting)\b",
                         re.I)   # "met in Brussels on 17 and 18 February for the sixth EU-AU summit"


def article_venue(ctx, g):
    """Where the article's events take place: its dateline city, else the city its summit is held in."""
    if ctx.dateline is not None and ctx.dateline.place.code and ctx.dateline.place.kind in ("city", "country"):
        pl = ctx.dateline.place
        return pl.code, (pl.name if pl.kind == "city" else None)
    counts: dict = {}
    for _, mm in ctx.places_in(0, len(ctx.text)):
        before, after = ctx.text[max(0, mm.start - 80):mm.start], ctx.text[mm.end:mm.end + 60]
        if mm.place.kind == "city" and (_SUMMIT_IN.search(before) or (
                _GATHERED_IN.search(before) and _FOR_SUMMIT.match(after))):
            key = (mm.place.code, mm.place.name)
            counts[key] = counts.get(key, 0) + 1
    if counts:
        return max(counts, key=counts.get)
    if summit_article(ctx):
        # "Biden has hosted leaders of Pacific island nations at the White House, wrapping up the first
        # ... Summit": a seat of government named for its state is in the state's capital
        for _, mm in ctx.places_in(0, len(ctx.text)):
            before = ctx.text[max(0, mm.start - 100):mm.start]
            if mm.place.kind == "country" and _SEAT.search(mm.text) and g.capitals.get(mm.place.code) and (
                    _SUMMIT_IN.search(before) or _HOSTED_AT.search(before)):
                key = (mm.place.code, g.capitals[mm.place.code])
                counts[key] = counts.get(key, 0) + 1
    if counts:
        return max(counts, key=counts.get)
    return None


_SEAT = re.compile(r"\b(?:House|Kremlin|Palace|Élysée|Elysee|Zhongnanhai|Downing Street)\b")
_HOSTED_AT = re.compile(r"\b(?:host(?:ed|s|ing)?|received|welcomed|gathered|met)\b[^.;]{0,80}?\bat\s+(?:the\s+)?$", re.I)
