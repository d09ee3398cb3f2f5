"""The Flask application factory of the SPARQL service (``server.create_app`` re-exports it).

Configuration is explicit: ``create_app(kg.Settings(store=..., token=...))``, or without an
argument ``Settings.from_env()`` (KG_STORE, KG_TOKEN, KG_QUERY_TIMEOUT, KG_MAX_ROWS, KG_MAX_BODY,
KG_CACHE_BYTES, KG_THREADS, KG_QUERY_PROCS, KG_METRICS_DIR, KG_MIN_CONFIDENCE, ...; see kg.settings).
"""
from __future__ import annotations

import hmac
import importlib
import io
import logging
import os
import threading
import time

from flask import Flask, current_app, g, request

from .. import Settings, SettingsError, validate
from . import errors
from .cache import ResponseCache
from .errors import ApiError, query_error
from .executor import QueryError, QueryTimeout, executor_for
from .metrics import Metrics

log = logging.getLogger("kg.web")

# Blueprints: "module" (exporting ``bp``). Add new ones here; OPTIONAL ones are registered only
# when their module exists (a colleague's dashboard API, for instance).
BLUEPRINTS = ["kg.web.sparql", "kg.web.graph_store", "kg.web.articles", "kg.web.ops"]
OPTIONAL_BLUEPRINTS = ["kg.web.api", "kg.web.page"]

# the response headers a browser script may read (the row cap, the cache, where a new graph went, ...)
EXPOSED_HEADERS = ("Content-Type, X-Result-Truncated, X-Result-Row-Cap, X-Cache, Retry-After, Location, "
                   "WWW-Authenticate, X-Next-Cursor")


class Service:
    """What the blueprints share: the settings, the store, the query pool, the cache, the metrics."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.location = settings.store
        self.store = settings.open_store()      # reads (graph store, health) and article writes
        self.cache = ResponseCache(settings.cache_bytes)
        self.metrics = Metrics(settings.metrics_dir)
        self._executor = None
        self._ingest_pool = None
        self._lock = threading.Lock()
        self._stats: tuple[str, dict] | None = None

    @property
    def executor(self):
        # One pool per process: gunicorn forks workers after the app may have been built.
        with self._lock:
            if self._executor is None or self._executor.pid != os.getpid():
                self._executor = executor_for(self.location, self.settings.query_slots, self.store)
            return self._executor

    def prepare(self, items: list, min_confidence: float, store_text: bool = True) -> list:
        """Extract (where asked) and validate the articles of one POST /articles in a killable worker process.

        spaCy, the extraction rules and pyshacl cannot be interrupted in-thread, so they run in a
        one-process pool of the executor's own kind (its spaCy model loaded once); when they overrun
        KG_INGEST_TIMEOUT the worker is killed and nothing is written (the write only follows a result).
        """
        from .executor import QueryExecutor
        with self._lock:
            if self._ingest_pool is None or self._ingest_pool.pid != os.getpid():
                self._ingest_pool = QueryExecutor(self.location, 1)
            pool = self._ingest_pool
        timeout = self.settings.ingest_timeout
        try:
            return pool.run({"op": "prepare", "items": items, "min_confidence": min_confidence,
                             "store_text": store_text, "shapes": self.settings.shapes, "ontology": self.settings.ontology}, timeout).value
        except QueryError as e:
            raise query_error(e, "extracting and validating the article(s)", hint=(
                "nothing was stored. Post fewer or shorter articles per request (one at a time for long "
                "texts), or send curated 'events' so that nothing is extracted; the limit is KG_INGEST_TIMEOUT"
            ) if isinstance(e, QueryTimeout) else None) from None

    def run(self, job: dict):
        """Run a job under the query timeout; a failure becomes the ApiError that errors.QUERY_STATUS gives it."""
        try:
            return self.executor.run(job, self.timeout)
        except QueryError as e:
            if isinstance(e, QueryTimeout):
                self.metrics.inc("query_timeouts")
            raise query_error(e, "update" if job.get("op") == "update" else "query") from None

    @property
    def timeout(self) -> float:
        return self.settings.query_timeout

    def version(self) -> str | None:
        try:
            return self.store.version()
        except Exception:
            return None

    def stats(self) -> dict:
        """Quad count and version, recomputed only when the store version changed."""
        v = self.version()
        if self._stats is not None and self._stats[0] == v and v is not None:
            return self._stats[1]
        res = self.run({"op": "stats"})
        self._stats = (v, res.value)
        return res.value

    def select(self, sparql: str) -> list[dict]:
        """SELECT rows as plain dicts (like Store.select), run in the killable query pool."""
        import json

        from ..store.base import PREFIX_HEADER, _py
        res = self.run({"op": "query", "sparql": PREFIX_HEADER + sparql, "result_format": "json",
                        "graph_format": "turtle", "default_graphs": [], "named_graphs": [],
                        "max_rows": self.settings.max_rows})
        data = json.loads(res.body)
        return [{k: _py(v) for k, v in row.items()} for row in data["results"]["bindings"]]

    def require_writer(self) -> None:
        """403 on a read-only service; 401 unless the request carries the token (see :func:`given_token`)."""
        token = self.settings.token
        if not token:
            raise ApiError(403, "this service is read-only: no write token is configured. Start it with "
                                "KG_TOKEN=<secret> in the environment (e.g. 'KG_TOKEN=s3cret kg serve') and "
                                "send the secret with writes, as 'Authorization: Bearer <secret>' or as the "
                                "HTTP Basic password.")
        scheme, given = given_token(request.headers.get("Authorization", ""))
        if given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8")):
            return
        if scheme is None:
            problem = "no credentials were sent"
        elif given is None:
            problem = (f"the {scheme} scheme is not supported (Digest cannot be: send Basic instead)"
                       if scheme.lower() == "digest" else f"the {scheme} scheme is not supported")
        else:
            problem = f"the token given ({scheme}) is wrong"
        raise ApiError(401, f"writes need the token the service was started with (KG_TOKEN): {problem}. Send "
                            "it as 'Authorization: Bearer <token>', or as the password of HTTP Basic with any "
                            "user name (SPARQLWrapper: setHTTPAuth(BASIC) and setCredentials('dipkg', token); "
                            "rdflib SPARQLUpdateStore: auth=('dipkg', token); curl: -u dipkg:<token>)",
                       headers=AUTH_CHALLENGES)


# One Basic challenge, no Bearer one (Bearer tokens are still accepted): Jena 4.5's AuthEnv cannot parse any
# Bearer challenge and fails with a NullPointerException when one is among the WWW-Authenticate headers, and
# urllib's Digest handler (SPARQLWrapper DIGEST) raises ValueError on a Bearer challenge that comes first.
# Basic is what Python (urllib, requests), the JDK's Authenticator, Jena's AuthEnv and browsers answer.
# Measured with each client: docs/clients.md.
AUTH_CHALLENGES = [("WWW-Authenticate", 'Basic realm="dipkg", charset="UTF-8"')]


def given_token(header: str) -> tuple[str | None, str | None]:
    """(scheme, token) from an Authorization header: Bearer <token>, or Basic with the token as the password
    (any user name: clients that only know Basic auth need one). (None, None) when absent; the token is
    None for a scheme we do not take or a Basic value that does not decode."""
    import base64
    import binascii
    scheme, _, value = header.strip().partition(" ")
    if not scheme:
        return None, None
    value = value.strip()
    if scheme.lower() == "bearer":
        return "Bearer", value
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return "Basic", None
        user, sep, password = decoded.partition(":")
        return "Basic", password if sep else None
    return scheme, None


def _timed_select(svc: Service):
    """For other blueprints (the dashboard API): Service.select, whose failures are JSON ApiErrors."""
    return svc.select


def _buffer_unsized_body(environ: dict, limit: int) -> None:
    """Read a body sent without Content-Length (chunked) up to ``limit`` + 1 bytes, or answer 413.

    werkzeug's limited stream stops at the limit without noticing that more data follows, so a
    chunked body over KG_MAX_BODY would otherwise be silently cut to its first KG_MAX_BODY bytes
    (and a cut N-Triples file or article text could be stored as if whole).
    """
    src = environ.get("wsgi.input")
    if src is None:
        return
    buf = bytearray()
    while len(buf) <= limit:
        chunk = src.read(min(1 << 16, limit + 1 - len(buf)))
        if not chunk:
            break
        buf.extend(chunk)
    if len(buf) > limit:
        raise ApiError(413, f"the request body is larger than the {limit:,} byte limit (KG_MAX_BODY); split the "
                            "data into several requests", headers={"Connection": "close"})
    environ["wsgi.input"] = io.BytesIO(bytes(buf))
    environ["CONTENT_LENGTH"] = str(len(buf))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = True     # the BytesIO ends by itself


def service() -> Service:
    return current_app.extensions["kg"]


def create_app(settings: Settings | None = None) -> Flask:
    """The service for ``settings`` (default: ``Settings.from_env()``, so ``gunicorn 'server:create_app()'``
    is configured by the same variables, with the same defaults, as ``kg serve``)."""
    if settings is None:
        try:
            settings = Settings.from_env()
        except SettingsError as e:
            raise SystemExit(str(e)) from None
    elif not isinstance(settings, Settings):
        raise TypeError("create_app takes a kg.Settings, e.g. create_app(kg.Settings(store='kg-data'))")
    validate.configure(settings.shapes, settings.ontology)
    app = Flask("kg.web")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_body
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.url_map.strict_slashes = False
    svc = Service(settings)
    app.extensions["kg"] = svc
    app.extensions["kg_api_select"] = _timed_select(svc)
    errors.register(app, settings.max_body)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    for name in OPTIONAL_BLUEPRINTS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        bp = getattr(mod, "bp", None) or getattr(mod, "blueprint", None)
        if bp is not None:
            app.register_blueprint(bp)

    @app.before_request
    def _start():
        g.t0 = time.monotonic()
        # Refuse an oversized body before reading a byte of it.
        if request.content_length is not None and request.content_length > app.config["MAX_CONTENT_LENGTH"]:
            raise ApiError(413, f"the request body ({request.content_length:,} bytes) is larger than the "
                                f"{app.config['MAX_CONTENT_LENGTH']:,} byte limit (KG_MAX_BODY); split the data "
                                "into several requests")
        if request.content_length is None and request.method in ("POST", "PUT", "PATCH"):
            _buffer_unsized_body(request.environ, app.config["MAX_CONTENT_LENGTH"])
        if request.method == "OPTIONS":
            from flask import make_response
            resp = make_response("", 204)
            return resp

    @app.after_request
    def _finish(resp):
        # CORS: any origin may query. Authorization is an allowed request header so that a browser
        # client (YASGUI) that was given the token can send it; browsers never add it by themselves
        # (no Allow-Credentials), so a page cannot write with credentials the user did not type in.
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Accept, Authorization, Content-Type"
            resp.headers["Access-Control-Max-Age"] = "86400"
        if resp.status_code == 204:
            resp.headers.pop("Content-Type", None)    # no body, so no body type (Flask adds text/html)
        endpoint = (request.url_rule.rule if request.url_rule else "unmatched")
        svc.metrics.request(endpoint, request.method, resp.status_code)
        return resp

    return app
