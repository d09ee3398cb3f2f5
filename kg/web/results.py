"""SPARQL results serialisers that stop at a row cap.

The fast path, :func:`serialize_solutions_native`, lets pyoxigraph write the answer (2-3x
faster than formatting each term in Python: 60 vs 170 ms for 900 rows) into a sink that
refuses more than a byte budget, then counts the rows of the finished body: exactly for XML
and TSV (one ``<result>`` / one line per row), as an upper bound for JSON (``{`` characters)
and CSV (line ends). When the body may hold more rows than the cap, or the budget is
exceeded, it answers None and the caller re-runs the query through
:func:`serialize_solutions`, which iterates the solutions itself and stops at the cap
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV). Graph results are capped by triples and
serialised by pyoxigraph.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import escape as _xml_escape

import pyoxigraph as ox

from ..store.base import OX_RDF_FORMATS, OX_RESULT_FORMATS

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    return {"type": "literal", "value": str(t)}


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{_xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        v = _xml_escape(t.value)
        if t.language:
            return f'<literal xml:lang="{_xml_escape(t.language, {chr(34): "&quot;"})}">{v}</literal>'
        if t.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml_escape(t.datatype.value, {chr(34): "&quot;"})}">{v}</literal>'
        return f"<literal>{v}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
                f"</predicate><object>{_xml_term(t.object)}</object></triple>")
    return f"<literal>{_xml_escape(str(t))}</literal>"


def _csv_cell(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        v = f"_:{t.value}"
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        v = t.value
    else:
        v = str(t)
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _tsv_cell(t) -> str:
    if t is None:
        return ""
    return str(t).replace("\t", "\\t")


def serialize_solutions(solutions: ox.QuerySolutions, fmt: str, cap: int) -> tuple[bytes, int, bool]:
    """Serialise at most ``cap`` solutions. Returns (body, rows, truncated)."""
    names = [v.value for v in solutions.variables]
    rows = 0
    truncated = False
    if fmt == "json":
        parts = ['{"head":{"vars":', json.dumps(names), '},"results":{"bindings":[']
        first = True
        for sol in solutions:
            if rows >= cap:
                truncated = True
                break
            b = {}
            for n in names:
                t = sol[n]
                if t is not None:
                    b[n] = _json_term(t)
            parts.append(("" if first else ",") + json.dumps(b, ensure_ascii=False))
            first = False
            rows += 1
        parts.append("]}}")
    elif fmt == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f'<variable name="{n}"/>' for n in names]
        parts.append("</head><results>")
        for sol in solutions:
            if rows >= cap:
                truncated = True
                break
            parts.append("<result>")
            for n in names:
                t = sol[n]
                if t is not None:
                    parts.append(f'<binding name="{n}">{_xml_term(t)}</binding>')
            parts.append("</result>")
            rows += 1
        parts.append("</results></sparql>\n")
    elif fmt in ("csv", "tsv"):
        cell = _csv_cell if fmt == "csv" else _tsv_cell
        sep, eol = (",", "\r\n") if fmt == "csv" else ("\t", "\n")
        parts = [sep.join(names if fmt == "csv" else ["?" + n for n in names]) + eol]
        for sol in solutions:
            if rows >= cap:
                truncated = True
                break
            parts.append(sep.join(cell(sol[n]) for n in names) + eol)
            rows += 1
    else:
        raise ValueError(f"unknown results format {fmt!r}")
    return "".join(parts).encode("utf-8"), rows, truncated


_OX_RESULTS = OX_RESULT_FORMATS


class _Overflow(Exception):
    pass


class _BudgetSink:
    """A binary file-like object for pyoxigraph that stops the serialiser past ``limit`` bytes."""
    __slots__ = ("parts", "size", "limit")

    def __init__(self, limit: int):
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, b) -> int:
        n = len(b)
        self.size += n
        if self.size > self.limit:
            raise _Overflow()
        self.parts.append(b)
        return n

    def flush(self) -> None:
        pass


def _row_bound(body: bytes, fmt: str) -> tuple[int, bool]:
    """(rows, exact) of a body written by pyoxigraph; when not exact, rows is an upper bound."""
    if fmt == "xml":
        return body.count(b"<result>"), True      # '<' in values is written &lt;
    if fmt == "tsv":
        return body.count(b"\n") - 1, True        # newlines in values are escaped (\n)
    if fmt == "csv":
        return body.count(b"\n") - 1, False       # a quoted value may hold a newline
    # json: {"head":{...},"results":{"bindings":[{...},...]}}: one '{' per row, one per term,
    # three around them, and any in string values
    return body.count(b"{") - 3, False


def serialize_solutions_native(solutions: ox.QuerySolutions, fmt: str, cap: int,
                               max_bytes: int) -> tuple[bytes, int, bool] | None:
    """pyoxigraph's own serialiser when the answer surely fits ``cap`` rows and ``max_bytes``.

    Returns (body, rows, truncated=False), where rows may be an upper bound, or None when the
    answer may be longer than the cap: the solutions are then consumed (re-run the query and
    use :func:`serialize_solutions`).
    """
    sink = _BudgetSink(max_bytes)
    try:
        solutions.serialize(sink, format=_OX_RESULTS[fmt])
    except _Overflow:
        return None
    body = b"".join(sink.parts)
    rows, exact = _row_bound(body, fmt)
    if rows > cap and not exact and fmt == "json":
        # a big answer (or '{' in its values): count the rows for real
        import json
        rows, exact = len(json.loads(body)["results"]["bindings"]), True
    if rows > cap:
        return None
    return body, rows, False


def serialize_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    if fmt in ("csv", "tsv"):
        return b"_askResult\r\n" + (b"true" if value else b"false") + b"\r\n" if fmt == "csv" else \
            b"?_askResult\n" + (b"true" if value else b"false") + b"\n"
    return b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}"


_OX_RDF = OX_RDF_FORMATS  # kept under this name: graph_store and sparql import it


def serialize_triples(triples, fmt: str, cap: int, prefixes: dict[str, str] | None = None) -> tuple[bytes, int, bool]:
    out = []
    truncated = False
    for t in triples:
        if len(out) >= cap:
            truncated = True
            break
        out.append(t)
    pfx = prefixes if fmt in ("turtle", "rdfxml", "trig") else None
    body = ox.serialize(out, format=_OX_RDF[fmt], prefixes=pfx) if out or fmt != "jsonld" else b"[]"
    if fmt == "jsonld" and not out:
        body = b"[]"
    return body or b"", len(out), truncated


def mark_truncated(body: bytes, kind: str, fmt: str, link: str, cap: int) -> bytes:
    """Say in the body itself that the answer stops at ``cap`` rows, where the format has a place for it.

    Clients (rdflib, Comunica, Jena, YASGUI) never show X-Result-Truncated, and a saved file loses its
    headers: SPARQL JSON gets ``head.link`` and SPARQL XML a ``<link href=...>`` (both the formats' own
    pointers to metadata about the results, which parsers accept and ignore), Turtle and N-Triples a
    comment line. CSV, TSV, JSON-LD and RDF/XML have no such place: the headers alone say it there.
    """
    if kind == "select" and fmt == "json":
        start = body.find(b'"vars":')
        end = body.find(b"]", start) if start >= 0 else -1    # variable names hold no ']'
        if end >= 0:
            return body[:end + 1] + b',"link":' + json.dumps([link]).encode() + body[end + 1:]
    elif kind == "select" and fmt == "xml":
        tag = f'<link href="{_xml_escape(link, {chr(34): "&quot;"})}"/>'.encode()
        if b"<head/>" in body:
            return body.replace(b"<head/>", b"<head>" + tag + b"</head>", 1)
        return body.replace(b"</head>", tag + b"</head>", 1)
    elif kind == "graph" and fmt in ("turtle", "ntriples"):
        note = (f"# This answer is truncated at {cap:,} triples (the server's KG_MAX_ROWS). Add LIMIT/OFFSET to "
                f"page through it. See {link}\n")
        return note.encode() + body
    return body
