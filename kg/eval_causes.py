"""Why each miss and extra of ``kg eval`` happened, by the matching rules of :mod:`kg.evaluate`.

Per article and event type, gold and predicted events are paired with ``kg.evaluate.match``,
exactly as the score is computed. Then every unmatched event gets one cause:

a gold event not matched (a miss):
  ``merged``         a prediction that fits it was matched to another gold event (two became one);
  ``visitor``        a predicted Visit has its place_country but another visitor;
  ``place``          a predicted Visit has its visitor but another place_country;
  ``recipient``      a predicted Award from its sentence names another recipient;
  ``conferrer``      a predicted Award has its recipient but a conflicting conferrer_country;
  ``parties``        a prediction from its sentence (or with an overlapping title) has another party set;
  ``target``         a predicted TradeTarget has its parties but neither its year nor its amount;
  ``other slots``    a prediction shares its sentence or a key slot, but fails in several ways;
  ``trigger missed`` no prediction of the type shares its sentence or any key slot;

a prediction not matched (an extra): ``duplicate`` (it fits a gold event another prediction took),
``boilerplate`` (its evidence is in a line that is not prose, such as a headline, bullet or widget,
or in a mention the gold's ``not_events`` notes quote), the near-miss causes above seen from the
prediction's side, else ``spurious``.

Matched pairs whose slots disagree are listed too, as slot errors: ``status``, ``dates`` (start,
end, date) or the slot's own name (host_country, amount, ...).

:func:`explain` returns plain data; :func:`format_causes` renders it for the CLI.
"""
from __future__ import annotations

import json
import re

from .evaluate import SLOTS, TYPES, compatible, jaccard, match, norm, party_key, slot_equal, surname

NEAR_MISS = ("visitor", "place", "recipient", "conferrer", "parties", "target", "other slots")
MISS_CAUSES = ("merged",) + NEAR_MISS + ("trigger missed",)
EXTRA_CAUSES = ("duplicate", "boilerplate") + NEAR_MISS + ("spurious",)
_DATE_SLOTS = {"start", "end", "date"}


# --- pair tests ------------------------------------------------------------------------------------

def same_sentence(a: str | None, b: str | None) -> bool:
    """Two evidence strings are the same sentence: one contains the other, or most words are shared.

    Gold and extractor may cut a sentence differently (a dateline, a quote), so equality is too strict.
    """
    x, y = norm(a or ""), norm(b or "")
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    wx, wy = set(x.split()), set(y.split())
    return len(wx & wy) / len(wx | wy) >= 0.6


def _same_visitor(g: dict, p: dict) -> bool:
    """The visitor half of compatible(): same visitor_country, or same surname."""
    if g.get("visitor_country") and p.get("visitor_country") == g["visitor_country"]:
        return True
    return bool(g.get("visitor") and p.get("visitor") and surname(p["visitor"]) == surname(g["visitor"]))


def _shares_key_slot(t: str, g: dict, p: dict) -> bool:
    if t == "Visit":
        return bool(g.get("place_country") and p.get("place_country") == g["place_country"]) or _same_visitor(g, p)
    if t == "Award":
        return bool(surname(g.get("recipient")) and surname(g.get("recipient")) == surname(p.get("recipient"))) \
            or bool(g.get("conferrer_country") and p.get("conferrer_country") == g["conferrer_country"])
    return bool(set(party_key(g.get("parties"))) & set(party_key(p.get("parties")))) \
        or jaccard(p.get("title"), g.get("title")) > 0


def near_miss(t: str, g: dict, p: dict) -> str | None:
    """Why prediction ``p`` failed to match gold ``g`` although they are about the same thing, or None
    when they share neither the evidence sentence nor any key slot. Only for pairs compatible() refuses."""
    sentence = same_sentence(g.get("evidence"), p.get("evidence"))
    if t == "Visit":
        place = bool(g.get("place_country") and p.get("place_country") == g["place_country"])
        visitor = _same_visitor(g, p)
        if place and not visitor:
            return "visitor"
        if visitor and not place:
            return "place"
    elif t == "Award":
        if surname(g.get("recipient")) and surname(g.get("recipient")) == surname(p.get("recipient")):
            return "conferrer"  # same recipient, yet refused: the conferrer countries conflict
        if sentence:
            return "recipient"
    elif party_key(g.get("parties")) == party_key(p.get("parties")):
        if t == "TradeTarget":
            return "target"
    elif sentence or jaccard(p.get("title"), g.get("title")) > 0:
        return "parties"
    return "other slots" if sentence or _shares_key_slot(t, g, p) else None


def _best_near_miss(t: str, pairs: list[tuple[dict, dict]]) -> tuple[str | None, int]:
    """The most specific near-miss cause over (gold, pred) pairs, and the index of the pair giving it."""
    found = [(NEAR_MISS.index(c), i, c) for i, (g, p) in enumerate(pairs) if (c := near_miss(t, g, p))]
    if not found:
        return None, -1
    _, i, cause = min(found)
    return cause, i


# --- boilerplate -------------------------------------------------------------------------------------

_LABEL = re.compile(r"^\W*(related|also read|read more|read also|see also|more on|watch|listen|advertisement|"
                    r"comments?|share)\b", re.I)
_BULLET = re.compile(r"^\s*([-*•·–—|>]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
# a quoted fragment in a not_events note: the quote opens at the start or after a space, so "Iran's" is not one
_QUOTED = re.compile(r"(?:^|(?<=[\s(:]))['‘\"“](.{8,}?)['’\"”](?=$|[\s,.:;)])")


def _line_of(text: str, evidence: str, start: int | None) -> str | None:
    if not text or not evidence:
        return None
    if start is None or text[start:start + len(evidence)] != evidence:
        start = text.find(evidence)
        if start < 0:
            start = text.find(evidence[:40])
        if start < 0:
            return None
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    return text[begin:end if end >= 0 else len(text)]


def is_boilerplate(event: dict, gold_article: dict) -> bool:
    """Evidence in a line that is not prose (no sentence end, a bullet, a 'Related:' label), or quoting (3
    words or more) a mention the annotators' not_events notes set aside.

    A sentence some gold event uses as evidence is never boilerplate: an extra from it is a wrong
    reading of a real event's sentence, and the near-miss causes say how.
    """
    evidence = event.get("evidence") or ""
    if any(same_sentence(evidence, g.get("evidence")) for g in gold_article.get("events", [])):
        return False
    line = _line_of(gold_article.get("text") or "", evidence, event.get("evidence_start"))
    if line is not None and (_LABEL.match(line) or _BULLET.match(line) or not _SENTENCE_END.search(line)):
        return True
    ev = norm(evidence)
    for note in gold_article.get("not_events") or []:
        for fragment in _QUOTED.findall(note):
            f = norm(fragment)
            if len(f.split()) >= 3 and f in ev:
                return True
    return False


# --- explain -------------------------------------------------------------------------------------

def _item(article: str, t: str, cause: str, event: dict, nearest: dict | None) -> dict:
    return {"article": article, "type": t, "cause": cause, "event": event, "nearest": nearest}


def explain_article(gold_article: dict, predicted: list[dict]) -> dict:
    """Causes for one article's misses and extras, and its slot errors (see the module docstring)."""
    aid = gold_article["id"]
    out = {"misses": [], "extras": [], "slot_errors": []}
    for t in TYPES:
        gs = [e for e in gold_article.get("events", []) if e.get("type") == t]
        ps = [e for e in predicted if e.get("type") == t]
        pairs = match(t, gs, ps)
        taken_g, taken_p = {id(g) for g, _ in pairs}, {id(p) for _, p in pairs}
        for g, p in pairs:
            for s in SLOTS[t]:
                if g.get(s) is not None and not slot_equal(s, g.get(s), p.get(s)):
                    cause = "status" if s == "status" else "dates" if s in _DATE_SLOTS else s
                    out["slot_errors"].append({**_item(aid, t, cause, g, p), "slot": s, "gold": g.get(s),
                                               "pred": p.get(s)})
        # near misses are looked for among the unmatched first: those are the ones that could have been it
        ps_order = [p for p in ps if id(p) not in taken_p] + [p for p in ps if id(p) in taken_p]
        gs_order = [g for g in gs if id(g) not in taken_g] + [g for g in gs if id(g) in taken_g]
        for g in gs:
            if id(g) in taken_g:
                continue
            fits = [p for p in ps if compatible(t, g, p) > 0]
            if fits:
                out["misses"].append(_item(aid, t, "merged", g, fits[0]))
                continue
            cause, i = _best_near_miss(t, [(g, p) for p in ps_order])
            out["misses"].append(_item(aid, t, cause or "trigger missed", g, ps_order[i] if cause else None))
        for p in ps:
            if id(p) in taken_p:
                continue
            fits = [g for g in gs if compatible(t, g, p) > 0]
            if fits:
                out["extras"].append(_item(aid, t, "duplicate", p, fits[0]))
            elif is_boilerplate(p, gold_article):
                out["extras"].append(_item(aid, t, "boilerplate", p, None))
            else:
                cause, i = _best_near_miss(t, [(g, p) for g in gs_order])
                out["extras"].append(_item(aid, t, cause or "spurious", p, gs_order[i] if cause else None))
    return out


def explain(golds: list[dict], predicted: dict[str, list[dict]]) -> dict:
    """Causes of every miss and extra, and every slot error, over gold articles and predictions by article id.

    Returns ``{"misses": [item], "extras": [item], "slot_errors": [item + slot/gold/pred],
    "counts": {"misses"|"extras"|"slot_errors": {cause: {type: n}}}}``; an item is
    ``{"article", "type", "cause", "event", "nearest"}`` (``nearest``: the event on the other side
    that explains the cause, or None).
    """
    out = {"misses": [], "extras": [], "slot_errors": []}
    for gold in golds:
        part = explain_article(gold, predicted.get(gold["id"], []))
        for k in out:
            out[k] += part[k]
    counts: dict = {}
    for kind, items in out.items():
        c = counts.setdefault(kind, {})
        for it in items:
            c.setdefault(it["cause"], {}).setdefault(it["type"], 0)
            c[it["cause"]][it["type"]] += 1
    return {**out, "counts": counts}


# --- text ---------------------------------------------------------------------------------------

_HIDE = {"type", "evidence", "evidence_start", "evidence_end", "iri", "confidence", "article"}
_TITLES = {"misses": "gold events not matched (misses)", "extras": "predictions not matched (extras)",
           "slot_errors": "slot errors on matched pairs"}
_ORDER = {"misses": MISS_CAUSES, "extras": EXTRA_CAUSES}


def _brief(event: dict) -> str:
    fields = {k: v for k, v in event.items() if k not in _HIDE and v not in (None, [], "")}
    ev = event.get("evidence") or ""
    ev = ev if len(ev) <= 90 else ev[:87] + "..."
    return json.dumps(fields, ensure_ascii=False) + (f"  | {ev}" if ev else "")


def _sorted_causes(kind: str, causes) -> list[str]:
    order = _ORDER.get(kind, ())
    return sorted(causes, key=lambda c: (order.index(c) if c in order else len(order), c))


def format_causes(causes: dict) -> list[str]:
    """Counts per cause and type for each kind, then the items grouped by cause."""
    lines = []
    for kind in ("misses", "extras", "slot_errors"):
        counts = causes["counts"].get(kind, {})
        lines.append(f"{_TITLES[kind]}:")
        lines.append(f"  {'cause':<16}" + "".join(f"{t:>12}" for t in TYPES) + f"{'total':>8}")
        for cause in _sorted_causes(kind, counts):
            row = counts[cause]
            lines.append(f"  {cause:<16}" + "".join(f"{row.get(t, 0):>12}" for t in TYPES)
                         + f"{sum(row.values()):>8}")
        if not counts:
            lines.append("  (none)")
    for kind in ("misses", "extras", "slot_errors"):
        items = causes[kind]
        for cause in _sorted_causes(kind, {i["cause"] for i in items}):
            group = [i for i in items if i["cause"] == cause]
            lines.append(f"{kind.upper().replace('_', ' ')}: {cause} ({len(group)})")
            for i in group:
                if kind == "slot_errors":
                    lines.append(f"  {i['type']} {i['article']}: {i['slot']} gold {i['gold']!r}, "
                                 f"predicted {i['pred']!r}  | {_brief(i['event'])}")
                    continue
                lines.append(f"  {i['type']} {i['article']}: {_brief(i['event'])}")
                if i["nearest"] is not None:
                    lines.append(f"      nearest {'prediction' if kind == 'misses' else 'gold'}: "
                                 f"{_brief(i['nearest'])}")
    return lines
