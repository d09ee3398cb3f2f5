"""Write amplification of the embedded store: what N small writes leave on disk, and what they cost.

Each write is one article-sized SPARQL Update through ``EmbeddedStore.update`` (the path ``kg import`` and
``POST /articles`` take: file lock, RocksDB opened read-write, commit, close). After every write a read
runs on a second handle, as a ``kg serve`` worker would. Printed: SST files, write-ahead logs, bytes on
disk, the median write and read times, and the read path the store reports (``read_stats``).

    python bench/write_amplification.py [--writes 30] [--dir DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.store import open_store  # noqa: E402


def disk(path: Path) -> dict:
    files = [p for p in path.rglob("*") if p.is_file()]
    return {"sst": sum(p.suffix == ".sst" for p in files), "wal": sum(p.suffix == ".log" for p in files),
            "bytes": sum(p.stat().st_size for p in files)}


def article_update(i: int) -> str:
    g = f"<https://w3id.org/dipkg/resource/article/bench-{i}>"
    triples = " ".join(f"<urn:bench:e{i}-{k}> <urn:bench:p{k % 7}> \"value {i} {k}\" ." for k in range(25))
    return f"DROP SILENT GRAPH {g} ; INSERT DATA {{ GRAPH {g} {{ {triples} }} }}"


def run(n: int, root: Path) -> dict:
    loc = root / "store"
    writer = open_store(str(loc))
    reader = open_store(str(loc), read_only=True)
    writes, reads = [], []
    for i in range(n):
        t0 = time.perf_counter()
        writer.update(article_update(i))
        writes.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        got = reader.count()
        reads.append(time.perf_counter() - t0)
        assert got == 25 * (i + 1), (got, i)
    out = disk(loc)
    out.update(write_ms=1000 * statistics.median(writes), read_ms=1000 * statistics.median(reads),
               total_s=sum(writes), reads=dict(reader.read_stats()))
    reader.close()
    writer.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--writes", type=int, default=30)
    ap.add_argument("--dir", help="where to make the store (default: a temporary directory)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        r = run(args.writes, Path(tmp))
    print(f"{args.writes} small writes: {r['sst']} SST files, {r['wal']} write-ahead logs, "
          f"{r['bytes'] / 1e6:.2f} MB on disk; write median {r['write_ms']:.1f} ms "
          f"(total {r['total_s']:.2f} s), read-after-write median {r['read_ms']:.1f} ms")
    print("reads: " + ", ".join(f"{k} {v}" for k, v in sorted(r["reads"].items())))


if __name__ == "__main__":
    main()
