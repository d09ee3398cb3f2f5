"""Small helpers the event rules share: sentence slices, clause cues, evidence records."""
from __future__ import annotations

import re

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
