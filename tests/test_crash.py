"""Crash safety (small version of bench/crash_trials.py): SIGKILL a batch import at random points,
inside a RocksDB read-write window and right after one (the version-bump window); after each kill
every article present equals a clean import of it, the event index is current (equal to a rebuild) or
lagging, and re-running the batch completes the store and its index."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from bench.crash_trials import (Totals, check_store, article_dicts, build_reference, cli_rounds,  # noqa: E402
                                write_jsonl)

pytestmark = pytest.mark.slow  # not in `make test-fast`; `make test` runs it


def test_import_killed_three_times(tmp_path):
    objs = article_dicts(70, "crash")
    data = write_jsonl(tmp_path / "batch.jsonl", objs)
    ref, full, _ = build_reference(tmp_path, data, "import")
    assert len(ref.graphs) == 70
    totals = Totals()
    cli_rounds(tmp_path, ref, data, "import", rounds=1, kills_per_round=3, rng=random.Random(11),
               full_time=full, windows=2, validate_every=1, totals=totals, verbose=False,
               modes=("write", "close", "uniform"))
    assert totals.trials == 3
    assert totals.failures == [], totals.failures
    assert totals.kills >= 2, totals.log           # a kill can come too late on a slow machine, rarely
    assert totals.log[-1]["mode"] == "re-run" and totals.log[-1]["articles"] == 70
    # the event index after each kill: current and equal to a rebuild, or lagging (unused until rebuilt);
    # the completed re-run leaves it current
    assert all(row["index"] in ("current", "lags") for row in totals.log), totals.log
    assert totals.log[-1]["index"] == "current", totals.log
    # the checker itself can fail: a store that does not open is reported, not passed
    broken = check_store(tmp_path / "no-such-store", ref)
    assert broken.failures and "does not open" in broken.failures[0]
