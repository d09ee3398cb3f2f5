"""Raw articles whose text is awkward to store and to index: for the tests of stored article texts
(tests/test_article_text.py, tests/test_browser.py).

The plain-text file starts with a UTF-8 byte order mark and has CRLF line ends, tabs, no-break and thin
spaces, typographic quotes and characters beyond the Basic Multilingual Plane (a flag, an emoji, a
mathematical letter) before its events' sentences: each is a way for the text an offset was computed on
to differ from the text that is stored or shown (the BOM is dropped by the reader, a CR by XML, an astral
character counts twice in JavaScript). The HTML page is read by trafilatura, whose text (not the page) is
what the offsets index.
"""
from __future__ import annotations

from pathlib import Path

PUBLISHED = "2024-07-08"

RAW_LINES = [
    "MOSCOW, July 8 (Wire) - \U0001F1EE\U0001F1F3 Indian Prime Minister Narendra Modi arrived in Moscow on Monday"
    "\u00a0for a two-day visit, his first trip to Russia since 2019.",
    "",
    "\tThe talks were watched closely in Western capitals, where officials have urged New Delhi to use its"
    " \u201cspecial and privileged\u201d ties with Moscow to press for an end to the war. \U0001F600 Analysts in"
    " the Indian capital said the visit was also meant to reassure Russia that India\u2019s closer ties with the"
    " United States would not come at its expense, and that energy and defence purchases would continue.",
    "",
    "Commentators on state television called the \U0001D400 visit a sign that Russia is not isolated, and the"
    "\u2009Kremlin released images of the two leaders touring an exhibition together.",
    "",
    "On Tuesday, Russian President Vladimir Putin awarded Modi the Order of St Andrew the Apostle at a ceremony"
    " in the Kremlin.",
    "",
    "The two sides agreed to raise bilateral trade to $100 billion by 2030, officials said after the talks.",
    "",
]
RAW_TEXT = "\r\n".join(RAW_LINES)          # what the reader gives: the BOM is not part of the text
RAW_BYTES = b"\xef\xbb\xbf" + RAW_TEXT.encode("utf-8")

HTML_PAGE = """<!doctype html>
<html><head><title>Xi Jinping in Madrid</title>
<meta property="article:published_time" content="2024-05-06"></head>
<body><nav>Home | World | Sport</nav><div class="share">Share on Facebook Twitter</div>
<article><h1>Xi Jinping in Madrid</h1>
<p>Chinese President Xi Jinping   arrived in Madrid on Monday for a three-day state visit, &nbsp;his first
to Spain in six years, the foreign ministry said.</p>
<p>Officials in both capitals said the trip was meant to steady relations after a year of trade disputes,
and Spanish companies hoped it would open the Chinese market to more of their exports. &#x1F600;</p>
<p>On Tuesday, Xi and Spanish Prime Minister Pedro Sanchez signed a joint statement on a comprehensive strategic
partnership at the Moncloa Palace.</p>
</article>
<aside class="related"><h3>Related articles</h3><ul><li><a href="/x">Volcano erupts in Italy</a></li></ul></aside>
<div id="comments"><h3>Leave a Reply</h3><p>Great article!</p></div></body></html>
""".replace("\n", "\r\n")


def write_inputs(directory: Path) -> tuple[Path, Path]:
    """The plain-text article (modi.txt) and the HTML page (xi.html) as files in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    txt, html = directory / "modi.txt", directory / "xi.html"
    txt.write_bytes(RAW_BYTES)
    html.write_bytes(HTML_PAGE.encode("utf-8"))
    return txt, html
