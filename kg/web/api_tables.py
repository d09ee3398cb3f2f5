"""``/api/events?format=csv|parquet``: a page of /api/events as the research table of :mod:`kg.tables`.

The same filters, order and keyset pagination as the JSON listing (the page's events are chosen by
kg/web/api.py), with the columns of ``kg export --table events``, so a researcher gets one table
whether it comes from the command line or over HTTP. The next page is in the ``Link`` header
(``rel="next"``) and ``X-Next-Cursor``, as for the JSON listing.
"""
from __future__ import annotations

import io

from flask import Response

from ..tables import MEDIA_TYPES, TableError, event_rows, write_table
from .errors import ApiError

FORMATS = ("csv", "parquet")


def table_response(select, events: list[dict], next_cursor: str | None, next_url: str | None, fmt: str) -> Response:
    """The rows of the page's ``events`` (dicts with an ``iri``, as api_queries assembles them) in ``fmt``."""
    rows = event_rows(select, [ev["iri"] for ev in events])
    buf = io.BytesIO()
    try:
        write_table(rows, buf, fmt)
    except TableError as e:   # pyarrow is not installed where the service runs
        raise ApiError(501, str(e), "format") from e
    resp = Response(buf.getvalue(), mimetype=MEDIA_TYPES[fmt])
    resp.headers["Content-Disposition"] = f'inline; filename="events.{fmt}"'
    if next_cursor:
        resp.headers["Link"] = f'<{next_url}>; rel="next"'
        resp.headers["X-Next-Cursor"] = next_cursor
    return resp
