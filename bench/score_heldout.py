"""Dev vs held-out: per-type P/R/F1 of the default extractor on any gold directories.

Usage: .venv/bin/python bench/score_heldout.py [GOLD_DIR ...] [--verbose] [--slots] [--only ID_SUBSTRING]
Defaults to the shared dev corpus and tests/heldout. Scoring is kg.evaluate.evaluate (the matching
rules of eval/score.py, on records). --verbose lists misses and extras, --slots wrong slots on matched
pairs, of every directory except tests/heldout: that set was written blind and is read in aggregate
only, so that its score keeps measuring generalisation (tests/heldout/INDEX.md).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.evaluate import SLOTS, TYPES, evaluate, match, slot_equal  # noqa: E402
from kg.extract import default_extractor  # noqa: E402

DEFAULTS = [str(ROOT.parent / "shared" / "corpus" / "dev"), str(ROOT / "tests" / "heldout")]
SKIP = {"evidence_start", "evidence_end", "topics", "award_text", "metric", "title"}


def slot_errors(gold_dir: str, ex) -> list[str]:
    from kg.records import article_from_json, event_to_json
    out = []
    for f in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(f.read_text(encoding="utf-8"))
        pred = [event_to_json(e) for e in ex.extract(article_from_json(gold, where=str(f), with_events=False))]
        for t in TYPES:
            for g, p in match(t, [e for e in gold["events"] if e["type"] == t], [e for e in pred if e["type"] == t]):
                for s in SLOTS[t]:
                    if g.get(s) is not None and not slot_equal(s, g.get(s), p.get(s)):
                        out.append(f"  SLOT {gold['id']} {t}.{s}: gold {g.get(s)!r} pred {p.get(s)!r}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", default=DEFAULTS)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--slots", action="store_true")
    a = ap.parse_args()
    ex = default_extractor()
    rows = []
    for i, d in enumerate(a.dirs):
        t0 = time.time()
        r = evaluate(d, ex)
        rows.append((Path(d).name, r, time.time() - t0))
        blind = Path(d).resolve() == (ROOT / "tests" / "heldout").resolve()
        if a.verbose and not blind:
            for kind in ("misses", "extras"):
                for e in r[kind]:
                    print(f"  {'MISS' if kind == 'misses' else 'EXTRA'} "
                          + json.dumps({k: v for k, v in e.items() if k not in SKIP}, ensure_ascii=False)[:400])
        if a.slots and not blind:
            print("\n".join(slot_errors(d, ex)))
    print(f"{'set':<10}{'type':<12}{'gold':>6}{'pred':>6}{'tp':>5}{'P':>7}{'R':>7}{'F1':>7}   slots")
    for name, r, took in rows:
        for t in TYPES:
            c = r["types"][t]
            sl = ", ".join(f"{s} {v[0]}/{v[1]}" for s, v in c["slots"].items())
            print(f"{name:<10}{t:<12}{c['gold']:>6}{c['pred']:>6}{c['tp']:>5}{c['precision']:>7.2f}"
                  f"{c['recall']:>7.2f}{c['f1']:>7.2f}   {sl}")
        print(f"{name:<10}{'micro':<12}{'':>17}{r['precision']:>7.2f}{r['recall']:>7.2f}{r['f1']:>7.2f}   "
              f"slot accuracy {r['slot_accuracy']:.2f} ({r['articles']} articles, {took:.1f}s)")


if __name__ == "__main__":
    main()
