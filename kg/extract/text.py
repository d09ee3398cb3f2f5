"""Text preparation that keeps character offsets into the original article.

spaCy's small model splits names at typographic quotes ("Modi‘s" -> "Narendra" alone), so
quotes are replaced one character for one character.  Page boilerplate (share bars, cookie
banners, related-article headlines, comment widgets) is blanked with spaces rather than cut,
so every offset found later is still an offset into ``Article.text``.
"""
from __future__ import annotations

import re

_SAME_LENGTH = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                              "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
                              "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def normalise_quotes(text: str) -> str:
    """Typographic quotes and odd spaces to ASCII, same length (offsets stay valid)."""
    return text.translate(_SAME_LENGTH)


# A line that opens a block of links to other stories; the block runs to the next blank line.
# ("Also on <site>" is a header; "Also on Monday, Obama met ..." is prose: no sentence runs inside a header)
_RELATED = re.compile(r"^\s*(related( stories| articles| news)?|also read|also on\b[^.!?]{0,60}|read more|more from\b[^.!?]{0,60}|"
                      r"recommended|most read[^.!?]{0,40}|you may also like|trending|latest news|more stories|"
                      r"what do you think\??|comments?\s*\(\d+\)|\d+\s+comments?|loading comments.*|join the (?:conversation|discussion)|"
                      r"reader comments|discussion|show comments|view comments)\s*:?\s*$", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-•>*»]|>>)\s+")
_WIDGET = re.compile(r"(cookie|subscribe|sign in|log ?in|comments?\b|share\b|advertisement|all rights reserved|"
                     r"follow us|newsletter|about the author|written by|leave a reply|upvote|downvote|"
                     r"copyright|\(c\)|privacy policy|terms of use|listen to this story)", re.I)
_SENTENCE_END = re.compile(r"""[.!?;:]["')\]]?\s*$""")
_ENUM_ITEM = re.compile(r"^\s*\(?([ivx]+|\d+|[a-h])[.)]\s+\S")


def is_prose(line: str) -> bool:
    """A line that reads as article prose: ends like a sentence and is more than a fragment."""
    s = line.strip()
    if _ENUM_ITEM.match(s) and (_SENTENCE_END.search(s) or re.search(r"[;,]\s*(?:and|or)$", s)):
        return True  # "(b) the Treaty ... ; and": an item of a numbered list
    if not s or not _SENTENCE_END.search(s):
        return False
    words = s.split()
    if len(words) < 5:
        return False
    if _WIDGET.search(s) and len(words) < 25 and ("[" in s or "|" in s or len(words) < 12):
        return False
    return True


_DATELINE_DATE = re.compile(r"^(\s*[A-Z][A-Za-z .,'-]{2,60}?,\s*)((?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})"
                            r"(?:,?\s+\d{4})?)(?=\s*(?:\([A-Za-z .]+\)|\s[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z]+)*)?\s*(?:[-–—]|--))")


def blank_dateline_date(text: str) -> str:
    """"NAIROBI, May 6 (Reuters) - ...": the date of a dateline is when the report was filed, never an
    event date, so it is blanked (same length) before dates are read."""
    m = _DATELINE_DATE.match(text)
    if not m:
        return text
    a, b = m.span(2)
    return text[:a] + " " * (b - a) + text[b:]


_DATELINE_PREFIX = re.compile(r"^(\s*(?:[A-Z][A-Za-z.'-]+(?:[ /][A-Z][A-Za-z.'-]+){0,3})(?:,\s*[A-Z][A-Za-z .]{2,30}?)?"
                              r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s+\d{4})?)?"
                              r"(?:,?\s+[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z]+)*(?=\s*(?:[-–—]|--)\s))?"  # an agency: "Kyodo", "AFP/Xinhua"
                              r",?\s*(?:\([A-Za-z .]+\))?\s*(?:[-–—]|--|:)\s)")


def blank_dateline(text: str) -> str:
    """The whole dateline ("HANOI, Sept 3 (Wire) - ", "Brasilia: ", "MUMBAI: ") blanked, same length:
    it names where the report was filed, and left in place it becomes the subject of the first
    sentence's parse. :func:`dateline_city` reads the place from the original text."""
    out = _blank_prefix(text)
    if out != text:
        return out
    # a headline first: the wire dateline opens the first body line ("...\n\nSEOUL, Dec. 28 Kyodo - Japan ...")
    pos = 0
    for line in text.splitlines(keepends=True)[:40]:
        if _DATELINE.match(line):
            return text[:pos] + _blank_prefix(line) + text[pos + len(line):]
        pos += len(line)
    return text


def _blank_prefix(text: str) -> str:
    text = blank_dateline_date(text)
    m = _DATELINE_PREFIX.match(text)
    if not m or "\n" in m.group(1):
        return text
    return " " * m.end(1) + text[m.end(1):]


def content_mask(text: str) -> str:
    """``text`` with every non-prose line blanked to spaces (same length, newlines kept)."""
    out = []
    in_related = False
    in_list = False  # after a prose line ending in ':' ("signed the following agreements:")
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        nl = line[len(body):]
        if not body.strip():
            in_related = False
            out.append(line)
            continue
        item = bool(_ENUM_ITEM.match(body) or _LIST_ITEM.match(body))
        if _RELATED.match(body):
            in_related = True
            keep = False
        elif in_related:
            keep = False
        elif in_list and item and not re.search(r"[\[\]|]", body):
            # an item of a list that a sentence of the article introduces is part of what it tells, however
            # short ("the two sides exchanged the following agreements:" / "1. MoU on health")
            keep = True
        elif _LIST_ITEM.match(body):
            # a link or a teaser is short; a brief's bullet that tells the news is a whole paragraph
            keep = is_prose(body) and len(body.split()) >= 14 and not _WIDGET.search(body)
        else:
            keep = is_prose(body)
        if not item:
            in_list = keep and body.rstrip().endswith(":")
        out.append(body if keep else " " * len(body))
        out.append(nl)
    return "".join(out)


_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40}?)(?:,\s*([A-Z][A-Za-z .]+?))?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}"
                       r"(?:\s+[A-Z][A-Za-z]+(?:/[A-Z][A-Za-z]+)*(?=\s*[-–—]\s))?)?"
                       r"\s*(?:\([A-Za-z ]+\))?\s*[-–—]\s")


_PLACE_DATE = re.compile(r"^\s*([A-Z][\w .'-]+?),\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]{2,8}\.? \d{1,2})\b")
_PLACE_DOT = re.compile(r"^\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)\.\s+[A-Z]")
_PLACE_DASH = re.compile(r"^\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*(?:\([A-Za-z ]+\))?\s*[-–—]\s+[A-Z]")  # "Rabat - A joint ..."


def dateline_city(text: str) -> str | None:
    """The place of a dateline ("TEHRAN, Jan 24 (Wire) - ...", "Kuwait City, 22 December 2024",
    "Moscow. Friendly ...") in title case, if any; wire datelines win over the other forms."""
    fallback = dash = None
    for line in text.splitlines()[:40]:
        if not line.strip():
            continue
        m = _DATELINE.match(line)
        if m:
            city = m.group(1).strip().title()
            return f"{city}|{m.group(2).strip()}" if m.group(2) else city
        if fallback is None:
            m = _PLACE_DATE.match(line) or _PLACE_DOT.match(line)
            if m:
                fallback = m.group(1).strip()
        if dash is None and _PLACE_DASH.match(line):
            dash = _PLACE_DASH.match(line).group(1).strip()  # the weakest form: "Rabat - A joint ..."
    return fallback or dash
