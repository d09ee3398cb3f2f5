"""Run the service under gunicorn, programmatically (``kg serve``)."""
from __future__ import annotations

import shutil
import tempfile

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, settings, options: dict):
        self._settings = settings
        self.options = options
        super().__init__()

    def load_config(self):
        for k, v in self.options.items():
            if k in self.cfg.settings and v is not None:
                self.cfg.set(k, v)

    def load(self):
        from .app import create_app
        return create_app(self._settings)


def _prepare_store(settings) -> None:
    """Create an embedded store if needed, in a child process: RocksDB must never be opened in the gunicorn
    master, since workers forked from a process that used it crash (its thread pools do not survive fork).
    A remote store is only reached once (a wrong URL or stopped engine is reported before serving)."""
    import subprocess
    import sys

    from ..store import StoreError
    if settings.remote:
        settings.open_store().close()
        return
    code = ("import sys\nfrom kg.store import open_store, StoreError\n"
            "try:\n    open_store(sys.argv[1]).close()\n"
            "except StoreError as e:\n    print(e, file=sys.stderr); sys.exit(3)\n")
    r = subprocess.run([sys.executable, "-c", code, settings.store], capture_output=True, text=True)
    if r.returncode != 0:
        raise StoreError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"cannot open {settings.store!r}")


def serve(settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, access_log: bool = False) -> None:
    """Run ``create_app(settings)`` in ``workers`` gunicorn workers of ``settings.threads`` threads each."""
    _prepare_store(settings)
    own_metrics_dir = settings.metrics_dir is None
    if own_metrics_dir:     # the workers' Prometheus files, removed when the service stops
        settings = settings.replace(metrics_dir=tempfile.mkdtemp(prefix="kg-metrics-"))
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": settings.threads, "worker_class": "gthread",
               "timeout": int(settings.query_timeout + 60), "graceful_timeout": 5, "keepalive": 5,
               "limit_request_line": 8190, "limit_request_field_size": 16384,
               "accesslog": "-" if access_log else None, "errorlog": "-", "loglevel": "warning",
               "proc_name": "kg-serve"}
    try:
        _App(settings, options).run()
    finally:
        if own_metrics_dir:
            shutil.rmtree(settings.metrics_dir, ignore_errors=True)
