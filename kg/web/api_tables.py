"""``/api/events?format=csv|parquet``: a page of /api/events as the research table of :mod:`kg.tables`.

The same filters, order and keyset pagination as the JSON listing (the page's events are chosen by
kg/web/api.py), with the columns of ``kg export --table events``, so a researcher gets one table
whether it comes from the command line or over HTTP. The next page is in the ``Link`` header
(``rel="next"``) and ``X-Next-Cursor``, as for the JSON listing.
"""
from __future__ import annotations

import io

from flask import Response

from ..tables import COLUMN_NAMES, MEDIA_TYPES, TableError, event_rows, write_table
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


# --- /api/export: every row of a view ------------------------------------------------------------

EXPORT_FORMATS = ("csv", "jsonl", "json", "parquet")
EXPORT_TYPES = {**MEDIA_TYPES, "json": "application/json"}


def _csv_chunk(rows: list[dict], header: bool) -> bytes:
    buf = io.BytesIO()
    write_table(rows, buf, "csv")
    data = buf.getvalue()
    return data if header else data.split(b"\r\n", 1)[1]


def export_response(select, chunks, fmt: str, stream) -> Response:
    """The rows of the event IRIs ``chunks`` yields (lists, in the view's order) as one ``fmt`` file.

    csv, jsonl and json are streamed, a chunk at a time, so memory stays flat however large the view;
    ``stream`` is flask.stream_with_context (the chunks read the store through the request's app).
    Parquet is written whole, one row group per chunk, then sent."""
    if fmt == "parquet":
        try:
            from ..tables import _pyarrow, arrow_schema
            pa, pq = _pyarrow()
        except TableError as e:   # pyarrow is not installed where the service runs
            raise ApiError(501, str(e), "format") from e
        buf = io.BytesIO()
        with pq.ParquetWriter(buf, arrow_schema()) as writer:
            for iris in chunks:
                rows = event_rows(select, iris)
                writer.write_table(pa.Table.from_pylist([{c: r[c] for c in COLUMN_NAMES} for r in rows],
                                                        schema=arrow_schema()))
        resp = Response(buf.getvalue(), mimetype=MEDIA_TYPES["parquet"])
    else:
        def body():
            first = True
            if fmt == "json":
                yield b"["
            for iris in chunks:
                rows = event_rows(select, iris) if iris else []
                if fmt == "csv":
                    if rows or first:
                        yield _csv_chunk(rows, first)
                elif rows:
                    buf = io.BytesIO()
                    write_table(rows, buf, "jsonl")
                    lines = buf.getvalue().rstrip(b"\n")
                    if fmt == "json":
                        yield (b"" if first else b",") + b"\n" + lines.replace(b"\n", b",\n")
                    else:
                        yield lines + b"\n"
                if rows:
                    first = False
            if fmt == "json":
                yield b"\n]\n"
        resp = Response(stream(body()), mimetype=EXPORT_TYPES[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="dipkg-events.{fmt}"'
    return resp
