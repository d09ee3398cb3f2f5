"""Prometheus metrics shared by the gunicorn workers of one server.

Each worker counts in memory and, at most once a second (and whenever /metrics is
served), writes its counters to ``<metrics_dir>/<pid>.json``; /metrics sums the files of
every worker, so a scrape sees the whole server whichever worker answers it (at most about
a second behind). Without a metrics directory (a single process, tests) only the
in-process counters are reported.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self, directory: str | None = None):
        self.dir = Path(directory) if directory else None
        self._lock = threading.Lock()
        self.requests: dict[str, int] = defaultdict(int)     # "endpoint|method|status" -> n
        self.latency_buckets = [0] * len(BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.counters: dict[str, int] = defaultdict(int)     # timeouts, cache hits, ...
        self._last_flush = 0.0

    def request(self, endpoint: str, method: str, status: int) -> None:
        with self._lock:
            self.requests[f"{endpoint}|{method}|{status}"] += 1
        self._maybe_flush()

    def query_latency(self, seconds: float) -> None:
        with self._lock:
            for i, b in enumerate(BUCKETS):
                if seconds <= b:
                    self.latency_buckets[i] += 1
            self.latency_sum += seconds
            self.latency_count += 1

    def inc(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.counters[name] += n

    def snapshot(self) -> dict:
        with self._lock:
            return {"requests": dict(self.requests), "buckets": list(self.latency_buckets),
                    "sum": self.latency_sum, "count": self.latency_count, "counters": dict(self.counters)}

    def _maybe_flush(self, force: bool = False) -> None:
        if self.dir is None:
            return
        now = time.monotonic()
        if not force and now - self._last_flush < 1.0:
            return
        self._last_flush = now
        try:
            tmp = self.dir / f".{os.getpid()}.tmp"
            tmp.write_text(json.dumps(self.snapshot()))
            os.replace(tmp, self.dir / f"{os.getpid()}.json")
        except OSError:
            pass

    def combined(self) -> dict:
        """This worker's counters plus every other worker's last flush."""
        self._maybe_flush(force=True)
        snaps = []
        if self.dir is not None:
            for f in self.dir.glob("*.json"):
                try:
                    snaps.append(json.loads(f.read_text()))
                except (OSError, ValueError):
                    continue
        if not snaps:
            snaps = [self.snapshot()]
        total = {"requests": defaultdict(int), "buckets": [0] * len(BUCKETS), "sum": 0.0, "count": 0,
                 "counters": defaultdict(int)}
        for s in snaps:
            for k, v in s["requests"].items():
                total["requests"][k] += v
            total["buckets"] = [a + b for a, b in zip(total["buckets"], s["buckets"])]
            total["sum"] += s["sum"]
            total["count"] += s["count"]
            for k, v in s["counters"].items():
                total["counters"][k] += v
        return total

    def render(self, gauges: dict[str, float]) -> str:
        t = self.combined()
        out = ["# HELP kg_http_requests_total HTTP requests by endpoint, method and status.",
               "# TYPE kg_http_requests_total counter"]
        for k in sorted(t["requests"]):
            ep, method, status = k.split("|")
            out.append(f'kg_http_requests_total{{endpoint="{ep}",method="{method}",status="{status}"}} '
                       f'{t["requests"][k]}')
        out += ["# HELP kg_query_duration_seconds Time to answer a SPARQL query (cache misses and hits).",
                "# TYPE kg_query_duration_seconds histogram"]
        for b, n in zip(BUCKETS, t["buckets"]):
            out.append(f'kg_query_duration_seconds_bucket{{le="{b}"}} {n}')
        out.append(f'kg_query_duration_seconds_bucket{{le="+Inf"}} {t["count"]}')
        out.append(f"kg_query_duration_seconds_sum {t['sum']:.6f}")
        out.append(f"kg_query_duration_seconds_count {t['count']}")
        helps = {"query_timeouts": "Queries and updates stopped by the query timeout.",
                 "cache_hits": "Query answers served from the response cache.",
                 "cache_misses": "Query answers computed by the store.",
                 "truncated_results": "Answers cut at the row cap.",
                 "rejected_queries": "Queries refused before running (SERVICE, LOAD, remote FROM)."}
        for name, help_ in helps.items():
            out += [f"# HELP kg_{name}_total {help_}", f"# TYPE kg_{name}_total counter",
                    f"kg_{name}_total {t['counters'].get(name, 0)}"]
        for name, value in gauges.items():
            out += [f"# TYPE kg_{name} gauge", f"kg_{name} {value}"]
        return "\n".join(out) + "\n"
