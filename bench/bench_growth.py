"""How cost grows with the store: import time, size on disk, RSS of `kg serve`, and p50/p95/p99 of each JSON API
call over HTTP (KG_CACHE_BYTES=0), at several sizes, with the same calls answered from SPARQL as the peer.

    python bench/bench_growth.py [--sizes 1000,10000] [--reps 30] [--peer-reps 5] [--json out.json] [--work DIR]

For each size: `kg import` of synthetic curated articles (bench/synthetic.py) into a new store (timed),
`du` of the store directory (RocksDB + the event index), `kg serve` with 2 workers and the summed RSS of
its process group after the run, then each API call `reps` times in turn. The peer: an unrelated SPARQL
Update makes the event index lag, so the same server answers the same calls from SPARQL as before the
index existed (`peer-reps` times each); the ratio is SPARQL p50 / index p50, both in this run.

``--work DIR`` keeps the stores in DIR and reuses one that is already there (its import time is read from
DIR/store-N.json): so two versions of the code can be measured on the same stores without importing 20k
articles twice. A reused store carries the peer's unrelated graph; ``kg serve`` rebuilds the lagging index
at start, as it does after any foreign write.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.synthetic import article_dicts  # noqa: E402
from conftest import TEST_TOKEN, start_server  # noqa: E402

KG = Path(sys.executable).parent / "kg"


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rss_of_group(pgid: int) -> int:
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[2]) != pgid:
                    continue
            with open(f"/proc/{d}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return total


def calls(url: str) -> list[tuple[str, str, dict]]:
    """(name, path, params): every filter of the dashboard, values taken from the store."""
    s = requests.Session()
    first = s.get(url + "/api/events", params={"limit": 200}, timeout=600).json()["events"]
    person = next(a for ev in first for a in ev["actors"] if a["kind"] == "Person")
    actor = next(a for ev in first for a in ev["actors"] if a["kind"] == "Place")
    cursor = None
    for _ in range(5):      # a deep cursor: 2,500 events in
        page = s.get(url + "/api/events", params={"limit": 500, **({"cursor": cursor} if cursor else {})},
                     timeout=600).json()
        cursor = page["next"] or cursor
    return [
        ("events", "/api/events", {}),
        ("events?country=IND", "/api/events", {"country": "IND"}),
        ("events?type=Visit", "/api/events", {"type": "Visit"}),
        ("events?status=Signed", "/api/events", {"status": "Signed"}),
        ("events?person=IRI", "/api/events", {"person": person["iri"]}),
        ("events?actor=IRI", "/api/events", {"actor": actor["iri"]}),
        ("events?from&to", "/api/events", {"from": "2023-01", "to": "2024-06"}),
        ("events?q=text", "/api/events", {"q": "minister"}),
        ("events deep cursor", "/api/events", {"cursor": cursor} if cursor else {}),
        ("stats", "/api/stats", {}),
        ("stats?country=IND", "/api/stats", {"country": "IND"}),
        # each real-world event once (graph/events, dip:sameEventAs)
        ("canonical events", "/api/events", {"canonical": "true"}),
        ("canonical ?country=IND", "/api/events", {"canonical": "true", "country": "IND"}),
        ("canonical ?q=text", "/api/events", {"canonical": "true", "q": "minister"}),
        ("canonical stats", "/api/stats", {"canonical": "true"}),
        ("canonical stats?country", "/api/stats", {"canonical": "true", "country": "IND"}),
    ] + _sources_calls(s, url)


def _sources_calls(s: requests.Session, url: str) -> list[tuple[str, str, dict]]:
    """The first page of the sources of the most reported real-world event on the first canonical page, where
    the server has /api/events/<id>/sources (a dipkg before it answers 404: the call is left out)."""
    first = s.get(url + "/api/events", params={"canonical": "true"}, timeout=600).json().get("events", [])
    if not first:
        return []
    ev = max(first, key=lambda e: e.get("sourcesTotal") or e.get("sourceCount") or 0)
    path = f"/api/events/{ev['id']}/sources"
    return [("canonical event sources", path, {})] if s.get(url + path, timeout=600).status_code == 200 else []


def timed(url: str, plan, reps: int, failed: dict[str, int] | None = None) -> dict[str, list[float]]:
    """Milliseconds per call; a 503 (the query timeout of `kg serve`, 10 s) is counted in ``failed``
    and timed like any answer (a call that times out costs its 10 s), any other status is an error."""
    s = requests.Session()
    out: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    for _ in range(reps):
        for name, path, params in plan:
            t = time.perf_counter()
            r = s.get(url + path, params=params, timeout=600)
            out[name].append((time.perf_counter() - t) * 1000)
            if r.status_code == 503 and failed is not None:
                failed[name] = failed.get(name, 0) + 1
                continue
            assert r.status_code == 200, (name, r.status_code, r.text[:300])
    return out


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def one_size(n: int, work: Path, reps: int, peer_reps: int) -> dict:
    store = work / f"store-{n}"
    saved = work / f"store-{n}.json"
    if store.is_dir() and saved.is_file():
        meta = json.loads(saved.read_text())
        return measure(n, store, meta["import_s"], reps, peer_reps)
    objs = article_dicts(n, f"g{n}")
    files = []
    for i in range(0, n, 1000):        # kg import reads files of at most 21 MB
        files.append(work / f"articles-{n}-{i // 1000:03d}.jsonl")
        with open(files[-1], "w", encoding="utf-8") as f:
            for o in objs[i:i + 1000]:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"])]
    t = time.perf_counter()
    r = subprocess.run(cmd + ["--store", str(store), "import", *map(str, files)], capture_output=True, text=True, cwd=ROOT)
    import_s = time.perf_counter() - t
    if r.returncode != 0:      # some articles rejected (reported), or a failure: say which, go on if stored
        print(f"kg import exited {r.returncode}: {r.stderr.strip()[-800:]}", flush=True)
    saved.write_text(json.dumps({"import_s": import_s}))
    return measure(n, store, import_s, reps, peer_reps)


def measure(n: int, store: Path, import_s: float, reps: int, peer_reps: int) -> dict:
    size = du(store)
    server = start_server(store, token=TEST_TOKEN, workers=2, threads=4, wait=1800, KG_CACHE_BYTES=0)
    try:
        plan = calls(server.url)
        failed: dict[str, int] = {}
        idx = timed(server.url, plan, reps, failed)
        rss = rss_of_group(server.proc.pid)
        r = requests.post(server.url + "/sparql", data={"update": "INSERT DATA { GRAPH <urn:bench:lag> "
                                                                  "{ <urn:bench:a> <urn:bench:b> 'c' } }"},
                          headers={"Authorization": f"Bearer {TEST_TOKEN}"}, timeout=600)
        assert r.status_code in (200, 204), r.text
        peer_failed: dict[str, int] = {}
        peer = timed(server.url, plan, peer_reps, peer_failed) if peer_reps else {}
    finally:
        server.stop()
    row = {"articles": n, "import_s": round(import_s, 1), "articles_per_s": round(n / import_s, 1),
           "store_mb": round(size / 2**20, 1), "serve_rss_mb": round(rss / 2**20), "calls": {}}
    for name, _, _ in plan:
        row["calls"][name] = {"p50": round(pct(idx[name], 0.5), 1), "p95": round(pct(idx[name], 0.95), 1),
                              "p99": round(pct(idx[name], 0.99), 1)}
        if peer:
            row["calls"][name]["sparql_p50"] = round(pct(peer[name], 0.5), 1)
        if failed.get(name) or peer_failed.get(name):
            row["calls"][name]["timeouts"] = [failed.get(name, 0), peer_failed.get(name, 0)]
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--peer-reps", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--work", help="keep the stores here and reuse them (default: a temporary directory)")
    args = ap.parse_args(argv)
    rows = []
    with (contextlib.nullcontext(args.work) if args.work else tempfile.TemporaryDirectory(prefix="kg-growth-")) as tmp:
        Path(tmp).mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in args.sizes.split(",")):
            row = one_size(n, Path(tmp), args.reps, args.peer_reps)
            rows.append(row)
            print(f"\n{n:,} articles: import {row['import_s']} s ({row['articles_per_s']} articles/s), "
                  f"store {row['store_mb']} MB on disk, kg serve RSS {row['serve_rss_mb']} MB", flush=True)
            print(f"  {'call':<26}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'SPARQL p50':>12}{'ratio':>8}")
            for name, c in row["calls"].items():
                sp = c.get("sparql_p50")
                ratio = f"{sp / c['p50']:.1f}x" if sp else ""
                late = f"  timeouts (503) {c['timeouts']}" if c.get("timeouts") else ""
                print(f"  {name:<26}{c['p50']:>9.1f}{c['p95']:>9.1f}{c['p99']:>9.1f}{(sp or 0):>12.1f}{ratio:>8}{late}",
                      flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
