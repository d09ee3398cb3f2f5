"""JSON errors everywhere: every error answer is ``{"error": ..., "status": ...}`` with a message a person can act on.

The status line carries the message's first clause as its reason phrase (``HTTP/1.1 503 query exceeded 10 s
and was stopped``): SPARQLWrapper, rdflib and urllib show only "HTTP Error <code>: <reason>" for most
statuses and never print the body, so the reason phrase is the one place those users see what went wrong.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .executor import (GraphStateError, NotAcceptable, QueryBusy, QueryCrashed, QueryError, QueryRejected,
                       QueryTimeout, StoreFailed, StoreUnavailable)

log = logging.getLogger("kg.web")

HINTS = {
    400: "the request is malformed",
    401: "send the token as 'Authorization: Bearer <token>' or as the HTTP Basic password",
    403: "this action is not allowed",
    404: "no such resource; GET /sparql describes the service, /health and /metrics report on it",
    405: "this endpoint does not accept that HTTP method",
    406: "none of the formats in your Accept header is available",
    413: "the request body is too large",
    415: "unsupported Content-Type",
}


class ApiError(Exception):
    """An error answer: ``status`` and a human message; ``parameter`` names the request parameter at fault;
    ``extra`` fields are merged into the JSON body; ``headers`` is a dict or a list of (name, value) pairs
    (for a header that repeats)."""

    def __init__(self, status: int, message: str, parameter: str | None = None, *, headers: dict | list | None = None,
                 **extra):
        super().__init__(message)
        if parameter:
            extra = {"parameter": parameter, **extra}
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


# The one table from a query failure's type to its HTTP answer: (status, retry later?, what to do next).
# Busy or dead workers and an unreachable engine are 503 with Retry-After: the same request may work in a
# moment. A timeout is 503 WITHOUT Retry-After: the same query would run into the same limit, so clients
# that honour Retry-After must not send it again; the body and reason phrase say to narrow it. A store
# failure is the server's (500); a rejected query (400) and a graph-management conflict (409) the client's.
QUERY_STATUS: list[tuple[type, int, bool, str]] = [
    (QueryTimeout, 503, False, "running it again will not help: add LIMIT or narrow the pattern (bind more "
                               "variables, filter early, avoid cartesian products)"),
    (QueryBusy, 503, True, ""),
    (QueryCrashed, 503, True, ""),
    (QueryRejected, 400, False, ""),
    (GraphStateError, 409, False, ""),
    (NotAcceptable, 406, False, ""),
    (StoreUnavailable, 503, True, "retry in a moment; if it persists, check that the store's engine is running"),
    (StoreFailed, 500, False, ""),
]


def query_error(e: QueryError, what: str = "query", hint: str | None = None) -> ApiError:
    """The ApiError that answers ``e`` (raised while running a ``what``: query, update, ...); ``hint``
    replaces the table's advice when the caller knows better what to do next."""
    status, retry, advice = 500, False, ""
    for cls, code, again, text in QUERY_STATUS:
        if isinstance(e, cls):
            status, retry, advice = code, again, text
            break
    if isinstance(e, QueryTimeout):
        message, extra = f"{what} {e}", {"timeout_seconds": e.seconds}
    elif isinstance(e, StoreFailed) and not isinstance(e, StoreUnavailable):
        message, extra = f"the store failed on this {what}: {e}", {}
    else:
        message, extra = str(e), {}
    advice = hint if hint is not None else advice
    if advice:
        message = f"{message}; {advice}"
    return ApiError(status, message, headers={"Retry-After": "1"} if retry else None, **extra)


def reason_phrase(message: str, limit: int = 120) -> str:
    """The first clause of ``message`` as a safe HTTP reason phrase: printable ASCII, at most ``limit`` chars."""
    first = message.split("; ", 1)[0].split(". ", 1)[0]
    text = "".join(c if " " <= c <= "~" else "?" for c in first).strip()
    return (text[: limit - 3] + "...") if len(text) > limit else text


def error_response(status: int, message: str, headers: dict | list | None = None, **extra):
    body = {"error": message, "status": status}
    body.update(extra)
    resp = jsonify(body)
    reason = reason_phrase(message)
    resp.status = f"{status} {reason}" if reason else status
    for k, v in (headers.items() if isinstance(headers, dict) else headers or ()):
        resp.headers.add(k, v)          # add: a header may repeat (two WWW-Authenticate challenges)
    return resp


def register(app: Flask, max_body: int) -> None:
    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return error_response(e.status, e.message, e.headers, **e.extra)

    @app.errorhandler(QueryError)
    def _query_error(e: QueryError):
        a = query_error(e)
        return error_response(a.status, a.message, a.headers, **a.extra)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        status = e.code or 500
        if status == 413:
            msg = (f"the request body is larger than the {max_body:,} byte limit (KG_MAX_BODY); "
                   "split the data into several requests")
        elif status == 405:
            msg = f"{request.method} is not allowed on {request.path}; allowed: {', '.join(e.valid_methods or [])}"
        elif status == 404:
            msg = f"no resource at {request.path}; GET /sparql describes the service, /health and /metrics report on it"
        else:
            msg = e.description or HINTS.get(status, "error")
        headers = {}
        if status == 405 and e.valid_methods:
            headers["Allow"] = ", ".join(e.valid_methods)
        return error_response(status, msg, headers)

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, f"internal error ({type(e).__name__}); the server log has the details. "
                                   "Retry, and report it if it persists.")
