"""SPARQL service benchmark: `kg serve` against `oxigraph serve` on the same data and query mix.

    .venv/bin/python bench/bench_sparql.py [--events 50000] [--rounds 3] [--seconds 30] [--clients 4] [--quick]

1. Generates synthetic articles with the records API (varied countries, people, dates and
   event types), turns them into quads with kg.rdf.article_graphs and bulk-loads them into two
   store directories (then Store.optimize()).
2. Starts `kg serve` over one and `oxigraph serve --union-default-graph` over the other, on
   127.0.0.1 (both stay up; only one is loaded at a time).
3. Runs a dashboard query mix (events by type per month, top country pairs of visits, visits
   hosted by X, agreements of country Y, one event's details) with N concurrent clients.
   Runs are interleaved (kg, oxigraph, kg, oxigraph, ... ``--rounds`` of each, each bounded in
   time and in requests), so a burst of load from elsewhere on a shared machine hits both
   servers alike; the report gives per-run figures, the kg/oxigraph ratio of each round, the
   medians, and the latency of each query kind (so one sees whether the aggregates or the
   lookups lose). "uncached" puts a unique comment on each request, so no cache can answer;
   "cached" repeats the same dashboard queries.
   The very same query text goes to both servers.
4. ``--baseline DIR`` also runs kg serve from the kg package in DIR (for instance
   ``git archive <commit> kg | tar -x -C DIR``) in the same interleaved rounds: a before/after
   comparison that the machine's load cannot skew.
5. ``--engine`` also times each query kind in-process with pyoxigraph (read-only store, one
   query at a time): the floor that neither server can beat.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from kg.rdf import ACTORS_GRAPH, BASE, article_graphs, country_names  # noqa: E402
from kg.records import Agreement, Article, Award, TradeTarget, Visit  # noqa: E402

PREFIX = "PREFIX dip: <https://w3id.org/dipkg/ontology#>\n"


# --- data ---------------------------------------------------------------------------------------

def synthetic_articles(n_events: int, per_article: int = 10, seed: int = 7):
    rnd = random.Random(seed)
    codes = sorted(country_names())[:80]
    leaders = [(f"Leader {i:03d} {rnd.choice(['Smith', 'Khan', 'Li', 'Silva', 'Ivanov'])}", codes[i % len(codes)])
               for i in range(400)]
    n_articles = (n_events + per_article - 1) // per_article
    for i in range(n_articles):
        year, month = rnd.randint(2000, 2024), rnd.randint(1, 12)
        published = f"{year:04d}-{month:02d}-{rnd.randint(1, 28):02d}"
        events = []
        for j in range(per_article):
            (a, ca), (b, cb) = rnd.sample(leaders, 2)
            day = f"{year:04d}-{month:02d}-{rnd.randint(1, 28):02d}"
            kind = rnd.random()
            ev_text = f"Synthetic event {i}-{j}."
            if kind < 0.5:
                events.append(Visit(evidence=ev_text, status="occurred", visitor=a, visitor_country=ca, host=b,
                                    host_country=cb, place=f"City {rnd.randint(1, 5)}", place_country=cb, start=day))
            elif kind < 0.75:
                events.append(Agreement(evidence=ev_text, status="signed", parties=[ca, cb],
                                        title=f"Agreement {i}-{j}", topics=[rnd.choice(["trade", "energy", "defence"])],
                                        date=day))
            elif kind < 0.9:
                events.append(Award(evidence=ev_text, status="conferred", recipient=a, recipient_country=ca,
                                    conferrer=b, conferrer_country=cb, award=f"Order of {cb}", date=day))
            else:
                events.append(TradeTarget(evidence=ev_text, status="agreed", parties=[ca, cb],
                                          amount=rnd.randint(1, 500) * 10**9, currency="USD", year=year + 5,
                                          metric="bilateral trade"))
        yield Article(id=f"syn-{i:05d}", text="", title=f"Synthetic article {i}", published=published,
                      events=events)


def write_nquads(path: Path, n_events: int) -> tuple[int, list[str]]:
    actors_seen = set()
    g_actors = f"<{ACTORS_GRAPH}>"
    n = 0
    event_iris = []
    with open(path, "w", encoding="utf-8") as out:
        for art in synthetic_articles(n_events):
            graphs = article_graphs(art, extractor="synthetic")
            g = f"<{graphs.iri}>"
            for s, p, o in graphs.graph:
                out.write(f"{s.n3()} {p.n3()} {o.n3()} {g} .\n")
            for t in graphs.actors:
                if t not in actors_seen:
                    actors_seen.add(t)
                    out.write(f"{t[0].n3()} {t[1].n3()} {t[2].n3()} {g_actors} .\n")
            n += len(graphs.events)
            if len(event_iris) < 200:
                event_iris += [str(e) for e, _ in graphs.events[:1]]
    return n, event_iris


def bulk_load(store_dir: Path, nq: Path) -> None:
    import pyoxigraph as ox
    st = ox.Store(str(store_dir))
    st.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    st.optimize()
    st.flush()
    del st


# --- servers --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


# --- the query mix ----------------------------------------------------------------------------------

def dashboard_queries(event_iris: list[str], rnd: random.Random, n_params: int = 8) -> list[tuple[str, str]]:
    """The mix as (kind, query) pairs, in dashboard-session order."""
    codes = sorted(country_names())[:80]
    people = []
    r2 = random.Random(7)   # the same draws as synthetic_articles' leaders
    for i in range(400):
        surname = r2.choice(["Smith", "Khan", "Li", "Silva", "Ivanov"])
        people.append(f"{BASE}person/leader-{i:03d}-{surname.lower()}")
    hosts = rnd.sample(people, n_params)
    countries = rnd.sample(codes, n_params)
    events = rnd.sample(event_iris, min(n_params, len(event_iris)))
    by_month = PREFIX + """SELECT ?type ?month (COUNT(?e) AS ?n) WHERE {
  VALUES ?type { dip:Visit dip:Award dip:Agreement }
  VALUES ?dp { dip:startDate dip:date }
  ?e a ?type ; ?dp ?d .
  BIND(SUBSTR(STR(?d), 1, 7) AS ?month)
} GROUP BY ?type ?month ORDER BY ?month ?type"""
    pairs = PREFIX + """SELECT ?vc ?hc (COUNT(?e) AS ?n) WHERE {
  ?e a dip:Visit ; dip:visitor ?v ; dip:host ?h .
  ?v dip:represents ?vc . ?h dip:represents ?hc .
} GROUP BY ?vc ?hc ORDER BY DESC(?n) LIMIT 20"""
    hosted = [PREFIX + f"""SELECT ?e ?visitor ?date WHERE {{
  ?e a dip:Visit ; dip:host <{h}> ; dip:visitor ?visitor .
  OPTIONAL {{ ?e dip:startDate ?date }}
}} ORDER BY DESC(?date) LIMIT 50""" for h in hosts]
    agreements = [PREFIX + f"""SELECT ?e ?title ?date WHERE {{
  ?e a dip:Agreement ; dip:party <{BASE}country/{c}> .
  OPTIONAL {{ ?e dip:title ?title }} OPTIONAL {{ ?e dip:date ?date }}
}} ORDER BY DESC(?date) LIMIT 50""" for c in countries]
    details = [PREFIX + f"""SELECT ?p ?o ?label WHERE {{
  VALUES ?e {{ <{e}> }}
  ?e ?p ?o . OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
}}""" for e in events]
    # One dashboard session: the two aggregate panels once, then the researcher clicks through
    # hosts, countries and events (3 + 3 + 4 lookups): 12 queries.
    mix = []
    for i in range(n_params):
        j = [(i * 3 + k) % n_params for k in range(4)]
        mix += [("by_month", by_month), ("pairs", pairs)] + [("hosted", hosted[x]) for x in j[:3]] + \
            [("agreements", agreements[x]) for x in j[:3]] + [("details", details[x % len(details)]) for x in j]
    return mix


KINDS = ["by_month", "pairs", "hosted", "agreements", "details"]


def run_load(url: str, queries: list[tuple[str, str]], clients: int, seconds: float, unique: bool,
             max_requests: int = 100_000) -> dict:
    """N clients for ``seconds`` (and at most ``max_requests``); overall and per-kind latencies."""
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    errors = [0]
    lock = threading.Lock()
    counter = [0]
    stop_at = time.monotonic() + seconds

    def client(k: int):
        s = requests.Session()
        # clients start at different points of the mix (and of a session: not all on the aggregates)
        i = k * (len(queries) // clients) + (k * 12) // clients
        local = []
        while time.monotonic() < stop_at:
            with lock:
                counter[0] += 1
                if counter[0] > max_requests:
                    break
                n = counter[0]
            kind, q = queries[i % len(queries)]
            i += 1
            if unique:
                q = f"# request {n} {time.time_ns()}\n{q}"
            t0 = time.monotonic()
            try:
                r = s.post(url, data={"query": q}, headers={"Accept": "application/sparql-results+json"},
                           timeout=60)
                ok = r.status_code == 200
            except requests.RequestException:
                ok = False
            dt = time.monotonic() - t0
            if ok:
                local.append((kind, dt))
            else:
                with lock:
                    errors[0] += 1
        with lock:
            for kind, dt in local:
                by_kind[kind].append(dt)

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat = sorted(x for v in by_kind.values() for x in v)
    return {"rps": len(lat) / elapsed, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "n": len(lat),
            "errors": errors[0], "kinds": by_kind}


def pct(values, p: float) -> float:
    lat = sorted(values)
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


def engine_times(store_dir: Path, queries: list[tuple[str, str]], repeat: int) -> dict[str, float]:
    """Median ms per kind, in-process pyoxigraph on a read-only handle, one query at a time."""
    import pyoxigraph as ox
    st = ox.Store.read_only(str(store_dir))
    seen: dict[str, list[float]] = {k: [] for k in KINDS}
    first = {}
    for kind, q in queries:
        first.setdefault((kind, q), None)
    for _ in range(repeat):
        for kind, q in first:
            t0 = time.perf_counter()
            res = st.query(q, use_default_graph_as_union=True)
            res.serialize(format=ox.QueryResultsFormat.JSON)
            seen[kind].append(time.perf_counter() - t0)
    del st
    return {k: statistics.median(v) * 1000 for k, v in seen.items() if v}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved runs of each server per mode (max 10)")
    ap.add_argument("--seconds", type=float, default=30.0, help="duration of each load run (max 60)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, help="kg serve gunicorn workers (default: kg serve's)")
    ap.add_argument("--threads", type=int, help="kg serve threads per worker (default: kg serve's)")
    ap.add_argument("--modes", default="uncached,cached", help="which runs: uncached,cached")
    ap.add_argument("--engine", action="store_true", help="also time each query kind in-process (pyoxigraph)")
    ap.add_argument("--quick", action="store_true",
                    help="3 rounds of 5 s uncached, 1 round of 3 s cached (about a minute once the data exists)")
    ap.add_argument("--baseline", metavar="DIR",
                    help="also run kg serve from the kg package in DIR (a before/after comparison, interleaved)")
    ap.add_argument("--baseline-args", metavar="ARGS",
                    help="kg serve options of the baseline server (e.g. '--workers 1 --threads 8')")
    ap.add_argument("--keep", help="keep the generated stores in this directory (reused when present)")
    args = ap.parse_args()
    rounds = max(1, min(args.rounds, 10))
    seconds = max(1.0, min(args.seconds, 60.0))
    cached_rounds, cached_seconds = rounds, min(seconds, 10.0)
    if args.quick:
        rounds, seconds, cached_rounds, cached_seconds = 3, 5.0, 1, 3.0

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-sparql-"))
    work.mkdir(parents=True, exist_ok=True)
    kg_dir, ox_dir, nq = work / "kg-store", work / "ox-store", work / "data.nq"
    procs = []
    try:
        t0 = time.monotonic()
        if not (kg_dir.exists() and ox_dir.exists() and (work / "events.txt").exists()):
            shutil.rmtree(kg_dir, ignore_errors=True)
            shutil.rmtree(ox_dir, ignore_errors=True)
            n, event_iris = write_nquads(nq, args.events)
            t1 = time.monotonic()
            bulk_load(kg_dir, nq)
            shutil.copytree(kg_dir, ox_dir)
            (work / "events.txt").write_text("\n".join(event_iris))
            nq.unlink()
            print(f"data: {n:,} events generated in {t1 - t0:.1f} s, bulk-loaded and optimized in "
                  f"{time.monotonic() - t1:.1f} s", flush=True)
        else:
            event_iris = (work / "events.txt").read_text().split()
            print(f"data: reusing {work}", flush=True)
        queries = dashboard_queries(event_iris, random.Random(11))

        engine = engine_times(ox_dir, queries, 3) if args.engine else None

        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        kg_servers = {"kg": (env, [])}
        if args.baseline or args.baseline_args:
            # another source tree of kg (e.g. `git archive <commit> kg | tar -x -C DIR`) and/or other
            # `kg serve` options, run in the same interleaved rounds: a before/after comparison that the
            # machine's load cannot skew
            kg_servers["kg-baseline"] = ({**env, "PYTHONPATH": str(Path(args.baseline).resolve())} if args.baseline
                                         else env, (args.baseline_args or "").split())
        endpoints = {}
        for name, (kg_env, extra) in kg_servers.items():
            port = free_port()
            kg_cmd = [str(BIN / "kg"), "--store", str(kg_dir), "serve", "--host", "127.0.0.1", "--port", str(port),
                      "--timeout", "60"]
            if args.workers:
                kg_cmd += ["--workers", str(args.workers)]
            if args.threads:
                kg_cmd += ["--threads", str(args.threads)]
            kg_cmd += extra
            kg_proc = subprocess.Popen(kg_cmd, env=kg_env, start_new_session=True, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            procs.append(kg_proc)
            wait_for(f"http://127.0.0.1:{port}/health", kg_proc)
            endpoints[name] = f"http://127.0.0.1:{port}/sparql"
        ox_port = free_port()
        ox_proc = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--location", str(ox_dir), "--bind",
                                    f"127.0.0.1:{ox_port}", "--union-default-graph"],
                                   start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(ox_proc)
        wait_for(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", ox_proc)
        endpoints["oxigraph"] = f"http://127.0.0.1:{ox_port}/query"
        # sanity: all answer every query of the mix, with the same number of rows
        for _, q in queries[:12]:
            counts = {len(requests.post(url, data={"query": q}, timeout=120,
                                        headers={"Accept": "application/sparql-results+json"}
                                        ).json()["results"]["bindings"]) for url in endpoints.values()}
            assert len(counts) == 1, q
        for url in endpoints.values():      # warm-up, all servers alike
            run_load(url, queries, args.clients, 2.0 if args.quick else 4.0, True)

        modes = [m for m in ("uncached", "cached") if m in args.modes.split(",")]
        runs: dict[tuple[str, str], list[dict]] = {}
        for mode in modes:
            n_rounds, secs = (rounds, seconds) if mode == "uncached" else (cached_rounds, cached_seconds)
            for rnd_i in range(n_rounds):
                # rotate which server goes first, so none always follows another's load
                names = list(endpoints)
                order = names[rnd_i % len(names):] + names[:rnd_i % len(names)]
                for name in order:
                    r = run_load(endpoints[name], queries, args.clients, secs, mode == "uncached")
                    runs.setdefault((name, mode), []).append(r)
                    print(f"  round {rnd_i + 1} {mode:9} {name:11} {r['rps']:8.1f} req/s  p50 {r['p50']:7.1f} ms  "
                          f"p99 {r['p99']:7.1f} ms  ({r['n']} ok, {r['errors']} errors)", flush=True)
        report(runs, modes, endpoints, args, rounds, seconds, cached_rounds, cached_seconds, engine)
    finally:
        for p in procs:
            stop(p)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(runs, modes, endpoints, args, rounds, seconds, cached_rounds, cached_seconds, engine) -> None:
    med = statistics.median
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    plan = ", ".join(f"{m} {rounds} x {seconds:g} s" if m == "uncached" else f"{m} {cached_rounds} x {cached_seconds:g} s"
                     for m in modes)
    print(f"\n{args.clients} clients; {plan} per server, interleaved; kg serve {args.workers or 'default'} workers x {args.threads or 'default'} "
          f"threads; load average at the end {load:.1f} on {os.cpu_count()} CPUs. Mix per session: type-by-month, "
          "country pairs, 3x hosted-by, 3x agreements-of, 4x event details.\n")
    print("| mode | server | req/s per run | median req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for mode in modes:
        for name in endpoints:
            rs = runs[(name, mode)]
            per_run = " / ".join(f"{r['rps']:.1f}" for r in rs)
            print(f"| {mode} | {name} | {per_run} | "
                  f"{med(r['rps'] for r in rs):.1f} | {med(r['p50'] for r in rs):.1f} | "
                  f"{med(r['p99'] for r in rs):.1f} | {sum(r['errors'] for r in rs)} |")
    kgs = [n for n in endpoints if n != "oxigraph"]
    print("\n| mode | server | vs oxigraph per round | median ratio |")
    print("|---|---|---|---|")
    for mode in modes:
        for name in kgs:
            ratios = [a["rps"] / b["rps"] if b["rps"] else float("nan")
                      for a, b in zip(runs[(name, mode)], runs[("oxigraph", mode)])]
            print(f"| {mode} | {name} | {' / '.join(f'{x:.2f}x' for x in ratios)} | **{med(ratios):.2f}x** |")
    for mode in modes:
        print(f"\nper query kind, {mode} (latency under load, all runs pooled; p50 / p90 ms, n = requests)\n")
        head = "| kind | " + " | ".join(f"{n} p50 / p90" for n in endpoints) + " | " + \
            " | ".join(f"{n}/ox p50" for n in kgs) + " | n |"
        if engine and mode == "uncached":
            head += " in-process engine ms |"
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for kind in KINDS:
            lat = {n: [x for r in runs[(n, mode)] for x in r["kinds"][kind]] for n in endpoints}
            ox_p50 = pct(lat["oxigraph"], 0.5)
            line = (f"| {kind} | " + " | ".join(f"{pct(lat[n], 0.5):.1f} / {pct(lat[n], 0.9):.1f}" for n in endpoints)
                    + " | " + " | ".join(f"{pct(lat[n], 0.5) / ox_p50:.2f}x" if lat[n] and lat["oxigraph"] else "-"
                                         for n in kgs)
                    + " | " + " / ".join(str(len(lat[n])) for n in endpoints) + " |")
            if engine and mode == "uncached":
                line += f" {engine.get(kind, float('nan')):.1f} |"
            print(line)

if __name__ == "__main__":
    main()
