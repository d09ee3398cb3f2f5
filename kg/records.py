"""The records every stage speaks: an article and the events found in it.

Extraction produces these, curated annotation JSON (the format of the corpus
GUIDELINES.md) is parsed into them, and :mod:`kg.rdf` turns them into graphs.
Nothing here knows about RDF, stores or HTTP.

Events keep the flat shape of the annotation JSON on purpose: a researcher can
read a record, an annotation file and an extraction result side by side, and
``event_to_json(event_from_json(x)) == x`` for every field the contract carries.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ISO3 = re.compile(r"^[A-Z]{3}$")

VISIT_STATUS = ("occurred", "ongoing", "planned", "cancelled")
AWARD_STATUS = ("conferred", "announced", "planned")
AGREEMENT_STATUS = ("signed", "agreed", "reported", "planned", "denied")
TRADE_TARGET_STATUS = ("agreed", "proposed", "reaffirmed")

DEFAULT_MIN_CONFIDENCE = 0.5
"""Extracted events with a confidence below this are not stored (``kg ingest --min-confidence``;
``kg serve --min-confidence`` or KG_MIN_CONFIDENCE for POST /articles). An event without a
confidence counts as 1.0. Chosen on the dev corpus (kg eval's threshold table, 2026-12): F1 is
flat from 0.0 to 0.5 (0.80) and falls above it (0.77 at 0.7, 0.26 at 0.9), so 0.5 drops only
the weakest cues at no cost in recall.
It lives here, with the field, so the CLI can show it without importing RDF or SHACL."""


class RecordError(ValueError):
    """A record that cannot be used, with where it came from and what to do.

    ``where`` names the file (and line, for JSONL) or request; ``field`` the
    JSON path of the bad value (``events[2].visitor``).
    """

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None,
                 hint: str | None = None):
        self.message, self.where, self.field, self.hint = message, where, field, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        loc = ": ".join(x for x in (self.where, self.field) if x)
        text = f"{loc}: {self.message}" if loc else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class Event:
    """Fields common to all four event types.

    ``evidence`` is the sentence that states the event, verbatim from the
    article; ``evidence_start``/``evidence_end`` are its character offsets in
    ``Article.text`` when known.

    ``confidence`` (0..1) is how sure the extractor is of the event. Curated events have none,
    and a reader treats None as certain (1.0): the field is a ranking aid for extracted
    events, not a claim a human annotator makes.
    """

    TYPE: ClassVar[str] = "Event"
    STATUSES: ClassVar[tuple[str, ...]] = ()

    evidence: str = ""
    status: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    confidence: float | None = None

    @property
    def type(self) -> str:
        return self.TYPE


@dataclass
class Visit(Event):
    """An official travels to another country or place on official business."""

    TYPE: ClassVar[str] = "Visit"
    STATUSES: ClassVar[tuple[str, ...]] = VISIT_STATUS

    visitor: str | None = None          # full name of the person; None for a delegation
    visitor_country: str | None = None  # ISO alpha-3 the visitor represents
    host: str | None = None
    host_country: str | None = None
    place: str | None = None            # the most specific city; None: the country itself
    place_country: str | None = None
    start: str | None = None            # ISO date, YYYY-MM or YYYY
    end: str | None = None


@dataclass
class Award(Event):
    """A state order, medal, honour or prize conferred on a person."""

    TYPE: ClassVar[str] = "Award"
    STATUSES: ClassVar[tuple[str, ...]] = AWARD_STATUS

    recipient: str | None = None
    recipient_country: str | None = None
    conferrer: str | None = None
    conferrer_country: str | None = None
    award: str | None = None       # the official name, when known
    award_text: str | None = None  # the words the article uses
    date: str | None = None


@dataclass
class Agreement(Event):
    """A treaty, MoU, joint statement or deal between two or more parties."""

    TYPE: ClassVar[str] = "Agreement"
    STATUSES: ClassVar[tuple[str, ...]] = AGREEMENT_STATUS

    parties: list[str] = field(default_factory=list)  # ISO alpha-3, else organisation name
    title: str | None = None
    topics: list[str] = field(default_factory=list)
    date: str | None = None


@dataclass
class TradeTarget(Event):
    """A numeric goal for trade or investment between parties by a target year."""

    TYPE: ClassVar[str] = "TradeTarget"
    STATUSES: ClassVar[tuple[str, ...]] = TRADE_TARGET_STATUS

    parties: list[str] = field(default_factory=list)
    amount: float | int | None = None  # in units: 100 billion -> 100000000000
    currency: str | None = None        # ISO 4217
    year: int | None = None
    metric: str | None = None


EVENT_TYPES: dict[str, type[Event]] = {c.TYPE: c for c in (Visit, Award, Agreement, TradeTarget)}


@dataclass
class Person:
    """What an article says about a person its events name: role and the other ways it refers to them.

    Optional: events name persons by full name alone; this only enriches the shared actor node
    (``dip:role``, ``skos:altLabel``).
    """

    name: str
    country: str | None = None
    role: str | None = None                              # "Prime Minister"
    aliases: list[str] = field(default_factory=list)     # "Modi", "Indian Prime Minister Narendra Modi"


@dataclass
class Article:
    """One news article, with the events found in (or curated for) it."""

    id: str
    text: str = ""
    title: str | None = None
    published: str | None = None  # ISO date
    url: str | None = None
    events: list[Event] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


def is_party_code(party: str) -> bool:
    """True when an agreement party is shaped like an ISO alpha-3 code.

    Only the shape: "SCO" or "WFP" pass too. Whether it names a state is decided against the ISO
    table by :func:`kg.rdf.is_country_code`, which is what the graph uses.
    """
    return bool(ISO3.match(party))


# --- JSON <-> records -------------------------------------------------------------------

_EVENT_FIELDS = {name: [f.name for f in dataclasses.fields(cls)] for name, cls in EVENT_TYPES.items()}
_LIST_FIELDS = {"parties", "topics"}
_INT_FIELDS = {"year", "evidence_start", "evidence_end"}
_OMIT_WHEN_NONE = ("evidence_start", "evidence_end", "confidence")  # absent from curated JSON: keep it absent


def _confidence(v: Any, *, where: str | None, path: str) -> float:
    """A confidence is a plain number in [0, 1]; anything else would make thresholds meaningless."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:  # NaN fails the range too
        raise RecordError(f"must be a number from 0 to 1, not {v!r}", where=where, field=path,
                          hint="how sure the extractor is of the event; leave it out for curated events")
    return float(v)


def event_from_json(obj: Any, *, where: str | None = None, path: str = "event") -> Event:
    """Parse one annotation-JSON event; unknown keys are ignored, bad values raise RecordError."""
    if not isinstance(obj, dict):
        raise RecordError("an event must be a JSON object", where=where, field=path)
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:   # a list or object is unhashable: TypeError
        raise RecordError(f"unknown event type {kind!r}", where=where, field=f"{path}.type",
                          hint=f"use one of {', '.join(EVENT_TYPES)}")
    cls = EVENT_TYPES[kind]
    values: dict[str, Any] = {}
    for name in _EVENT_FIELDS[kind]:
        if name not in obj or obj[name] is None:
            continue
        v = obj[name]
        if name in _LIST_FIELDS:
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise RecordError("must be a list of strings", where=where, field=f"{path}.{name}")
            v = [x.strip() for x in v if x.strip()]
        elif name == "amount":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise RecordError("must be a number (in units: 100 billion -> 100000000000)",
                                  where=where, field=f"{path}.{name}")
        elif name == "confidence":
            v = _confidence(v, where=where, path=f"{path}.{name}")
        elif name in _INT_FIELDS:
            if isinstance(v, bool) or not isinstance(v, int):
                raise RecordError("must be a whole number", where=where, field=f"{path}.{name}")
        elif not isinstance(v, str):
            raise RecordError("must be a string", where=where, field=f"{path}.{name}")
        else:
            v = v.strip()
            if not v:
                continue
        values[name] = v
    if isinstance(values.get("status"), str):
        values["status"] = values["status"].lower()
    return cls(**values)


def event_to_json(event: Event) -> dict[str, Any]:
    """The annotation-JSON form of an event (type first, None kept so the shape is stable)."""
    out: dict[str, Any] = {"type": event.type}
    for name in _EVENT_FIELDS[event.type]:
        v = getattr(event, name)
        if name in _OMIT_WHEN_NONE and v is None:
            continue
        out[name] = list(v) if isinstance(v, list) else v
    return out


def article_from_json(obj: Any, *, where: str | None = None, with_events: bool = True) -> Article:
    """Parse an article JSON object (``id``, ``text``, ``title``, ``published``, ``url``, ``events``).

    With ``with_events=False`` any ``events`` key is ignored (the input of extraction).
    """
    if not isinstance(obj, dict):
        raise RecordError("an article must be a JSON object", where=where,
                          hint="see corpus GUIDELINES.md for the format")
    ident = obj.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise RecordError("missing or empty 'id'", where=where, field="id",
                          hint="give every article a short unique id string")
    for name in ("text", "title", "published", "url"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise RecordError("must be a string", where=where, field=name)
    published = (obj.get("published") or "").strip() or None
    if published and not ISO_DATE.match(published):
        raise RecordError(f"not an ISO date: {published!r}", where=where, field="published",
                          hint="write it as YYYY-MM-DD")
    events: list[Event] = []
    if with_events:
        raw = obj.get("events") or []
        if not isinstance(raw, list):
            raise RecordError("must be a list of event objects", where=where, field="events")
        events = [event_from_json(e, where=where, path=f"events[{i}]") for i, e in enumerate(raw)]
    people = [_person_from_json(p, where=where, path=f"people[{i}]")
              for i, p in enumerate(obj.get("people") or [])] if with_events else []
    return Article(id=ident.strip(), text=obj.get("text") or "", title=(obj.get("title") or None),
                   published=published, url=(obj.get("url") or None), events=events, people=people)


def _person_from_json(obj: Any, *, where: str | None, path: str) -> Person:
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"].strip():
        raise RecordError("a person needs a non-empty 'name' string", where=where, field=path)
    aliases = obj.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RecordError("must be a list of strings", where=where, field=f"{path}.aliases")
    for k in ("country", "role"):
        if obj.get(k) is not None and not isinstance(obj[k], str):
            raise RecordError("must be a string", where=where, field=f"{path}.{k}")
    return Person(name=obj["name"].strip(), country=obj.get("country") or None, role=obj.get("role") or None,
                  aliases=[a.strip() for a in aliases if a.strip()])


def article_to_json(article: Article) -> dict[str, Any]:
    return {"id": article.id, "published": article.published, "title": article.title,
            "url": article.url, "text": article.text,
            "events": [event_to_json(e) for e in article.events],
            **({"people": [dataclasses.asdict(p) for p in article.people]} if article.people else {})}
