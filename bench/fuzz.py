"""Fuzzing for store integrity (issue 7): fuzzed article JSON through ``kg import``'s path
(JSONL files -> read_annotated -> ingest_many) and through POST /articles, fuzzed SPARQL
(grammar-ish: random PREFIX/SELECT/WHERE/FILTER fragments, unicode, huge numbers) through the
query engine and the service, fuzzed headers on POST /articles.

Whatever comes in: no crash (an exception other than the documented rejections), no 5xx
(query timeouts, a deliberate 503, are counted apart), and no corruption: at the end every
stored article graph equals what a fresh ingest of the last accepted version of that article
gives (an in-memory reference store fed one article at a time), no other article is there,
``kg stats`` agrees, and ``kg validate`` conforms.

    python bench/fuzz.py                 # >= 10,000 cases, bounded by --seconds
    python bench/fuzz.py --cases 400     # a quick run
"""
from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pyoxigraph as ox  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bench.synthetic import templates  # noqa: E402

ACTORS = "https://w3id.org/dipkg/graph/actors"
TEMPLATES = templates()
TOKEN = "fuzz-token"

# --- strategies: article JSON -------------------------------------------------------------------

SPECIAL = ["", " ", "IND", "ind", "XXX", "FRA", "EU", "EFTA", "2024-02-30", "2024-13-01", "0000-00-00",
           "9999-12-31", "2024", "2024-07", "-2024", "+2024-01-01", "2024-01-01T10:00:00Z", "../../etc/passwd",
           "a/b", "id with space", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", '"} ; DROP ALL', "}}}",
           "https://x/y", "é" * 300, "x" * 5000, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u202e", "NaN", "Infinity", "1e309", "\ud7ff",
           "visit", "signed", "occurred", "USD", "usd", "₹", ">", "\\", "\n\n", "\t"]
NUMBERS = st.one_of(st.integers(), st.integers(min_value=10**15, max_value=10**40), st.integers(-10**40, -1),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -0.0, 1e308, 5e-324]))
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.sampled_from(SPECIAL))
VALUE = st.one_of(SCALAR, st.lists(st.one_of(TEXT, st.sampled_from(SPECIAL), NUMBERS), max_size=4),
                  st.dictionaries(st.text(max_size=6), SCALAR, max_size=3))
IDS = st.one_of(st.integers(0, 40).map(lambda k: f"fz-{k:03d}"), st.sampled_from(SPECIAL), TEXT)
TOP_FIELDS = ["id", "published", "title", "url", "text", "kind", "events", "language", "source", "extra"]
EVENT_FIELDS = ["type", "visitor", "visitor_country", "host", "host_country", "place", "place_country", "start",
                "end", "status", "evidence", "parties", "title", "topics", "date", "recipient",
                "recipient_country", "award", "conferred_by", "amount", "currency", "year", "metric",
                "evidence_start", "evidence_end", "purpose", "unknown"]


@st.composite
def article_obj(draw, keep_events: bool = False):
    obj = copy.deepcopy(draw(st.sampled_from(TEMPLATES)))
    obj["id"] = draw(IDS) if draw(st.integers(0, 9)) == 0 else f"fz-{draw(st.integers(0, 40)):03d}"
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["top", "event", "drop_top", "drop_event_field", "dup_event", "add_event",
                                   "event_type", "events_value", "ok"]))
        evs = obj.get("events") if isinstance(obj.get("events"), list) else None
        if op == "top":
            k = draw(st.sampled_from(TOP_FIELDS))
            if not (keep_events and k == "events"):
                obj[k] = draw(VALUE)
        elif op == "drop_top":
            k = draw(st.sampled_from(TOP_FIELDS))
            if not (keep_events and k == "events"):
                obj.pop(k, None)
        elif op == "events_value" and not keep_events:
            obj["events"] = draw(VALUE)
        elif evs:
            i = draw(st.integers(0, len(evs) - 1))
            if op == "event" and isinstance(evs[i], dict):
                evs[i][draw(st.sampled_from(EVENT_FIELDS))] = draw(VALUE)
            elif op == "drop_event_field" and isinstance(evs[i], dict):
                evs[i].pop(draw(st.sampled_from(EVENT_FIELDS)), None)
            elif op == "dup_event":
                evs.append(copy.deepcopy(evs[i]))
            elif op == "add_event":
                evs.append(draw(st.one_of(VALUE, st.dictionaries(st.sampled_from(EVENT_FIELDS), VALUE, max_size=6))))
            elif op == "event_type" and isinstance(evs[i], dict):
                evs[i]["type"] = draw(st.sampled_from(["Visit", "Award", "Agreement", "TradeTarget", "visit", "",
                                                       "Event", None]))
    return obj


JSON_LINE = st.one_of(
    article_obj().map(lambda o: json.dumps(o, ensure_ascii=False)),
    article_obj().map(lambda o: json.dumps(o)),
    st.tuples(article_obj(), st.floats(0.05, 0.95)).map(lambda t: json.dumps(t[0])[:int(len(json.dumps(t[0])) * t[1])]),
    st.sampled_from(["", "null", "[]", "[1,2]", "{}", '{"id": 1}', '{"id": "x"', "\ufeff{}", "NaN", "{" * 5000,
                     "[" * 100000, '{"id": "fz-001", "events": [' + "[]," * 1000 + "[]]}"]),
    st.text(max_size=200),
)


# --- strategies: SPARQL -----------------------------------------------------------------------

HUGE = st.one_of(st.integers(-10**60, 10**60).map(str), st.sampled_from(
    ["1e999999", "-1e-999999", "99999999999999999999999999999999.5", "0.0000000000000000000000000001", "1E308",
     "18446744073709551616", "-9223372036854775809", "NaN", "INF"]))
IRI = st.one_of(st.sampled_from(["<https://w3id.org/dipkg/ontology#Visit>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                                 "<https://w3id.org/dipkg/ontology#party>", "dip:visitor", "rdfs:label", "dcterms:identifier",
                                 "<urn:x>", "<>", "<rel>", "<http://é.example/ü>", "ex:a", "a"]),
                TEXT.map(lambda t: "<http://x/" + "".join(c for c in t if c not in '<>"{}|^`\\ \n') + ">"))
VAR = st.sampled_from(["?s", "?p", "?o", "?x", "?e", "$v", "?a1", "?é"])
LIT = st.one_of(HUGE, TEXT.map(lambda t: json.dumps(t, ensure_ascii=False)),
                st.sampled_from(['"x"@en', '"2024-01-01"^^xsd:date', '"abc"^^xsd:integer', '"1e400"^^xsd:double',
                                 '"9999999999999999999999"^^xsd:decimal', "true", "'''multi\nline'''"]))
TERM = st.one_of(VAR, IRI, LIT)
FUNC = st.sampled_from(["STR", "STRLEN", "UCASE", "ABS", "CEIL", "ROUND", "YEAR", "DATATYPE", "LANG", "isIRI",
                        "xsd:integer", "xsd:dateTime", "xsd:double", "ENCODE_FOR_URI", "MD5", "SHA512", "BNODE"])


@st.composite
def expr(draw, depth=0):
    k = draw(st.integers(0, 6 if depth < 3 else 1))
    if k <= 1:
        return draw(TERM)
    if k == 2:
        return f"{draw(FUNC)}({draw(expr(depth + 1))})"
    if k == 3:
        return f"({draw(expr(depth + 1))} {draw(st.sampled_from(['+', '-', '*', '/', '=', '!=', '<', '&&', '||']))} " \
               f"{draw(expr(depth + 1))})"
    if k == 4:
        return f"REGEX(STR({draw(VAR)}), {json.dumps(draw(st.text(max_size=10)))}, \"{draw(st.sampled_from(['', 'i', 'x', 'q', 'z']))}\")"
    if k == 5:
        return f"SUBSTR(STR({draw(VAR)}), {draw(HUGE)}, {draw(HUGE)})"
    return f"IF({draw(expr(depth + 1))}, {draw(TERM)}, {draw(TERM)})"


@st.composite
def group(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, 8 if depth < 2 else 2))
        if k <= 2:
            parts.append(f"{draw(TERM)} {draw(st.one_of(IRI, VAR))} {draw(TERM)} .")
        elif k == 3:
            parts.append(f"FILTER({draw(expr())})")
        elif k == 4:
            parts.append(f"OPTIONAL {draw(group(depth + 1))}")
        elif k == 5:
            parts.append(f"{draw(group(depth + 1))} UNION {draw(group(depth + 1))}")
        elif k == 6:
            parts.append(f"BIND({draw(expr())} AS {draw(VAR)})")
        elif k == 7:
            parts.append(f"VALUES {draw(VAR)} {{ {' '.join(draw(st.lists(TERM, max_size=3)))} }}")
        else:
            parts.append(f"{{ SELECT * WHERE {draw(group(depth + 1))} LIMIT {draw(HUGE)} }}")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["", ".", "}", "{", "(", "FILTER", "\x00", "é", "#", "GRAPH ?g"])))
    return "{ " + " ".join(parts) + " }"


@st.composite
def sparql(draw):
    pre = "".join(f"PREFIX {draw(st.sampled_from(['ex', 'dip', '', 'é', 'a-b']))}: {draw(IRI)}\n"
                  for _ in range(draw(st.integers(0, 2))))
    form = draw(st.sampled_from(["SELECT", "SELECT DISTINCT", "ASK", "CONSTRUCT", "DESCRIBE"]))
    if form.startswith("SELECT"):
        head = form + " " + draw(st.one_of(st.just("*"), st.lists(VAR, min_size=1, max_size=3).map(" ".join),
                                           expr().map(lambda e: f"({e} AS ?z)"),
                                           VAR.map(lambda v: f"(COUNT(DISTINCT {v}) AS ?n)")))
    elif form == "CONSTRUCT":
        head = "CONSTRUCT " + draw(group(2))
    elif form == "DESCRIBE":
        head = "DESCRIBE " + draw(st.one_of(VAR, IRI))
    else:
        head = "ASK"
    tail = ""
    if draw(st.booleans()):
        tail += f" ORDER BY {draw(st.one_of(VAR, expr()))}"
    if draw(st.booleans()):
        tail += f" LIMIT {draw(HUGE)}"
    if draw(st.booleans()):
        tail += f" OFFSET {draw(HUGE)}"
    q = f"{pre}{head} WHERE {draw(group())}{tail}"
    if draw(st.integers(0, 29)) == 0:     # pathological nesting (the service refuses > 256 levels)
        k = draw(st.sampled_from([50, 300, 3000, 20000]))
        q = f"SELECT * WHERE {'{' * k} ?s ?p ?o {'}' * k}"
    if draw(st.integers(0, 9)) == 0:      # a random cut or splice
        i = draw(st.integers(0, len(q)))
        q = q[:i] + draw(st.sampled_from(["", "}", "\u2028", "\\u0000", "'", "<", "?"])) + q[i + draw(st.integers(0, 5)):]
    return q


# --- the harness ------------------------------------------------------------------------------

@dataclass
class Report:
    cases: dict[str, int] = field(default_factory=dict)
    accepted: int = 0
    rejected: int = 0
    status: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def fail(self, msg: str):
        if len(self.failures) < 100:
            self.failures.append(msg[:600])


class Expected:
    """The reference: one in-memory store, fed each accepted article alone, in order."""

    def __init__(self):
        from kg.store import open_store
        self.store = open_store("mem", in_memory=True)
        self.ids: set[str] = set()

    def accept(self, article, extractor="curated"):
        from kg.rdf import article_graphs
        g = article_graphs(article, extractor=extractor)
        self.store.replace_article(str(g.iri), g.graph, g.actors)
        self.ids.add(article.id)


def graphs_of(store) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = {}
    for q in store.quads():
        out.setdefault(str(q.graph_name), set()).add((str(q.subject), str(q.predicate), str(q.object)))
    return out


def compare(store_dir: Path, exp: Expected, rep: Report, label: str) -> None:
    from kg.store import open_store
    with open_store(str(store_dir), read_only=True) as stored:
        got = graphs_of(stored)
    want = graphs_of(exp.store)
    a_got, a_want = got.pop(f"<{ACTORS}>", set()), want.pop(f"<{ACTORS}>", set())
    if set(got) != set(want):
        rep.fail(f"{label}: stored graphs differ: {len(set(got) - set(want))} unexpected, "
                 f"{len(set(want) - set(got))} missing")
    for g in set(got) & set(want):
        if got[g] != want[g]:
            rep.fail(f"{label}: {g}: {len(want[g] - got[g])} missing, {len(got[g] - want[g])} extra triples")
    if a_got != a_want:
        rep.fail(f"{label}: actors graph differs ({len(a_want - a_got)} missing, {len(a_got - a_want)} extra)")
    st_ = open_store(str(store_dir), read_only=True)
    s1, s2 = st_.stats(), exp.store.stats()
    if s1 != s2:
        rep.fail(f"{label}: stats differ: {s1} vs reference {s2}")
    r = subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store_dir), "validate"],
                       capture_output=True, text=True, cwd=str(ROOT), timeout=900)
    if r.returncode != 0:
        rep.fail(f"{label}: kg validate: {r.stderr[-400:]}")


class Stop(Exception):
    pass


def _run(test, n: int):
    try:
        settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                 suppress_health_check=list(HealthCheck))(test)()
    except Stop:
        pass


def fuzz_import(store_dir: Path, exp: Expected, rep: Report, cases: int, seconds: float, tmp: Path) -> None:
    """JSONL files of fuzzed lines -> read_annotated -> ingest_many (what kg import does)."""
    from kg.ingest import ingest_many
    from kg.readers import read_annotated
    from kg.store import open_store
    store = open_store(str(store_dir))
    t_end = time.monotonic() + seconds
    done = [0]

    @given(st.lists(JSON_LINE, min_size=1, max_size=12))
    def test(lines):
        if done[0] >= cases or time.monotonic() > t_end:
            raise Stop
        done[0] += len(lines)
        path = tmp / "fuzz.jsonl"
        path.write_text("\n".join(ln.replace("\n", " ").replace("\r", " ") for ln in lines) + "\n",
                        encoding="utf-8", errors="surrogatepass")
        try:
            items = list(read_annotated([str(path)]))
            summary = ingest_many(store, iter(items), extractor="curated")
        except Exception as e:  # noqa: BLE001 - a crash is what we look for
            rep.fail(f"import crashed: {type(e).__name__}: {e} on {lines!r:.300}")
            return
        by_where = {w: a for a, w in (x for x in items if isinstance(x, tuple))}
        for o in summary.outcomes:       # stored ones in the order they were written
            if o.ok:
                exp.accept(by_where[o.where])
        rep.accepted += summary.stored
        rep.rejected += summary.failed
    _run(test, cases)
    rep.cases["import lines"] = done[0]
    store.close()


def fuzz_post(url: str, exp: Expected, rep: Report, cases: int, seconds: float) -> None:
    """POST /articles with fuzzed JSON (one article or a list), fuzzed headers now and then."""
    import requests

    from kg.records import RecordError, article_from_json
    s = requests.Session()
    t_end = time.monotonic() + seconds
    done = [0]
    ctypes = ["application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
              "application/JSON", "application/json;;", "application/x-ndjson", "application/sparql-query", ""]

    @given(st.one_of(article_obj(keep_events=True), st.lists(article_obj(keep_events=True), max_size=4)),
           st.integers(0, 9), st.sampled_from(ctypes), st.sampled_from(["good", "good", "good", "none", "bad", "odd"]),
           st.binary(max_size=300))
    def test(body, mode, ctype, auth, junk):
        if done[0] >= cases or time.monotonic() > t_end:
            raise Stop
        done[0] += 1
        headers = {"Authorization": {"good": f"Bearer {TOKEN}", "none": "", "bad": "Bearer nope",
                                     "odd": f"bearer  {TOKEN}\t"}[auth]}
        if mode == 0:
            data, headers["Content-Type"] = junk, ctype
        elif mode == 1:
            data, headers["Content-Type"] = json.dumps(body).encode()[:max(1, len(json.dumps(body)) // 2)], ctype
        else:
            data, headers["Content-Type"] = json.dumps(body, ensure_ascii=mode % 2 == 0).encode("utf-8",
                                                                                              "surrogatepass"), \
                "application/json"
        try:
            r = s.post(url + "/articles", data=data, headers={k: v for k, v in headers.items() if v}, timeout=60)
        except Exception as e:  # noqa: BLE001
            rep.fail(f"POST failed: {e!r}")
            return
        rep.status[r.status_code] = rep.status.get(r.status_code, 0) + 1
        if r.status_code >= 500:
            rep.fail(f"POST {r.status_code}: {r.text[:300]} for {data[:300]!r}")
        elif r.status_code == 201:
            objs = body if isinstance(body, list) else [body]
            for o in objs:
                try:
                    exp.accept(article_from_json(o))
                except RecordError as e:
                    rep.fail(f"201 for an article the parser rejects: {e}")
            rep.accepted += len(objs)
        else:
            rep.rejected += 1
    _run(test, cases)
    rep.cases["POST /articles"] = done[0]


def fuzz_sparql_engine(rep: Report, cases: int, seconds: float) -> None:
    """Every generated query against pyoxigraph directly (an empty store: nothing can run long)."""
    from kg.web.sparql import MAX_DEPTH
    from kg.web.sparqlscan import scan
    store = ox.Store()
    t_end = time.monotonic() + seconds
    done = [0]
    prefixes = {"dip": "https://w3id.org/dipkg/ontology#", "xsd": "http://www.w3.org/2001/XMLSchema#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "dcterms": "http://purl.org/dc/terms/",
                "ex": "http://ex/"}

    @given(sparql())
    def test(q):
        if done[0] >= cases or time.monotonic() > t_end:
            raise Stop
        done[0] += 1
        if scan(q).depth > MAX_DEPTH:   # pyoxigraph segfaults near 5,000 levels; the service refuses > 256
            rep.rejected += 1
            return
        try:
            res = store.query(q, prefixes=prefixes, base_iri="http://base/")
            if isinstance(res, (ox.QuerySolutions, ox.QueryTriples)):
                for _ in res:
                    pass
        except (SyntaxError, ValueError, OSError, TypeError):
            rep.rejected += 1
        except BaseException as e:  # a Rust panic arrives as PanicException (a BaseException)
            if isinstance(e, (Stop, KeyboardInterrupt)):
                raise
            rep.fail(f"engine crashed: {type(e).__name__}: {e} on {q!r:.400}")
    _run(test, cases)
    rep.cases["SPARQL (engine)"] = done[0]


def fuzz_sparql_http(url: str, rep: Report, cases: int, seconds: float) -> None:
    import requests
    s = requests.Session()
    t_end = time.monotonic() + seconds
    done = [0]

    @given(sparql(), st.sampled_from(["get", "form", "direct", "update"]),
           st.sampled_from(["", "*/*", "application/sparql-results+json", "text/csv", "text/turtle", "text/html"]))
    def test(q, how, accept):
        if done[0] >= cases or time.monotonic() > t_end:
            raise Stop
        done[0] += 1
        h = {"Accept": accept} if accept else {}
        try:
            if how == "get":
                r = s.get(url + "/sparql", params={"query": q}, headers=h, timeout=60)
            elif how == "form":
                r = s.post(url + "/sparql", data={"query": q}, headers=h, timeout=60)
            elif how == "direct":
                r = s.post(url + "/sparql", data=q.encode("utf-8", "surrogatepass"),
                           headers={**h, "Content-Type": "application/sparql-query"}, timeout=60)
            else:   # no token: an update must be refused, never run
                r = s.post(url + "/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; " + q},
                           timeout=60)
                if r.status_code < 400:
                    rep.fail(f"update without a token answered {r.status_code}")
        except Exception as e:  # noqa: BLE001
            rep.fail(f"SPARQL request failed: {e!r}")
            return
        rep.status[r.status_code] = rep.status.get(r.status_code, 0) + 1
        if r.status_code == 503 and "exceeded" in r.text:
            rep.timeouts += 1
        elif r.status_code >= 500:
            rep.fail(f"SPARQL {r.status_code}: {r.text[:300]} for {q!r:.300}")
    _run(test, cases)
    rep.cases["SPARQL (HTTP)"] = done[0]


def main(argv=None) -> int:
    from conftest import start_server
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=11000, help="total cases, split between the kinds")
    ap.add_argument("--seconds", type=float, default=1800, help="time bound for the whole run")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    n = args.cases
    share = {"import": 0.45, "post": 0.12, "engine": 0.28, "http": 0.15}
    rep = Report()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as d:
        tmp = Path(d)
        # 1. kg import's path, in process
        exp_a = Expected()
        t = time.monotonic()
        fuzz_import(tmp / "a", exp_a, rep, int(n * share["import"]), args.seconds * 0.4, tmp)
        rep.seconds["import"] = time.monotonic() - t
        # 2. the service: POST /articles, then SPARQL (read-only: the store must not change)
        exp_b = Expected()
        server = start_server(tmp / "b", token=TOKEN, workers=2, threads=4, KG_QUERY_TIMEOUT="3",
                              KG_MAX_BODY=str(2 * 2**20))
        try:
            t = time.monotonic()
            fuzz_post(server.url, exp_b, rep, int(n * share["post"]), args.seconds * 0.15)
            rep.seconds["post"] = time.monotonic() - t
            t = time.monotonic()
            fuzz_sparql_http(server.url, rep, int(n * share["http"]), args.seconds * 0.15)
            rep.seconds["sparql_http"] = time.monotonic() - t
        finally:
            server.stop()
        t = time.monotonic()
        fuzz_sparql_engine(rep, int(n * share["engine"]), args.seconds * 0.2)
        rep.seconds["sparql_engine"] = time.monotonic() - t
        t = time.monotonic()
        compare(tmp / "a", exp_a, rep, "import store")
        if (tmp / "b").exists():
            compare(tmp / "b", exp_b, rep, "service store")
        rep.seconds["checks"] = time.monotonic() - t
    total = sum(rep.cases.values())
    elapsed = time.monotonic() - t0
    out = {"cases": total, "by_kind": rep.cases, "cases_per_s": round(total / elapsed, 1),
           "seconds": round(elapsed), "accepted_articles": rep.accepted, "rejected": rep.rejected,
           "http_status": dict(sorted(rep.status.items())), "query_timeouts_503": rep.timeouts,
           "failures": len(rep.failures), "phase_seconds": {k: round(v) for k, v in rep.seconds.items()}}
    print(json.dumps(out, indent=1))
    for f in rep.failures[:30]:
        print("FAILURE:", f)
    if args.json:
        Path(args.json).write_text(json.dumps({**out, "failure_list": rep.failures}, indent=1))
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main())
