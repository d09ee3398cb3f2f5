"""Award rules: a state order, medal or honour conferred on a person.

A conferral verb (awarded, conferred, bestow, presented ... with, receive, made X a ...) with an
award phrase in the same clause.  The award's official name comes from the table of state
orders: named directly, or implied by a description such as "the highest Russian state order".
"""
from __future__ import annotations

import re

from . import dates
from .common import BACKGROUND, evidence_fields, fill_dates
from kg.records import Award

VERB = re.compile(r"\b(awarded|awards|confer(?:s|red|ring)?|bestow(?:s|ed)?|present(?:s|ed)?|receiv(?:e|es|ed)|"
                  r"made|honou?red|decorated|placed|hung|pinned|draped|invest(?:s|ed))\b", re.I)
AWARD_NP = re.compile(r"((?:the|a|an|its|their)\s+)?(?:[\w'-]+\s+){0,5}?"
                      r"(order|medal|award|honou?r|decoration|prize|legion of merit|grand commander|cross|collar|knighthood|damehood)\b"
                      r"(?:\s+of\s+(?:the\s+)?(?-i:[A-Z])[\w'-]*(?:\s+(?:of\s+(?:the\s+)?|the\s+|and\s+)?(?-i:[A-Z])[\w'-]*)*)?", re.I)
NAMED = re.compile(r"\b(?:(?:Honorary|Grand|Supreme|National|Royal)\s+)*(?:[A-Z][\w'-]+\s+)*(?:Order|Medal|Award|Legion|"
                   r"Prize|Cross|Collar|Sash|Star|Decoration)\b(?:\s+of\s+(?:the\s+)?(?:(?:[A-Z]\.)+\s?[A-Z][\w'-]*|[A-Z][\w'-]*|St\.?)"
                   r"(?:\s+(?:of\s+(?:the\s+)?|the\s+|and\s+(?=St\b))?(?:(?:[A-Z]\.)+\s?[A-Z][\w'-]*|[A-Z][\w'-]*))*)?")  # "... of O.R. Tambo"
SKIP = re.compile(r"\b(number of|tally|only foreign|previously|earlier awards?|guard of honou?r|in honou?r of|on (?:his|her|their) behalf|on behalf of)\b", re.I)
PLANNED = re.compile(r"\b(is to|are to|to present|will present on|due to)\b", re.I)
ANNOUNCED = re.compile(r"\b(will|announced|to confer|to bestow|plans to)\b", re.I)


_LEAD = re.compile(r"^.*\b(?:with|upon|on|to|him|her|them|awarded|awards|award|confer|conferred|confers|conferring|presented|presents|present|"
                   r"bestowed|bestows|received|receives|receive|decorated|honou?red|was|were|been)\s+", re.I | re.S)


def award_words(np: str) -> str:
    """The words naming the award: "presented X with the Order of Merit" -> "the Order of Merit"."""
    head = re.search(r"\b(order|medal|award|honou?r|decoration|prize|legion|grand commander|cross|collar|knighthood|damehood)\b", np, re.I)
    if not head:
        return np.strip()
    pre = np[:head.start()]
    m = _LEAD.match(pre)
    out = np[m.end():] if m else np
    cut = re.search(r"\s+(?:on|in|at|during|for|by|from|when|after|before)\s", out[head.start() - (m.end() if m else 0):])
    if cut:
        out = out[:head.start() - (m.end() if m else 0) + cut.start()]
    return out.strip()


_STATE_ORDER = re.compile(r"\b(?:state|highest|top|national|civilian|supreme|royal|honorary)\s+(?:[\w'-]+\s+)?order\b", re.I)
_PAST_AWARD = re.compile(r"\b(?:last|previous|past)\s+(?:year|decade)|\byears\s+(?:ago|earlier)|\bin\s+((?:19|20)\d\d)\b", re.I)


def _told_as_past(clause: str, pub) -> bool:
    """An honour the clause dates a year or more before publication ("last year", "in 2009")."""
    for m in _PAST_AWARD.finditer(clause):
        if re.search(r"\b(?:which|that)\s+(?:\w+\s+){0,3}(?:instituted|established|created|founded)\b", clause[:m.start()]):
            continue  # "the Order of Mubarak Al-Kabeer, which was instituted in 1974": the order's history
        if not m.group(1) or (pub is not None and int(m.group(1)) < pub.year):
            return True
    return False


def _award_np(clause: str, g=None):
    """The first award phrase of a clause; a lower-case "order" only as a state order ("the highest
    Russian state order"), not a purchase ("the largest order in the planemaker's history"). A state
    order of the gazetteer whose name has no such word ("Bharat Ratna", "Nishan-e-Pakistan") is found by
    its name."""
    for m in AWARD_NP.finditer(clause):
        if m.group(2) == "order" and not _STATE_ORDER.search(m.group(0)):
            continue
        return m
    order = g.find_order(clause) if g is not None else None
    if order is not None:
        for form in sorted((order.name, *order.forms), key=len, reverse=True):
            m = re.search(r"(?:(?:the|its|their)\s+)?" + re.escape(form), clause, re.I)
            if m:
                return m
    return None


def _clauses(s: int, sent: str):
    """Split at ", while" / ";" so two conferrals in one sentence are read separately."""
    pos = 0
    for m in re.finditer(r",\s+while\s+|;\s+|,\s+whereas\s+", sent):
        yield s + pos, sent[pos:m.start()]
        pos = m.end()
    yield s + pos, sent[pos:]


def _award_name(ctx, phrase: str, conferrer_code):
    g = ctx.gaz
    order = g.find_order(phrase)
    if order:
        return order.name, order.code
    named = NAMED.search(phrase)
    if named and len(named.group(0).split()) >= 2 and named.group(0).split()[0] not in ("The",):
        return named.group(0), None
    if re.search(r"\b(highest|top|supreme)\b", phrase, re.I):
        code = conferrer_code
        for m in g.pattern.finditer(phrase):
            p = g.forms[m.group(0)]
            if p.kind in ("demonym", "country"):
                code = p.code
        if code:
            top = g.top_order(code)
            if top:
                return top.name, code
    if named and len(named.group(0).split()) >= 2 and named.group(0).split()[0] not in ("The",):
        return named.group(0), None
    return None, None


def _parse_roles(ctx, pos):
    """(recipients, conferrer) from the dependency parse of the conferral verb at ``pos``, or None.

    "X conferred Y on Z" / "X awarded Z Y" / "X presented Z with Y" / "Z was decorated with Y by X" /
    "X made Z a knight" / "Z received Y from X"."""
    from .trips import Mentions, _people
    doc = ctx.doc
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if span is None:
        return None
    verb = span[0]
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    m = Mentions(ctx)
    lem = verb.lemma_.lower()
    kids = list(verb.children)
    passive = any(c.dep_ == "auxpass" for c in kids) or (
        verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in kids))  # "was on Tuesday conferred"

    def pobj(words):
        return [p for c in kids if c.dep_ in ("prep", "dative") and c.lower_ in words for p in c.children if p.dep_ == "pobj"]

    subj = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and verb.head.lemma_ == "be" and verb.dep_ in ("advcl", "conj", "acomp") and verb.tag_ in ("VBN", "VBD"):
        # "X was on Tuesday conferred the Y by Z", parsed with "was" as the root
        subj = [c for c in verb.head.children if c.dep_ == "nsubj"]
        passive = True
    agent = [p for c in kids if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
    if passive and not agent:
        agent = pobj(("by",))
    rec, conf = [], None
    if lem in ("place", "hang", "pin", "drape"):
        # "placed the Collar ... around Trump's neck", "pinned the medal on his chest"
        necks = [p for c in kids if c.dep_ == "prep" and c.lower_ in ("around", "round", "on", "onto")
                 for p in c.children if p.dep_ == "pobj"]
        rec = [m.person_at(x) for n in necks for x in n.children if x.dep_ == "poss" and m.person_at(x)]
        cs = [p for t in subj for p in _people(m, t)]
        conf = cs[0] if cs else None
    elif lem == "receive":
        rec = [p for t in subj for p in _people(m, t)]
        src = [p for t in pobj(("from",)) for p in _people(m, t)]
        conf = src[0] if src else None
    elif passive:
        rec = [p for t in subj for p in _people(m, t)]
        ag = [p for t in agent for p in _people(m, t)]
        conf = ag[0] if ag else None
    else:
        targets = pobj(("on", "upon", "to"))
        targets += [c for c in kids if c.dep_ == "dative"]
        if not targets:
            targets = [c for c in kids if c.dep_ in ("dobj", "nsubj") and c.dep_ == "dobj"]
            targets += [g for c in kids if c.dep_ in ("ccomp", "oprd", "xcomp") for g in c.children if g.dep_ == "nsubj"]
        rec = [p for t in targets for p in _people(m, t)]
        cs = [p for t in subj for p in _people(m, t)]
        conf = cs[0] if cs else None
    rec = [r for r in rec if conf is None or r.person is not conf.person]
    return rec, conf


def extract_awards(ctx, original: str, pub) -> list[Award]:
    g = ctx.gaz
    text = ctx.text
    found: list[Award] = []
    for si, (s, e) in enumerate(ctx.sents):
        sent = text[s:e]
        if SKIP.search(sent) or BACKGROUND.search(sent):
            continue
        for cs, clause in _clauses(s, sent):
            vm = VERB.search(clause)
            am = _award_np(clause, g) if vm else None   # the verb first: the award lookup is the dearer test
            if not vm or not am:
                continue
            # "Saudi Arabia had earlier conferred the sash on Obama and Putin": what came before the news
            if re.search(r"\bhad\s+(?:(?:earlier|previously|already|also|once|been)\s+){0,2}$", clause[:vm.start()], re.I):
                continue  # the award verb itself in the pluperfect
            if _told_as_past(clause, pub):
                continue  # "Macron, who received the Charlemagne Prize in the same hall last year": background
            if vm.group(1).lower() == "made" and not re.search(
                    r"\bmade\s+(?:\S+\s+){0,3}?an?\s+(?:honorary\s+)?(grand|knight|companion|commander|honorary|member|dame|officer)",
                    clause, re.I):
                continue
            ce = cs + len(clause)
            vpos = cs + vm.start()
            # a person is never the award's own name ("conferred the Amir Amanullah Khan Award on ...",
            # "the King Abdulaziz Sash, on Modi")
            names = [(cs + x.start(), cs + x.end()) for x in NAMED.finditer(clause) if len(x.group(0).split()) >= 2]
            persons = ctx.persons_in(cs, ce)
            in_name = [p.person for p in persons if any(a0 <= p.start < a1 for a0, a1 in names)]
            persons = [p for p in persons if not any(p.person is q for q in in_name)]
            # "was conferred", "was on Tuesday conferred", "has also been awarded"
            passive = re.search(r"\b(was|were|has been|have been|is|be)\s+(?:(?:also|on|at|in|this|last|today|formally|"
                                r"later|then|\w+day)\s+){0,3}" + re.escape(vm.group(1)), clause, re.I)
            by = re.search(r"\bby\s+", clause[vm.end():])
            conferrer = None
            recipients = []
            receive = vm.group(1).lower().startswith("receiv")
            if receive:
                recipients = [p for p in persons if p.start < vpos][-1:]
                conferrer = next((p for p in persons if p.start > vpos and p.person not in [r.person for r in recipients]), None)
            elif passive:
                byp = [p for p in persons if by and p.start >= cs + vm.end() + by.start()]
                conferrer = byp[0] if byp else None
                recipients = [p for p in persons if p is not conferrer and (conferrer is None or p.person is not conferrer.person)]
                if not by:
                    recipients = recipients[:1]
            else:
                before = [p for p in persons if p.start < vpos]
                conferrer = before[-1] if before else None
                recipients = [p for p in persons if p.start > vpos and (conferrer is None or p.person is not conferrer.person)][:1]
            roles = _parse_roles(ctx, cs + vm.start())
            if roles is not None:
                pr, pc = roles
                if pr:
                    recipients = pr
                    conferrer = pc if pc is not None else (conferrer if conferrer is not None and
                                                             conferrer.person not in [r.person for r in pr] else None)
            recipients = [r for r in recipients if not any(a0 <= r.start < a1 for a0, a1 in names)]
            if not recipients:
                continue
            # the conferring state: the conferrer's country, else a country subject ("Nigeria made ...")
            ccodes = []
            if conferrer is not None and conferrer.person.code:
                ccodes = [conferrer.person.code]
            else:
                subj = [m.place.code for _, m in ctx.places_in(cs, vpos) if m.place.kind == "country"]
                ccodes = subj[:2] if re.search(r"\b(and|both)\b", clause[:vm.start()]) else subj[-1:]
            phrase = clause[am.start():]
            phrase = phrase[:max(len(am.group(0)), 0) + 80]
            for r in recipients:
                for code in (ccodes or [None]):
                    name, ocode = _award_name(ctx, phrase, code)
                    if code is None and ocode and ocode == r.person.code:
                        ocode = None  # "conferred the Order of Mono on Kenyan President X": the recipient's demonym
                    code = code or ocode
                    if code is None:
                        # "the Order of the Star of Ethiopia", "the Indian Order of ...": the state the name gives
                        # (the two words before the award's noun and its "of" name, not the clause the
                        # lazy phrase may start with: "President X conferred the Order of ...")
                        core = " ".join(clause[am.start():am.start(2)].split()[-2:] + [clause[am.start(2):am.end()]])
                        for m in g.pattern.finditer(core):
                            if g.forms[m.group(0)].kind in ("demonym", "country"):
                                code = g.forms[m.group(0)].code
                    if code is None:
                        # "the Order of Mono, Togo's highest distinction": the state of the apposition
                        after = clause[am.end():am.end() + 60]
                        ap = re.match(r",\s+(?:the\s+)?(.+?)['’]s\s+(?:highest|top|most|second|supreme|national)", after)
                        if ap and ap.group(1) in g.forms and g.forms[ap.group(1)].kind == "country":
                            code = g.forms[ap.group(1)].code
                    dyad = getattr(ctx, "dyad", None)
                    if code is None and dyad and r.person.code == dyad[0]:
                        code = dyad[1]  # "the king placed the Collar on Trump": the host of the guest's visit
                    if code and r.person.code == code:
                        continue
                    ds = dates.find_dates(sent, pub)
                    status = "planned" if PLANNED.search(clause) else ("announced" if ANNOUNCED.search(clause) else "conferred")
                    aw = Award(recipient=r.person.name, recipient_country=r.person.code,
                               conferrer=conferrer.person.name if conferrer is not None else None,
                               conferrer_country=code, award=name, award_text=award_words(am.group(0)),
                               date=ds[0][2] if ds and status != "announced" else None, status=status,
                               **evidence_fields(ctx, (s, e), original))
                    dup = next((o for o in found if o.recipient == aw.recipient and
                                (o.conferrer_country == aw.conferrer_country or None in (o.conferrer_country, aw.conferrer_country))), None)
                    if dup is not None:
                        for k in ("conferrer", "conferrer_country", "award", "date"):
                            if getattr(dup, k) is None and getattr(aw, k) is not None:
                                setattr(dup, k, getattr(aw, k))
                        continue
                    # a named order and a parsed recipient make the surest awards
                    aw.confidence = round((0.85 if aw.award else 0.7) + (0.1 if roles and roles[0] else 0.0), 2)
                    found.append(aw)
    fill_dates(ctx, found, pub, ("conferred",))
    return found
