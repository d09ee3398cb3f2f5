#!/usr/bin/env python3
"""Check annotated gold files of the blind development sets (tests/dev4 "e" series, tests/dev5 "f", tests/dev6 "g").

Annotators run it while writing a set, so it needs python3 alone: it imports nothing of ``kg`` (the gold must
stay blind to the extractor) and reads the ISO code lists straight from kg/data/countries.tsv and
kg/data/currencies.tsv. tests/test_dev_sets.py runs it over the committed sets.

Checks: JSON parses; top-level and per-type event keys in the dev3 order; id equals the file name; file-name
pattern and kind suffix; facts_from entries; the series' word, event and year limits; every evidence a verbatim
substring of text; ISO 3166-1 alpha-3 country codes (bloc codes EU, AU, ASEAN, G20 allowed as parties); ISO
dates; statuses allowed by GUIDELINES v2 per type; ISO 4217 currencies; not_events present.
Usage: python3 tests/gold_files.py DIR_OR_FILES...   (a directory: every e*/f*/g*.json in it)
"""
import json
import os
import re
import sys

TOP_KEYS = ["id", "published", "title", "kind", "facts_from", "text", "events", "not_events"]
EVENT_KEYS = {
    "Visit": ["type", "visitor", "visitor_country", "host", "host_country", "place",
              "place_country", "start", "end", "status", "evidence"],
    "Award": ["type", "recipient", "recipient_country", "conferrer", "conferrer_country",
              "award", "award_text", "date", "status", "evidence"],
    "Agreement": ["type", "parties", "title", "topics", "date", "status", "evidence"],
    "TradeTarget": ["type", "parties", "amount", "currency", "year", "metric", "status", "evidence"],
}
STATUSES = {
    "Visit": {"occurred", "ongoing", "planned", "cancelled"},
    "Award": {"conferred", "announced", "planned"},
    "Agreement": {"signed", "agreed", "reported", "planned", "denied"},
    "TradeTarget": {"agreed", "proposed", "reaffirmed"},
}
KINDS = {"wire": "", "readout": "-readout", "analysis": "-analysis",
         "scraped-page": "-scraped", "brief": "-brief"}
BLOCS = {"EU", "AU", "ASEAN", "G20"}
# limits of each series, by the file name's first letter: (publication years, words, most events)
SERIES = {"e": ((2010, 2025), (150, 450), 8), "f": ((2008, 2025), (150, 900), 12), "g": ((2005, 2025), (150, 900), 12)}
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "kg", "data")


def _codes(name):
    """The first column of one of kg/data's code tables (comments and the header row skipped)."""
    with open(os.path.join(DATA, name), encoding="utf-8") as fh:
        rows = [line.split("\t")[0] for line in fh if line.strip() and not line.startswith("#")]
    return set(rows[1:])


ISO3 = _codes("countries.tsv")
ISO4217 = _codes("currencies.tsv")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NAME_RE = re.compile(r"^[efg]\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*-(\d{4})(-readout|-analysis|-scraped|-brief)?$")
COUNTRY_FIELDS = ["visitor_country", "host_country", "place_country",
                  "recipient_country", "conferrer_country"]
STR_OR_NULL = ["visitor", "host", "place", "recipient", "conferrer", "award", "award_text", "title", "metric"]


def valid_date(s, full=False):
    if not isinstance(s, str):
        return False
    m = DATE_RE.match(s)
    if not m:
        return False
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if full and d is None:
        return False
    if not 2000 <= int(y) <= 2030:
        return False
    if mo is not None and not 1 <= int(mo) <= 12:
        return False
    if d is not None:
        mdays = [31, 29 if (int(y) % 4 == 0 and (int(y) % 100 != 0 or int(y) % 400 == 0)) else 28,
                 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][int(mo) - 1]
        if not 1 <= int(d) <= mdays:
            return False
    return True


def check_party(p):
    if not isinstance(p, str) or not p.strip():
        return "empty party"
    if p in BLOCS or p in ISO3:
        return None
    if re.fullmatch(r"[A-Z]{3}", p):
        return "unknown ISO3 party %r" % p
    return None  # organisation / firm name


def validate(path):
    errs = []
    stem = os.path.basename(path)[:-5]
    (y0, y1), (w0, w1), most = SERIES.get(stem[:1], SERIES["g"])
    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
    except Exception as exc:
        return ["does not parse: %s" % exc]
    if list(d.keys()) != TOP_KEYS:
        errs.append("top-level keys %s" % list(d.keys()))
        return errs
    if d["id"] != stem:
        errs.append("id %r != file name %r" % (d["id"], stem))
    m = NAME_RE.match(stem)
    if not m:
        errs.append("file name pattern")
    if d["kind"] not in KINDS:
        errs.append("kind %r" % d["kind"])
    elif m and (m.group(2) or "") != KINDS[d["kind"]]:
        errs.append("file-name suffix does not match kind %r" % d["kind"])
    if not valid_date(d["published"], full=True):
        errs.append("published %r" % d["published"])
    elif not y0 <= int(d["published"][:4]) <= y1:
        errs.append("published outside %d-%d" % (y0, y1))
    elif m and m.group(1) != d["published"][:4]:
        errs.append("year in file name != published year")
    if not isinstance(d["title"], str) or not d["title"].strip():
        errs.append("title")
    ff = d["facts_from"]
    if not isinstance(ff, list) or not ff or not all(isinstance(x, str) and x for x in ff):
        errs.append("facts_from must be a non-empty list of strings")
    elif not all("from annotator's knowledge, not re-checked" in x for x in ff):
        errs.append("facts_from entry without 'from annotator's knowledge, not re-checked'")
    text = d["text"]
    if not isinstance(text, str):
        errs.append("text not a string")
        return errs
    nw = len(text.split())
    if not w0 <= nw <= w1:
        errs.append("text has %d words (%d-%d)" % (nw, w0, w1))
    ev = d["events"]
    if not isinstance(ev, list):
        errs.append("events not a list")
        ev = []
    if len(ev) > most:
        errs.append("%d events (max %d)" % (len(ev), most))
    for i, e in enumerate(ev):
        tag = "event %d" % i
        t = e.get("type")
        if t not in EVENT_KEYS:
            errs.append("%s: type %r" % (tag, t))
            continue
        tag = "event %d (%s)" % (i, t)
        if list(e.keys()) != EVENT_KEYS[t]:
            errs.append("%s: keys %s" % (tag, list(e.keys())))
            continue
        if e["status"] not in STATUSES[t]:
            errs.append("%s: status %r" % (tag, e["status"]))
        evd = e["evidence"]
        if not isinstance(evd, str) or not evd.strip() or evd not in text:
            errs.append("%s: evidence not a verbatim substring: %r" % (tag, str(evd)[:70]))
        for f in COUNTRY_FIELDS:
            if f in e and e[f] is not None and e[f] not in ISO3:
                errs.append("%s: %s %r not ISO3" % (tag, f, e[f]))
        for f in STR_OR_NULL:
            if f in e and e[f] is not None and (not isinstance(e[f], str) or not e[f].strip()):
                errs.append("%s: %s must be a non-empty string or null" % (tag, f))
        if t == "Visit":
            for f in ("start", "end"):
                if e[f] is not None and not valid_date(e[f]):
                    errs.append("%s: %s %r" % (tag, f, e[f]))
            if (e["start"] and e["end"] and len(e["start"]) == 10 and len(e["end"]) == 10
                    and e["start"] > e["end"]):
                errs.append("%s: start after end" % tag)
            if not e["visitor"]:
                errs.append("%s: visitor missing" % tag)
        elif t in ("Award", "Agreement"):
            if e["date"] is not None and not valid_date(e["date"]):
                errs.append("%s: date %r" % (tag, e["date"]))
        if t == "Award" and not e["recipient"]:
            errs.append("%s: recipient missing" % tag)
        if t in ("Agreement", "TradeTarget"):
            ps = e["parties"]
            if not isinstance(ps, list) or len(ps) < 1:
                errs.append("%s: parties must be a non-empty list" % tag)
            else:
                for p in ps:
                    msg = check_party(p)
                    if msg:
                        errs.append("%s: %s" % (tag, msg))
                if len(set(ps)) != len(ps):
                    errs.append("%s: duplicate parties" % tag)
        if t == "Agreement":
            if not isinstance(e["topics"], list) or not all(isinstance(x, str) for x in e["topics"]):
                errs.append("%s: topics must be a list of strings" % tag)
        if t == "TradeTarget":
            a = e["amount"]
            if not isinstance(a, int) or isinstance(a, bool) or a <= 0:
                errs.append("%s: amount must be a positive integer in units" % tag)
            if e["currency"] not in ISO4217:
                errs.append("%s: currency %r not ISO 4217" % (tag, e["currency"]))
            y = e["year"]
            if y is not None and (not isinstance(y, int) or not 2000 <= y <= 2100):
                errs.append("%s: year %r" % (tag, y))
    ne = d["not_events"]
    if not isinstance(ne, list) or not ne or not all(isinstance(x, str) and x for x in ne):
        errs.append("not_events must be a non-empty list of strings")
    return errs


def gold_files(args):
    """The gold files named by ``args``: files as given, directories as their e*/f*.json files."""
    out = []
    for a in args:
        if os.path.isdir(a):
            out += sorted(os.path.join(a, f) for f in os.listdir(a) if f[:1] in SERIES and f.endswith(".json"))
        else:
            out.append(a)
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1])
        return 2
    files = gold_files(argv[1:])
    bad = 0
    ids = set()
    for p in files:
        errs = validate(p)
        name = os.path.basename(p)
        if name in ids:
            errs.append("duplicate file")
        ids.add(name)
        if errs:
            bad += 1
            print("FAIL %s" % name)
            for e in errs:
                print("   - %s" % e)
        else:
            print("ok   %s" % name)
    print("%d files, %d failing" % (len(files), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
