"""Small helpers the event rules share: sentence slices, clause cues, evidence records."""
from __future__ import annotations

import re

from . import dates

BACKGROUND = re.compile(r"\b(previously(?! un)|already been|several times|in the past|earlier visits?|has been to|"
                        r"have been to|once again|repeatedly|many times|on several occasions|frequently|regularly|"
                        r"had visited|had travelled|had traveled|had been to)\b", re.I)


def evidence_fields(ctx, sent: tuple[int, int], original: str) -> dict:
    """Evidence sentence (verbatim from the original text) and its offsets, trimmed of whitespace."""
    a, b = sent
    while a < b and original[a].isspace():
        a += 1
    while b > a and original[b - 1].isspace():
        b -= 1
    return {"evidence": original[a:b], "evidence_start": a, "evidence_end": b}


_NOT_HELD = re.compile(r"\b(?:originally|initially|first|had been (?:scheduled|planned|due|set)|was (?:to have|supposed)|"
                       r"postponed|delayed|put off|cancell?ed|called off)\b", re.I)


def fill_dates(ctx, events, pub, statuses) -> None:
    """Events with one of ``statuses`` and no date in their sentence take the latest full date on or
    before publication that the article gives before them: a readout says the day once ("today",
    "on Saturday") and tells the signings and honours of that day after it."""
    if pub is None or not any(ev.date is None and ev.status in statuses for ev in events):
        return
    dated = ctx.memo.get("held_days")   # the same for every stage that asks: read once per article
    if dated is None:
        dated = ctx.memo["held_days"] = []
        for s, e in ctx.sents:
            for a, _, d1, d2 in dates.find_dates(ctx.text[s:e], pub):
                if _NOT_HELD.search(ctx.text[max(s, s + a - 60):s + a]):
                    continue  # "had originally been scheduled for 27 October": a day nothing happened
                if len(d1) == 10 and d1 <= pub.isoformat():
                    dated.append((s + a, d2 if d2 and d2 <= pub.isoformat() else d1))
    for ev in events:
        if ev.date is None and ev.status in statuses:
            prev = [d for pos, d in dated if pos < (ev.evidence_start or 0)]
            if prev:
                ev.date = prev[-1]
