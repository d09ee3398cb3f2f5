"""Trade/investment targets: a money amount set as a goal ("lift trade to $15 billion by 2030").

A sentence needs a goal cue (target, goal, aim, raise/lift/increase/take ... to) next to the
amount; amounts that are observed statistics ("was worth", "reached ... last year",
"fell to", "invested about") or the value of one contract are not targets.
"""
from __future__ import annotations

import re

from . import dates
from .common import evidence_fields
from .money import find_money
from .signing import hyphen_pairs
from kg.records import TradeTarget

GOAL = re.compile(r"\b(target|goal|aim(?:s|ed)?|objective|ambition|task|eye|eyes|pledg\w+|commitment to invest|committed to invest(?:ing)?|investment commitments?|committed|"
                  r"(?:lift|rais|increas|tak|boost|doubl|expand|bring|push|realis|realiz|achiev)\w*\b[^.;$]{0,60}?\bto\b|"
                  r"realis\w*|realiz\w*|reach)\b", re.I)
_PREVIOUS = re.compile(r"\b(?:previous|earlier|former|old|original|past)\s+(?:\w+\s+){0,2}(?:goal|target|aim|objective)\b", re.I)
# what joins a baseline to its goal: "from about USD 27.5 billion at present to nearly USD 50 billion"
_TO_NEXT = re.compile(r"[^.;$]{0,40}?\bto\s+(?:about\s+|around\s+|nearly\s+|almost\s+|roughly\s+|some\s+|over\s+|"
                      r"more than\s+|up to\s+|approximately\s+)?")
_TRADE_WORD = re.compile(r"\b(?:trade|invest\w*|exports?|imports?|turnover|commerce)\b", re.I)
_AID_BEFORE = re.compile(r"\b(?:grants?|aid|assistance|loans?|credit lines?)\b[^.;]{0,50}$")
_AID_AFTER = re.compile(r"\s+(?:in|of)\s+(?:credit|credits|loans?|grants?|aid|concessional)\b")
STAT = re.compile(r"\b(was worth|were worth|worth about|worth|reached|fell|rose|grew|stood at|was about|was around|"
                  r"totall?ed|amounted|invested|value at|valued|had been met|was met|set in \d{4}|loans?)\b", re.I)
METRIC = re.compile(r"((?:bilateral |two-way |annual |non-oil |total )*(?:trade|investment|turnover|exports|imports)"
                    r"(?: turnover| in goods| in services)?(?: and financing)?)", re.I)


def extract_targets(ctx, original: str, pub) -> list[TradeTarget]:
    from .agreements import _parties
    text = ctx.text
    found: list[TradeTarget] = []
    for si, (s, e) in enumerate(ctx.sents):
        sent = text[s:e]
        monies = find_money(sent)
        if not monies:
            continue
        prev_year = None
        prev_goal_end = None
        carried = None
        prev_with = None   # the partner a goal of this sentence was set "with"
        for mo in monies:
            window = sent[max(0, mo.start - 90):mo.end + 60]
            left = sent[max(0, mo.start - 90):mo.start]
            between = sent[prev_goal_end:mo.start] if prev_goal_end is not None else ""
            coordinated = prev_goal_end is not None and re.search(r"\band\b[^.;$]{0,60}\bto\s*(?:about\s+|around\s+)?$", between)
            if carried is not None and _TO_NEXT.fullmatch(sent[carried:mo.start]):
                coordinated = True  # "take trade from about USD 27.5 billion at present to nearly USD 50 billion"
            carried = None
            if not GOAL.search(window) and not coordinated:
                continue
            old = re.search(r"\bin ((?:19|20)\d\d)\b", left, re.I)
            if old and pub is not None and int(old.group(1)) < pub.year - 1:
                continue  # "The UAE said in 2015 that it aimed to ...": an old goal, background
            if _PREVIOUS.search(left[-60:]) or re.search(r"\b(?:was|were|had)\s+(?:not|never)\s+(?:been\s+)?met\b", sent[mo.end:]):
                continue  # "A previous goal of reaching US$ 100 billion was not met": history
            if re.search(r"\bexpect(?:s|ed|ing)?\s+(?:\w+\s+){0,4}to\s+(?:reach|rise|grow|hit|exceed|top)\b", window) and \
                    not re.search(r"\b(?:target|goal|aim|objective)\b", window, re.I):
                continue  # "Erdogan said he expected trade to reach $25 billion in five years": a forecast
            pledge_only = all(x.group(1).lower().startswith(("pledg", "committed")) for x in GOAL.finditer(window))
            if pledge_only and not coordinated and not _TRADE_WORD.search(window):
                continue  # "member states pledged $350 million for the Horn of Africa": aid, not trade
            if STAT.search(left[-45:]) or re.search(r"\b(in|last) (?:year|\d{4})", sent[mo.end:mo.end + 12]):
                continue
            if re.search(r"\bfrom\s+(?:about|around|nearly|some|roughly|just over|over|an estimated)?\s*$", left[-22:]) and \
                    any(x.start > mo.end and _TO_NEXT.fullmatch(sent[mo.end:x.start])
                        for x in monies):
                carried = mo.end   # the goal's cue carries over to the amount after "to"
                continue  # "doubling trade from about USD 14 billion at present to USD 28 billion": the baseline
            if _AID_BEFORE.search(left[-60:]) and not _TRADE_WORD.search(left[-60:]) or _AID_AFTER.match(sent[mo.end:]):
                # "raise its annual grant to each island state from US$125,000 to US$200,000", "China's pledge of
                # $20 billion in credit for African countries": financing, not trade
                continue
            if re.match(r"\s+(?:in|of|worth of)\s+(?:\w+\s+){0,2}?(?:deals?|contracts?|agreements?|orders?)\b", sent[mo.end:]):
                continue  # "USD24 billion in deals and pledges": what the signed deals are worth, not a goal
            if re.search(r"\b(in|since) (19|20)\d\d\b", sent[mo.end:mo.end + 20]) and not re.search(r"\bby\b", sent[mo.end:mo.end + 10]):
                continue
            nxt = next((x.start for x in monies if x.start > mo.start), len(sent))
            tail = sent[mo.end:min(nxt, mo.end + 140)]
            tail = re.split(r"[;]|,\s+(?:which|while|but|as|and said|officials|according)\b", tail)[0]
            year = dates.target_year(tail, pub)
            if year is not None and pub is not None and year < pub.year:
                continue  # "a target of US$160 billion by 2017" told in 2016 of 2013: a goal whose year is gone
            if year is None and re.match(r"\s+(?:a|per|each|every)\s+(?:year|month)\b|\s+annually\b", tail) \
                    and not re.search(r"\bto\s+(?:about\s+|around\s+|nearly\s+|some\s+)?$", left):
                continue  # "save 140 million euros a year": a yearly figure, not a goal ("to $10 billion a year" is one)
            if re.match(r"\s+(?:now|at present|currently|today|last year)\b", sent[mo.end:]) and \
                    re.search(r"\bfrom\s+(?:about\s+|around\s+|nearly\s+|some\s+|roughly\s+)?$", left):
                continue  # "to $10 billion a year from about $1.2 billion now": the baseline
            if year is None and re.search(r"same period", tail):
                year = prev_year
            prev_year = year
            prev_goal_end = mo.end
            mm = None
            for mm in METRIC.finditer(left):
                pass
            metric = mm.group(1).strip() if mm else None
            parties = _parties(ctx, s + mo.start, s + mo.start, s, e, None)
            # "1 trillion U.S. dollars": a currency's country is no party
            in_money = {mm.place.code for _, mm in ctx.places_in(s, e)
                        if any(s + x.start <= mm.start < s + x.end for x in monies)}
            named = {mm.place.code for _, mm in ctx.places_in(s, e)
                     if not any(s + x.start <= mm.start < s + x.end for x in monies)}
            parties = [p for p in parties if p not in in_money or p in named]
            if len(parties) == 1 and ctx.dyad and parties[0] in ctx.dyad:
                parties = list(ctx.dyad)  # "to 500 million US dollars": the currency took the other side's place
            # "Speaking at the 16th ASEAN-China summit, Li set a goal of ...": the pair the sentence names
            g = ctx.gaz
            pair = hyphen_pairs(sent, lambda w: (g.forms[w].code or g.forms[w].name) if w in g.forms else None)
            if len(set(pair)) == 2 and len(parties) >= 2 and not set(pair) <= set(parties):
                parties = list(dict.fromkeys(pair))
            with_ = _trade_with(ctx, s, s + max(0, mo.start - 90), s + mo.start)
            if with_ is None and coordinated and prev_with is not None:
                with_ = prev_with  # "its trade with Africa to $400 billion and its investment there to $100 billion"
            prev_with = with_ or prev_with
            parties = with_ or parties
            if len(parties) < 2:
                continue
            status = "reaffirmed" if re.search(r"\b(reviewed|reaffirm\w*|restat\w+|reiterat\w+|renewed their|earlier set|on course|had earlier)\b", sent, re.I) \
                else ("proposed" if re.search(r"\b(propos\w+|suggest\w+)\b", sent[:mo.start], re.I) else "agreed")
            if status == "agreed" and _one_sided(ctx, s + mo.start):
                status = "proposed"
            t = TradeTarget(parties=parties, amount=mo.amount, currency=mo.currency, year=year, metric=metric,
                            status=status, **evidence_fields(ctx, (s, e), original))
            dup = next((o for o in found if sorted(o.parties) == sorted(parties) and o.amount == t.amount
                        and (o.metric or "").split()[-1:] == (t.metric or "").split()[-1:]), None)
            if dup is None:
                dup = next((o for o in found if sorted(o.parties) == sorted(parties) and o.amount == t.amount
                            and (o.year == t.year or None in (o.year, t.year))
                            and "investment" not in ((o.metric or "") + (t.metric or ""))), None)
            if dup is not None:
                dup.year = dup.year or t.year
                continue
            t.confidence = 0.85 if year else 0.65  # a goal without a target year is often a package or pledge
            found.append(t)
    return found


_TRADE_WITH = re.compile(r"\b(?:(?:trade|investment|exports|imports|commerce)(?: and \w+)? with|"
                         r"investments?(?: stock)? in|exports to|imports from) (?:the )?", re.I)


# "trade with Africa": a region's trade goals are set with the body that speaks for it
_REGION_BODY = {"africa": "AU", "the african continent": "AU", "southeast asia": "ASEAN", "south-east asia": "ASEAN"}
_REGION = re.compile(r"(Africa|the African continent|South-?east Asia)\b(?!n)", re.I)


def _trade_with(ctx, sent_start: int, a: int, b: int) -> list[str] | None:
    """"Korea aims to raise its trade with ASEAN to $200 billion": the partner after "trade with" and the
    state whose goal it is, the last one named before it in the sentence (a person gives their country)."""
    m = None
    for m in _TRADE_WITH.finditer(ctx.text, a, b):
        pass
    if m is None:
        return None
    after = [mm for _, mm in ctx.places_in(m.end(), b) if mm.start == m.end() and mm.place.kind in ("country", "org")]
    region = _REGION.match(ctx.text, m.end())
    if not after and not region:
        return None
    partner = _REGION_BODY[region.group(1).lower()] if not after else \
        after[0].place.name if after[0].place.kind == "org" else after[0].place.code
    before = [(mm.start, mm.place.code) for _, mm in ctx.places_in(sent_start, m.start())
              if mm.place.kind in ("country", "demonym") and mm.place.code]
    before += [(p.start, p.person.code) for p in ctx.persons_in(sent_start, m.start()) if p.person.code]
    own = [c for _, c in sorted(before) if c != partner]
    return [own[-1], partner] if own and partner else None


_JOINT = {"leaders", "sides", "countries", "nations", "governments", "ministers", "presidents", "partners", "both",
          "they", "we", "parties", "states"}


def _one_sided(ctx, pos: int) -> bool:
    """True when the goal is one side's ("Korea aims to raise its trade with ASEAN to ...", "Li set a goal
    of ..."): the subject of the nearest verb above the amount names one actor, not two ("the two leaders
    set", "India and Russia aim", "they agreed"). A proposal, not a joint target."""
    span = ctx.doc.char_span(pos, pos + 1, alignment_mode="expand")
    if span is None:
        return False
    t = span[0]
    for _ in range(8):
        subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj and t.pos_ in ("VERB", "AUX"):
            sj = subj[0]
            if sj.lower_ in _JOINT or any(c.dep_ == "conj" for c in sj.children) or sj.tag_ in ("NNS", "NNPS") \
                    or sj.lemma_ in ("trade", "investment", "turnover", "target", "goal", "exports", "imports"):
                return False
            if sj.tag_ in ("WDT", "WP") or sj.lemma_ in ("agreement", "deal", "plan", "pact", "accord", "roadmap",
                                                         "partnership", "statement", "declaration", "memorandum"):
                return False  # "an agreement that aims to lift trade to ...": the document's, both sides'
            if t.lemma_ in ("agree", "pledge", "commit", "resolve", "decide", "undertake"):
                return False
            return sj.pos_ in ("PROPN", "PRON") or sj.ent_type_ in ("GPE", "PERSON", "NORP")
        if t.head.i == t.i:
            return False
        t = t.head
    return False
