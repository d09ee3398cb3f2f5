"""Crash trials (issue 7): SIGKILL a batch import, an ingest or the whole service at random points,
then prove the store is intact.

Each trial starts a writer in a subprocess and kills it with SIGKILL:

- ``uniform``: at a uniformly random time during the run;
- ``write``: inside a write window: when the writer holds RocksDB open read-write (its ``LOCK``
  file shows among the process's open files) for the k-th time, k random, plus 0-20 ms;
- ``close``: just after the k-th write window ends, i.e. between closing RocksDB and bumping
  ``.kg-version``.

After each kill: the store opens (``kg stats``), the event index of the JSON API is either current
and equal to a rebuild or lagging (``kg reindex --check``; current again after the re-run), every article graph present equals the graph a
clean import of the same article produced in a reference store (N-Triples sets; the store holds
no blank nodes), every actor node those articles use is there with all its triples, nothing
else is there, and ``kg validate`` conforms (every ``--validate-every``-th kill and at the end of
each round). Then the batch runs again; it is killed again, up to ``--kills-per-round`` times,
and then runs to completion: article count == input count, event counts == expected, every
graph equal to the reference.

Service trials do the same with ``kg serve`` (2 workers): two clients POST /articles in lists of
25 and the server's whole process group (gunicorn master, workers, query processes) is killed.

    python bench/crash_trials.py                      # >= 1,000 articles, 20 import kills, service, ingest
    python bench/crash_trials.py --quick              # a small run
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from bench.synthetic import article_dicts  # noqa: E402

KG = Path(sys.executable).parent / "kg"
ACTORS = "https://w3id.org/dipkg/graph/actors"
EVENTS = "https://w3id.org/dipkg/graph/events"   # canonical events: checked by kg resolve --check
EVENT_TYPES = ("Visit", "Award", "Agreement", "TradeTarget")


def kg_cmd(*args) -> list[str]:
    return [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]), *map(str, args)]


def kg(*args, check=True, timeout=1800) -> subprocess.CompletedProcess:
    r = subprocess.run(kg_cmd(*args), capture_output=True, text=True, cwd=str(ROOT), timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"kg {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r



def write_jsonl(path: Path, objs: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for o in objs:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    return path


# --- reading a store and comparing it with the reference ------------------------------------

def snapshot(store_dir) -> dict[str, set[tuple]]:
    """graph IRI -> set of (s, p, o) N-Triples terms. Raises if the store cannot be opened."""
    s = ox.Store.read_only(str(store_dir))
    out: dict[str, set[tuple]] = defaultdict(set)
    for q in s.quads_for_pattern(None, None, None, None):
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            raise AssertionError(f"blank node in {q}")
        out[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "default"].add(
            (str(q.subject), str(q.predicate), str(q.object)))
    del s
    return dict(out)


@dataclass
class Reference:
    graphs: dict[str, set[tuple]]                 # article IRI -> triples
    actors: dict[str, set[tuple]]                 # actor subject -> triples
    events: dict[str, int]                        # event type -> count over all articles
    needs: dict[str, set[str]] = field(default_factory=dict)   # article IRI -> actor subjects (closure)

    @classmethod
    def load(cls, store_dir) -> Reference:
        snap = snapshot(store_dir)
        snap.pop(EVENTS, None)
        actors: dict[str, set[tuple]] = defaultdict(set)
        for t in snap.pop(ACTORS, set()):
            actors[t[0]].add(t)
        events = {t: 0 for t in EVENT_TYPES}
        ref = cls(snap, dict(actors), events)
        for g, triples in snap.items():
            for s, p, o in triples:
                if p == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>":
                    name = o.rsplit("#", 1)[-1].rstrip(">")
                    if name in events:
                        events[name] += 1
            todo = {o for _, _, o in triples if o in ref.actors}
            need: set[str] = set()
            while todo:
                a = todo.pop()
                if a not in need:
                    need.add(a)
                    todo |= {o for _, _, o in ref.actors[a] if o in ref.actors}
            ref.needs[g] = need
        return ref


@dataclass
class Check:
    articles: int = 0
    failures: list[str] = field(default_factory=list)
    validated: bool = False
    index: str = ""          # "current" (equal to a rebuild) or "lags" (unused until rebuilt)


def check_store(store_dir, ref: Reference, *, complete: bool = False, validate: bool = True) -> Check:
    res = Check()
    try:
        stats = json.loads(kg("--store", store_dir, "stats", "--json", timeout=300).stdout)
        snap = snapshot(store_dir)
    except Exception as e:  # the store does not open: the worst failure
        res.failures.append(f"store does not open: {e}")
        return res
    actors = snap.pop(ACTORS, set())
    snap.pop(EVENTS, None)
    present_actor_triples = defaultdict(set)
    for t in actors:
        present_actor_triples[t[0]].add(t)
    for s, ts in present_actor_triples.items():
        extra = ts - ref.actors.get(s, set())
        if extra:
            res.failures.append(f"actor {s}: {len(extra)} unexpected triple(s)")
    for g, triples in snap.items():
        want = ref.graphs.get(g)
        if want is None:
            res.failures.append(f"unexpected graph {g} ({len(triples)} triples)")
            continue
        res.articles += 1
        if triples != want:
            res.failures.append(f"article {g} incomplete: {len(want - triples)} missing, "
                                f"{len(triples - want)} extra triple(s)")
        for a in ref.needs[g]:
            if not ref.actors[a] <= present_actor_triples.get(a, set()):
                res.failures.append(f"article {g}: actor {a} incomplete")
    if stats.get("Article") != res.articles:
        res.failures.append(f"kg stats says {stats.get('Article')} articles, the graphs say {res.articles}")
    if complete:
        if set(snap) != set(ref.graphs):
            res.failures.append(f"{len(set(ref.graphs) - set(snap))} article(s) missing after the re-run")
        for t in EVENT_TYPES:
            if stats.get(t) != ref.events[t]:
                res.failures.append(f"{t}: {stats.get(t)} stored, {ref.events[t]} expected")
    # the canonical events (graph/events) are written in the same transaction as the articles: after any kill
    # they equal a resolution of the articles that are there
    r = kg("--store", store_dir, "resolve", "--check", check=False, timeout=1800)
    if r.returncode != 0:
        res.failures.append(f"canonical events: {(r.stderr + r.stdout).strip()[-500:]}")
    # the event index of the JSON API: after a kill it is current and equal to a rebuild, or it lags
    # (then unused until rebuilt); after a completed re-run it must be current again
    r = kg("--store", store_dir, "reindex", "--check", check=False, timeout=1800)
    said = (r.stderr + r.stdout).strip()
    res.index = "current" if "equals a rebuild" in said else "lags" if "lags" in said else "bad"
    if r.returncode != 0 or res.index == "bad":
        res.failures.append(f"event index: {said[-500:]}")
    elif complete and res.index != "current":
        res.failures.append(f"event index still lags after the completed re-run: {said[-300:]}")
    if validate:
        r = kg("--store", store_dir, "validate", check=False, timeout=1800)
        res.validated = True
        if r.returncode != 0:
            res.failures.append("kg validate does not conform: " + r.stderr.strip()[-500:])
    return res


# --- killing at the right moment ----------------------------------------------------------------

def _pids_in_group(pgid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _holds_rw(pids: list[int], lock_path: str) -> bool:
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == lock_path:
                        return True
                except OSError:
                    pass
        except OSError:
            pass
    return False


def kill_when(proc: subprocess.Popen, store_dir: Path, mode: str, rng: random.Random, *, max_time: float,
              windows_hint: int, group: bool) -> dict:
    """Wait for the moment ``mode`` picks, then SIGKILL ``proc`` (its process group when ``group``)."""
    t0 = time.monotonic()
    lock_path = str((store_dir / "LOCK").resolve())
    pgid = proc.pid
    info = {"mode": mode}
    if mode == "uniform":
        deadline = t0 + rng.uniform(0.3, max_time)
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
    else:
        k = rng.randint(1, max(1, windows_hint))
        info["window"] = k
        seen, held = 0, False
        pids, refreshed = [proc.pid], 0.0
        while proc.poll() is None and time.monotonic() - t0 < max_time * 3:
            if group and time.monotonic() - refreshed > 0.3:
                pids, refreshed = _pids_in_group(pgid) or [proc.pid], time.monotonic()
            now_held = _holds_rw(pids, lock_path)
            if now_held and not held:
                seen += 1
                if mode == "write" and seen >= k:
                    time.sleep(rng.uniform(0, 0.02))
                    break
            if held and not now_held and mode == "close" and seen >= k:
                break
            held = now_held
            time.sleep(0.0005)
    info["t"] = round(time.monotonic() - t0, 3)
    info["finished_first"] = proc.poll() is not None
    if not info["finished_first"]:
        try:
            if group:
                os.killpg(pgid, signal.SIGKILL)
            else:
                proc.kill()
        except ProcessLookupError:
            pass
    proc.wait()
    if group:   # query processes of the executor may linger a moment after the master
        for _ in range(50):
            if not _pids_in_group(pgid):
                break
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    return info


# --- trials -----------------------------------------------------------------------------------

@dataclass
class Totals:
    trials: int = 0
    kills: int = 0
    finished_before_kill: int = 0
    checks: int = 0
    articles_checked: int = 0
    validations: int = 0
    failures: list[str] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)

    def add(self, kind: str, info: dict, chk: Check, verbose: bool):
        self.checks += 1
        self.articles_checked += chk.articles
        self.validations += chk.validated
        self.failures += [f"{kind} {info}: {f}" for f in chk.failures]
        row = {"kind": kind, **info, "articles": chk.articles, "validated": chk.validated,
               "index": chk.index, "failures": len(chk.failures)}
        self.log.append(row)
        if verbose:
            print("  ", json.dumps(row), flush=True)


def cli_rounds(work: Path, ref: Reference, data: Path, command: str, *, rounds: int, kills_per_round: int,
               rng: random.Random, full_time: float, windows: int, validate_every: int, totals: Totals,
               verbose: bool = True, modes=("uniform", "write", "close")) -> None:
    for r in range(rounds):
        store = work / f"{command}-round{r}"
        shutil.rmtree(store, ignore_errors=True)
        for k in range(kills_per_round):
            mode = modes[(r * kills_per_round + k) % len(modes)]
            proc = subprocess.Popen(kg_cmd("--store", store, command, data), cwd=str(ROOT),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            info = kill_when(proc, store, mode, rng, max_time=full_time, windows_hint=windows, group=False)
            totals.kills += not info["finished_first"]
            totals.finished_before_kill += info["finished_first"]
            totals.trials += 1
            if not store.exists():
                totals.add(command, info, Check(), verbose)
                continue
            validate = (totals.kills % validate_every == 0) or k == kills_per_round - 1
            totals.add(command, info, check_store(store, ref, validate=validate), verbose)
        kg("--store", store, command, data, timeout=3600)          # the re-run completes the rest
        totals.add(command, {"mode": "re-run", "round": r}, check_store(store, ref, complete=True), verbose)
        shutil.rmtree(store, ignore_errors=True)


def _post_stream(url: str, token: str, objs: list[dict], per_request: int, stop: threading.Event, out: list):
    import requests
    s = requests.Session()
    for i in range(0, len(objs), per_request):
        if stop.is_set():
            return
        try:
            r = s.post(url + "/articles", json=objs[i:i + per_request], timeout=120,
                       headers={"Authorization": f"Bearer {token}"})
            out.append(r.status_code)
        except Exception as e:  # noqa: BLE001 - the server is being killed
            out.append(type(e).__name__)
            return


def post_all(url: str, token: str, objs: list[dict], per_request: int = 25, streams: int = 2,
             stop: threading.Event | None = None) -> list:
    stop = stop or threading.Event()
    out: list = []
    parts = [objs[i::streams] for i in range(streams)]
    threads = [threading.Thread(target=_post_stream, args=(url, token, p, per_request, stop, out), daemon=True)
               for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def service_trials(work: Path, ref: Reference, objs: list[dict], *, trials: int, rng: random.Random,
                   full_time: float, windows: int, totals: Totals, verbose: bool = True,
                   modes=("uniform", "write", "close")) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import start_server
    token = "crash-token"
    store = work / "service"
    shutil.rmtree(store, ignore_errors=True)
    for t in range(trials):
        mode = modes[t % len(modes)]
        server = start_server(store, token=token, workers=2, threads=4)
        stop = threading.Event()
        statuses: list = []
        poster = threading.Thread(target=lambda: statuses.extend(post_all(server.url, token, objs, stop=stop)),
                                  daemon=True)
        poster.start()
        info = kill_when(server.proc, store, mode, rng, max_time=full_time, windows_hint=windows, group=True)
        stop.set()
        poster.join(60)
        info["posts"] = sum(1 for s in statuses if s == 201)
        bad = [s for s in statuses if isinstance(s, int) and s != 201]
        if bad:
            totals.failures.append(f"service trial {t}: non-201 answers before the kill: {bad[:5]}")
        totals.kills += not info["finished_first"]
        totals.finished_before_kill += info["finished_first"]
        totals.trials += 1
        totals.add("service", info, check_store(store, ref, validate=(t == trials - 1)), verbose)
    # restart and post everything again: the store ends complete
    server = start_server(store, token=token, workers=2, threads=4)
    try:
        statuses = post_all(server.url, token, objs)
        bad = [s for s in statuses if s != 201]
        if bad:
            totals.failures.append(f"service re-run: non-201 answers {bad[:5]}")
    finally:
        server.stop()
    totals.add("service", {"mode": "re-run"}, check_store(store, ref, complete=True), verbose)


def build_reference(work: Path, data: Path, command: str) -> tuple[Reference, float, int]:
    """Import the whole batch once, cleanly: the reference graphs, the run time and the number of writes."""
    ref_dir = work / f"ref-{command}"
    shutil.rmtree(ref_dir, ignore_errors=True)
    t0 = time.monotonic()
    kg("--store", ref_dir, command, data, timeout=3600)
    elapsed = time.monotonic() - t0
    ref = Reference.load(ref_dir)
    return ref, elapsed, ref_dir


def check_alone(ref: Reference, objs: list[dict], work: Path, command: str, sample: int, rng) -> list[str]:
    """The reference graphs equal those of a store that imported each sampled article alone."""
    failures = []
    for o in rng.sample(objs, min(sample, len(objs))):
        d = work / f"alone-{o['id']}"
        f = write_jsonl(work / f"alone-{o['id']}.jsonl", [o])
        kg("--store", d, command, f)
        snap = snapshot(d)
        snap.pop(ACTORS, None)
        (g, triples), = snap.items()
        if ref.graphs.get(g) != triples:
            failures.append(f"{o['id']}: the batch reference differs from a lone import")
        shutil.rmtree(d, ignore_errors=True)
        f.unlink()
    return failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--kills-per-round", type=int, default=5)
    ap.add_argument("--service-trials", type=int, default=6)
    ap.add_argument("--service-articles", type=int, default=1000)
    ap.add_argument("--ingest-trials", type=int, default=3)
    ap.add_argument("--ingest-articles", type=int, default=150)
    ap.add_argument("--validate-every", type=int, default=3,
                    help="run kg validate after every N-th kill (and always at the end of a round)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="60 articles, 1 round of 3 kills, 2 service trials")
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    if args.quick:
        args.articles, args.rounds, args.kills_per_round = 60, 1, 3
        args.service_trials, args.service_articles, args.ingest_trials = 2, 60, 0
    rng = random.Random(args.seed)
    totals = Totals()
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kg-crash-") as tmp:
        work = Path(tmp)
        objs = article_dicts(args.articles, "crash")
        data = write_jsonl(work / "batch.jsonl", objs)
        ref, full, _ = build_reference(work, data, "import")
        windows = (args.articles + 49) // 50
        print(f"reference: {len(ref.graphs)} articles, {sum(ref.events.values())} events, clean import "
              f"{full:.1f} s, {windows} write transactions", flush=True)
        alone = check_alone(ref, objs, work, "import", 5, rng)
        totals.failures += alone
        print(f"lone-import spot check: {5 - len(alone)}/5 equal", flush=True)
        cli_rounds(work, ref, data, "import", rounds=args.rounds, kills_per_round=args.kills_per_round, rng=rng,
                   full_time=full, windows=windows, validate_every=args.validate_every, totals=totals)
        if args.service_trials:
            sobjs = objs[:args.service_articles]
            sref = ref
            if len(sobjs) != len(objs):
                sref, _, _ = build_reference(work, write_jsonl(work / "service.jsonl", sobjs), "import")
            service_trials(work, sref, sobjs, trials=args.service_trials, rng=rng, full_time=full * len(sobjs)
                           / len(objs), windows=(len(sobjs) + 24) // 25, totals=totals)
        if args.ingest_trials:
            iobjs = article_dicts(args.ingest_articles, "crash-ing", events=False)
            idata = write_jsonl(work / "ingest.jsonl", iobjs)
            iref, ifull, _ = build_reference(work, idata, "ingest")
            print(f"ingest reference: {len(iref.graphs)} articles, {sum(iref.events.values())} events, "
                  f"{ifull:.1f} s", flush=True)
            cli_rounds(work, iref, idata, "ingest", rounds=1, kills_per_round=args.ingest_trials, rng=rng,
                       full_time=ifull, windows=(args.ingest_articles + 49) // 50, validate_every=1,
                       totals=totals)
    figures = {"trials": totals.trials, "kills": totals.kills, "finished_before_kill": totals.finished_before_kill,
               "store_checks": totals.checks, "articles_checked": totals.articles_checked,
               "kg_validate_runs": totals.validations, "failures": len(totals.failures),
               "seconds": round(time.monotonic() - t_start)}
    print(json.dumps(figures, indent=1))
    for f in totals.failures[:50]:
        print("FAILURE:", f)
    if args.json:
        Path(args.json).write_text(json.dumps({**figures, "log": totals.log, "failure_list": totals.failures},
                                              indent=1))
    return 1 if totals.failures else 0


if __name__ == "__main__":
    sys.exit(main())
