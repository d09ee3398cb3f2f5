"""The configuration of a dipkg process: one validated, frozen :class:`Settings`, built once.

The CLI builds it from its options over the environment (``Settings.from_env(**click_options)``), the web
app from the environment when it is not given one (``create_app(settings=None)``), and both pass it down
explicitly: to :func:`kg.store.open_store` (:meth:`Settings.store_config`), to validation
(:func:`kg.validate.configure`), to the query executor. This is the only module that reads the
environment, and nothing writes to it: processes started by a command (gunicorn workers, query
processes) receive the Settings object itself.

Precedence: an explicit value (a CLI option, a keyword of ``from_env``) over the environment variable
over the default below. Every default is defined here once, so ``kg serve`` and
``gunicorn 'server:create_app()'`` behave alike.
"""
from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from .records import DEFAULT_MIN_CONFIDENCE
from .store import DEFAULT_LOCATION, StoreConfig


class SettingsError(ValueError):
    """A configuration value is unusable; the message names the variable (or option) and what to give."""


@dataclass(frozen=True)
class Settings:
    """Everything a dipkg process is configured with. Field -> environment variable in ``ENV``."""

    # the store (kg.store.open_store)
    store: str = DEFAULT_LOCATION               # a directory (embedded pyoxigraph) or an http(s):// query endpoint
    update_url: str | None = None               # remote: SPARQL Update endpoint when it differs from store
    graph_store_url: str | None = None          # remote: Graph Store Protocol endpoint (GET /graph reads it)
    store_user: str | None = None               # remote: credentials (basic, digest after a 401)
    store_password: str | None = None
    store_engine: str | None = None             # remote: oxigraph, virtuoso, ... (guessed from the URL if unset)
    store_token: str | None = None              # remote: a bearer token for the engine (e.g. QLever)
    # validation (kg.validate): None = the packaged shapes/dipkg.ttl and ontology/dipkg.ttl
    shapes: str | None = None
    ontology: str | None = None
    # the web service (kg.web.app)
    token: str | None = None                    # bearer token for writes; None = read-only service
    query_timeout: float = 10.0                 # seconds per query (and per POST /articles write)
    max_rows: int = 10_000                      # result rows before X-Result-Truncated
    max_body: int = 10 * 2**20                  # request body bytes
    cache_bytes: int = 64 * 2**20               # response cache per worker
    threads: int = 4                            # request threads per gunicorn worker
    query_procs: int | None = None              # queries at once per worker; None = one per thread
    metrics_dir: str | None = None              # Prometheus files shared by the workers
    min_confidence: float = DEFAULT_MIN_CONFIDENCE  # POST /articles: extracted events below this are left out
    ingest_timeout: float = 30.0                # POST /articles: seconds for extraction and validation
    # what an import or ingest writes (kg import, kg ingest, POST /articles)
    store_text: bool = True                     # each article's full text as schema:text; off: the sentences only

    ENV = {"store": "KG_STORE", "update_url": "KG_UPDATE_URL", "graph_store_url": "KG_GRAPH_STORE_URL",
           "store_user": "KG_STORE_USER", "store_password": "KG_STORE_PASSWORD",
           "store_engine": "KG_STORE_ENGINE", "store_token": "KG_STORE_TOKEN",
           "shapes": "KG_SHAPES", "ontology": "KG_ONTOLOGY", "token": "KG_TOKEN",
           "query_timeout": "KG_QUERY_TIMEOUT", "max_rows": "KG_MAX_ROWS", "max_body": "KG_MAX_BODY",
           "cache_bytes": "KG_CACHE_BYTES", "threads": "KG_THREADS", "query_procs": "KG_QUERY_PROCS",
           "metrics_dir": "KG_METRICS_DIR", "min_confidence": "KG_MIN_CONFIDENCE",
           "ingest_timeout": "KG_INGEST_TIMEOUT", "store_text": "KG_STORE_TEXT"}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Settings from ``environ`` (default: the process environment), then ``overrides`` on top.

        An override of None means "not given" (an unset CLI option), so the environment still applies.
        Empty variables count as unset. Raises :class:`SettingsError` naming the variable on bad values.
        """
        environ = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values: dict[str, object] = {}
        for name, var in cls.ENV.items():
            raw = environ.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _convert(name, raw.strip(), var)
        for name, value in overrides.items():
            if value is not None:
                values[name] = _convert(name, value, _option(name))
        return cls(**values)

    def __post_init__(self):
        def bad(name, what):
            return SettingsError(f"{self._source(name)} is {getattr(self, name)!r}: it {what}")
        if not self.store:
            raise bad("store", "give a store directory or an http(s):// SPARQL query endpoint")
        for name in ("query_timeout", "ingest_timeout"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise bad(name, "must be a number of seconds above 0, e.g. 10")
        for name in ("max_rows", "max_body", "cache_bytes", "threads"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < (0 if name == "cache_bytes" else 1):
                raise bad(name, "must be a whole number of at least " + ("0" if name == "cache_bytes" else "1"))
        if self.query_procs is not None and (not isinstance(self.query_procs, int) or self.query_procs < 1):
            raise bad("query_procs", "must be a whole number of at least 1 (or unset: one per thread)")
        mc = self.min_confidence
        if not (isinstance(mc, (int, float)) and 0.0 <= mc <= 1.0):   # NaN fails too
            raise bad("min_confidence", "must be a number from 0 to 1")
        if not isinstance(self.store_text, bool):
            raise bad("store_text", "must be true or false")
        if self.store_engine is not None and self.store_engine not in ENGINES:
            raise bad("store_engine", f"must be one of {', '.join(ENGINES)}")

    @staticmethod
    def _source(name: str) -> str:
        option = _option(name)
        return Settings.ENV.get(name, name) + (f" (or {option})" if option.startswith("--") else "")

    def replace(self, **changes) -> Settings:
        """A copy with ``changes`` (validated again); None values are ignored, as in from_env."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    # --- what the layers below are given ----------------------------------------------------------
    @property
    def remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))

    @property
    def query_slots(self) -> int:
        """Queries a web worker runs at once: KG_QUERY_PROCS, else one per request thread."""
        return self.query_procs or self.threads

    def store_config(self) -> StoreConfig:
        """Where the store is and how to reach it: what open_store takes (picklable, for query processes)."""
        if not self.remote:
            return StoreConfig(self.store)
        return StoreConfig(self.store, update_url=self.update_url, graph_store_url=self.graph_store_url,
                           user=self.store_user, password=self.store_password, engine=self.store_engine,
                           token=self.store_token)

    def open_store(self, **options):
        """:func:`kg.store.open_store` on :meth:`store_config` (``read_only=True`` to only read)."""
        from .store import open_store
        return open_store(self.store_config(), **options)

    def __repr__(self) -> str:  # secrets stay out of logs and tracebacks
        shown = {f.name: ("***" if f.name in SECRETS and getattr(self, f.name) else getattr(self, f.name))
                 for f in fields(self)}
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"


ENGINES = ("oxigraph", "virtuoso", "fuseki", "graphdb", "neptune", "generic")
SECRETS = {"store_password", "store_token", "token"}
_INTS = {"max_rows", "max_body", "cache_bytes", "threads", "query_procs"}
_FLOATS = {"query_timeout", "min_confidence", "ingest_timeout"}
_BOOLS = {"store_text"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _option(name: str) -> str:
    return {"store": "--store", "update_url": "--update-url", "graph_store_url": "--graph-store-url",
            "store_user": "--store-user", "store_password": "--store-password", "query_timeout": "--timeout",
            "threads": "--threads", "min_confidence": "--min-confidence",
            "store_text": "--text/--no-text"}.get(name, name)


def _example(name: str):
    default = next(f.default for f in fields(Settings) if f.name == name)
    return 4 if default is None else default


def _convert(name: str, value, where: str):
    """``value`` (text from the environment, or a CLI/Python value) as the field's type."""
    if name in _INTS:
        if isinstance(value, bool):
            raise SettingsError(f"{where}={value!r} is not a whole number")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{where}={value!r} is not a whole number; give digits only, e.g. "
                                f"{where}={_example(name)}") from None
    if name in _BOOLS:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        raise SettingsError(f"{where}={value!r} is not true or false; give e.g. {where}=false")
    if name in _FLOATS:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{where}={value!r} is not a number; give e.g. {where}={_example(name)}") from None
    return str(value)


__all__ = ["Settings", "SettingsError"]
