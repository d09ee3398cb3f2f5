"""`make bench`: every benchmark, one after another, each printing its own figures.

Each script compares against a peer measured in the same run (bare spaCy, oxigraph serve, the other
backends, 100 vs 10,000 stored articles), because this machine's absolute speed varies. The defaults
here are the sizes the issues ask for; ``--quick`` runs small versions (a few minutes in all).

    .venv/bin/python bench/run_all.py [--quick] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (full arguments, quick arguments)
BENCHES = {
    "core": ("bench_core.py", [], ["--large", "1000"]),
    "validate": ("bench_validate.py", [], ["--articles", "50"]),
    "ingest": ("bench_ingest.py", ["--n", "500"], ["--n", "100"]),
    "extract": ("bench_extract.py", ["--n", "500"], ["--n", "100"]),
    "extraction-scores": ("score_heldout.py", [], []),
    "sparql": ("bench_sparql.py", [], ["--events", "10000", "--rounds", "1", "--seconds", "10"]),
    "api": ("bench_api.py", [], ["--sizes", "1000", "--reps", "3", "--no-http"]),
    "growth": ("bench_growth.py", ["--sizes", "1000,10000"], ["--sizes", "300", "--reps", "3", "--peer-reps", "2"]),
    "backends": ("bench_backends.py", [], ["--articles", "500", "--ingest", "50", "--repeat", "3"]),
    "concurrency": ("concurrency.py", [], ["--seconds", "15", "--preload", "100", "--new", "200"]),
    "crash": ("crash_trials.py", [], ["--articles", "300", "--rounds", "1", "--kills-per-round", "3",
                                      "--service-trials", "1", "--ingest-trials", "1"]),
    "fuzz": ("fuzz.py", [], ["--cases", "1000", "--seconds", "300"]),
    "update-latency": ("update_latency.py", [], ["--quick"]),
    "protocol-probe": ("protocol_probe.py", [], []),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, a few minutes in all")
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    a = ap.parse_args()
    failed = []
    for name, (script, full, quick) in BENCHES.items():
        if a.only and name not in a.only:
            continue
        args = quick if a.quick else full
        print(f"\n=== {name}: {script} {' '.join(args)}", flush=True)
        t = time.monotonic()
        rc = subprocess.call([sys.executable, str(HERE / script), *args])
        print(f"=== {name}: {'ok' if rc == 0 else f'exit {rc}'} in {time.monotonic() - t:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
