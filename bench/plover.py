"""The extractor on the PLOVER gold-standard records: public sentences that we did not write.

Our dev and held-out sets were written or chosen by us, so they share our blind spots. The Open Event
Data Alliance's PLOVER gold-standard records (GSR) are short news sentences coded by others with PLOVER
event types (CONSULT, AGREE, REJECT, THREATEN, ASSAULT, ...). The coding differs from ours, so this does
not score us with P/R/F1. It asks four questions instead:

- trip sentences: does a sentence coded as a visit give at least one Visit, and is the Visit's
  place in the country the gold says?
- agree sentences: does a sentence coded as an agreement give an Agreement?
- conflict sentences (REJECT, DEMAND, THREATEN, PROTEST, ASSAULT, ...): do we still find an Agreement in
  them (false positive), perhaps even a 'signed' one?
- every other record: which event types do we produce where PLOVER codes none of ours?

How a record's category comes from its coding (PLOVER manual, CONSULT and AGREE sections):

- trip: ``event`` CONSULT with ``mode`` "visit" (the actor visits the recipient), "host" (the actor
  hosts the recipient) or "third-party" (a meeting hosted by a third party: both sides travel), and
  ``event`` AGREE whose ``eventText`` says "visit": the manual codes announced visits as AGREE.
- agree: every other AGREE, and SUPPORT whose ``eventText`` says "sign": the manual puts "sign,
  ratify or finalize an agreement or treaty" under SUPPORT. A second line counts only the AGREE
  sentences that name an accord (agreement, pact, treaty, deal, ceasefire, ...): PLOVER's AGREE also
  covers offers and promises ("X will give Y a grant"), which are not Agreements in our sense.
- conflict: REJECT, DEMAND, REQUEST, THREATEN, PROTEST, ASSAULT, FIGHT, COERCE, MOBILIZE, SANCTION,
  DISAPPROVE, ACCUSE.
- other: the rest (CONSULT by phone or in talks, SUPPORT, COOPERATE, AID, CONCEDE, RETREAT, ...).
  Records without text (the DOCUMENT header) are skipped.

The gold country of a trip is the ISO alpha-2 ``eventLoc["country code"]`` when the record has one,
else the code of the hosting side: the recipient (``target``) for visit and announced visits, the
actor (``source``) for host (a third-party meeting has only eventLoc); a record with no recipient and several actors (the manual's way of not
telling host from visitor) accepts any of the actors' countries, a weaker check that is counted apart.
Codes that are not states (IGO, ...) are not compared.

Each record becomes one Article (its ``date`` as ``published``, else 2000-01-01, the date every GSR
record carries). The text is what the record gives, with its LaTeX leftovers undone: ``\\`\\`...''`` to
double quotes, ``\\$`` to ``$``, and the ``{...}`` some sentences are wrapped in.

Usage:

    git --git-dir=$(fetch openeventdata/PLOVER) archive HEAD gold_standard_records | tar x -C /somewhere
    .venv/bin/python bench/plover.py /somewhere/gold_standard_records [--limit N] [--dump FILE]

PATH is the gold_standard_records directory (every .txt, .json and .jsonl file in it holding records;
the GSR ships as a JSON array in PLOVER_GSR_CAMEO.txt) or one such file. ``--dump FILE`` writes one JSON
line per record (category, gold coding, text, what we extracted) for an engineer to study the misses.
The PLOVER records are CC BY-SA 4.0: keep them and the dump OUTSIDE this repository (the script refuses
a dump path inside it) and never commit them; this script holds no PLOVER text.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.records import EVENT_TYPES, ISO_DATE, Article, event_to_json  # noqa: E402

FIXED_DATE = "2000-01-01"
TRIP_MODES = ("visit", "host", "third-party")
CONFLICT = ("REJECT", "DEMAND", "REQUEST", "THREATEN", "PROTEST", "ASSAULT", "FIGHT", "COERCE",
            "MOBILIZE", "SANCTION", "DISAPPROVE", "ACCUSE")
CATEGORIES = ("trip", "agree", "conflict", "other")
EXPECTED = {"trip": "Visit", "agree": "Agreement"}
ACCORD = re.compile(r"\b(agreements?|accords?|pacts?|treat(?:y|ies)|deals?|cease-?fires?|truces?|memorandum"
                    r"|MOU|protocols?|consensus|settlement)\b", re.I)
PARALLEL_FROM = 1000  # nlp.pipe with 2 processes only pays off from about this many one-sentence records
HINT = ("fetch openeventdata/PLOVER and pass the path to gold_standard_records "
        "(the directory, or gold_standard_records/PLOVER_GSR_CAMEO.txt in it), kept outside this repository")


# --- reading ----------------------------------------------------------------------------

def read_file(path: Path) -> list[dict]:
    """The records of one file: a JSON array, one JSON object, or JSON lines. [] when it is none of these."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = []
        for line in text.splitlines():
            line = line.strip().rstrip(",")
            if not line:
                continue
            try:
                data.append(json.loads(line))
            except json.JSONDecodeError:
                return []
    if isinstance(data, dict):
        data = data.get("records", [data])
    return [r for r in data if isinstance(r, dict) and "event" in r] if isinstance(data, list) else []


def load_records(path: Path) -> tuple[list[dict], list[Path]]:
    """All records under ``path`` (a file or a directory) and the files they came from."""
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".json", ".jsonl"))
    records, used = [], []
    for f in files:
        got = read_file(f)
        if got:
            records += got
            used.append(f)
    return records, used


def clean_text(text: str) -> str:
    """The record's sentence with the GSR's LaTeX leftovers undone."""
    t = (text or "").strip()
    if t.startswith("{") and t.endswith("}"):
        t = t[1:-1].strip()
    return t.replace("``", '"').replace("''", '"').replace("\\$", "$")


def actors(rec: dict, key: str) -> list[dict]:
    """``source``/``target`` as a list of actor objects (the GSR sometimes has "" or a stray string)."""
    alias = {"source": "actor", "target": "recipient"}[key]
    v = rec.get(key, rec.get(alias))
    return [a for a in v if isinstance(a, dict)] if isinstance(v, list) else []


# --- categories -------------------------------------------------------------------------

def category(rec: dict) -> tuple[str, str] | None:
    """(category, label) from the record's PLOVER coding; None for a record without text."""
    if not (rec.get("text") or "").strip() or rec.get("language", "en") not in ("en", None):
        return None
    event = (rec.get("event") or "").upper()
    mode = (rec.get("mode") or "").strip().lower()
    said = (rec.get("eventText") or "").lower()
    if event == "CONSULT" and mode in TRIP_MODES:
        return "trip", f"CONSULT/{mode}"
    if event == "AGREE" and "visit" in said:
        return "trip", "AGREE/announced visit"
    if event == "AGREE":
        return "agree", "AGREE"
    if event == "SUPPORT" and "sign" in said:
        return "agree", "SUPPORT/signed"
    if event in CONFLICT:
        return "conflict", event
    return "other", f"{event}/{mode}" if mode else event


def iso2_to_iso3() -> dict[str, str]:
    rows = (line.split("\t") for line in (ROOT / "kg" / "data" / "countries.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#"))
    return {r[1]: r[0] for r in rows if len(r) >= 3 and r[0] != "alpha3"}


def gold_countries(rec: dict, label: str, iso2: dict[str, str]) -> tuple[set[str], str | None]:
    """ISO alpha-3 countries a trip's place may be in, and where the gold says so ('eventLoc', 'host actor')."""
    loc = rec.get("eventLoc") if isinstance(rec.get("eventLoc"), dict) else {}
    code = (loc.get("country code") or loc.get("country_code") or "").strip().upper()
    if code:
        c3 = iso2.get(code, code if code in iso2.values() else None)
        if c3:
            return {c3}, "eventLoc"
    if label == "CONSULT/third-party":
        return set(), None  # the meeting is in a third country: only eventLoc says which
    states = set(iso2.values())
    side = actors(rec, "source") if label == "CONSULT/host" else actors(rec, "target")
    found = {a.get("code") for a in side if a.get("code") in states}
    if found:
        return found, "host actor"
    # no recipient: the manual codes every participant as actor when host and visitor are not told apart
    found = {a.get("code") for a in actors(rec, "source") if a.get("code") in states}
    return (found, "participants") if len(found) > 1 else (set(), None)


def to_article(rec: dict, n: int) -> Article:
    date = str(rec.get("date") or "").strip()
    return Article(id=str(rec.get("id") or f"plover-{n}"), text=clean_text(rec.get("text", "")),
                   published=date if ISO_DATE.match(date) else FIXED_DATE)


# --- scoring ----------------------------------------------------------------------------

def score(pairs, iso2: dict[str, str] | None = None) -> dict:
    """Figures for (record, events) pairs; events are kg.records events. Pure, so it can be tested."""
    iso2 = iso2 if iso2 is not None else iso2_to_iso3()
    s = {"n": Counter(), "labels": defaultdict(Counter), "hit": Counter(), "label_hit": defaultdict(Counter),
         "types": defaultdict(Counter), "events": defaultdict(Counter), "country": Counter(),
         "accord": Counter(), "signed": 0, "label_agree": Counter(), "rows": []}
    for rec, events in pairs:
        cat, label = category(rec)
        kinds = Counter(e.type for e in events)
        s["n"][cat] += 1
        s["labels"][cat][label] += 1
        for t, k in kinds.items():
            s["types"][cat][t] += 1
            s["events"][cat][t] += k
        row = {"category": cat, "label": label}
        want = EXPECTED.get(cat)
        if want and kinds[want]:
            s["hit"][cat] += 1
            s["label_hit"][cat][label] += 1
        if cat == "trip":
            gold, where = gold_countries(rec, label, iso2)
            places = sorted({e.place_country for e in events if e.type == "Visit" and e.place_country})
            row.update(gold_countries=sorted(gold), gold_country_from=where, visit_countries=places)
            if gold and kinds["Visit"]:
                ok = bool(gold & set(places))
                s["country"]["checked"] += 1
                s["country"]["match"] += ok
                s["country"][f"checked {where}"] += 1
                s["country"][f"match {where}"] += ok
                row["country_match"] = ok
        if cat == "agree" and label == "AGREE" and ACCORD.search(rec.get("text") or ""):
            s["accord"]["n"] += 1
            s["accord"]["hit"] += bool(kinds["Agreement"])
            row["names_accord"] = True
        if cat == "conflict" and kinds["Agreement"]:
            s["label_agree"][label] += 1
            s["signed"] += any(e.type == "Agreement" and e.status == "signed" for e in events)
        s["rows"].append(row)
    return s


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "0/0"


def recall_lines(s: dict, cat: str) -> list[str]:
    lines = [f"  {pct(s['hit'][cat], s['n'][cat])}"]
    for label, k in sorted(s["labels"][cat].items()):
        lines.append(f"    {label:<24} {pct(s['label_hit'][cat][label], k)}")
    return lines


def type_table(s: dict) -> list[str]:
    """Records with at least one event of each type / events of that type, per category."""
    types = list(EVENT_TYPES)
    lines = [f"  {'category':<10}{'records':>8}" + "".join(f"{t:>14}" for t in types)]
    for cat in CATEGORIES:
        cells = [("*" if EXPECTED.get(cat) == t else "") + f"{s['types'][cat][t]}/{s['events'][cat][t]}"
                 for t in types]
        lines.append(f"  {cat:<10}{s['n'][cat]:>8}" + "".join(f"{c:>14}" for c in cells))
    fp = {t: sum(s["types"][cat][t] for cat in CATEGORIES if EXPECTED.get(cat) != t) for t in types}
    lines.append("  false positives, records whose coding calls for none of that type: "
                 + ", ".join(f"{t} {fp[t]}" for t in types))
    return lines


def report(s: dict, took: float, n_words: int, n_process: int) -> None:
    n, c = s["n"], s["country"]
    total = sum(n.values())
    print(f"\n{total} records: " + ", ".join(f"{cat} {n[cat]}" for cat in CATEGORIES))
    print("\nTrip sentences (CONSULT visit/host/third-party, AGREE 'will visit'): at least one Visit")
    print("\n".join(recall_lines(s, "trip")))
    print(f"  Visit place in the gold country: {pct(c['match'], c['checked'])} of the trips that gave a Visit"
          " and have a gold country; by where the gold country comes from: "
          + ", ".join(f"{w} {c['match ' + w]}/{c['checked ' + w]}" for w in ("eventLoc", "host actor", "participants")))
    print("\nAgree sentences (AGREE, SUPPORT 'signed'): at least one Agreement")
    print("\n".join(recall_lines(s, "agree")))
    print(f"    AGREE naming an accord   {pct(s['accord']['hit'], s['accord']['n'])}")
    print("\nConflict sentences (REJECT, DEMAND, THREATEN, PROTEST, ASSAULT, ...): false Agreements")
    print(f"  any Agreement      {pct(s['types']['conflict']['Agreement'], n['conflict'])}")
    print(f"  a 'signed' one     {pct(s['signed'], n['conflict'])}")
    worst = sorted(((m, lab) for lab, m in s["label_agree"].items()), key=lambda x: (-x[0], x[1]))
    if worst:
        print("  by type: " + ", ".join(f"{lab} {m}/{s['labels']['conflict'][lab]}" for m, lab in worst))
    print("\nEvents produced (records with at least one / events); * = the type PLOVER's coding calls for")
    print("\n".join(type_table(s)))
    print(f"\nSpeed: {total} records, {n_words} words in {took:.2f} s with n_process={n_process}: "
          f"{total / took:.1f} records/s, {n_words / took:.0f} words/s (model load not counted)")


# --- main -------------------------------------------------------------------------------

def inside_repo(path: Path) -> bool:
    try:
        path.resolve().relative_to(ROOT)
        return True
    except ValueError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", help="gold_standard_records directory or one of its record files")
    ap.add_argument("--limit", type=int, help="only the first N records that have text")
    ap.add_argument("--dump", help="write JSONL of every record with what we extracted (outside the repo)")
    ap.add_argument("--processes", type=int, help=f"spaCy processes (default: 2 from {PARALLEL_FROM} records)")
    a = ap.parse_args()
    if not a.path or not Path(a.path).exists():
        print(f"no PLOVER records at {a.path or '(no PATH given)'}: {HINT}.", file=sys.stderr)
        return 2
    if a.dump and inside_repo(Path(a.dump)):
        print(f"--dump {a.dump} is inside the repository; the dump holds PLOVER text (CC BY-SA 4.0), "
              "which must not be committed: write it outside, e.g. next to the records.", file=sys.stderr)
        return 2
    records, files = load_records(Path(a.path))
    usable = [r for r in records if category(r)]
    if not usable:
        print(f"no PLOVER records with text found under {a.path}: {HINT}.", file=sys.stderr)
        return 2
    if a.limit:
        usable = usable[:a.limit]
    print(f"{len(usable)} records with text from {', '.join(f.name for f in files)} "
          f"({len(records) - len(usable)} skipped or beyond --limit)")

    from kg.extract import default_extractor
    ex = default_extractor()
    articles = [to_article(r, i) for i, r in enumerate(usable)]
    ex.extract(Article(id="warm-up", text="The minister arrived in Paris on Monday.", published=FIXED_DATE))
    n_process = a.processes or (2 if len(articles) >= PARALLEL_FROM else 1)
    t = time.perf_counter()
    found = [evs for _, evs in ex.extract_many(articles, n_process=n_process)]  # nlp.pipe keeps the order
    took = time.perf_counter() - t
    pairs = list(zip(usable, found))
    s = score(pairs)
    report(s, took, sum(len(x.text.split()) for x in articles), n_process)

    if a.dump:
        with open(a.dump, "w", encoding="utf-8") as out:
            for (rec, events), art, row in zip(pairs, articles, s["rows"]):
                gold = {k: rec.get(k) for k in ("event", "mode", "eventText", "context", "source", "target",
                                                "eventLoc", "comment") if rec.get(k) not in (None, "")}
                info = rec.get("textInfo")
                gold["markup"] = info.get("markup") if isinstance(info, dict) else info
                out.write(json.dumps({"id": art.id, **row, "gold": gold, "text": art.text,
                                      "extracted": [event_to_json(e) for e in events]}, ensure_ascii=False) + "\n")
        print(f"\nwrote {len(pairs)} records to {a.dump}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
