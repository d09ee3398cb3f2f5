"""Visits: trip frames (:mod:`kg.extract.trips`) assembled into one Visit per (visitor, destination).

Frames come from the parse of each sentence plus the document-level presence of leaders at a
summit's venue. Sentences about the same trip merge, so "the first since 2019" or a meeting inside
the trip does not add a Visit; host, dates and status are then read from every sentence about the
trip (:func:`_finish`), and the status against the publication day (:func:`_status`).
"""
from __future__ import annotations

import datetime as dt
import re

from . import dates
from .common import BACKGROUND, evidence_fields
from .numbers import NUMBER_WORDS
from .records_util import merge_into
from kg.records import Visit

CANCEL = re.compile(r"\b(call(?:ed|ing|s)? off|cancel(?:l?ed|s|ling)?|cancellation|postpon(?:ed|es|ing)|put off|"
                    r"not to (?:travel|attend|visit|go|come)|scrapped)\b", re.I)
_NOT_THE_TRIP = re.compile(r"\s+(?:(?:a|an|the|his|her|their|its|planned|scheduled|one-on-one|bilateral)\s+){0,3}"
                           r"(?:\w+\s+){0,1}(?:meeting|talks|session|interview|news conference|press conference|dinner|"
                           r"speech|appearance|event|call|sanctions|strike|protest|rally)s?\b", re.I)


def cancels_trip(sent: str) -> bool:
    """A cancellation in the sentence that is not of a meeting, a talk or a dinner within the trip
    ("Obama called off a meeting with Duterte" leaves his visit standing)."""
    return any(not _NOT_THE_TRIP.match(sent, m.end()) for m in CANCEL.finditer(sent))


PLANNED = re.compile(r"\b(will|would (?:soon |later |then )?(?:travel|visit|go|fly|head|attend)|is due to|are due to|due to|is due in|are due in|is to|are to|scheduled|plans? to|set to|would lead|"
                     r"leaves for|"
                     r"to visit|expected to|is expected|next week|in the coming days|upcoming|looks? forward to|"
                     r"looking forward to)\b", re.I)
PRESENT = re.compile(r"\b(is on|is visiting|are visiting|runs until|lasts until|is in|continues)\b", re.I)
SKIP = re.compile(r"\b(virtual|video link|would be invited|near future|intend(?:s|ed)? to|none of|one day|some day|someday|"
                  r"without giving a date|in the coming (?:weeks|months))\b", re.I)
INVITED = re.compile(r"\binvit(?:ed|es|ation)\b(?!\s+of\b)", re.I)
START_CUE = re.compile(r"\b(arriv\w*|landed|lands|flew|began|begins|received|welcomed|from)\b", re.I)
END_CUE = re.compile(r"\b(ended|ends|left|leaves|leave|until|concluded|wrapped up|wraps up|at the end of|departed|"
                     r"returns? (?:home|to)|flew home|flies home|fl(?:y|ying) (?:home|back))\b", re.I)
_DEPART = re.compile(r"(?:leaving|departing|flying|heading|returning)(?:\s+(?:home|back|for|to|on|out|off|early|late|"
                     r"[A-Z][\w'’-]+))*\s*$")  # "before leaving for Monrovia on", "before leaving early"


def _ending_verb(ctx, pos: int) -> bool:
    """The date at ``pos`` hangs on an ending verb further back than the cue window ("wraps up his four-day
    state visit to China on Friday"): the verb with its particle, read off the parse."""
    span = ctx.doc.char_span(pos, pos + 1, alignment_mode="expand")
    if span is None:
        return False
    t = span[0]
    for _ in range(4):
        if t.pos_ in ("VERB", "AUX") or t.head is t:
            break
        t = t.head
    if t.pos_ != "VERB":
        return False
    words = " ".join([t.text] + [c.text for c in t.children if c.dep_ == "prt"])
    return bool(END_CUE.fullmatch(words))


TRIP_NP = re.compile(r"\b(?:the|his|her|this|their)\s+(?:\w+-day\s+|state\s+|official\s+|working\s+)*(?:visit|trip|stop|tour)\b",
                     re.I)


CUE_CONFIDENCE = {"presence": 0.65, "move": 0.9, "noun": 0.85, "host": 0.8, "attend": 0.75, "meet": 0.6, "earlier": 0.6}
"""How sure each kind of trip frame is; a destination taken from the article's venue costs 0.15 and a
visitor known only by a pronoun or a role 0.1 (kg eval prints precision at several thresholds)."""


def _frame_visits(ctx, original, found):
    """Visits from the parse-based trip frames of :mod:`kg.extract.trips`."""
    from .trips import Frame, article_venue, frames, presence, signers_present
    g = ctx.gaz
    venue = article_venue(ctx, g)
    leg_of = None   # the movement frame a ';'-separated list of legs continues
    for si, (s, e) in enumerate(ctx.sents):
        sent = ctx.text[s:e]
        if not sent.strip() or (INVITED.search(sent) and not re.search(r"\baccept", sent)):
            leg_of = None
            continue
        # an article with no dateline or summit city still has a scene: where the trip the last two
        # sentences told of took place ("Li witnessed ... in Nairobi. Museveni and Kagame flew in for the ceremony")
        scene = venue or _scene(ctx, found, si)
        fs = frames(ctx, ctx.doc, (s, e), scene, g) + presence(ctx, ctx.doc, (s, e), venue, g) + \
            signers_present(ctx, ctx.doc, (s, e), g)
        cont = CONTINUED_LEG.match(sent)
        if cont and leg_of is not None and not any(f.kind == "move" for f in fs):
            # "His swing took him to Cairo, ...; to Oyo, ...; and finally to Addis Ababa": one leg per item
            dest = next(((mm.place.code, mm.place.name if mm.place.kind == "city" else None)
                         for _, mm in ctx.places_in(s + cont.end(), e) if mm.start <= s + cont.end() + 1
                         and mm.place.kind in ("city", "country") and mm.place.code), None)
            if dest is not None:
                fs = [Frame("move", leg_of.trigger, leg_of.visitors, [dest])] + fs
        moves = [f for f in fs if f.kind == "move"]
        leg_of = (moves[-1] if moves else leg_of if cont else None) if sent.rstrip().endswith(";") else None
        for f in fs:
            t0 = f.trigger.idx - s
            if 0 <= t0 and BACKGROUND.search(sent[max(0, t0 - 80):t0 + 80]):
                continue
            # "looks forward to welcoming X to Washington in the coming weeks": a wish, undated as a whole
            wish = any(a.lemma_ == "look" and any(c.lower_ == "forward" for c in a.children) for a in f.trigger.ancestors)
            if SKIP.search(sent if wish else _own_clause(f.trigger, s, sent)):
                continue  # "He is taking part by video link, and X is leading the delegation in Kazan": X's trip stands
            for pm in f.visitors:
                for code, city in f.dests:
                    if not g.is_country(code) or pm.person.code == code:
                        continue
                    conf = CUE_CONFIDENCE[f.kind] - (0.15 if f.here else 0.0) - (0.1 if pm.kind != "name" else 0.0)
                    v = Visit(visitor=pm.person.name, visitor_country=pm.person.code, host_country=code,
                              place=city, place_country=code, status="cancelled" if cancels_trip(sent) else None,
                              **evidence_fields(ctx, (s, e), original))
                    v._sents = {si}  # type: ignore[attr-defined]
                    v._clause = {si: _clause_span(f.trigger, s)}  # type: ignore[attr-defined]
                    v._conf = conf  # type: ignore[attr-defined]
                    v._kinds = {f.kind}  # type: ignore[attr-defined]
                    _merge(found, v)


def _scene(ctx, found, si):
    """The last city (else country) the two sentences before sentence ``si`` name that is the place of a
    visit already found: where the story stands."""
    if si == 0 or not found:
        return None
    lo, hi = ctx.sents[max(0, si - 2)][0], ctx.sents[si][0]
    visited = {v.place_country for v in found}
    cands = [x for _, x in ctx.places_in(lo, hi) if x.place.kind in ("city", "country") and x.place.code in visited]
    x = ([c for c in cands if c.place.kind == "city"] or cands or [None])[-1]
    if x is not None:
        return x.place.code, x.place.name if x.place.kind == "city" else None
    # "... flew into the Belarusian capital on Wednesday; Vladimir Putin arrived shortly afterwards": the
    # place of a visit those sentences told
    told = [v for v in found if set(getattr(v, "_sents", ())) & {si - 1, si - 2}]
    return (told[-1].place_country, told[-1].place) if told else None


CONTINUED_LEG = re.compile(r"^\s*(?:and\s+)?(?:(?:then|finally|later|on)\s+)*to\s+(?:the\s+)?", re.I)


def _leg_starts(ctx, v, pre: str) -> bool:
    """True when "left X for Y on <date>" before a date names this visit's place after "for": the date
    starts this leg ("leaves for Kampala on Wednesday"), it does not end it."""
    m = re.search(r"\b(?:leav\w*|left|depart\w*)\b(.{0,40}?)\bfor\s+([^,;]*)$", pre)
    if not m:
        return False
    names = {n for n in (v.place, ctx.gaz.country_name(v.place_country) if v.place_country else None) if n}
    return any(n in m.group(2) for n in names)


def _own_clause(trigger, s, sent) -> str:
    """The text of the trigger's clause without the clauses coordinated with it; the whole sentence for a
    leg continued from an earlier one."""
    if trigger.idx < s:
        return sent
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else next(
        (a for a in trigger.ancestors if a.pos_ in ("VERB", "AUX")), trigger)
    while verb.dep_ in ("xcomp", "ccomp", "advcl", "aux") and verb.head.i != verb.i:
        verb = verb.head  # "intends to visit": the governing verb is part of the clause
    skip = {t.i for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for t in c.subtree}
    # "flew in for the ceremony, since the line is meant one day to reach their countries": a clause of
    # reason or contrast tells of something else
    skip |= {t.i for c in verb.children if c.dep_ in ("advcl", "relcl") and trigger.i not in {x.i for x in c.subtree}
             and any(w.dep_ == "mark" and w.lower_ in ("since", "because", "as", "although", "though", "while")
                     for w in c.children) for t in c.subtree}
    if verb.dep_ == "conj":   # the first conjunct's words are not this clause's either
        skip |= {t.i for t in verb.head.subtree} - {t.i for t in verb.subtree}
    return " ".join(t.text for t in verb.subtree if t.i not in skip) or sent


def _clause_span(trigger, s):
    """Where the trigger's own clause lies in its sentence (offsets from the sentence start), without the
    relative clauses inside it: "Abiy, who arrived on Monday, leaves for Kampala on Wednesday" dates the
    Kampala leg by Wednesday only."""
    if trigger.idx < s:
        return None  # a leg continued from an earlier sentence
    verb = trigger if trigger.pos_ in ("VERB", "AUX") else next(
        (a for a in trigger.ancestors if a.pos_ in ("VERB", "AUX")), trigger)
    a = min(t.idx for t in verb.subtree) - s
    b = max(t.idx + len(t.text) for t in verb.subtree) - s
    holes = [(min(t.idx for t in c.subtree) - s, max(t.idx + len(t.text) for t in c.subtree) - s)
             for c in verb.subtree if c.dep_ in ("relcl", "advcl", "ccomp") and c.i != verb.i
             and not any(x.i == trigger.i for x in c.subtree)]
    return a, b, holes


def _merge(found, v):
    key = lambda x: (x.visitor, x.place_country)  # noqa: E731
    old = next((x for x in found if key(x) == key(v)), None)
    if old is not None:
        old._conf = max(getattr(old, "_conf", 0), getattr(v, "_conf", 0))
        old._kinds = getattr(old, "_kinds", set()) | getattr(v, "_kinds", set())
        if old.place is None and v.place is not None:
            old.place = v.place
        old._clause = {**getattr(v, "_clause", {}), **getattr(old, "_clause", {})}
    merge_into(found, v, key=key)


def extract_visits(ctx, original: str, pub: dt.date | None) -> list[Visit]:
    found: list[Visit] = []
    _frame_visits(ctx, original, found)
    for v in found:
        _finish(ctx, v, pub)
        v.confidence = round(getattr(v, "_conf", 0.7), 2)
        if getattr(v, "_kinds", None) == {"earlier"} and v.status in ("ongoing", "planned"):
            v.status = "occurred"  # a leg the traveller has flown in from is over
    _earlier_legs_are_over(found)
    found = [v for v in found if not _host_at_home(v, found)]
    # a trip dated two months or more before publication is background to the news, not news
    return [v for v in found if not (pub and v.start and v.status != "planned" and len(v.start) >= 7 and
                                     (pub - _latest_day(v.start)).days > 60)]


def _host_at_home(v: Visit, found: list[Visit]) -> bool:
    """"King X came to the airport to greet Macron", "King X met Trump at the foot of the steps": the
    host of another visit to the same country, whose own country the article never gave, is at home there."""
    if v.visitor_country is not None or not v.visitor:
        return False
    last = v.visitor.split()[-1]
    main = max((w for w in found if w.visitor_country and w.visitor_country != w.place_country),
               key=lambda w: getattr(w, "_conf", 0), default=None)
    if main is not None and main.place_country == v.place_country and main.start and (v.start is None):
        return True  # "King X came to the airport to greet Macron": the undated movement of a local
    return any(w is not v and w.host and w.place_country == v.place_country and w.visitor_country
               and (w.host == v.visitor or w.host.split()[-1] == last) for w in found)


def _latest_day(iso: str) -> dt.date:
    """The last day an ISO date or month can mean ("2023-03" -> 31 March)."""
    d = dates.parse_iso(iso)
    if len(iso) == 7:
        nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(days=1)
    return d


CALLED_OFF = re.compile(r"\b(?:had been|was|were) (?:due|expected|scheduled|set|supposed) to\b|\bwas to have\b|"
                        r"\bhad been (?:due|expected) in\b", re.I)
PAST_ARRIVAL = re.compile(r"\b(arrived|landed|flew|paid|visited|was received|touched down|began|was welcomed)\b", re.I)
PRESENT_MOVE = re.compile(r"\b(flies|travels|leaves|heads|goes|moves) (?:on )?(?:to|for)\b", re.I)
TRIP_OVER = re.compile(r"\b(ended|left|concluded|wrapped up|departed|returned home|flew home|flew out|at the end of)\b", re.I)


# "the first sitting US president to visit Cuba", "the highest-ranking official to go there": an infinitive
# that describes the traveller, not a plan; its tense is the sentence's
ATTRIBUTIVE_TRIP = re.compile(r"\b(?:first|second|third|last|only|latest|highest[- ]ranking|most senior|youngest|oldest)"
                              r"\b(?:\s+[\w'-]+){0,6}?\s+to\s+(?:visit|travel|go|come|set foot)\b", re.I)


def _status(v, texts, own_texts, pub, kinds) -> str:
    """planned / ongoing / occurred from dates against the publication day, then tense and aspect.

    News about a trip is mostly written while it lasts: a trip that began within three days of
    publication, and that no sentence says is over, is ongoing (GUIDELINES: status at publication)."""
    p = pub.isoformat() if pub else None
    alltext = ATTRIBUTIVE_TRIP.sub(" ", " ".join(texts))
    own = ATTRIBUTIVE_TRIP.sub(" ", " ".join(own_texts))
    if p and v.start and v.start[:10] > p:
        return "planned"
    if PLANNED.search(own) and not PAST_ARRIVAL.search(own):
        return "planned"  # "will visit", "is due in": the date may be when it was said
    if PRESENT_MOVE.search(own) and not PAST_ARRIVAL.search(own) and \
            not (p and v.start and len(v.start) == 10 and v.start < p):
        return "planned"  # "flies to Hangzhou on Saturday night"
    if p and v.end and len(v.end) == 10:
        if v.end == p and re.search(r"\b(paid|visited|concluded|ended|wrapped up|left|departed)\b", own):
            return "occurred"  # a readout issued on the last day of the visit it reports
        return "ongoing" if v.end >= p else "occurred"
    if PRESENT.search(alltext):
        return "ongoing"
    recent = False
    if pub and v.start and len(v.start) == 10:
        recent = 0 <= (pub - dates.parse_iso(v.start)).days <= 3
    elif pub and not v.start:
        near = [dates.parse_iso(d1) for t in own_texts for _, _, d1, _ in dates.find_dates(t, pub) if len(d1) == 10]
        recent = any(d and 0 <= (pub - d).days <= 3 for d in near) or ("presence" in kinds and not near)
    if recent and not TRIP_OVER.search(alltext):
        return "ongoing"
    if PLANNED.search(alltext) and not PAST_ARRIVAL.search(alltext):
        return "planned"
    return "occurred"


def _earlier_legs_are_over(found):
    """On a tour, a leg the visitor has left for a later one is over: only the last leg
    (latest start, else last told) can still be ongoing."""
    by_visitor: dict = {}
    for v in found:
        by_visitor.setdefault(v.visitor, []).append(v)
    for legs in by_visitor.values():
        current = [v for v in legs if v.status == "ongoing"]
        if len(current) < 2:
            continue
        last = max(current, key=lambda v: (v.start or "", v.evidence_start or 0))
        for v in current:
            if v is not last:
                v.status = "occurred"


HEAD_ROLES = {"president", "prime minister", "king", "amir", "emir", "chancellor", "premier", "sultan"}


def _finish(ctx, v: Visit, pub):
    """Host, dates and status from all sentences that mention the trip."""
    hosts = [p for p in ctx.persons if p.person.code == v.place_country and p.kind == "name"]
    if not hosts:
        # "was greeted at the airport by President Ellen Johnson Sirleaf": a head of state or government the
        # article gives no country, named in this visit's own sentences, receives the visitor in their own
        # country (and is of it for the rest of the article: "Bush and President Kikwete signed ...")
        own_spans = []
        for i in sorted(getattr(v, "_sents", ())):
            clause = getattr(v, "_clause", {}).get(i)
            s0 = ctx.sents[i][0]
            if clause:  # the trip's own clause only: "... before flying on to Tanzania" is not Cotonou's host
                own_spans.append((s0 + clause[0], s0 + clause[1]))
        local = [p for p in ctx.persons if p.kind == "name" and p.person.code is None and not p.person.org
                 and p.person.name != v.visitor and p.person.roles & HEAD_ROLES
                 and any(a <= p.start < b for a, b in own_spans)]
        if local:
            local[0].person.code = v.place_country
            hosts = [p for p in ctx.persons if p.person is local[0].person and p.kind == "name"]
    if hosts:
        from collections import Counter
        heads = [p for p in hosts if p.person.roles & HEAD_ROLES] or hosts
        v.host = Counter(p.person.name for p in heads).most_common(1)[0][0]
    starts, ends, texts = [], [], []
    own = set(getattr(v, "_sents", ()))
    # other sentences about the same trip: they name the visitor (or say "the visit"/"his trip") and no
    # other destination, and carry a start or end cue ("ended on Friday", "runs until Sunday", "left ...")
    extra = set()

    def about_visitor(si):
        a, b = ctx.sents[si]
        return any(p.person.name == v.visitor for p in ctx.persons_in(a, b))

    for si, (s, e) in enumerate(ctx.sents):
        if si in own:
            continue
        sent = ctx.text[s:e]
        if not (END_CUE.search(sent) or re.search(r"\b(began|begins|started|last day|first day)\b", sent)):
            continue
        about = about_visitor(si) or TRIP_NP.search(sent)
        others = {m.place.code for _, m in ctx.places_in(s, e) if m.place.kind in ("city", "country")
                  and m.place.code and m.place.code != v.place_country}
        if about and not others and not cancels_trip(sent):
            extra.add(si)
    own_texts = [ctx.text[a:b] for a, b in (ctx.sents[i] for i in sorted(own))]

    for si in sorted(own | extra):
        s, e = ctx.sents[si]
        sent = ctx.text[s:e]
        texts.append(sent)
        found_dates = dates.find_dates(sent, pub)
        clause = getattr(v, "_clause", {}).get(si)
        if clause and len(found_dates) > 1:
            ca, cb, holes = clause
            mine = [x for x in found_dates if ca <= x[0] < cb and not any(h0 <= x[0] < h1 for h0, h1 in holes)]
            found_dates = mine or found_dates
        for a, b, d1, d2 in found_dates:
            pre = sent[max(0, a - 60):a]
            other = re.search(r"\b(since|after|before|until)\s+((?:\w+\s+){0,4})$", pre[-40:])
            if other and (other.group(1) == "until" and not other.group(2)
                          or other.group(1) == "before" and _DEPART.match(other.group(2))):
                ends.append(d1)  # "stays until Sunday", "before flying home on Saturday": the last day
                continue
            if other and not re.search(r"\b(arriv\w*|landed|flew|began|visit\w*)\b", other.group(2)):
                continue  # "since the February 8 elections", "since taking office in July": another event's date
            leaving = re.match(r"\s*,?\s*(?:before|ahead of)\s+(?:leaving|flying|departing|heading)\b", sent[b:b + 30])
            if not d2 and leaving and not START_CUE.search(pre[-30:]) and (si in own or about_visitor(si)) and not any(
                    m.place.code == v.place_country for _, m in ctx.places_in(s + b + leaving.end(), s + b + leaving.end() + 40)):
                ends.append(d1)  # "a speech in the city on Monday, before leaving for South Africa"
                continue
            if si not in own and not (END_CUE.search(pre[-40:]) or re.search(r"\b(began|begins|started|arriv\w+)\b", pre)
                                      or re.search(r"\blast day\b", sent[max(0, a - 30):b + 40])):
                continue
            if not d2 and len(d1) == 10 and re.search(r"\blast day\b", sent[max(0, a - 30):b + 40]):
                ends.append(d1)
                dm = re.search(r"\b(two|three|four|five)-day\b", sent)
                if dm:
                    n = NUMBER_WORDS[dm.group(1)]
                    starts.append((dates.parse_iso(d1) - dt.timedelta(days=n - 1)).isoformat())
                continue
            if d2:
                starts.append(d1)
                ends.append(d2)
            elif (END_CUE.search(pre[-40:]) or _ending_verb(ctx, s + a)) and not _leg_starts(ctx, v, pre[-60:]):
                ends.append(d1)
            elif START_CUE.search(pre) or not starts:
                starts.append(d1)
        dm = re.search(r"\b(two|three|four|five)-day\b", sent)
        if dm and ends and not starts and len(ends[-1]) == 10 and END_CUE.search(sent):
            # "left Israel on Friday at the end of a three-day visit": it began two days before
            n = NUMBER_WORDS[dm.group(1)]
            starts.append((dates.parse_iso(ends[-1]) - dt.timedelta(days=n - 1)).isoformat())
        if dm and starts and not ends and len(starts[0]) == 10:
            n = NUMBER_WORDS[dm.group(1)]
            d0 = dates.parse_iso(starts[0])
            ends.append((d0 + dt.timedelta(days=n - 1)).isoformat())
    if starts:
        v.start = min(starts)
    if ends:
        v.end = max(ends)
    if v.end and v.start and v.end < v.start:
        v.end = None
    if v.status == "cancelled":
        return
    if any(cancels_trip(t) or CALLED_OFF.search(t) for t in texts):
        v.status = "cancelled"
        return
    v.status = _status(v, texts, own_texts, pub, getattr(v, "_kinds", set()))
