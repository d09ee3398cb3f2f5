"""kg dump / kg restore: round trips give the same dataset graph by graph; a bad dump never touches the target."""
from __future__ import annotations

import gzip
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

pytestmark = pytest.mark.slow  # not in `make test-fast`; `make test` runs it

ROOT = Path(__file__).resolve().parents[1]
KG = Path(sys.executable).parent / "kg"


def kg(*args, check=True) -> subprocess.CompletedProcess:
    cmd = [str(KG) if KG.exists() else sys.executable, *([] if KG.exists() else ["-m", "kg.cli"]), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r


def dataset(store_dir) -> dict[str, set[str]]:
    """Every graph of the store as a set of N-Triples lines (the store holds no blank nodes)."""
    s = ox.Store.read_only(str(store_dir))
    out: dict[str, set[str]] = defaultdict(set)
    for q in s.quads_for_pattern(None, None, None, None):
        assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        out[str(q.graph_name)].add(str(ox.Triple(q.subject, q.predicate, q.object)))
    del s
    return dict(out)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    from bench.synthetic import articles
    from kg.ingest import ingest_many
    from kg.store import open_store
    d = tmp_path_factory.mktemp("backup") / "src"
    store = open_store(str(d))
    summary = ingest_many(store, articles(100, "bk"), extractor="curated")
    store.close()
    assert summary.failed == 0 and summary.stored == 100
    return d


@pytest.mark.parametrize("name", ["dump.nq", "dump.nq.gz"])
def test_round_trip_same_dataset(source, tmp_path, name):
    f = tmp_path / name
    kg("--store", source, "dump", f)
    if name.endswith(".gz"):
        assert gzip.open(f).read(20).startswith(b"# dipkg dump")
    target = tmp_path / "restored"
    r = kg("--store", target, "restore", f)
    assert "restored" in r.stderr
    a, b = dataset(source), dataset(target)
    assert set(a) == set(b) and len(a) == 102          # 100 article graphs + actors + canonical events
    for g in a:
        assert a[g] == b[g], f"graph {g} differs"
    assert kg("--store", target, "stats", "--json").stdout == kg("--store", source, "stats", "--json").stdout
    assert "conform" in kg("--store", target, "validate").stderr
    # the restored store takes writes like any other
    kg("--store", target, "delete", "bk-000001")
    assert len(dataset(target)) == 101


def test_non_empty_target_refused_and_replace(source, tmp_path):
    f = tmp_path / "d.nq.gz"
    kg("--store", source, "dump", f)
    other = tmp_path / "other"
    kg("--store", other, "import", ROOT / "samples" / "annotated" / "sample-xi-paris-2024.json")
    before = dataset(other)
    r = kg("--store", other, "restore", f, check=False)
    assert r.returncode != 0 and "not empty" in r.stderr and "--replace" in r.stderr
    assert dataset(other) == before
    kg("--store", other, "restore", "--replace", f)
    assert dataset(other) == dataset(source)
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name or ".old-" in p.name]


def _corruptions(good: Path, tmp: Path) -> dict[str, Path]:
    data = good.read_bytes()
    text = gzip.decompress(data)
    lines = text.splitlines(keepends=True)
    out = {}
    out["gzip cut short"] = tmp / "cut.nq.gz"
    out["gzip cut short"].write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x5A
    out["gzip bit flip"] = tmp / "flip.nq.gz"
    out["gzip bit flip"].write_bytes(bytes(flipped))
    out["cut at a line"] = tmp / "cut.nq"
    out["cut at a line"].write_bytes(b"".join(lines[: len(lines) // 2]))
    out["cut mid line"] = tmp / "mid.nq"
    out["cut mid line"].write_bytes(b"".join(lines[: len(lines) // 2]) + lines[len(lines) // 2][:30])
    bad = list(lines)
    bad[123] = bad[123].replace(b"<https", b"<ht tps", 1)
    out["broken line"] = tmp / "broken.nq.gz"
    out["broken line"].write_bytes(gzip.compress(b"".join(bad)))
    out["not gzip"] = tmp / "plain.nq.gz"
    out["not gzip"].write_bytes(text)
    return out


def test_corrupt_dump_clear_error_target_untouched(source, tmp_path):
    good = tmp_path / "good.nq.gz"
    kg("--store", source, "dump", good)
    existing = tmp_path / "existing"
    kg("--store", existing, "import", ROOT / "samples" / "annotated" / "sample-xi-paris-2024.json")
    before = dataset(existing)
    for what, f in _corruptions(good, tmp_path).items():
        fresh = tmp_path / f"fresh-{f.stem}"
        r = kg("--store", fresh, "restore", f, check=False)
        assert r.returncode != 0, what
        assert "nothing was restored" in r.stderr, (what, r.stderr)
        assert "Traceback" not in r.stderr, (what, r.stderr)
        if what == "broken line":
            assert "line 124" in r.stderr, r.stderr
        elif what.startswith("gzip") or what.startswith("cut"):
            assert "line" in r.stderr, (what, r.stderr)
        assert not fresh.exists(), what
        from kg.backup import BackupError, restore
        with pytest.raises(BackupError):
            restore(f, existing, replace=True)
        assert dataset(existing) == before, what
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name or ".old-" in p.name]
    assert "conform" in kg("--store", existing, "validate").stderr


def test_dump_interrupted_leaves_no_file(source, tmp_path, monkeypatch):
    from kg import backup
    from kg.store import open_store
    store = open_store(str(source), read_only=True)
    calls = []

    def boom(n):
        calls.append(n)
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "BATCH_LINES", 100)
    with pytest.raises(KeyboardInterrupt):
        backup.dump(store, tmp_path / "x.nq.gz", progress=boom)
    assert calls and not list(tmp_path.iterdir())
