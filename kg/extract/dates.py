"""Dates in news prose resolved against the publication date by plain calendar arithmetic.

dateparser gets weekdays wrong around the publication day (NOTES-measured.md), so weekdays
are counted here: in past-tense context "on Monday" is the latest Monday on or before the
publication date, in future context the first one on or after it.
"""
from __future__ import annotations

import datetime as dt
import re

from .numbers import NUMBER_WORDS

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                          "august", "september", "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)(?![a-z])\.?"  # not "in decades", "by marching"

FUTURE = re.compile(r"\b(will|would|shall|is to|are to|due to|scheduled|planned|plans? to|expected to|"
                    r"to be held|next|upcoming|coming|set to|tomorrow|leaves for|travels on|heads to|flies to|is due|are due)\b", re.I)

_PAST = re.compile(r"\b(paid|arrived|landed|flew|met|held|signed|visited|was|were|had|began|ended|left|said|"
                   r"received|welcomed|attended|toured|concluded|made|came|went|told)\b", re.I)

# a past participle hung on the weekday itself: what was done that day, whatever the rest says
_DONE_ON = re.compile(r"\b(?:issued|adopted|released|signed|exchanged|inked|sealed|unveiled|announced|published)"
                      r"\s+(?:late\s+|early\s+)?on\s+$", re.I)
_RANGE_DMY = re.compile(r"\b(\d{1,2})\s*(?:-|–|to|and)\s*(\d{1,2})\s+" + _MON + r"(?:\s+(\d{4}))?", re.I)
_RANGE_MDY = re.compile(r"\b" + _MON + r"\s+(\d{1,2})\s*(?:-|–|to|and)\s*(\d{1,2})(?:,?\s+(\d{4}))?", re.I)
_DMY = re.compile(r"\b(\d{1,2})\s+" + _MON + r"(?:,?\s+(\d{4}))?", re.I)
_MDY = re.compile(r"\b" + _MON + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
_REL = re.compile(r"\b(yesterday|today|tonight|this morning|this afternoon|this evening|last night|tomorrow|"
                  r"last month|this month|earlier this month|next month|last week|next week|last year|next year|"
                  r"this year)\b", re.I)
_IN_MONTH = re.compile(r"\b(?:in|since|until|by|late|early|mid-?)\s+(?:late\s+|early\s+|mid-?)?" + _MON
                       + r"(?!\s+\d{1,2}\b)(?:\s+(\d{4})|\s+(?:of\s+)?(last|next|this)\s+year)?", re.I)
_YEAR_SHIFT = {"last": -1, "this": 0, "next": 1}


def parse_iso(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        parts = [int(p) for p in s.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def weekday_date(name: str, pub: dt.date, future: bool) -> dt.date:
    """The date of weekday ``name`` nearest the publication date in the given direction."""
    wd = WEEKDAYS.index(name.lower())
    if future:
        return pub + dt.timedelta(days=(wd - pub.weekday()) % 7)
    return pub - dt.timedelta(days=(pub.weekday() - wd) % 7)


def _year_for(month: int, pub: dt.date, future: bool | None) -> int:
    """Year of a month named without one: the next one in future context, the last one in past context
    (``future`` False: "the crisis began on January 1" told in December), else the nearest."""
    if future:
        return pub.year + 1 if month < pub.month else pub.year
    if future is False:
        return pub.year - 1 if month > pub.month else pub.year
    return min((pub.year - 1, pub.year, pub.year + 1), key=lambda y: abs((y - pub.year) * 12 + month - pub.month))


def _mk(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str, pub: dt.date | None, future: bool | None = None) -> list[tuple[int, int, str, str | None]]:
    """All date expressions in ``text`` as (start, end, iso_start, iso_end_or_None), in order.

    ``future`` says which way weekdays and bare months point; None means decide from the text.
    Without a publication date only absolute dates (with a year) are resolved.
    """
    if future is None:
        # a bare month points forward after "will", back after a past verb, else to the nearest
        future = True if FUTURE.search(text) else (False if _PAST.search(text) else None)
    out: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(a, b, s, e=None):
        if s and free(a, b):
            out.append((a, b, s, e))
            taken.append((a, b))

    for m in _RANGE_DMY.finditer(text):
        mon = MONTHS[m.group(3).lower().rstrip(".")]
        y = int(m.group(4)) if m.group(4) else (_year_for(mon, pub, future) if pub else None)
        if y:
            add(m.start(), m.end(), _mk(y, mon, int(m.group(1))), _mk(y, mon, int(m.group(2))))
    for m in _RANGE_MDY.finditer(text):
        mon = MONTHS[m.group(1).lower().rstrip(".")]
        y = int(m.group(4)) if m.group(4) else (_year_for(mon, pub, future) if pub else None)
        if y:
            add(m.start(), m.end(), _mk(y, mon, int(m.group(2))), _mk(y, mon, int(m.group(3))))
    for rx, di, mi, yi in ((_DMY, 1, 2, 3), (_MDY, 2, 1, 3)):
        for m in rx.finditer(text):
            mon = MONTHS[m.group(mi).lower().rstrip(".")]
            y = int(m.group(yi)) if m.group(yi) else (_year_for(mon, pub, future) if pub else None)
            if y and 1 <= int(m.group(di)) <= 31:
                add(m.start(), m.end(), _mk(y, mon, int(m.group(di))))
    if pub is None:
        return sorted(out)
    for m in _WEEKDAY.finditer(text):
        # the clause of the weekday decides its direction: "paid a visit ... on Wednesday" is past even
        # when the sentence also says what the parties "would" do
        near = text[max(0, m.start() - 70):m.start()]
        clause = re.split(r"[;,]\s+(?:and\s+|but\s+|while\s+|as\s+)?(?=\w)", near)[-1]
        if (_PAST.search(clause) or _DONE_ON.search(near[-40:])) and not FUTURE.search(clause):
            fut = False  # "a joint statement issued on Wednesday said they would ...": the participle's day
        elif FUTURE.search(clause):
            fut = True
        else:
            fut = future
        if fut is None:
            # no tense either way ("He visits Petra on Saturday"): the nearer of the two, the past on a tie
            ahead, back = weekday_date(m.group(1), pub, True), weekday_date(m.group(1), pub, False)
            fut = (ahead - pub) < (pub - back)
        add(m.start(), m.end(), weekday_date(m.group(1), pub, fut).isoformat())
    for m in _REL.finditer(text):
        w = m.group(1).lower()
        day = {"yesterday": -1, "last night": -1, "today": 0, "tonight": 0, "this morning": 0,
               "this afternoon": 0, "this evening": 0, "tomorrow": 1}.get(w)
        if day is not None:
            add(m.start(), m.end(), (pub + dt.timedelta(days=day)).isoformat())
        elif w in ("this month", "earlier this month"):
            add(m.start(), m.end(), f"{pub.year:04d}-{pub.month:02d}")
        elif w == "last month":
            y, mo = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}")
        elif w == "next month":
            y, mo = (pub.year, pub.month + 1) if pub.month < 12 else (pub.year + 1, 1)
            add(m.start(), m.end(), f"{y:04d}-{mo:02d}")
        elif w == "next week":
            monday = pub + dt.timedelta(days=7 - pub.weekday())
            add(m.start(), m.end(), monday.isoformat())
    for m in _IN_MONTH.finditer(text):
        mon = MONTHS[m.group(1).lower().rstrip(".")]
        if m.group(2):
            y = int(m.group(2))
        elif m.group(3):
            y = pub.year + _YEAR_SHIFT[m.group(3).lower()]  # "in July last year"
        else:
            y = _year_for(mon, pub, future)
        add(m.start(), m.end(), f"{y:04d}-{mon:02d}")
    return sorted(out)


_WITHIN = re.compile(r"\b(?:within|in|over)\s+(?:the\s+)?(?:next\s+|coming\s+)?(\w+|\d+)\s+years?\b", re.I)
_DECADE = re.compile(r"\b(?:within|in|over)\s+(?:the\s+)?(?:next|coming)\s+decade\b", re.I)
_DECADE_END = re.compile(r"\bby\s+(?:the\s+)?end\s+of\s+(?:the|this)\s+decade\b|\bby\s+the\s+decade'?s\s+end\b", re.I)
_BY_YEAR = re.compile(r"\b(?:by|until|till|before|in)\s+(?:the\s+end\s+of\s+)?((?:19|20)\d{2})\b")
_NUMBER_WORDS = {**NUMBER_WORDS, "a": 1, "a couple of": 2}


def target_year(text: str, pub: dt.date | None) -> int | None:
    """The year a goal is set for: "by 2030", or "within five years" counted from publication."""
    m = _BY_YEAR.search(text)
    if m:
        return int(m.group(1))
    if pub is None:
        return None
    m = _DECADE.search(text)
    if m:
        return pub.year + 10
    if _DECADE_END.search(text):
        return (pub.year // 10 + 1) * 10
    m = _WITHIN.search(text)
    if m:
        w = m.group(1).lower()
        n = int(w) if w.isdigit() else _NUMBER_WORDS.get(w)
        if n:
            return pub.year + n
    return None
