"""The ingest API: POST /articles (validated, atomic) and DELETE /articles/<id>.

JSON carrying curated ``events`` (the ``kg import`` format; one article or a list) is stored
as given. Plain text, HTML and JSON without events are read and extracted exactly as
``kg ingest`` does (kg.extract.inputs, kg.batch.extract_and_prepare). Every article is
validated against the SHACL shapes: a list is stored whole (one transaction) or not at all.
Extraction and validation run in a killable worker process bounded by ``ingest_timeout``
(KG_INGEST_TIMEOUT, 30 s): a request that overruns gets a 503 and stores nothing.

Each article's text is stored with it (``schema:text``) unless the service runs with ``store_text``
off (KG_STORE_TEXT=false, ``kg serve --no-text``), which keeps the evidence sentences only.

Extracted events are the extractor's guesses: those scored below the service's
``min_confidence`` are left out, and one that fails SHACL is dropped with a warning (the
``warnings`` of the 201 answer) instead of rejecting its article. Curated events are claims,
so a curated article that fails is rejected whole (422).
"""
from __future__ import annotations

import json
import os
import tempfile

from flask import Blueprint, Response, jsonify, request

from .. import Article, RecordError, read_inputs
from ..rdf import article_iri
from ..records import ISO_DATE, article_from_json, event_to_json
from .app import service
from .errors import ApiError

bp = Blueprint("articles", __name__)

TEXT_TYPES = {"text/plain": ".txt", "text/html": ".html", "application/xhtml+xml": ".html"}


def _params() -> dict:
    p = {k: (request.args.get(k) or "").strip() or None for k in ("published", "title", "url", "id")}
    if p["published"] and not ISO_DATE.match(p["published"]):
        raise ApiError(400, f"published={p['published']!r} is not a date; write it as YYYY-MM-DD")
    return p


def _articles_from_text(body: str, suffix: str) -> list[tuple[Article, bool]]:
    """A posted text or HTML page -> one article to extract, read exactly as `kg ingest` reads files."""
    p = _params()
    with tempfile.TemporaryDirectory(prefix="kg-post-") as d:
        path = os.path.join(d, "article" + suffix)
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
        items = list(read_inputs([path], published=p["published"], title=p["title"], url=p["url"], id=p["id"]))
    bad = [x for x in items if isinstance(x, RecordError)]
    if bad:
        raise ApiError(400, f"the article could not be read: {bad[0].message}")
    return [(x[0] if isinstance(x, tuple) else x, True) for x in items]


def _articles_from_json(body: bytes) -> tuple[list[tuple[Article, bool]], bool]:
    try:
        obj = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise ApiError(400, f"the body is not UTF-8 (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise ApiError(400, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except RecursionError:
        raise ApiError(400, "the JSON is nested too deeply; an article is a flat JSON object") from None
    objs = obj if isinstance(obj, list) else [obj]
    if not objs:
        raise ApiError(400, "the list of articles is empty")
    out = []
    need_extraction = []
    for i, o in enumerate(objs):
        where = f"articles[{i}]" if isinstance(obj, list) else "article"
        curated = isinstance(o, dict) and "events" in o
        try:
            a = article_from_json(o, where=where, with_events=curated)
        except RecordError as e:
            raise ApiError(400, str(e), field=e.field, where=e.where) from None
        out.append((a, not curated))
        if not curated:
            need_extraction.append(a)
    for a in need_extraction:
        if not a.text.strip():
            raise ApiError(400, f"article {a.id!r} has neither 'events' nor 'text'; give one of them")
    return out, isinstance(obj, list)


@bp.route("/articles", methods=["POST"])
def post_articles():
    svc = service()
    svc.require_writer()
    ctype = request.mimetype
    if ctype == "application/json":
        items, is_list = _articles_from_json(request.get_data(cache=False))
    elif ctype in TEXT_TYPES:
        try:
            body = request.get_data(cache=False).decode(request.mimetype_params.get("charset") or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise ApiError(400, "the body is not valid text in its charset; send UTF-8") from None
        items, is_list = _articles_from_text(body, TEXT_TYPES[ctype]), False
    else:
        raise ApiError(415, f"POST /articles takes application/json (articles with curated 'events', or "
                            f"with 'text' to extract), text/plain or text/html; got {ctype or 'none'!r}")
    ids = [a.id for a, _ in items]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ApiError(400, f"article id(s) {', '.join(sorted(dup))} appear more than once in the request")

    prepared, rejected = [], []
    # extraction and validation in a killable worker, under KG_INGEST_TIMEOUT; the write below only
    # follows a complete result, so an overrun leaves the store untouched
    results = svc.prepare(items, svc.settings.min_confidence, svc.settings.store_text)
    for (a, _), (graphs, outcome) in zip(items, results):
        if graphs is None:
            report = outcome.report
            rejected.append({"id": a.id, "iri": outcome.iri,
                             "problems": [p.to_json() for p in getattr(report, "problems", [])],
                             "report": outcome.error, "warnings": [d.to_json() for d in outcome.dropped]})
        else:
            prepared.append((a, graphs, outcome))
    if rejected:
        n = len(rejected)
        raise ApiError(422, f"{n} of {len(items)} article(s) do not conform to the SHACL shapes, so nothing was "
                            "stored; fix the problems listed and post again", articles=rejected)
    svc.store.replace_articles([(str(g.iri), g.graph, g.actors) for _, g, _ in prepared])
    out = [{"id": a.id, "iri": str(g.iri),
            "events": [{"iri": str(e), **event_to_json(ev)} for e, ev in g.events],
            "below_min_confidence": o.below_confidence,
            "warnings": [d.to_json() for d in o.dropped]} for a, g, o in prepared]
    body = {"articles": out, "warnings": [w for art in out for w in art["warnings"]]} if is_list else out[0]
    resp = jsonify(body)
    resp.status_code = 201
    if not is_list:
        resp.headers["Location"] = out[0]["iri"]
    return resp


@bp.route("/articles/<path:article_id>", methods=["DELETE"])
def delete_article(article_id: str):
    svc = service()
    svc.require_writer()
    if not svc.store.delete_article(str(article_iri(article_id))):
        raise ApiError(404, f"no article with id {article_id!r}")
    return Response(status=204)
