"""Score an extractor against gold annotation files (corpus GUIDELINES.md format).

The matching rules are those of the project's official scorer, ``eval/score.py`` (credit to
its authors); they are re-implemented here so the package does not import from the shared
evaluation directory at run time:

* per article and event type, predicted and gold events are paired greedily by a
  compatibility score; a pair needs its key slots to agree:
  Visit: place country, and visitor (country, else surname); Award: recipient surname, and
  conferrer country where both sides name one; Agreement: the party set (ISO alpha-3 for
  states, normalised names for organisations); TradeTarget: the party set, and target year
  or amount (within 2%);
* precision/recall/F1 are micro-averaged per type and overall; slot accuracy is measured on
  matched pairs only.

Predicted events may carry a ``confidence`` (None counts as 1.0). The headline score keeps the
events ``kg ingest`` would store (confidence >= kg.records.DEFAULT_MIN_CONFIDENCE); the
``thresholds`` table scores the same predictions at each of :data:`THRESHOLDS`, so the default
can be tuned on a dev corpus.
"""
from __future__ import annotations

import glob
import json
import os
import re
import unicodedata
from typing import Any

from kg.records import DEFAULT_MIN_CONFIDENCE, article_from_json, event_to_json

TYPES = ("Visit", "Award", "Agreement", "TradeTarget")
SLOTS = {"Visit": ["host_country", "start", "end", "status"], "Award": ["conferrer_country", "date", "status"],
         "Agreement": ["date", "status"], "TradeTarget": ["amount", "currency", "year"]}
_STOP = {"the", "of", "and", "a", "an", "on", "for", "in", "to"}
THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9)


def norm(s: Any) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]+", " ", s.lower()).strip()


def _tokens(s: str) -> set[str]:
    return set(norm(s).split()) - _STOP


def surname(name: str | None) -> str:
    t = norm(name or "").split()
    return t[-1] if t else ""


def jaccard(a: str | None, b: str | None) -> float:
    x, y = _tokens(a or ""), _tokens(b or "")
    return len(x & y) / len(x | y) if x and y else 0.0


def party_key(parties) -> list[str]:
    return sorted({p.upper() if re.fullmatch(r"[A-Z]{3}", p) else norm(p) for p in parties or []})


def compatible(t: str, g: dict, p: dict) -> float:
    """Score > 0 when prediction ``p`` can stand for gold event ``g`` (the rules of eval/score.py)."""
    if t == "Visit":
        if not g.get("place_country") or p.get("place_country") != g["place_country"]:
            return 0
        if g.get("visitor_country") and p.get("visitor_country") == g["visitor_country"]:
            return 2 + (surname(p.get("visitor")) == surname(g.get("visitor")))
        if g.get("visitor") and p.get("visitor") and surname(p["visitor"]) == surname(g["visitor"]):
            return 1.5
        return 0
    if t == "Award":
        if not (g.get("recipient") and p.get("recipient") and surname(p["recipient"]) == surname(g["recipient"])):
            return 0
        if g.get("conferrer_country") and p.get("conferrer_country") and g["conferrer_country"] != p["conferrer_country"]:
            return 0
        return 1 + jaccard(p.get("award"), g.get("award") or g.get("award_text"))
    if t == "Agreement":
        if not g.get("parties") or party_key(p.get("parties")) != party_key(g["parties"]):
            return 0
        return 1 + jaccard(p.get("title"), g.get("title"))
    if t == "TradeTarget":
        if party_key(p.get("parties")) != party_key(g.get("parties")):
            return 0
        year_ok = g.get("year") is not None and p.get("year") == g["year"]
        amt_ok = bool(g.get("amount") and p.get("amount") and abs(p["amount"] - g["amount"]) <= 0.02 * g["amount"])
        return (1 + year_ok + amt_ok) if (year_ok or amt_ok) else 0
    return 0


def slot_equal(name: str, gv, pv) -> bool:
    if name == "amount":
        return gv is not None and pv is not None and abs(pv - gv) <= 0.02 * gv
    if name == "status":
        return pv is not None and gv is not None and pv.lower() == gv.lower()
    return gv == pv


def match(t: str, gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    pairs = sorted(((compatible(t, g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
                   key=lambda x: (x[0], x[1], x[2]), reverse=True)
    used_g, used_p, out = set(), set(), []
    for s, i, j in pairs:
        if s > 0 and i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((gold[i], pred[j]))
    return out


def _prf(c: dict) -> dict:
    p = c["tp"] / c["pred"] if c["pred"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    return {**c, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _load_golds(gold_dir: str) -> tuple[list[dict], list]:
    files = sorted(glob.glob(os.path.join(gold_dir, "*.json")))
    golds = [json.load(open(f, encoding="utf-8")) for f in files]
    arts = [article_from_json(g, where=f, with_events=False) for g, f in zip(golds, files)]
    return golds, arts


def score(golds: list[dict], predicted: dict[str, list[dict]]) -> dict:
    """Score predicted event dicts (by article id) against gold articles.

    Returns ``{"types": {T: {tp, gold, pred, precision, recall, f1, slots}}, "precision", "recall",
    "f1", "slot_accuracy", "misses": [...], "extras": [...]}``; misses/extras carry the article id.
    """
    counts = {t: {"tp": 0, "gold": 0, "pred": 0} for t in TYPES}
    slots = {t: {s: [0, 0] for s in SLOTS[t]} for t in TYPES}
    misses, extras = [], []
    for gold in golds:
        aid = gold["id"]
        pred = predicted.get(aid, [])
        for t in TYPES:
            gs = [e for e in gold.get("events", []) if e.get("type") == t]
            ps = [e for e in pred if e["type"] == t]
            m = match(t, gs, ps)
            counts[t]["tp"] += len(m)
            counts[t]["gold"] += len(gs)
            counts[t]["pred"] += len(ps)
            for g, p in m:
                for s in SLOTS[t]:
                    if g.get(s) is not None:
                        slots[t][s][1] += 1
                        slots[t][s][0] += slot_equal(s, g.get(s), p.get(s))
            mg, mp = {id(g) for g, _ in m}, {id(p) for _, p in m}
            misses += [{"article": aid, **g} for g in gs if id(g) not in mg]
            extras += [{"article": aid, **p} for p in ps if id(p) not in mp]
    result: dict = {"types": {t: {**_prf(counts[t]), "slots": slots[t]} for t in TYPES}}
    total = _prf({k: sum(counts[t][k] for t in TYPES) for k in ("tp", "gold", "pred")})
    ok = sum(v[0] for t in TYPES for v in slots[t].values())
    n = sum(v[1] for t in TYPES for v in slots[t].values())
    result.update(precision=total["precision"], recall=total["recall"], f1=total["f1"],
                  slot_accuracy=ok / n if n else 0.0, misses=misses, extras=extras, articles=len(golds))
    return result


def confidence_of(event: dict) -> float:
    """An event's confidence; one without (curated, or an extractor that does not score) counts as certain."""
    c = event.get("confidence")
    return 1.0 if c is None else float(c)


def at_threshold(predicted: dict[str, list[dict]], threshold: float) -> dict[str, list[dict]]:
    """The predicted events scored at least ``threshold``, by article."""
    return {aid: [e for e in evs if confidence_of(e) >= threshold] for aid, evs in predicted.items()}


def threshold_scores(golds: list[dict], predicted: dict[str, list[dict]],
                     thresholds=THRESHOLDS) -> list[dict]:
    """Micro precision/recall/F1 (and tp, pred, gold counts) when only events scored >= t are kept."""
    rows = []
    for t in sorted(set(thresholds)):
        r = score(golds, at_threshold(predicted, t))
        c = {k: sum(r["types"][x][k] for x in TYPES) for k in ("tp", "pred", "gold")}
        rows.append({"threshold": t, **c, "precision": r["precision"], "recall": r["recall"], "f1": r["f1"]})
    return rows


def score_with_thresholds(golds: list[dict], predicted: dict[str, list[dict]]) -> dict:
    """The headline score at DEFAULT_MIN_CONFIDENCE (what kg ingest stores), plus the thresholds table,
    plus why each miss and extra happened (kg.eval_causes)."""
    from .eval_causes import explain
    kept = at_threshold(predicted, DEFAULT_MIN_CONFIDENCE)
    result = score(golds, kept)
    result["thresholds"] = threshold_scores(golds, predicted, THRESHOLDS + (DEFAULT_MIN_CONFIDENCE,))
    result["min_confidence"] = DEFAULT_MIN_CONFIDENCE
    result["causes"] = explain(golds, kept)
    return result


def evaluate(gold_dir: str, extractor, n_process: int = 1) -> dict:
    """Run ``extractor`` over the gold articles (their events ignored) and score its records directly."""
    golds, arts = _load_golds(gold_dir)
    predicted = {art.id: [event_to_json(e) for e in events]
                 for art, events in extractor.extract_many(arts, n_process=n_process)}
    return score_with_thresholds(golds, predicted)


# --- through the store ----------------------------------------------------------------------

_EVENTS_Q = """SELECT ?id ?e ?t ?p ?o WHERE {
  ?e prov:wasDerivedFrom ?a . ?a a dip:Article ; dcterms:identifier ?id .
  ?e a ?t . FILTER(?t IN (dip:Visit, dip:Award, dip:Agreement, dip:TradeTarget))
  ?e ?p ?o . FILTER(?p != rdf:type)
}"""
_NODES_Q = """SELECT ?n ?p ?o WHERE {
  ?e prov:wasDerivedFrom ?a . ?a a dip:Article .
  { ?e ?r ?n . FILTER(isIRI(?n)) ?n ?p ?o }
  UNION { ?e ?r ?x . FILTER(isIRI(?x)) ?x dip:represents|dip:country ?n . ?n ?p ?o }
}"""
_DIP = "https://w3id.org/dipkg/ontology#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SCHEMA = ("https://schema.org/", "http://schema.org/")
_PERSON = _DIP + "Person"


def read_events(store) -> dict[str, list[dict]]:
    """Events of every stored article, read back with SPARQL as the dicts of eval/score.py's ``KG.read``
    (persons and places by label, countries by ISO alpha-3, parties keyed by code else normalised name)."""
    ev: dict[str, dict] = {}
    art_of: dict[str, str] = {}
    for r in store.select("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" + _EVENTS_Q):
        e = r["e"]
        art_of[e] = str(r["id"])
        d = ev.setdefault(e, {"_t": r["t"].rsplit("#", 1)[-1]})
        d.setdefault(r["p"], []).append(r["o"])
    nodes: dict[str, dict] = {}
    for r in store.select(_NODES_Q):
        nodes.setdefault(r["n"], {}).setdefault(r["p"], []).append(r["o"])

    def one(props, p):
        v = props.get(p)
        return v[0] if v else None

    def label(n):
        if n is None:
            return None
        if n not in nodes:
            return None if str(n).startswith(("http://", "https://")) else str(n)
        return one(nodes[n], _RDFS_LABEL) or one(nodes[n], _SCHEMA[0] + "name")

    def code_of(n):
        c = one(nodes.get(n, {}), _DIP + "countryCode")
        return str(c).upper() if c is not None else None

    def country_code(n):
        if n is None:
            return None
        c = code_of(n)
        if c:
            return c
        for p in (_DIP + "represents", _DIP + "country"):
            x = one(nodes.get(n, {}), p)
            if x is not None and x != n and code_of(x):
                return code_of(x)
        return None

    def party_key(n):
        c = code_of(n)
        if c is None and _PERSON in (nodes.get(n, {}).get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type") or []):
            x = one(nodes[n], _DIP + "represents")
            c = code_of(x) if x is not None else None
        if c:
            return c
        lab = label(n)
        return norm(lab) if lab else None

    amounts: dict[str, dict] = {}
    targets = [one(d, _DIP + "targetValue") for d in ev.values()]
    if any(targets):
        for r in store.select("SELECT ?m ?p ?o WHERE { ?e dip:targetValue ?m . ?m ?p ?o }"):
            amounts.setdefault(r["m"], {}).setdefault(r["p"], []).append(r["o"])
    out: dict[str, list[dict]] = {}
    for e, props in ev.items():
        t = props["_t"]
        st = one(props, _DIP + "status")
        d = {"type": t, "iri": e, "status": re.split(r"[#/]", str(st))[-1].lower() if st is not None else None}
        get = lambda p: one(props, _DIP + p)  # noqa: E731
        conf, start = get("confidence"), get("evidenceStart")
        d.update(evidence=str(get("evidence") or ""), evidence_start=int(start) if start is not None else None,
                 confidence=float(conf) if conf is not None else None)
        s = lambda p: (str(get(p)) if get(p) is not None else None)  # noqa: E731
        if t == "Visit":
            v, h, pl = get("visitor"), get("host"), get("place")
            d.update(visitor=label(v), visitor_country=country_code(v), host=label(h), host_country=country_code(h),
                     place=label(pl), place_country=country_code(pl), start=s("startDate"), end=s("endDate"))
        elif t == "Award":
            r_, c = get("recipient"), get("conferredBy")
            d.update(recipient=label(r_), recipient_country=country_code(r_), conferrer=label(c),
                     conferrer_country=country_code(c), award=s("awardName"), date=s("date"))
        elif t == "Agreement":
            d.update(parties=sorted({k for k in (party_key(p) for p in props.get(_DIP + "party", [])) if k}),
                     title=s("title"), date=s("date"))
        elif t == "TradeTarget":
            m = amounts.get(get("targetValue"), {})
            value = next((one(m, ns + "value") for ns in _SCHEMA if one(m, ns + "value") is not None), None)
            cur = next((one(m, ns + "currency") for ns in _SCHEMA if one(m, ns + "currency") is not None), None)
            year = get("targetYear")
            d.update(parties=sorted({k for k in (party_key(p) for p in props.get(_DIP + "party", [])) if k}),
                     amount=float(value) if value is not None else None, currency=str(cur).upper() if cur else None,
                     year=int(str(year)[:4]) if year is not None and re.match(r"^\d{4}", str(year)) else None)
        out.setdefault(art_of[e], []).append(d)
    return out


def evaluate_via_store(gold_dir: str, processes: int = 1) -> dict:
    """Ingest the gold articles' text (events stripped) into a temporary embedded store with
    :func:`kg.batch.ingest_articles`, read the events back with SPARQL and score them, so events
    that SHACL rejects (and articles that fail) count as misses.

    Everything is stored (min_confidence 0) and thresholds are applied when scoring, so one run
    gives the score at every threshold."""
    import tempfile

    from .batch import ingest_articles
    from .store import open_store

    golds, arts = _load_golds(gold_dir)
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        store = open_store(os.path.join(tmp, "store"))
        try:
            summary = ingest_articles(store, arts, processes=processes, min_confidence=0.0)
            predicted = read_events(store)
        finally:
            store.close()
    result = score_with_thresholds(golds, predicted)
    result["failed"] = [o.error for o in summary.outcomes if not o.ok]
    result["dropped"] = [w for o in summary.outcomes for w in o.warnings]
    return result


def format_report(result: dict, verbose: bool = False) -> str:
    """The thresholds table first, so the per-type table and the micro line stay the last lines."""
    lines = format_thresholds(result["thresholds"], result.get("min_confidence")) if result.get("thresholds") else []
    lines += [f"{'type':<12}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>7}{'R':>7}{'F1':>7}   slot accuracy on matched pairs"]
    for t in TYPES:
        c = result["types"][t]
        sl = ", ".join(f"{s} {v[0]}/{v[1]}" for s, v in c["slots"].items())
        lines.append(f"{t:<12}{c['gold']:>6}{c['pred']:>6}{c['tp']:>5}{c['precision']:>7.2f}{c['recall']:>7.2f}"
                     f"{c['f1']:>7.2f}   {sl}")
    if verbose and result.get("causes"):
        from .eval_causes import format_causes
        lines += format_causes(result["causes"])
    elif verbose:
        skip = {"evidence", "evidence_start", "evidence_end", "iri", "confidence"}
        for kind in ("misses", "extras"):
            for e in result[kind]:
                lines.append(f"  {kind[:-2].upper() if kind == 'misses' else 'EXTRA'} "
                             f"{json.dumps({k: v for k, v in e.items() if k not in skip}, ensure_ascii=False)}")
    for err in result.get("failed") or []:
        lines.append(f"  NOT STORED {err}")
    for w in result.get("dropped") or []:
        lines.append(f"  DROPPED {w}")
    lines.append(f"micro P {result['precision']:.2f} R {result['recall']:.2f} F1 {result['f1']:.2f}; "
                 f"slot accuracy {result['slot_accuracy']:.2f} "
                 + " ".join(f"{t} {result['types'][t]['f1']:.2f}" for t in TYPES))
    return "\n".join(lines)


def format_thresholds(rows: list[dict], current: float | None = None) -> list[str]:
    """The thresholds table; ``*`` marks the one the headline score (and kg ingest) uses."""
    lines = [f"{'confidence >=':<15}{'pred':>6}{'tp':>5}{'P':>7}{'R':>7}{'F1':>7}"]
    for r in rows:
        mark = " *" if current is not None and r["threshold"] == current else ""
        lines.append(f"{r['threshold']:<15.2f}{r['pred']:>6}{r['tp']:>5}{r['precision']:>7.2f}{r['recall']:>7.2f}"
                     f"{r['f1']:>7.2f}{mark}")
    lines.append("  (an event without a confidence counts as 1.0; * = kg.records.DEFAULT_MIN_CONFIDENCE)")
    return lines
