"""JSON API benchmark: the dashboard queries of kg/web/api_queries.py at two store sizes.

    .venv/bin/python bench/bench_api.py [--sizes 1000,10000] [--reps 5] [--baseline REV] [--no-http]

1. Builds synthetic curated articles (bench/synthetic.py; ~4.9 events each), turns them into
   quads with kg.rdf.article_graphs and bulk-loads them into a fresh on-disk pyoxigraph store
   (``bulk_extend`` then ``optimize()``), growing it from the first size to the next.
2. At each size, runs every API query kind directly against the store (an EmbeddedStore reader,
   the same read-only handle and union default graph the query processes use) and prints the
   median CPU milliseconds per kind (robust to other load on a shared machine; the query runs
   on one core in this process). With ``--baseline REV`` (default: the commit before the
   rewrite) the same operations are also run with ``kg/web/api_queries.py`` as it was at REV,
   in the same process and on the same store, and the answers of both are compared: the
   script fails when any answer differs.
3. Starts ``kg serve`` on 127.0.0.1 over the store and times a few endpoints over HTTP, wall
   time (the response cache is bypassed by varying ``limit``/``top``): in alternating rounds, the
   current code and (with a baseline) the ``kg`` package of REV (git archive, on PYTHONPATH).

Measured on a loaded 2-core machine (CPU ms; 10,000 articles = 48k events), before -> after the
rewrite: unfiltered page 3.7 s -> 0.58 s, total count 1.2 s -> 0.13 s, each /api/stats query
0.85-1.45 s -> 0.08-0.25 s. See the commit log for the full table.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent

import pyoxigraph as ox  # noqa: E402
import requests  # noqa: E402

from kg.rdf import ACTORS_GRAPH, BASE, article_graphs  # noqa: E402
from kg.store.embedded import EmbeddedStore  # noqa: E402
from kg.store.terms import to_ox  # noqa: E402
from kg.web import api_queries as NEW  # noqa: E402
from synthetic import articles  # noqa: E402

BASELINE_REV = "35904b3"


def load_module_at(rev: str):
    """kg/web/api_queries.py as it was at ``rev``, as a module of the kg.web package."""
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:kg/web/api_queries.py"], check=True,
                         capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("kg.web._api_queries_baseline", loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "kg.web"
    sys.modules[spec.name] = mod
    exec(compile(src, f"{rev}:kg/web/api_queries.py", "exec"), mod.__dict__)
    return mod


# --- data -------------------------------------------------------------------------------------

def quads_of(batch):
    actors = ox.NamedNode(str(ACTORS_GRAPH))
    for a in batch:
        g = article_graphs(a, extractor="curated")
        gi = ox.NamedNode(str(g.iri))
        for s, p, o in g.graph:
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), gi)
        for s, p, o in g.actors:
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), actors)


def grow(path: Path, arts) -> float:
    t0 = time.monotonic()
    st = ox.Store(str(path))
    st.bulk_extend(quads_of(arts))
    st.optimize()
    st.flush()
    del st
    (path / EmbeddedStore.VERSION_FILE).write_text(f"bench-{time.time_ns()}")
    return time.monotonic() - t0


# --- operations: what api.py does for each endpoint, with the builders of module M -----------

def events_page(M, sel, f, after=None, limit=50):
    """kg.web.api._events_page."""
    if hasattr(M, "events_page"):  # the current module; older baselines lack it
        return M.events_page(sel, f, after, limit)
    if hasattr(M, "page_rows"):
        rows = M.page_rows(sel, f, after, limit + 1)
    else:
        rows = sel(M.events_page_query(f, after, limit + 1))
        seen: set[str] = set()
        rows = [r for r in rows if not (r["e"] in seen or seen.add(r["e"]))]
    more = len(rows) > limit
    rows = rows[:limit]
    iris = [r["e"] for r in rows]
    events = M.assemble_events(iris, sel(M.event_details_query(iris))) if iris else []
    for ev, r in zip(events, rows):
        ev["sortDate"] = r.get("key") or ""
    nxt = (rows[-1].get("key") or "", rows[-1]["e"]) if more and rows else None
    return events, nxt


def page_keys(M, sel, f, after=None, limit=50):
    """Only the page query (no details): (key, iri) of the page."""
    if hasattr(M, "page_rows"):
        return [(r.get("key") or "", r["e"]) for r in M.page_rows(sel, f, after, limit + 1)]
    rows = sel(M.events_page_query(f, after, limit + 1))
    seen: set[str] = set()
    return [(r.get("key") or "", r["e"]) for r in rows if not (r["e"] in seen or seen.add(r["e"]))][:limit + 1]


def details(M, sel, iris):
    return M.assemble_events(iris, sel(M.event_details_query(iris)))


def count(M, sel, f):
    rows = sel(M.event_count_query(f))
    return int(rows[0]["n"]) if rows else 0


def event_detail(M, sel, iri):
    if not sel(M.event_exists_query(iri)):
        return None
    return M.assemble_events([iri], sel(M.event_details_query([iri])))[0]


def actors_page(M, sel, kinds, prefix=None, after=None, limit=50):
    rows = sel(M.actors_page_query(kinds, prefix, after, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    iris = [r["x"] for r in rows]
    out = M.assemble_actors(iris, sel(M.actor_details_query(iris))) if iris else []
    return out, ((rows[-1].get("label") or "", rows[-1]["x"]) if more and rows else None)


def actor_info(M, sel, iri):
    return M.assemble_actors([iri], sel(M.actor_details_query([iri])))[0]


def per_month(M, sel, f):
    return [(r["month"], M.local_name(r["type"]), int(r["n"])) for r in sel(M.per_month_query(f))]


def per_status(M, sel, f):
    return sorted((M.local_name(r["type"]), M.local_name(r["st"]) if r.get("st") else "unknown", int(r["n"]))
                  for r in sel(M.per_status_query(f)))


def pairs(M, sel, f, top=10):
    return [(r["from"], r["to"], int(r["n"])) for r in sel(M.visit_pairs_query(f, top))]


def top_actors(M, sel, f, role, top=10):
    return [(r["x"], int(r["n"]), r.get("label"), r.get("kind")) for r in sel(M.top_actors_query(f, role, top))]


def operations(M, ctx):
    """(kind, thunk(sel) -> comparable answer) for every query kind the API runs."""
    F = M.EventFilter
    mid = ctx["mid_cursor"]
    iris50 = ctx["iris50"]
    ev = ctx["one_event"]
    modi = BASE + "person/narendra-modi"
    return [
        ("events: page query only", lambda s: page_keys(M, s, F())),
        ("events: details of 50", lambda s: details(M, s, iris50)),
        ("events page (unfiltered)", lambda s: events_page(M, s, F())),
        ("events page, deep cursor", lambda s: events_page(M, s, F(), mid)),
        ("events page ?type=Award", lambda s: events_page(M, s, F(types=["Award"]))),
        ("events page ?status=Signed", lambda s: events_page(M, s, F(statuses=["Signed"]))),
        ("events page ?country=IND", lambda s: events_page(M, s, F(countries=["IND"]))),
        ("events page ?country=SRB (rare)", lambda s: events_page(M, s, F(countries=["SRB"]))),
        ("events page ?person=name", lambda s: events_page(M, s, F(person_name="narendra modi"))),
        ("events page ?actor=iri", lambda s: events_page(M, s, F(actor_iri=modi))),
        ("events page ?article=", lambda s: events_page(M, s, F(article=ctx["article"]))),
        ("events page ?from&to", lambda s: events_page(M, s, F(date_from="2018-03", date_to="2018-06"))),
        ("events page ?q=s-400", lambda s: events_page(M, s, F(text="s-400"))),
        ("events total (count)", lambda s: count(M, s, F())),
        ("events total ?country=IND", lambda s: count(M, s, F(countries=["IND"]))),
        ("event detail", lambda s: event_detail(M, s, ev)),
        ("actors page", lambda s: actors_page(M, s, list(M.ACTOR_KINDS.values()))),
        ("actors ?prefix=modi", lambda s: actors_page(M, s, list(M.ACTOR_KINDS.values()), "modi")),
        ("actor info (person)", lambda s: actor_info(M, s, modi)),
        ("actor info (country IND)", lambda s: actor_info(M, s, BASE + "country/IND")),
        ("stats: per month", lambda s: per_month(M, s, F())),
        ("stats: per status", lambda s: per_status(M, s, F())),
        ("stats: visit pairs", lambda s: pairs(M, s, F())),
        ("stats: top visitors", lambda s: top_actors(M, s, F(), "visitor")),
        ("stats: top hosts", lambda s: top_actors(M, s, F(), "host")),
        ("stats: per month ?country=IND", lambda s: per_month(M, s, F(countries=["IND"]))),
        ("stats: pairs ?country=IND", lambda s: pairs(M, s, F(countries=["IND"]))),
    ]


def context(store) -> dict:
    sel = store.select
    first = page_keys(NEW, sel, NEW.EventFilter(), None, 50)
    iris50 = [i for _, i in first[:50]]
    allk = sel("SELECT (COUNT(*) AS ?n) WHERE { ?e a ?t VALUES ?t { dip:Visit dip:Award dip:Agreement "
               "dip:TradeTarget } }")
    n = int(allk[0]["n"])
    # a cursor in the middle of the ordering
    mid = sel("SELECT ?e WHERE { ?e a dip:Visit } ORDER BY ?e LIMIT 1 OFFSET " + str(n // 4))[0]["e"]
    one = event_detail(NEW, sel, mid)
    art = one["article"]["id"]
    return {"iris50": iris50, "one_event": mid, "mid_cursor": (one["sortDate"], mid), "article": art,
            "n_events": n}


def median_ms(fn, reps: int) -> tuple[float, object]:
    """Median CPU milliseconds of this process (the queries run in it, on one core): robust to the
    other load of a shared 2-core machine, unlike wall time. The HTTP figures are wall time."""
    out = fn()  # warm
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        out = fn()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times), out


# --- HTTP -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_tree_at(rev: str, dest: Path) -> Path:
    """The kg package as it was at ``rev``, extracted under ``dest`` (for PYTHONPATH)."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "kg"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def http_bench(path: Path, reps: int, pythonpath: str | None = None) -> dict[str, float]:
    """Wall ms per endpoint through a live ``kg serve``; ``pythonpath`` serves another source tree."""
    port = free_port()
    env = dict(os.environ, KG_QUERY_TIMEOUT="60")
    env.pop("KG_TOKEN", None)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath  # ahead of the editable install: `kg` runs that tree's code
    proc = subprocess.Popen([str(BIN / "kg"), "--store", str(path), "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", "1", "--threads", "2", "--timeout", "120"],
                            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {proc.returncode}")
            try:
                if requests.get(url + "/health", timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kg serve did not start")
            time.sleep(0.2)
        cases = [("GET /api/events", "/api/events", "limit", 50),
                 ("GET /api/events?country=IND", "/api/events?country=IND", "limit", 50),
                 ("GET /api/events?total=true", "/api/events?total=true", "limit", 50),
                 ("GET /api/actors/country/IND", "/api/actors/country/IND", "limit", 50),
                 ("GET /api/stats", "/api/stats", "top", 10),
                 ("GET /api/stats?country=IND", "/api/stats?country=IND", "top", 10)]
        out = {}
        for name, p, var, base in cases:
            times = []
            for i in range(reps + 1):  # distinct values of limit/top: never a cache hit
                sep = "&" if "?" in p else "?"
                t0 = time.perf_counter()
                r = requests.get(f"{url}{p}{sep}{var}={base + i}", timeout=120)
                dt = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (name, r.status_code, r.text[:300])
                if i:
                    times.append(dt)
            out[name] = statistics.median(times)
        return out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


# --- main -------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="article counts, ascending (~4.9 events each)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--baseline", default=BASELINE_REV,
                    help="git revision of kg/web/api_queries.py to compare with ('' for none)")
    ap.add_argument("--no-http", action="store_true", help="skip the HTTP timings (kg serve, before and after)")
    ap.add_argument("--only", default="", help="comma-separated substrings of the kinds to run")
    ap.add_argument("--keep", help="store directory to build in (reused when it holds the largest size)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    OLD = load_module_at(args.baseline) if args.baseline else None
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-api-"))
    path = work / "store"
    t0 = time.monotonic()
    arts = articles(sizes[-1])
    print(f"{len(arts):,} synthetic articles in {time.monotonic() - t0:.1f} s", flush=True)
    results: dict[int, dict] = {}
    failures = []
    done = 0
    try:
        for n in sizes:
            if path.exists() and done == 0 and args.keep:
                shutil.rmtree(path)
            secs = grow(path, arts[done:n])
            done = n
            store = EmbeddedStore(str(path), read_only=True)
            ctx = context(store)
            print(f"\n== {n:,} articles, {ctx['n_events']:,} events (loaded in {secs:.1f} s)", flush=True)
            res = results[n] = {}
            sel = store.select
            new_ops = operations(NEW, ctx)
            old_ops = dict(operations(OLD, ctx)) if OLD else {}
            for kind, fn in new_ops:
                if args.only and not any(o in kind for o in args.only.split(",")):
                    continue
                ms_new, ans_new = median_ms(lambda: fn(sel), args.reps)
                ms_old = None
                if OLD:
                    ms_old, ans_old = median_ms(lambda: old_ops[kind](sel), max(1, args.reps // 2))
                    if ans_old != ans_new:
                        failures.append((n, kind))
                res[kind] = (ms_old, ms_new)
                old_txt = f"{ms_old:9.1f}" if ms_old is not None else "        -"
                speed = f"{ms_old / ms_new:6.1f}x" if ms_old else ""
                flag = "  ANSWERS DIFFER" if (n, kind) in failures else ""
                print(f"  {kind:34s} before {old_txt} ms   after {ms_new:8.1f} ms cpu  {speed}{flag}", flush=True)
            if not args.no_http:
                # before/after in alternating rounds, so both see the same load on the machine
                old_tree = str(source_tree_at(args.baseline, work / "baseline-src")) if args.baseline else None
                runs: dict[str, list[dict]] = {"old": [], "new": []}
                for _ in range(2):
                    if old_tree:
                        runs["old"].append(http_bench(path, args.reps, old_tree))
                    runs["new"].append(http_bench(path, args.reps))
                for name in runs["new"][0]:
                    new = statistics.median(r[name] for r in runs["new"])
                    old = statistics.median(r[name] for r in runs["old"]) if runs["old"] else None
                    res["HTTP " + name] = (old, new)
                    old_txt = f"{old:9.1f}" if old is not None else "        -"
                    speed = f"{old / new:6.1f}x" if old else ""
                    print(f"  HTTP {name:29s} before {old_txt} ms   after {new:8.1f} ms wall {speed}", flush=True)
            store.close()
        print("\n| query kind | " + " | ".join(f"{n:,} art. before | after" for n in sizes) + " |")
        print("|---|" + "---|---|" * len(sizes))
        kinds = list(dict.fromkeys(k for n in sizes for k in results[n]))
        for k in kinds:
            cells = []
            for n in sizes:
                old, new = results[n].get(k, (None, None))
                cells += [f"{old:.0f}" if old is not None else "-", f"{new:.0f}" if new is not None else "-"]
            print(f"| {k} | " + " | ".join(cells) + " |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"\nANSWERS DIFFER from {args.baseline}: {failures}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
