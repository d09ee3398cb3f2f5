"""Run the service under gunicorn, programmatically (``kg serve``)."""
from __future__ import annotations

import os
import shutil
import tempfile

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, config: dict, options: dict):
        self._config = config
        self.options = options
        super().__init__()

    def load_config(self):
        for k, v in self.options.items():
            if k in self.cfg.settings and v is not None:
                self.cfg.set(k, v)

    def load(self):
        from .app import create_app
        return create_app(self._config)


def _prepare_store(location: str) -> None:
    """Create the store if needed, in a child process: RocksDB must never be opened in the gunicorn
    master, since workers forked from a process that used it crash (its thread pools do not survive fork)."""
    import subprocess
    import sys

    from ..store import StoreError
    code = ("import sys\nfrom kg.store import open_store, StoreError\n"
            "try:\n    open_store(sys.argv[1]).close()\n"
            "except StoreError as e:\n    print(e, file=sys.stderr); sys.exit(3)\n")
    r = subprocess.run([sys.executable, "-c", code, location], capture_output=True, text=True)
    if r.returncode != 0:
        raise StoreError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"cannot open {location!r}")


def serve(location: str, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 4,
          timeout: float | None = None, procs: int | None = None, access_log: bool = False,
          min_confidence: float | None = None) -> None:
    """``min_confidence`` None leaves it to create_app (KG_MIN_CONFIDENCE, else the default)."""
    _prepare_store(location)
    metrics_dir = tempfile.mkdtemp(prefix="kg-metrics-")
    query_timeout = timeout if timeout is not None else float(os.environ.get("KG_QUERY_TIMEOUT") or 10)
    config = {"store": location, "query_timeout": query_timeout, "metrics_dir": metrics_dir,
              "query_procs": procs or int(os.environ.get("KG_QUERY_PROCS") or threads),
              "min_confidence": min_confidence}
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "timeout": int(query_timeout + 60), "graceful_timeout": 5, "keepalive": 5,
               "limit_request_line": 8190, "limit_request_field_size": 16384,
               "accesslog": "-" if access_log else None, "errorlog": "-", "loglevel": "warning",
               "proc_name": "kg-serve"}
    try:
        _App(config, options).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
