"""CAMEO codes and PLOVER categories of events: how dipkg's events line up with GDELT, ICEWS and POLECAT.

Researchers compare and join dipkg's events with CAMEO-coded data (GDELT, ICEWS, PETRARCH) and
PLOVER-coded data (POLECAT), so every event carries the CAMEO code a CAMEO coder would give it and
the PLOVER category, mode and context that code maps to. The code follows from the event's type and
status (and, for an agreement not yet signed, its topics); the CAMEO-to-PLOVER step is the public
conversion table of the PLOVER project, an excerpt of which is ``kg/data/cameo_plover.tsv`` (its
header names the source and licence). The choices, with the CAMEO/PLOVER rule each follows:

=========== ============================ =====================================================
type        status                       CAMEO (PLOVER)
=========== ============================ =====================================================
Visit       occurred, ongoing            042 Make a visit (CONSULT, visit), from the visitor's
                                         side; :attr:`Codes.host_cameo` 043 Host a visit, the
                                         same visit from the host's side (CAMEO coders emit both)
Visit       planned                      036 Express intent to meet or negotiate (AGREE): PLOVER
                                         codes future visits and invitations as AGREE
Visit       cancelled                    125 Reject proposal to meet (REJECT, meet): PLOVER codes
                                         the cancellation of meetings as REJECT
Award       conferred, announced         051 Praise or endorse (SUPPORT): a state honour commends
                                         its recipient
Award       planned                      032 Express intent to engage in diplomatic cooperation
                                         (AGREE): PLOVER codes future SUPPORT as AGREE
Agreement   signed                       057 Sign formal agreement (SUPPORT)
Agreement   agreed, planned, reported    03x Express intent to cooperate (AGREE): 0311 economic,
                                         0312 military, 0313 judicial, 0314 intelligence when
                                         every topic is of that one kind, else 030. PLOVER codes
                                         promises to sign as AGREE; a reported deal is not
                                         confirmed as signed
Agreement   denied                       120 Reject (REJECT): our reading; CAMEO has no code for
                                         denying a reported agreement, and the denial rejects it
TradeTarget agreed, proposed, reaffirmed 0311 Express intent to cooperate economically (AGREE)
=========== ============================ =====================================================

Nothing here knows about RDF: :mod:`kg.rdf` writes the codes as ``dip:cameoCode``,
``dip:hostCameoCode``, ``dip:ploverCategory``, ``dip:ploverMode`` and ``dip:ploverContext``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .countries import DATA, tsv_rows
from .records import Agreement, Award, Event, TradeTarget, Visit


@dataclass(frozen=True)
class CameoCode:
    """One row of kg/data/cameo_plover.tsv: a CAMEO code and the PLOVER terms it maps to."""

    code: str                   # "042"
    name: str                   # "Make a visit"
    plover_category: str        # "CONSULT"
    plover_mode: str | None     # "visit"; None where the PLOVER table gives none
    plover_context: str | None  # "diplomatic"; None where the PLOVER table gives none


@dataclass(frozen=True)
class Codes:
    """The codes of one event."""

    cameo: CameoCode
    host_cameo: CameoCode | None = None   # a visit from the host's side (043); None for other events


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    """CAMEO code -> :class:`CameoCode`, from kg/data/cameo_plover.tsv."""
    out = {}
    for row in tsv_rows(DATA / "cameo_plover.tsv"):
        if row[0] == "cameo":
            continue
        row += [""] * (5 - len(row))
        out[row[0]] = CameoCode(row[0], row[1], row[2], row[3] or None, row[4] or None)
    return out


# Agreement topics -> the kind of cooperation CAMEO's 031x codes name. A topic is of a kind when one of
# its words starts with one of the stems; "security" is left out on purpose (energy, food, maritime...).
_TOPIC_KINDS = {
    "0311": ("trade", "investment", "invest", "econom", "financ", "customs", "tariff", "energy", "oil", "gas",
             "industr", "bank", "currenc", "payment", "commerc", "business"),
    "0312": ("defence", "defense", "military", "arms", "weapon", "naval", "navy"),
    "0313": ("judicia", "legal", "extradit", "crime", "criminal", "justice"),
    "0314": ("intelligence",),
}
_WORD = re.compile(r"[a-z]+")


def _topic_kind(topic: str) -> str | None:
    words = _WORD.findall(topic.lower())
    kinds = {code for code, stems in _TOPIC_KINDS.items() if any(w.startswith(stems) for w in words)}
    return kinds.pop() if len(kinds) == 1 else None


def intent_code(topics: list[str]) -> str:
    """The 03x code of an agreement not (yet) signed: 031x when every topic is of one kind, else 030."""
    kinds = {_topic_kind(t) for t in topics}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else "030"


def _cameo(event: Event) -> tuple[str, str | None]:
    """(code, host-side code) by the rules in the module docstring."""
    status = event.status
    if isinstance(event, Visit):
        if status == "planned":
            return "036", None
        if status == "cancelled":
            return "125", None
        return "042", "043"
    if isinstance(event, Award):
        return ("032" if status == "planned" else "051"), None
    if isinstance(event, Agreement):
        if status == "signed":
            return "057", None
        if status == "denied":
            return "120", None
        return intent_code(event.topics), None
    if isinstance(event, TradeTarget):
        return "0311", None
    raise TypeError(f"no CAMEO rule for {type(event).__name__}")


def event_codes(event: Event) -> Codes:
    """The CAMEO code and PLOVER terms of one event (an event without a status is coded as the usual case:
    a visit that took place, an award conferred, an agreement reached but not signed)."""
    code, host = _cameo(event)
    table = cameo_table()
    return Codes(table[code], table[host] if host else None)
